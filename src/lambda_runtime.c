/* lambda_runtime.c - `textclf lambda`: the Lambda Runtime API loop over libcurl (see
 * tc_lambda.h). This file is the client side of the Runtime API, the lifecycle and the
 * log; what an event means and what it is answered is lambda_event.c's. */
#include "tc_lambda.h"

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "tc_buf.h"
#include "tc_lambda_config.h"
#include "tc_lambda_event.h"
#include "tc_log.h"
#include "tc_model.h"
#include "tc_utf8.h"

#define API_VERSION "2018-06-01"
#define ID_LEN 256            /* request ids are UUIDs; longer ones are refused */
#define TRACE_LEN 1024
#define KEEP_BYTES ((size_t)1 << 20)

/* The Runtime API client: one libcurl handle, so the connection is reused. */
typedef struct runtime {
    CURL *curl;
    char base[300];           /* http://host:port/2018-06-01 */
    tc_buf event;             /* the event being answered */
    tc_buf reply;             /* a POST's answer from the Runtime API (for messages) */
    /* Headers of the last /next answer. */
    char request_id[ID_LEN];
    char trace_id[TRACE_LEN];
    bool id_too_long;
} runtime;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- libcurl callbacks ------------------------------------------------------------------ */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    tc_buf *b = ud;
    return tc_buf_append(b, p, size * n) ? size * n : 0;
}

/* Copies the value of header line p[0..n) into dst (cap bytes) when its name is name;
 * true if it matched. Values longer than cap - 1 set *too_long. */
static bool header_value(const char *p, size_t n, const char *name, char *dst, size_t cap,
                         bool *too_long)
{
    size_t k = strlen(name);
    if (n <= k || p[k] != ':' || strncasecmp(p, name, k) != 0)
        return false;
    const char *v = p + k + 1, *end = p + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= cap) {
        if (too_long != NULL)
            *too_long = true;
        len = cap - 1;
    }
    memcpy(dst, v, len);
    dst[len] = '\0';
    return true;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    runtime *rt = ud;
    size_t len = size * n;
    if (!header_value(p, len, "Lambda-Runtime-Aws-Request-Id", rt->request_id,
                      sizeof rt->request_id, &rt->id_too_long))
        header_value(p, len, "Lambda-Runtime-Trace-Id", rt->trace_id, sizeof rt->trace_id, NULL);
    return len;
}

/* ---- Runtime API calls ------------------------------------------------------------------ */

/* GET /runtime/invocation/next into rt->event. Returns the HTTP status, 0 when the
 * Runtime API could not be reached (message in err). */
static long get_next(runtime *rt, char *err)
{
    char url[400];
    snprintf(url, sizeof url, "%s/runtime/invocation/next", rt->base);
    if (rt->event.cap > KEEP_BYTES)
        tc_buf_free(&rt->event);
    tc_buf_clear(&rt->event);
    rt->request_id[0] = '\0';
    rt->trace_id[0] = '\0';
    rt->id_too_long = false;
    CURL *c = rt->curl;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &rt->event);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, rt);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        snprintf(err, TC_ERR_LEN, "GET %.300s: %s", url, curl_easy_strerror(rc));
        return 0;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* POSTs body (JSON) to rt->base + path, with the error-type header when error_type is
 * set. Returns the HTTP status, 0 when the Runtime API could not be reached. */
static long post(runtime *rt, const char *path, const tc_buf *body, const char *error_type,
                 char *err)
{
    char url[700], type_hdr[128];
    snprintf(url, sizeof url, "%s%s", rt->base, path);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    /* No "Expect: 100-continue" round trip before bodies over 1 KiB. */
    struct curl_slist *h2 = hdrs != NULL ? curl_slist_append(hdrs, "Expect:") : NULL;
    if (h2 != NULL && error_type != NULL) {
        snprintf(type_hdr, sizeof type_hdr, "Lambda-Runtime-Function-Error-Type: %s",
                 error_type);
        h2 = curl_slist_append(h2, type_hdr);
    }
    if (h2 == NULL) {
        curl_slist_free_all(hdrs);
        snprintf(err, TC_ERR_LEN, "POST %.300s: out of memory", url);
        return 0;
    }
    hdrs = h2;
    tc_buf_clear(&rt->reply);
    CURL *c = rt->curl;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data != NULL ? body->data : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &rt->reply);
    /* (Without a header function libcurl would hand headers to the body callback.) */
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, NULL);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, NULL);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        snprintf(err, TC_ERR_LEN, "POST %.300s: %s", url, curl_easy_strerror(rc));
        return 0;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* The Runtime API's answer body (for a message): at most 200 bytes, printable. */
