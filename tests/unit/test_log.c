/* test_log.c - the diagnostic logger: line format, one line per call, the threshold
 * tested before the arguments are evaluated, level names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_log.h"
#include "tc_test.h"

/* Runs fn with stderr redirected into a pipe; returns what it wrote (NUL-terminated). */
static void capture_stderr(void (*fn)(void), char *out, size_t cap)
{
    int fds[2];
    out[0] = '\0';
    if (pipe(fds) != 0)
        return;
    int saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    ssize_t n = read(fds[0], out, cap - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fds[0]);
}

static int evaluated;
static int side_effect(void) { return ++evaluated; }

static void log_info_and_debug(void)
{
    tc_log_setup("textclf test", TC_LOG_INFO);
    TC_LOG(TC_LOG_INFO, "model \"%s\" has %d classes", "m", 3);
    TC_LOG(TC_LOG_DEBUG, "never formatted %d", side_effect());
    TC_LOG(TC_LOG_ERROR, "bad %s", "thing");
}

static void test_format_and_threshold(void)
{
    char got[4096];
    evaluated = 0;
    capture_stderr(log_info_and_debug, got, sizeof got);
    TC_CHECK(strcmp(got, "textclf test: info: model \"m\" has 3 classes\n"
                         "textclf test: error: bad thing\n") == 0,
             "stderr was \"%.200s\"", got);
    TC_CHECK(evaluated == 0, "a debug line's arguments were evaluated at info (%d)", evaluated);
}

static void log_debug_on(void)
{
    tc_log_setup("p", TC_LOG_DEBUG);
    TC_LOG(TC_LOG_DEBUG, "x=%d", side_effect());
}

static void test_debug_when_enabled(void)
{
    char got[256];
    evaluated = 0;
    capture_stderr(log_debug_on, got, sizeof got);
    TC_CHECK(strcmp(got, "p: debug: x=1\n") == 0, "stderr was \"%.200s\"", got);
    TC_CHECK(evaluated == 1, "arguments evaluated %d times", evaluated);
}

static void log_long_line(void)
{
    static char big[5000];
    memset(big, 'a', sizeof big - 1);
    tc_log_setup("p", TC_LOG_INFO);
    TC_LOG(TC_LOG_WARN, "%s", big);
}

static void test_long_line_is_truncated_with_its_newline(void)
{
    char got[8192];
    capture_stderr(log_long_line, got, sizeof got);
    size_t n = strlen(got);
    TC_CHECK(n > 100 && n < 2100, "length %zu", n);
    TC_CHECK(n > 0 && got[n - 1] == '\n' && strchr(got, '\n') == got + n - 1,
             "not exactly one line ending in a newline");
    TC_CHECK(strncmp(got, "p: warn: aaa", 12) == 0, "starts \"%.20s\"", got);
}

static void test_level_names_round_trip(void)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int k = 0; k < 4; k++) {
        tc_log_level l;
        TC_CHECK(tc_log_level_parse(names[k], &l) == 0 && (int)l == k, "%s", names[k]);
        TC_CHECK(strcmp(tc_log_level_name((tc_log_level)k), names[k]) == 0, "name of %d", k);
    }
    tc_log_level l = TC_LOG_INFO;
    TC_CHECK(tc_log_level_parse("verbose", &l) == -1 && l == TC_LOG_INFO, "verbose accepted");
    TC_CHECK(tc_log_level_parse("", &l) == -1, "empty accepted");
}

TC_TESTS(TC_TEST(test_format_and_threshold), TC_TEST(test_debug_when_enabled),
         TC_TEST(test_long_line_is_truncated_with_its_newline), TC_TEST(test_level_names_round_trip))
