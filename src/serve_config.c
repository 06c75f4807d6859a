/* serve_config.c - `textclf serve` flags, environment and defaults (see tc_serve_config.h). */
#include "tc_serve_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_options.h"

/* Bounds of the integer options (hi 0: a string option). */
typedef struct uint_bounds {
    unsigned long lo, hi;
} uint_bounds;

enum {
    O_MODEL_DIR, O_HOST, O_PORT, O_THREADS, O_PAYLOAD, O_RECORDS, O_TIMEOUT, O_ACCEPT,
    O_LOGLEVEL, O_UNIX, N_OPTS
};

static const tc_option k_opts[N_OPTS] = {
    [O_MODEL_DIR] = {"--model-dir", "DIR", "SM_MODEL_DIR",
                     "model directory (default /opt/ml/model)"},
    [O_HOST] = {"--host", "H", "TEXTCLF_HOST",
                "address to listen on (default 127.0.0.1: nginx is the front)"},
    [O_PORT] = {"--port", "N", NULL,
                "TCP port, 0 = any free port (default: the lowest port\n"
                "                          of SAGEMAKER_SAFE_PORT_RANGE that is not\n"
                "                          SAGEMAKER_BIND_TO_PORT, nginx's port, default 8080;\n"
                "                          without a range 8081, or 8082 if nginx has 8081)"},
    [O_THREADS] = {"--threads", "N", "SAGEMAKER_MODEL_SERVER_WORKERS",
                   "server threads (default: online CPUs)"},
    [O_PAYLOAD] = {"--max-payload-mb", "N", "SAGEMAKER_MAX_PAYLOAD_IN_MB",
                   "request body limit in MiB; larger -> 413 (default 6)"},
    [O_RECORDS] = {"--max-records", "N", "TEXTCLF_MAX_RECORDS",
                   "records per request; more -> 413 (default 200000)"},
    [O_TIMEOUT] = {"--timeout", "S", "SAGEMAKER_MODEL_SERVER_TIMEOUT",
                   "idle connection timeout in s (default 60, 600 if SAGEMAKER_BATCH=true)"},
    [O_ACCEPT] = {"--default-accept", "TYPE", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT",
                  "response type for a missing Accept or */* (default application/json)"},
    [O_LOGLEVEL] = {"--log-level", "L", "TEXTCLF_LOG_LEVEL",
                    "error|warn|info|debug; info logs every request (default info)"},
    [O_UNIX] = {"--unix-socket", "PATH", "TEXTCLF_UNIX_SOCKET",
                "listen on this unix socket instead of TCP (mode 0666; a stale\n"
                "                          socket file is replaced)"},
};

static const uint_bounds k_uint[N_OPTS] = {
    [O_PORT] = {0, 65535},
    [O_THREADS] = {1, 256},
    [O_PAYLOAD] = {1, 1024},
    [O_RECORDS] = {1, 100000000},
    [O_TIMEOUT] = {1, 3600},
};

void tc_serve_config_usage(FILE *f)
{
    fputs("usage: textclf serve [options]\n"
          "Serves a model over HTTP (SageMaker contract: GET /ping, POST /invocations,\n"
          "GET /execution-parameters). Options override environment variables, which\n"
          "override defaults.\n\n",
          f);
    tc_options_usage(f, k_opts, N_OPTS);
    fputs("  -h, --help            this text\n\n"
          "Other environment: SAGEMAKER_MAX_CONCURRENT_TRANSFORMS (default: threads) and\n"
          "SAGEMAKER_BATCH_STRATEGY (default MULTI_RECORD) for /execution-parameters;\n"
          "SAGEMAKER_BATCH=true raises the default timeout to 600 s.\n"
          "The model is loaded and its golden samples verified before the port is opened;\n"
          "SIGHUP loads the model directory again and serves it once verified (requests\n"
          "in flight finish on the old model; a model that fails to load is logged and\n"
          "the old one keeps serving);\n"
          "SIGTERM/SIGINT stop accepting, finish in-flight requests and exit 0.\n",
          f);
}

static bool env_true(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 ||
                         strcmp(v, "True") == 0 || strcmp(v, "1") == 0);
}

