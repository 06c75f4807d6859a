/* test_serve_config.c - `textclf serve` configuration: defaults, flags over environment
 * over defaults, the SageMaker port rules, the batch timeout, the raw default Accept
 * with its source, and errors that name the value's source. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_serve_config.h"
#include "tc_test.h"

static const char *const k_env[] = {
    "SM_MODEL_DIR", "TEXTCLF_HOST", "SAGEMAKER_MODEL_SERVER_WORKERS",
    "SAGEMAKER_MAX_PAYLOAD_IN_MB", "TEXTCLF_MAX_RECORDS", "SAGEMAKER_MODEL_SERVER_TIMEOUT",
    "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "TEXTCLF_LOG_LEVEL", "TEXTCLF_UNIX_SOCKET",
    "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", "SAGEMAKER_BATCH_STRATEGY", "SAGEMAKER_BATCH",
    "SAGEMAKER_BIND_TO_PORT", "SAGEMAKER_SAFE_PORT_RANGE",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof k_env / sizeof *k_env; i++)
        unsetenv(k_env[i]);
}

/* Parses "serve" + the NULL-terminated flags in a clean environment plus env_kv
 * ("NAME", "value", ..., NULL). */
static tc_status parse(tc_serve_config *cfg, char *err, const char *const *flags,
                       const char *const *env_kv)
{
    clear_env();
    for (size_t i = 0; env_kv != NULL && env_kv[i] != NULL; i += 2)
        setenv(env_kv[i], env_kv[i + 1], 1);
    char *argv[32] = {(char *)(uintptr_t) "serve"};
    int argc = 1;
    for (size_t i = 0; flags != NULL && flags[i] != NULL && argc < 31; i++)
        argv[argc++] = (char *)(uintptr_t)flags[i];
    err[0] = '\0';
    tc_status st = tc_serve_config_parse(argc, argv, cfg, err);
    clear_env();
    return st;
}

static void test_defaults(void)
{
    tc_serve_config c;
    char err[TC_ERR_LEN];
    TC_CHECK(parse(&c, err, NULL, NULL) == TC_OK, "%s", err);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    TC_CHECK(strcmp(c.model_dir, "/opt/ml/model") == 0, "model_dir %s", c.model_dir);
    TC_CHECK(strcmp(c.host, "127.0.0.1") == 0 && c.unix_socket == NULL, "host %s", c.host);
    TC_CHECK(c.port == 8081, "port %u (nginx has 8080)", c.port);
    TC_CHECK(c.threads == (unsigned)ncpu, "threads %u, online CPUs %ld", c.threads, ncpu);
    TC_CHECK(c.max_payload_mb == 6 && c.max_payload_bytes == 6u << 20, "payload %u",
             c.max_payload_mb);
    TC_CHECK(c.max_records == 200000, "records %zu", c.max_records);
    TC_CHECK(c.timeout_s == 60, "timeout %u", c.timeout_s);
    TC_CHECK(c.default_accept == NULL, "default accept %s", c.default_accept);
    TC_CHECK(c.log_level == TC_LOG_INFO, "log level %d", (int)c.log_level);
    TC_CHECK(c.max_concurrent_transforms == c.threads, "MCT %u", c.max_concurrent_transforms);
    TC_CHECK(strcmp(c.batch_strategy, "MULTI_RECORD") == 0, "%s", c.batch_strategy);
    TC_CHECK(!c.help, "help set");
}