static const char *reply_text(runtime *rt)
{
    tc_buf *r = &rt->reply;
    if (r->len > 200)
        r->len = 200;
    for (size_t i = 0; i < r->len; i++)
        if ((unsigned char)r->data[i] < 0x20 || (unsigned char)r->data[i] > 0x7e)
            r->data[i] = '?';
    if (r->data != NULL)
        r->data[r->len] = '\0';
    return r->data != NULL ? r->data : "";
}

/* Reports an init failure to /runtime/init/error (best effort: the process exits next). */
static void report_init_error(runtime *rt, const char *type, const char *msg)
{
    tc_buf body = TC_BUF_INIT;
    char err[TC_ERR_LEN] = "";
    tc_lambda_error_object(&body, type, msg);
    long st = post(rt, "/runtime/init/error", &body, type, err);
    if (st == 0)
        TC_LOG(TC_LOG_ERROR, "could not report the init error: %s", err);
    else if (st != 202)
        TC_LOG(TC_LOG_ERROR, "/runtime/init/error answered %ld: %s", st, reply_text(rt));
    tc_buf_free(&body);
}

/* ---- the event log ---------------------------------------------------------------------- */

static void append_ascii(tc_buf *b, const char *s)
{
    size_t n = strlen(s), bad;
    if (tc_utf8_valid(s, n, &bad))
        tc_buf_append_json_string(b, s, n);
    else
        tc_buf_append_str(b, "\"?\"");
}

/* One JSON line per event on stdout, flushed before the next GET (Lambda may freeze the
 * process then): handle_us is the event's decoding, prediction and encoding, latency_us
 * that plus posting the answer. The trace id is read back from _X_AMZN_TRACE_ID, as a
 * handler would. */
static void log_event(const runtime *rt, tc_buf *line, const tc_lambda_answer *ans,
                      size_t bytes_out, uint64_t handle_ns, uint64_t ns)
{
    const char *trace = getenv("_X_AMZN_TRACE_ID");
    tc_buf_clear(line);
    tc_buf_append_str(line, "{\"request_id\":");
    append_ascii(line, rt->request_id);
    tc_buf_printf(line, ",\"kind\":\"%s\",\"status\":%u,\"records\":%zu,\"bytes_in\":%zu,"
                  "\"bytes_out\":%zu,\"handle_us\":%.1f,\"latency_us\":%.1f",
                  tc_lambda_kind_name(ans->kind), ans->status, ans->records, rt->event.len,
                  bytes_out, (double)handle_ns / 1e3, (double)ns / 1e3);
    if (ans->function_error) {
        tc_buf_append_str(line, ",\"function_error\":");
        append_ascii(line, ans->error_type);
    }
    if (trace != NULL) {
        tc_buf_append_str(line, ",\"trace_id\":");
        append_ascii(line, trace);
    }
    tc_buf_append_str(line, "}\n");
    if (line->data != NULL)
        fwrite(line->data, 1, line->len, stdout);
    fflush(stdout);
}

/* ---- the loop --------------------------------------------------------------------------- */

/* Answers events until the Runtime API fails. Returns the exit status (1). */
static int serve_events(runtime *rt, tc_lambda_handler *h)
{
    tc_buf out = TC_BUF_INIT, line = TC_BUF_INIT;
    char err[TC_ERR_LEN] = "";
    char path[ID_LEN + 64];
    for (;;) {
        long st = get_next(rt, err);
        if (st != 200) {
            if (st == 0)
                TC_LOG(TC_LOG_ERROR, "the Runtime API cannot be reached: %s; exiting", err);
            else
                TC_LOG(TC_LOG_ERROR, "GET /runtime/invocation/next answered %ld; exiting as the Runtime API "
                       "asks",
                       st);
            break;
        }
        uint64_t t0 = now_ns();
        if (rt->request_id[0] == '\0' || rt->id_too_long) {
            TC_LOG(TC_LOG_ERROR, "an event came without a usable Lambda-Runtime-Aws-Request-Id; exiting");
            break;
        }
        if (rt->trace_id[0] != '\0')
            setenv("_X_AMZN_TRACE_ID", rt->trace_id, 1);
        else
            unsetenv("_X_AMZN_TRACE_ID");

        tc_lambda_answer ans;
        tc_lambda_handle(h, rt->event.data != NULL ? rt->event.data : "", rt->event.len, &out,
                         &ans);
        uint64_t handle_ns = now_ns() - t0;
        snprintf(path, sizeof path, "/runtime/invocation/%s/%s", rt->request_id,
                 ans.function_error ? "error" : "response");
        st = post(rt, path, &out, ans.function_error ? ans.error_type : NULL, err);
        uint64_t ns = now_ns() - t0;
        if (tc_log_threshold >= TC_LOG_INFO)
            log_event(rt, &line, &ans, out.len, handle_ns, ns);
        if (out.cap > KEEP_BYTES)
            tc_buf_free(&out);
        if (st == 0) {
            TC_LOG(TC_LOG_ERROR, "the Runtime API cannot be reached: %s; exiting", err);
            break;
        }
        if (st >= 500) {
            TC_LOG(TC_LOG_ERROR, "POST %s answered %ld (%s); exiting as the Runtime API asks",
                   path, st, reply_text(rt));
            break;
        }
        if (st != 202)
            TC_LOG(TC_LOG_WARN, "POST %s answered %ld: %s", path, st, reply_text(rt));
    }
    tc_buf_free(&out);
    tc_buf_free(&line);
    return 1;
}

