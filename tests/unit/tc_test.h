/*
 * tc_test.h - minimal unit-test harness. A test file defines test functions and a
 * table; each function reports through TC_CHECK. Output per test function:
 *   "PASS <file>/<test>", "FAIL <file>/<test>: <first failed check>", or
 *   "SKIP <file>/<test>: <why>" (TC_SKIP)
 * which tests/run.sh counts. Exit status is 1 if any test failed.
 *
 *   static void test_empty(void) { TC_CHECK(f("") == 0, "f(\"\") = %d", f("")); }
 *   TC_TESTS(TC_TEST(test_empty), TC_TEST(test_other))
 */
#ifndef TC_TEST_H
#define TC_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tc_test_failed_checks;
static char tc_test_first_failure[1024];
static char tc_test_skip_reason[256];

/* Marks the running test skipped (it can't run on this machine): the harness prints
 * "SKIP <file>/<test>: <why>" instead of PASS. A test that also failed a check is a FAIL. */
#define TC_SKIP(...) snprintf(tc_test_skip_reason, sizeof tc_test_skip_reason, __VA_ARGS__)

#define TC_CHECK(cond, ...)                                                        \
    do {                                                                           \
        if (!(cond)) {                                                             \
            if (tc_test_failed_checks++ == 0) {                                    \
                int tc_n_ = snprintf(tc_test_first_failure,                        \
                                     sizeof tc_test_first_failure, "%s:%d: ",      \
                                     __FILE__, __LINE__);                          \
                if (tc_n_ > 0 && (size_t)tc_n_ < sizeof tc_test_first_failure)     \
                    snprintf(tc_test_first_failure + tc_n_,                        \
                             sizeof tc_test_first_failure - (size_t)tc_n_,         \
                             __VA_ARGS__);                                         \
            }                                                                      \
        }                                                                          \
    } while (0)

#define TC_CHECK_NEAR(a, b, tol)                                                   \
    TC_CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s = %.17g, expected %.17g (tol %g)", \
             #a, (double)(a), (double)(b), (double)(tol))

typedef struct tc_test_case {
    const char *name;
    void (*fn)(void);
} tc_test_case;

#define TC_TEST(f) {#f, f}

static int tc_test_run(const char *file, const tc_test_case *cases, size_t n)
{
    int failed = 0;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    for (size_t i = 0; i < n; i++) {
        tc_test_failed_checks = 0;
        tc_test_first_failure[0] = '\0';
        tc_test_skip_reason[0] = '\0';
        cases[i].fn();
        if (tc_test_failed_checks == 0 && tc_test_skip_reason[0] != '\0') {
            printf("SKIP %s/%s: %s\n", base, cases[i].name, tc_test_skip_reason);
        } else if (tc_test_failed_checks == 0) {
            printf("PASS %s/%s\n", base, cases[i].name);
        } else {
            printf("FAIL %s/%s: %s (%d failed checks)\n", base, cases[i].name,
                   tc_test_first_failure, tc_test_failed_checks);
            failed++;
        }
        fflush(stdout);
    }
    return failed ? 1 : 0;
}

#define TC_TESTS(...)                                                              \
    int main(void)                                                                 \
    {                                                                              \
        static const tc_test_case tc_cases_[] = {__VA_ARGS__};                     \
        return tc_test_run(__FILE__, tc_cases_, sizeof tc_cases_ / sizeof *tc_cases_); \
    }

#endif