static void test_flags_over_environment(void)
{
    tc_serve_config c;
    char err[TC_ERR_LEN];
    const char *env[] = {"SAGEMAKER_MODEL_SERVER_WORKERS", "5", "TEXTCLF_MAX_RECORDS", "7",
                         "SAGEMAKER_MAX_PAYLOAD_IN_MB", "3", "TEXTCLF_LOG_LEVEL", "debug",
                         "SM_MODEL_DIR", "/env/model", NULL};
    TC_CHECK(parse(&c, err, NULL, env) == TC_OK, "%s", err);
    TC_CHECK(c.threads == 5 && c.max_records == 7 && c.max_payload_mb == 3 &&
                 c.log_level == TC_LOG_DEBUG && strcmp(c.model_dir, "/env/model") == 0 &&
                 c.max_concurrent_transforms == 5,
             "environment: threads %u records %zu mb %u", c.threads, c.max_records,
             c.max_payload_mb);
    const char *flags[] = {"--threads", "2", "--max-records=9", "--max-payload-mb", "1",
                           "--log-level=warn", "--model-dir", "/flag/model", NULL};
    TC_CHECK(parse(&c, err, flags, env) == TC_OK, "%s", err);
    TC_CHECK(c.threads == 2 && c.max_records == 9 && c.max_payload_mb == 1 &&
                 c.max_payload_bytes == 1u << 20 && c.log_level == TC_LOG_WARN &&
                 strcmp(c.model_dir, "/flag/model") == 0,
             "flags: threads %u records %zu mb %u", c.threads, c.max_records, c.max_payload_mb);
    const char *empty[] = {"TEXTCLF_MAX_RECORDS", "", NULL};
    TC_CHECK(parse(&c, err, NULL, empty) == TC_OK && c.max_records == 200000,
             "an empty variable counts as unset: %zu", c.max_records);
}

static void test_batch_timeout(void)
{
    tc_serve_config c;
    char err[TC_ERR_LEN];
    const char *batch[] = {"SAGEMAKER_BATCH", "true", NULL};
    TC_CHECK(parse(&c, err, NULL, batch) == TC_OK && c.timeout_s == 600,
             "SAGEMAKER_BATCH=true: timeout %u", c.timeout_s);
    const char *batch_no[] = {"SAGEMAKER_BATCH", "false", NULL};
    TC_CHECK(parse(&c, err, NULL, batch_no) == TC_OK && c.timeout_s == 60,
             "SAGEMAKER_BATCH=false: timeout %u", c.timeout_s);
    const char *both[] = {"SAGEMAKER_BATCH", "true", "SAGEMAKER_MODEL_SERVER_TIMEOUT", "30",
                          NULL};
    TC_CHECK(parse(&c, err, NULL, both) == TC_OK && c.timeout_s == 30,
             "explicit timeout wins over the batch default: %u", c.timeout_s);
    const char *flags[] = {"--timeout", "5", NULL};
    TC_CHECK(parse(&c, err, flags, both) == TC_OK && c.timeout_s == 5, "flag: %u",
             c.timeout_s);
}

static void test_default_accept_raw(void)
{
    tc_serve_config c;
    char err[TC_ERR_LEN];
    const char *env[] = {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "text/csv", NULL};
    TC_CHECK(parse(&c, err, NULL, env) == TC_OK && c.default_accept != NULL &&
                 strcmp(c.default_accept, "text/csv") == 0 &&
                 strcmp(c.default_accept_src, "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT") == 0,
             "from the environment: %s (%s)", c.default_accept, c.default_accept_src);
    /* Not negotiated here: the server resolves (and refuses) it at start-up. */
    const char *flags[] = {"--default-accept", "text/html", NULL};
    TC_CHECK(parse(&c, err, flags, env) == TC_OK && strcmp(c.default_accept, "text/html") == 0 &&
                 strcmp(c.default_accept_src, "--default-accept") == 0,
             "flag over environment, kept as given: %s (%s)", c.default_accept,
             c.default_accept_src);
}

static void test_ports(void)
{
    tc_serve_config c;
    char err[TC_ERR_LEN];
    const char *nginx8081[] = {"SAGEMAKER_BIND_TO_PORT", "8081", NULL};
    TC_CHECK(parse(&c, err, NULL, nginx8081) == TC_OK && c.port == 8082, "port %u", c.port);
    const char *range[] = {"SAGEMAKER_BIND_TO_PORT", "9000", "SAGEMAKER_SAFE_PORT_RANGE",
                           "9000-9005", NULL};
    TC_CHECK(parse(&c, err, NULL, range) == TC_OK && c.port == 9001,
             "range bottom is nginx's: port %u", c.port);
    const char *range2[] = {"SAGEMAKER_SAFE_PORT_RANGE", "9100-9105", NULL};
    TC_CHECK(parse(&c, err, NULL, range2) == TC_OK && c.port == 9100, "port %u", c.port);
    const char *full[] = {"SAGEMAKER_BIND_TO_PORT", "9000", "SAGEMAKER_SAFE_PORT_RANGE",
                          "9000-9000", NULL};
    TC_CHECK(parse(&c, err, NULL, full) == TC_EINPUT &&
                 strstr(err, "SAGEMAKER_SAFE_PORT_RANGE") != NULL,
             "no port left in the range: %s", err);
    const char *flag[] = {"--port", "0", NULL};
    TC_CHECK(parse(&c, err, flag, full) == TC_OK && c.port == 0,
             "--port wins over a full range: %s", err);
}

