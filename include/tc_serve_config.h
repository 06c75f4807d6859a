/*
 * tc_serve_config.h - configuration of `textclf serve`: command-line flags, then
 * environment variables, then defaults (one table row per option in serve_config.c).
 *
 *   flag               environment                              default
 *   --model-dir DIR    SM_MODEL_DIR                             /opt/ml/model
 *   --host H           TEXTCLF_HOST                             127.0.0.1
 *   --port N           (see below)                              (0 = any free port)
 *   --threads N        SAGEMAKER_MODEL_SERVER_WORKERS           online CPUs
 *   --max-payload-mb N SAGEMAKER_MAX_PAYLOAD_IN_MB              6 (MiB, 1..1024)
 *   --max-records N    TEXTCLF_MAX_RECORDS                      200000
 *   --timeout S        SAGEMAKER_MODEL_SERVER_TIMEOUT           60 (600 if SAGEMAKER_BATCH=true)
 *   --default-accept T SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT     application/json
 *   --log-level L      TEXTCLF_LOG_LEVEL                        info (error|warn|info|debug)
 *   --unix-socket PATH TEXTCLF_UNIX_SOCKET                      unset (TCP); set: replaces
 *                                                               --host/--port
 *   (env only)         SAGEMAKER_MAX_CONCURRENT_TRANSFORMS      = threads
 *   (env only)         SAGEMAKER_BATCH_STRATEGY                 MULTI_RECORD
 *
 * Ports: nginx listens on SAGEMAKER_BIND_TO_PORT (default 8080); the daemon, behind it,
 * defaults to the lowest port of SAGEMAKER_SAFE_PORT_RANGE ("LO-HI") that is not nginx's,
 * else 8081 (8082 when nginx has 8081). docker/serve computes the same port and passes
 * it with --port.
 *
 * Values are validated; a bad value names its source ("--max-payload-mb", "SAGEMAKER_MAX_PAYLOAD_IN_MB").
 * The default Accept is kept as given: the server resolves it with the codec's
 * negotiation at start-up and refuses what that cannot satisfy, naming
 * default_accept_src (this module knows no media types).
 */
#ifndef TC_SERVE_CONFIG_H
#define TC_SERVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tc_log.h"
#include "tc_status.h"

typedef struct tc_serve_config {
    const char *model_dir;      /* borrowed from argv or the environment */
    const char *host;
    const char *unix_socket;    /* NULL: TCP on host:port */
    unsigned port;
    unsigned threads;
    unsigned max_payload_mb;
    size_t max_payload_bytes;   /* max_payload_mb MiB */
    size_t max_records;
    unsigned timeout_s;
    const char *default_accept; /* NULL: not given (application/json) */
    const char *default_accept_src; /* "--default-accept" or its environment variable */
    unsigned max_concurrent_transforms;
    const char *batch_strategy; /* "MULTI_RECORD" or "SINGLE_RECORD" */
    tc_log_level log_level;
    bool help;                  /* --help / -h given: print usage, exit 0 */
} tc_serve_config;

/* Parses argv (argv[0] is "serve") and the environment into cfg. Unknown flags,
 * missing values and out-of-range values -> TC_EINPUT with a message. */
tc_status tc_serve_config_parse(int argc, char **argv, tc_serve_config *cfg, char *err);

/* The --help text with every default. */
void tc_serve_config_usage(FILE *f);

#endif