tc_status tc_serve_config_parse(int argc, char **argv, tc_serve_config *cfg, char *err)
{
    const char *val[N_OPTS], *src[N_OPTS];
    memset(cfg, 0, sizeof *cfg);
    tc_status rst = tc_options_resolve("serve", k_opts, N_OPTS, argc, argv, val, src, &cfg->help,
                                       err);
    if (rst != TC_OK || cfg->help)
        return rst;

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->model_dir = val[O_MODEL_DIR] ? val[O_MODEL_DIR] : "/opt/ml/model";
    cfg->host = val[O_HOST] ? val[O_HOST] : "127.0.0.1";
    cfg->unix_socket = val[O_UNIX];
    unsigned long u[N_OPTS] = {0};
    u[O_PORT] = 8080;
    u[O_THREADS] = ncpu > 0 ? (ncpu > 256 ? 256 : (unsigned long)ncpu) : 1;
    u[O_PAYLOAD] = 6;
    u[O_RECORDS] = 200000;
    u[O_TIMEOUT] = env_true("SAGEMAKER_BATCH") ? 600 : 60;
    for (size_t k = 0; k < N_OPTS; k++) {
        if (k_uint[k].hi == 0 || val[k] == NULL)
            continue;
        tc_status st = tc_options_uint(src[k], val[k], k_uint[k].lo, k_uint[k].hi, &u[k], err);
        if (st != TC_OK)
            return st;
    }
    cfg->port = (unsigned)u[O_PORT];
    cfg->threads = (unsigned)u[O_THREADS];
    cfg->max_payload_mb = (unsigned)u[O_PAYLOAD];
    cfg->max_payload_bytes = (size_t)u[O_PAYLOAD] * 1024u * 1024u;
    cfg->max_records = (size_t)u[O_RECORDS];
    cfg->timeout_s = (unsigned)u[O_TIMEOUT];

    cfg->default_accept = val[O_ACCEPT];
    cfg->default_accept_src = src[O_ACCEPT];

    cfg->log_level = TC_LOG_INFO;
    if (val[O_LOGLEVEL] != NULL && tc_log_level_parse(val[O_LOGLEVEL], &cfg->log_level) != 0)
        return tc_fail(err, TC_EINPUT, "%s: \"%s\" is not error, warn, info or debug",
                       src[O_LOGLEVEL], val[O_LOGLEVEL]);

    unsigned long mct = cfg->threads;
    const char *e = getenv("SAGEMAKER_MAX_CONCURRENT_TRANSFORMS");
    if (e != NULL && e[0] != '\0') {
        tc_status st =
            tc_options_uint("SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", e, 1, 1024, &mct, err);
        if (st != TC_OK)
            return st;
    }
    cfg->max_concurrent_transforms = (unsigned)mct;

    cfg->batch_strategy = "MULTI_RECORD";
    e = getenv("SAGEMAKER_BATCH_STRATEGY");
    if (e != NULL && e[0] != '\0') {
        if (strcmp(e, "MULTI_RECORD") == 0 || strcmp(e, "MultiRecord") == 0)
            cfg->batch_strategy = "MULTI_RECORD";
        else if (strcmp(e, "SINGLE_RECORD") == 0 || strcmp(e, "SingleRecord") == 0)
            cfg->batch_strategy = "SINGLE_RECORD";
        else
            return tc_fail(err, TC_EINPUT,
                           "SAGEMAKER_BATCH_STRATEGY: \"%s\" is not MULTI_RECORD or "
                           "SINGLE_RECORD",
                           e);
    }

    /* The daemon's port: never nginx's (SAGEMAKER_BIND_TO_PORT), from the safe range
     * when there is one (SageMaker's rule for a container's second port). */
    unsigned long nginx_port = 8080;
    e = getenv("SAGEMAKER_BIND_TO_PORT");
    if (e != NULL && e[0] != '\0') {
        tc_status st = tc_options_uint("SAGEMAKER_BIND_TO_PORT", e, 1, 65535, &nginx_port, err);
        if (st != TC_OK)
            return st;
    }
    unsigned long port = nginx_port == 8081 ? 8082 : 8081;
    e = getenv("SAGEMAKER_SAFE_PORT_RANGE");
    if (e != NULL && e[0] != '\0') {
        unsigned long lo = 0, hi = 0;
        char *end;
        errno = 0;
        lo = strtoul(e, &end, 10);
        bool ok = end != e && *end == '-' && errno == 0;
        if (ok) {
            const char *h = end + 1;
            hi = strtoul(h, &end, 10);
            ok = end != h && *end == '\0' && errno == 0 && lo >= 1 && lo <= hi && hi <= 65535;
        }
        if (!ok)
            return tc_fail(err, TC_EINPUT,
                           "SAGEMAKER_SAFE_PORT_RANGE: \"%s\" is not \"LO-HI\" with 1 <= LO <= "
                           "HI <= 65535",
                           e);
        port = lo != nginx_port ? lo : lo + 1;
        if (port > hi && val[O_PORT] == NULL)
            return tc_fail(err, TC_EINPUT,
                           "SAGEMAKER_SAFE_PORT_RANGE: \"%s\" has no port besides "
                           "SAGEMAKER_BIND_TO_PORT %lu",
                           e, nginx_port);
    }
    if (val[O_PORT] == NULL)
        cfg->port = (unsigned)port;
    return TC_OK;
}
