/*
 * tc_lambda_config.h - configuration of `textclf lambda`: flags, then environment
 * variables, then defaults; the limits are the ones `textclf serve` takes, under the
 * same names.
 *
 *   flag               environment                              default
 *   --model-dir DIR    TEXTCLF_MODEL_DIR                        /opt/ml/model
 *   --max-payload-mb N SAGEMAKER_MAX_PAYLOAD_IN_MB              6 (MiB, 1..1024)
 *   --max-records N    TEXTCLF_MAX_RECORDS                      200000
 *   --default-accept T SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT     application/json
 *   --log-level L      TEXTCLF_LOG_LEVEL                        info (error|warn|info|debug)
 *   (env only)         AWS_LAMBDA_RUNTIME_API                   required: "host:port" of the
 *                                                               Lambda Runtime API
 *
 * A bad value names its source ("--max-records", "TEXTCLF_MAX_RECORDS").
 */
#ifndef TC_LAMBDA_CONFIG_H
#define TC_LAMBDA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tc_codec.h"
#include "tc_log.h"
#include "tc_status.h"

typedef struct tc_lambda_config {
    const char *model_dir;      /* borrowed from argv or the environment */
    const char *runtime_api;    /* AWS_LAMBDA_RUNTIME_API, NULL when unset or empty */
    unsigned max_payload_mb;
    size_t max_payload_bytes;   /* max_payload_mb MiB */
    size_t max_records;
    tc_format default_accept;
    tc_log_level log_level;
    bool help;                  /* --help / -h: print usage, exit 0 */
} tc_lambda_config;

/* Parses argv (argv[0] is "lambda") and the environment into cfg. Unknown flags,
 * missing and out-of-range values -> TC_EINPUT with a message. A missing
 * AWS_LAMBDA_RUNTIME_API is not an error here (runtime_api stays NULL). */
tc_status tc_lambda_config_parse(int argc, char **argv, tc_lambda_config *cfg, char *err);

/* The --help text with every default. */
void tc_lambda_config_usage(FILE *f);

#endif
