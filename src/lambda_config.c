/* lambda_config.c - `textclf lambda` flags, environment and defaults (see tc_lambda_config.h). */
#include "tc_lambda_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tc_options.h"

enum { O_MODEL_DIR, O_PAYLOAD, O_RECORDS, O_ACCEPT, O_LOGLEVEL, N_OPTS };

static const tc_option k_opts[N_OPTS] = {
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
    tc_options_usage(f, k_opts, N_OPTS);
    fputs("  -h, --help            this text\n\n"
          "A model that does not load is reported to /runtime/init/error (errorType\n"
          "Runtime.ModelLoadError) and the process exits 1.\n",
          f);
}

tc_status tc_lambda_config_parse(int argc, char **argv, tc_lambda_config *cfg, char *err)
{
    const char *val[N_OPTS], *src[N_OPTS];
    memset(cfg, 0, sizeof *cfg);
    tc_status rst = tc_options_resolve("lambda", k_opts, N_OPTS, argc, argv, val, src,
                                       &cfg->help, err);
    if (rst != TC_OK || cfg->help)
        return rst;

    cfg->model_dir = val[O_MODEL_DIR] != NULL ? val[O_MODEL_DIR] : "/opt/ml/model";
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    cfg->runtime_api = api != NULL && api[0] != '\0' ? api : NULL;

    unsigned long mb = 6, records = 200000;
    if (val[O_PAYLOAD] != NULL &&
        tc_options_uint(src[O_PAYLOAD], val[O_PAYLOAD], 1, 1024, &mb, err) != TC_OK)
        return TC_EINPUT;
    if (val[O_RECORDS] != NULL &&
        tc_options_uint(src[O_RECORDS], val[O_RECORDS], 1, 100000000, &records, err) != TC_OK)
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

    cfg->log_level = TC_LOG_INFO;
    if (val[O_LOGLEVEL] != NULL && tc_log_level_parse(val[O_LOGLEVEL], &cfg->log_level) != 0)
        return tc_fail(err, TC_EINPUT, "%s: \"%s\" is not error, warn, info or debug",
                       src[O_LOGLEVEL], val[O_LOGLEVEL]);
    return TC_OK;
}