static void test_errors_name_their_source(void)
{
    static const struct {
        const char *flags[4];
        const char *env[3];
        const char *needle;
    } cases[] = {
        {{"--threads", "0", NULL}, {NULL}, "--threads"},
        {{"--max-payload-mb", "2000", NULL}, {NULL}, "--max-payload-mb"},
        {{NULL}, {"SAGEMAKER_MAX_PAYLOAD_IN_MB", "lots", NULL}, "SAGEMAKER_MAX_PAYLOAD_IN_MB"},
        {{NULL}, {"TEXTCLF_MAX_RECORDS", "-1", NULL}, "TEXTCLF_MAX_RECORDS"},
        {{NULL}, {"SAGEMAKER_MODEL_SERVER_TIMEOUT", "0", NULL}, "SAGEMAKER_MODEL_SERVER_TIMEOUT"},
        {{"--log-level", "loud", NULL}, {NULL}, "--log-level"},
        {{NULL}, {"TEXTCLF_LOG_LEVEL", "trace", NULL}, "TEXTCLF_LOG_LEVEL"},
        {{NULL}, {"SAGEMAKER_BATCH_STRATEGY", "SOMETIMES", NULL}, "SAGEMAKER_BATCH_STRATEGY"},
        {{NULL}, {"SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", "x", NULL},
         "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS"},
        {{NULL}, {"SAGEMAKER_BIND_TO_PORT", "70000", NULL}, "SAGEMAKER_BIND_TO_PORT"},
        {{NULL}, {"SAGEMAKER_SAFE_PORT_RANGE", "9-3", NULL}, "SAGEMAKER_SAFE_PORT_RANGE"},
        {{"--bogus", NULL}, {NULL}, "--bogus"},
        {{"--port", NULL}, {NULL}, "--port needs a value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_serve_config c;
        char err[TC_ERR_LEN];
        tc_status st = parse(&c, err, cases[i].flags, cases[i].env);
        TC_CHECK(st == TC_EINPUT && strstr(err, cases[i].needle) != NULL,
                 "case %zu: status %s, error \"%s\" should name %s", i, tc_status_name(st), err,
                 cases[i].needle);
    }
}

static void test_help_and_usage(void)
{
    tc_serve_config c;
    char err[TC_ERR_LEN];
    /* --help answers whatever else is on the line (values are checked after it). */
    const char *flags[] = {"--threads", "0", "-h", NULL};
    TC_CHECK(parse(&c, err, flags, NULL) == TC_OK && c.help, "-h last: %s", err);
    const char *help[] = {"--help", "--bogus", NULL};
    TC_CHECK(parse(&c, err, help, NULL) == TC_OK && c.help, "--help first: %s", err);
    char text[8192] = "";
    FILE *f = tmpfile();
    if (f != NULL) {
        tc_serve_config_usage(f);
        rewind(f);
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    static const char *const want[] = {
        "--model-dir", "SM_MODEL_DIR", "/opt/ml/model", "--max-records", "TEXTCLF_MAX_RECORDS",
        "--default-accept", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "--log-level",
        "TEXTCLF_LOG_LEVEL", "SAGEMAKER_BATCH=true", "600 s", "--unix-socket"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        TC_CHECK(strstr(text, want[i]) != NULL, "usage lacks %s", want[i]);
}

TC_TESTS(TC_TEST(test_defaults), TC_TEST(test_flags_over_environment),
         TC_TEST(test_batch_timeout), TC_TEST(test_default_accept_raw), TC_TEST(test_ports),
         TC_TEST(test_errors_name_their_source), TC_TEST(test_help_and_usage))