int tc_lambda_main(int argc, char **argv)
{
    uint64_t t_start = now_ns();
    tc_lambda_config cfg;
    char err[TC_ERR_LEN] = "";
    runtime rt;
    memset(&rt, 0, sizeof rt);
    tc_model *model = NULL;
    tc_lambda_handler *h = NULL;
    int rc = 1;

    tc_status cst = tc_lambda_config_parse(argc, argv, &cfg, err);
    if (cst == TC_OK && cfg.help) {
        tc_lambda_config_usage(stdout);
        return 0;
    }
    const char *api = cst == TC_OK ? cfg.runtime_api : getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL || api[0] == '\0') {
        fprintf(stderr, "textclf lambda: %s\n",
                cst != TC_OK ? err
                             : "AWS_LAMBDA_RUNTIME_API is not set: textclf lambda runs inside "
                               "AWS Lambda or under the Runtime Interface Emulator "
                               "(aws-lambda-rie textclf lambda ...)");
        return 2;
    }
    tc_log_setup("textclf lambda", cst == TC_OK ? cfg.log_level : TC_LOG_INFO);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    /* No TLS: the Runtime API is plain HTTP on the local host. */
    if (curl_global_init(CURL_GLOBAL_NOTHING) != CURLE_OK || (rt.curl = curl_easy_init()) == NULL) {
        TC_LOG(TC_LOG_ERROR, "cannot initialise libcurl");
        return 1;
    }
    snprintf(rt.base, sizeof rt.base, "http://%s/" API_VERSION, api);
    curl_easy_setopt(rt.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(rt.curl, CURLOPT_NOPROXY, "*");  /* never through an http_proxy */
    curl_easy_setopt(rt.curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(rt.curl, CURLOPT_TCP_NODELAY, 1L);

    if (cst != TC_OK) {
        TC_LOG(TC_LOG_ERROR, "%s", err);
        report_init_error(&rt, "Runtime.ConfigError", err);
        rc = 2;
        goto done;
    }
    tc_status st = tc_model_load(cfg.model_dir, NULL, &model, err);
    if (st != TC_OK) {
        char msg[TC_ERR_LEN + 200];
        snprintf(msg, sizeof msg, "cannot load the model from %s: %s (%s)", cfg.model_dir, err,
                 tc_status_name(st));
        TC_LOG(TC_LOG_ERROR, "%s", msg);
        report_init_error(&rt, "Runtime.ModelLoadError", msg);
        goto done;
    }
    uint64_t t_model = now_ns();
    tc_lambda_limits lim = {
        .max_payload_bytes = cfg.max_payload_bytes,
        .max_payload_mb = cfg.max_payload_mb,
        .max_records = cfg.max_records,
        .default_accept = cfg.default_accept,
        .max_response_bytes = TC_LAMBDA_MAX_RESPONSE_BYTES,
    };
    h = tc_lambda_handler_new(model, &lim);
    if (h == NULL) {
        TC_LOG(TC_LOG_ERROR, "out of memory");
        report_init_error(&rt, "Runtime.OutOfMemory", "out of memory");
        goto done;
    }
    TC_LOG(TC_LOG_INFO, "ready: model \"%s\" (%zu classes, %zu golden samples verified) from %s, "
           "Runtime API %s (max payload %u MiB); model load %.1f ms, start %.1f ms",
           tc_model_name(model), tc_model_n_classes(model), tc_model_n_golden(model),
           cfg.model_dir, api, cfg.max_payload_mb, (double)(t_model - t_start) / 1e6,
           (double)(now_ns() - t_start) / 1e6);
    rc = serve_events(&rt, h);

done:
    tc_lambda_handler_free(&h);
    tc_model_free(&model);
    tc_buf_free(&rt.event);
    tc_buf_free(&rt.reply);
    curl_easy_cleanup(rt.curl);
    curl_global_cleanup();
    fflush(stdout);
    return rc;
}
