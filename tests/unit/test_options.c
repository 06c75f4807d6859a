/* test_options.c - option tables: flag, then environment, then unset; sources named in
 * errors; bounded integers; the usage lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_options.h"
#include "tc_test.h"

static const tc_option opts[] = {
    {"--model-dir", "DIR", "TC_TEST_MODEL_DIR", "model directory"},
    {"--port", "N", NULL, "port"},
    {"--max-records", "N", "TC_TEST_MAX_RECORDS", "records"},
};
enum { N = sizeof opts / sizeof opts[0] };

/* args: NULL-terminated; argv[0] is added. */
static tc_status resolve(const char *const *args, const char **val, const char **src, bool *help,
                         char *err)
{
    char *argv[16] = {(char *)(uintptr_t) "x"};
    int argc = 1;
    for (; args[argc - 1] != NULL && argc < 15; argc++)
        argv[argc] = (char *)(uintptr_t)args[argc - 1];
    return tc_options_resolve("test", opts, N, argc, argv, val, src, help, err);
}

static void test_flag_beats_environment(void)
{
    setenv("TC_TEST_MODEL_DIR", "/env/model", 1);
    setenv("TC_TEST_MAX_RECORDS", "7", 1);
    const char *const argv[] = {"--model-dir", "/flag/model", "--port=81", NULL};
    const char *val[N], *src[N];
    bool help = true;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(resolve(argv, val, src, &help, err) == TC_OK, "%s", err);
    TC_CHECK(!help, "help set");
    TC_CHECK(strcmp(val[0], "/flag/model") == 0 && strcmp(src[0], "--model-dir") == 0,
             "model-dir %s from %s", val[0], src[0]);
    TC_CHECK(strcmp(val[1], "81") == 0 && strcmp(src[1], "--port") == 0, "port %s", val[1]);
    TC_CHECK(val[2] != NULL && strcmp(val[2], "7") == 0 &&
                 strcmp(src[2], "TC_TEST_MAX_RECORDS") == 0,
             "records from the environment");
    setenv("TC_TEST_MAX_RECORDS", "", 1);
    const char *const argv2[] = {NULL};
    TC_CHECK(resolve(argv2, val, src, &help, err) == TC_OK, "%s", err);
    TC_CHECK(val[2] == NULL && src[2] == NULL, "an empty variable counts as unset");
    TC_CHECK(val[1] == NULL, "a flag-only option without its flag is unset");
    unsetenv("TC_TEST_MODEL_DIR");
    unsetenv("TC_TEST_MAX_RECORDS");
}

static void test_errors_and_help(void)
{
    const char *val[N], *src[N];
    bool help = false;
    char err[TC_ERR_LEN] = "";
    const char *const unknown[] = {"--bogus", NULL};
    TC_CHECK(resolve(unknown, val, src, &help, err) == TC_EINPUT &&
                 strcmp(err, "unknown option \"--bogus\" (see textclf test --help)") == 0,
             "unknown: %s", err);
    const char *const prefix[] = {"--portable", NULL};
    TC_CHECK(resolve(prefix, val, src, &help, err) == TC_EINPUT, "a flag's prefix matched");
    const char *const missing[] = {"--port", NULL};
    TC_CHECK(resolve(missing, val, src, &help, err) == TC_EINPUT &&
                 strcmp(err, "--port needs a value") == 0,
             "missing value: %s", err);
    const char *const h[] = {"--port", "1", "-h", "--bogus", NULL};
    TC_CHECK(resolve(h, val, src, &help, err) == TC_OK && help, "-h stops parsing");
}

static void test_uint_bounds(void)
{
    unsigned long x = 99;
    char err[TC_ERR_LEN] = "";
    TC_CHECK(tc_options_uint("--n", "0", 0, 10, &x, err) == TC_OK && x == 0, "0 in 0..10");
    TC_CHECK(tc_options_uint("--n", "10", 0, 10, &x, err) == TC_OK && x == 10, "10 in 0..10");
    static const char *const bad[] = {"11", "-1", "+1", " 1", "1 ", "", "1e3", "0x10",
                                      "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        x = 5;
        TC_CHECK(tc_options_uint("ENV_N", bad[i], 0, 10, &x, err) == TC_EINPUT && x == 5,
                 "\"%s\" accepted", bad[i]);
    }
    tc_options_uint("ENV_N", "11", 1, 10, &x, err);
    TC_CHECK(strcmp(err, "ENV_N: \"11\" is not an integer in 1..10") == 0, "message: %s", err);
}

static void test_usage_lines(void)
{
    char buf[1024] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    TC_CHECK(f != NULL, "fmemopen");
    if (f == NULL)
        return;
    tc_options_usage(f, opts, 2);
    fclose(f);
    TC_CHECK(strcmp(buf, "  --model-dir DIR       model directory\n"
                         "                          env TC_TEST_MODEL_DIR\n"
                         "  --port N              port\n") == 0,
             "usage was:\n%.300s", buf);
}

TC_TESTS(TC_TEST(test_flag_beats_environment), TC_TEST(test_errors_and_help),
         TC_TEST(test_uint_bounds), TC_TEST(test_usage_lines))
