/* lambda_config.c - `textclf lambda` flags, environment and defaults (see tc_lambda_config.h). */
#include "tc_lambda_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { O_MODEL_DIR, O_PAYLOAD, O_RECORDS, O_ACCEPT, O_LOGLEVEL, N_OPTS };

typedef struct opt_row {
    const char *flag;
    const char *metavar;
    const char *env;
    const char *help;
} opt_row;

static const opt_row k_opts[N_OPTS] = {
    [O_MODEL_DIR] = {"--model-dir", "DIR", "TEXTCLF_MODEL_DIR",
                     "model directory (default /opt/ml/model)"},
    [O_PAYLOAD] = {"--max-payload-mb", "N", "SAGEMAKER_MAX_PAYLOAD_IN_MB",
                   "request body limit in MiB, 1..1024; larger -> 413 (default 6)"},
    [O_RECORDS] = {"--max-records", "N", "TEXTCLF_MAX_RECORDS",
                   "records per request, 1..100000000; more -> 413 (default 200000)"},
    [O_ACCEPT] = {"--default-accept", "TYPE", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT",
                  "response type of an HTTP event without Accept or with */*\n"
                  "                          (default application/json)"},
    [O_LOGLEVEL] = {"--log-level", "L", "TEXTCLF_LOG_LEVEL",
                    "error|warn|info|debug; info logs one line per event (default info)"},
};

void tc_lambda_config_usage(FILE *f)
{
    fputs("usage: textclf lambda [options]\n"
          "An AWS Lambda custom runtime: loads and verifies the model, then answers events\n"
          "from the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API (set by Lambda and by the\n"
          "Runtime Interface Emulator) until the process is stopped. Events: API Gateway\n"
          "HTTP API (payload 2.0) and Function URL, API Gateway REST (payload 1.0), and\n"
          "direct invocations whose event is an /invocations JSON body.\n"
          "Options override environment variables, which override defaults.\n\n",
          f);
    for (size_t i = 0; i < N_OPTS; i++) {
        char flag[40];
        snprintf(flag, sizeof flag, "%s %s", k_opts[i].flag, k_opts[i].metavar);
        fprintf(f, "  %-21s %s\n", flag, k_opts[i].help);
        fprintf(f, "  %-21s   env %s\n", "", k_opts[i].env);
    }
    fputs("  -h, --help            this text\n\n"
          "A model that does not load is reported to /runtime/init/error (errorType\n"
          "Runtime.ModelLoadError) and the process exits 1.\n",
          f);
}

static tc_status parse_uint(const char *src, const char *v, unsigned long lo, unsigned long hi,
                            unsigned long *out, char *err)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || x < lo || x > hi)
        return tc_fail(err, TC_EINPUT, "%s: \"%s\" is not an integer in %lu..%lu", src, v, lo,
                       hi);
    *out = x;
    return TC_OK;
}

tc_status tc_lambda_config_parse(int argc, char **argv, tc_lambda_config *cfg, char *err)
{
    const char *val[N_OPTS] = {0};
    const char *src[N_OPTS] = {0};
    memset(cfg, 0, sizeof *cfg);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cfg->help = true;
            return TC_OK;
        }
        size_t k = 0;
        const char *v = NULL;
        for (; k < N_OPTS; k++) {
            size_t fl = strlen(k_opts[k].flag);
            if (strncmp(a, k_opts[k].flag, fl) == 0 && (a[fl] == '\0' || a[fl] == '=')) {
                v = a[fl] == '=' ? a + fl + 1 : NULL;
                break;
            }
        }
        if (k == N_OPTS)
            return tc_fail(err, TC_EINPUT, "unknown option \"%s\" (see textclf lambda --help)",
                           a);
        if (v == NULL) {
            if (i + 1 >= argc)
                return tc_fail(err, TC_EINPUT, "%s needs a value", k_opts[k].flag);
            v = argv[++i];
        }
        val[k] = v;
        src[k] = k_opts[k].flag;
    }
    for (size_t k = 0; k < N_OPTS; k++) {
        const char *e;
        if (val[k] == NULL && (e = getenv(k_opts[k].env)) != NULL && e[0] != '\0') {
            val[k] = e;
            src[k] = k_opts[k].env;
        }
    }

    cfg->model_dir = val[O_MODEL_DIR] != NULL ? val[O_MODEL_DIR] : "/opt/ml/model";
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    cfg->runtime_api = api != NULL && api[0] != '\0' ? api : NULL;

    unsigned long mb = 6, records = 200000;
    if (val[O_PAYLOAD] != NULL && parse_uint(src[O_PAYLOAD], val[O_PAYLOAD], 1, 1024, &mb,
                                             err) != TC_OK)
        return TC_EINPUT;
    if (val[O_RECORDS] != NULL && parse_uint(src[O_RECORDS], val[O_RECORDS], 1, 100000000,
                                             &records, err) != TC_OK)
        return TC_EINPUT;
    cfg->max_payload_mb = (unsigned)mb;
    cfg->max_payload_bytes = (size_t)mb * 1024u * 1024u;
    cfg->max_records = (size_t)records;

    cfg->default_accept = TC_FMT_JSON;
    if (val[O_ACCEPT] != NULL) {
        char aerr[TC_ERR_LEN];
        if (tc_codec_response_format(val[O_ACCEPT], TC_FMT_JSON, &cfg->default_accept, aerr) !=
            TC_OK)
            return tc_fail(err, TC_EINPUT,
                           "%s: \"%s\" is not application/json, application/jsonlines or "
                           "text/csv",
                           src[O_ACCEPT], val[O_ACCEPT]);
    }

    static const char *const levels[] = {"error", "warn", "info", "debug"};
    cfg->log_level = TC_LOG_INFO;
    if (val[O_LOGLEVEL] != NULL) {
        size_t k = 0;
        while (k < 4 && strcmp(val[O_LOGLEVEL], levels[k]) != 0)
            k++;
        if (k == 4)
            return tc_fail(err, TC_EINPUT, "%s: \"%s\" is not error, warn, info or debug",
                           src[O_LOGLEVEL], val[O_LOGLEVEL]);
        cfg->log_level = (tc_log_level)k;
    }
    return TC_OK;
}
