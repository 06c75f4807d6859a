/* http.c - the SageMaker routes on libmicrohttpd (see tc_http.h): routing, limits,
 * responses, per-thread state and the access log. The work of a request is a
 * tc_invocation fed each piece of the body as it arrives. */
#include "tc_http.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tc_buf.h"
#include "tc_invoke.h"
#include "tc_log.h"

#define HDR_CUSTOM_ATTRIBUTES "X-Amzn-SageMaker-Custom-Attributes"
#define KEEP_OUT_BYTES (1u << 20)  /* per-thread response buffer kept between requests */
/* A body announced larger than the limit is drained (so the client reads the 413 on a
 * healthy connection) unless it is this much larger, or the client waits for
 * "100 Continue": then the 413 goes out at once and the connection is closed. */
#define DRAIN_SLACK_BYTES (16u << 20)

struct tc_http {
    const tc_serve_config *cfg;
    tc_format default_accept;
    tc_live *live;
    tc_accesslog *log;
    pthread_key_t worker_key;
    struct MHD_Response *ping;       /* shared, immutable responses */
    struct MHD_Response *exec_params;
    char exec_body[200];
    atomic_size_t inflight;
    atomic_size_t bytes_received;  /* body bytes of completed requests, only grows */
};

/* Per server thread: created on the thread's first request, freed at thread exit. */
typedef struct worker {
    tc_live_thread *models;  /* the thread's invoker and spare invocation */
    tc_buf out;              /* the response being sent (MHD takes a copy) */
    size_t log_slot;
} worker;

typedef enum route { R_PING, R_INVOKE, R_EXEC, R_NOT_FOUND, R_METHOD } route;

typedef struct request {
    uint64_t t0_ns;
    route rt;
    const char *allow;     /* R_METHOD: the Allow header */
    char method[12];
    char path[128];
    tc_live_lease lease;   /* R_INVOKE: the model it is answered with, its invocation */
    size_t bytes_in;
    bool too_big;
    unsigned status;
    size_t records, bytes_out;
} request;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void worker_free(void *p)
{
    worker *w = p;
    if (w == NULL)
        return;
    tc_live_thread_free(&w->models);
    tc_buf_free(&w->out);
    free(w);
}

static worker *get_worker(tc_http *h)
{
    worker *w = pthread_getspecific(h->worker_key);
    if (w != NULL)
        return w;
    w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->models = tc_live_thread_new();
    if (w->models == NULL || pthread_setspecific(h->worker_key, w) != 0) {
        worker_free(w);
        return NULL;
    }
    w->log_slot = tc_accesslog_claim(h->log);
    return w;
}

static tc_live_thread *models_of(worker *w) { return w != NULL ? w->models : NULL; }

/* ---- responses ---------------------------------------------------------------------------- */

static enum MHD_Result queue(struct MHD_Connection *c, request *rq, unsigned status,
                             struct MHD_Response *r)
{
    rq->status = status;
    return MHD_queue_response(c, status, r);
}

/* Builds, queues and releases a response with a copy of body[0..len). */
static enum MHD_Result respond(struct MHD_Connection *c, request *rq, unsigned status,
                               const char *ctype, const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    if (ctype != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (rq->rt == R_METHOD)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->allow);
    const char *attrs = MHD_lookup_connection_value(c, MHD_HEADER_KIND, HDR_CUSTOM_ATTRIBUTES);
    if (attrs != NULL)
        MHD_add_response_header(r, HDR_CUSTOM_ATTRIBUTES, attrs);
    rq->bytes_out = len;
    enum MHD_Result ret = queue(c, rq, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result respond_error(struct MHD_Connection *c, request *rq, unsigned status,
                                     const char *msg)
{
    tc_buf b = TC_BUF_INIT;
    tc_invoke_error_body(&b, status, msg);
    enum MHD_Result ret = respond(c, rq, status, "application/json", b.data ? b.data : "",
                                  b.len);
    tc_buf_free(&b);
    return ret;
}

static enum MHD_Result respond_shared(struct MHD_Connection *c, request *rq,
                                      struct MHD_Response *shared, const char *ctype,
                                      const char *body)
{
    /* Custom attributes must be echoed, so a request carrying them gets its own copy. */
    if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, HDR_CUSTOM_ATTRIBUTES) != NULL)
        return respond(c, rq, 200, ctype, body, strlen(body));
    rq->bytes_out = strlen(body);
    return queue(c, rq, 200, shared);
}

static struct MHD_Response *static_response(const char *body, const char *ctype)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    if (r != NULL && ctype != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return r;
}

/* ---- request handling --------------------------------------------------------------------- */

static void classify(request *rq, const char *url, const char *method)
{
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
               strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    if (strcmp(url, "/ping") == 0) {
        rq->rt = get ? R_PING : R_METHOD;
        rq->allow = "GET, HEAD";
    } else if (strcmp(url, "/invocations") == 0) {
        rq->rt = post ? R_INVOKE : R_METHOD;
        rq->allow = "POST";
    } else if (strcmp(url, "/execution-parameters") == 0) {
        rq->rt = get ? R_EXEC : R_METHOD;
        rq->allow = "GET, HEAD";
    } else {
        rq->rt = R_NOT_FOUND;
    }
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* R_INVOKE: takes the current model and settles Content-Type and Accept. */
static enum MHD_Result begin_invoke(tc_http *h, struct MHD_Connection *c, request *rq)
{
    if (!tc_live_lease_begin(&rq->lease, h->live, models_of(get_worker(h))))
        return respond_error(c, rq, 500, "out of memory");
    tc_invoke_request hdrs = {
        .body = NULL,
        .body_len = 0,
        .content_type =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
        .default_accept = h->default_accept,
        .max_records = h->cfg->max_records,
    };
    tc_invocation_begin(tc_live_lease_invocation(&rq->lease), &hdrs);
    return MHD_YES;
}

/* First call for a request: allocate state, route, check Content-Length. */
static enum MHD_Result begin_request(tc_http *h, struct MHD_Connection *c, const char *url,
                                     const char *method, void **req_cls)
{
    request *rq = calloc(1, sizeof *rq);
    if (rq == NULL)
        return MHD_NO;
    rq->t0_ns = now_ns();
    copy_trunc(rq->method, sizeof rq->method, method);
    copy_trunc(rq->path, sizeof rq->path, url);
    classify(rq, url, method);
    *req_cls = rq;
    atomic_fetch_add(&h->inflight, 1);
    if (rq->rt == R_INVOKE) {
        enum MHD_Result r = begin_invoke(h, c, rq);
        if (r != MHD_YES || rq->status != 0)
            return r;  /* answered: out of memory */
    }

    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl == NULL)
        return MHD_YES;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno != 0 || end == cl)
        return MHD_YES;  /* MHD itself rejects a malformed Content-Length */
    const tc_serve_config *cfg = h->cfg;
    if (n <= cfg->max_payload_bytes)
        return MHD_YES;
    rq->too_big = true;
    const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_EXPECT);
    if (expect != NULL || n > (unsigned long long)cfg->max_payload_bytes + DRAIN_SLACK_BYTES) {
        char msg[160];
        snprintf(msg, sizeof msg, "request body of %llu bytes exceeds the limit of %u MiB", n,
                 cfg->max_payload_mb);
        return respond_error(c, rq, 413, msg);
    }
    return MHD_YES;
}

/* The next piece of the body; a body over the limit is drained and dropped. */
static void feed(tc_http *h, request *rq, const char *data, size_t n)
{
    rq->bytes_in += n;
    if (rq->rt != R_INVOKE || rq->too_big)
        return;
    tc_invoker *inv = tc_live_lease_invoker(&rq->lease, models_of(get_worker(h)));
    if (rq->bytes_in > h->cfg->max_payload_bytes || inv == NULL) {
        rq->too_big = true;  /* (no invoker: out of memory, answered 413 as before) */
        tc_live_lease_drop(&rq->lease);
        return;
    }
    tc_invocation_feed(tc_live_lease_invocation(&rq->lease), inv, data, n);
}

static enum MHD_Result finish_invoke(tc_http *h, struct MHD_Connection *c, request *rq)
{
    if (rq->too_big) {
        char msg[160];
        snprintf(msg, sizeof msg, "request body exceeds the limit of %u MiB (%zu bytes)",
                 h->cfg->max_payload_mb, h->cfg->max_payload_bytes);
        return respond_error(c, rq, 413, msg);
    }
    worker *w = get_worker(h);
    tc_invoker *inv = tc_live_lease_invoker(&rq->lease, models_of(w));
    if (w == NULL || inv == NULL)
        return respond_error(c, rq, 500, "out of memory");
    tc_invoke_response iresp;
    tc_invocation_end(tc_live_lease_invocation(&rq->lease), inv, &w->out, &iresp);
    tc_live_lease_done(&rq->lease, w->models);
    rq->records = iresp.records;
    enum MHD_Result ret = respond(c, rq, iresp.http_status, iresp.content_type,
                                  w->out.data ? w->out.data : "", w->out.len);
    if (w->out.cap > KEEP_OUT_BYTES)
        tc_buf_free(&w->out);
    return ret;
}

static enum MHD_Result respond_route_error(struct MHD_Connection *c, request *rq)
{
    char msg[200];
    if (rq->rt == R_METHOD) {
        snprintf(msg, sizeof msg, "method %.16s not allowed on %.100s (allowed: %s)",
                 rq->method, rq->path, rq->allow);
        return respond_error(c, rq, 405, msg);
    }
    snprintf(msg, sizeof msg,
             "no such endpoint: %.100s (endpoints: /ping, /invocations, "
             "/execution-parameters)",
             rq->path);
    return respond_error(c, rq, 404, msg);
}

enum MHD_Result tc_http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version,
                                   const char *upload_data, size_t *upload_data_size,
                                   void **req_cls)
{
    (void)version;
    tc_http *h = cls;
    if (*req_cls == NULL)
        return begin_request(h, c, url, method, req_cls);
    request *rq = *req_cls;
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        feed(h, rq, upload_data, n);
        return MHD_YES;
    }
    if (rq->status != 0)
        return MHD_YES;  /* already answered (early 413) */
    switch (rq->rt) {
    case R_PING:
        return respond_shared(c, rq, h->ping, NULL, "");
    case R_EXEC:
        return respond_shared(c, rq, h->exec_params, "application/json", h->exec_body);
    case R_INVOKE:
        return finish_invoke(h, c, rq);
    case R_METHOD:
    case R_NOT_FOUND:
        return respond_route_error(c, rq);
    }
    return MHD_NO;
}

void tc_http_on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                          enum MHD_RequestTerminationCode toe)
{
    (void)c;
    tc_http *h = cls;
    request *rq = *req_cls;
    if (rq == NULL)
        return;
    *req_cls = NULL;
    if (h->cfg->log_level >= TC_LOG_INFO) {
        /* No worker is created here: completion can run on a thread that never
         * served a request (e.g. during MHD_stop_daemon). */
        const worker *w = pthread_getspecific(h->worker_key);
        tc_access_entry e = {
            .method = rq->method,
            .path = rq->path,
            .status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? rq->status : 0,
            .records = rq->records,
            .bytes_in = rq->bytes_in,
            .bytes_out = rq->bytes_out,
            .latency_us = (now_ns() - rq->t0_ns) / 1000u,
        };
        tc_accesslog_write(h->log, w ? w->log_slot : SIZE_MAX, &e);
    }
    atomic_fetch_add(&h->bytes_received, rq->bytes_in);
    tc_live_lease_end(&rq->lease);
    free(rq);
    atomic_fetch_sub(&h->inflight, 1);
}

/* ---- set-up ------------------------------------------------------------------------------- */

tc_http *tc_http_new(const tc_serve_config *cfg, tc_format default_accept, tc_live *live,
                     tc_accesslog *log)
{
    tc_http *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    if (pthread_key_create(&h->worker_key, worker_free) != 0) {
        free(h);
        return NULL;
    }
    h->cfg = cfg;
    h->default_accept = default_accept;
    h->live = live;
    h->log = log;
    atomic_init(&h->inflight, 0);
    atomic_init(&h->bytes_received, 0);
    snprintf(h->exec_body, sizeof h->exec_body,
             "{\"MaxConcurrentTransforms\":%u,\"BatchStrategy\":\"%s\",\"MaxPayloadInMB\":%u}",
             cfg->max_concurrent_transforms, cfg->batch_strategy, cfg->max_payload_mb);
    h->ping = static_response("", NULL);
    h->exec_params = static_response(h->exec_body, "application/json");
    if (h->ping == NULL || h->exec_params == NULL)
        tc_http_free(&h);
    return h;
}

void tc_http_free(tc_http **hp)
{
    tc_http *h = *hp;
    *hp = NULL;
    if (h == NULL)
        return;
    if (h->ping != NULL)
        MHD_destroy_response(h->ping);
    if (h->exec_params != NULL)
        MHD_destroy_response(h->exec_params);
    pthread_key_delete(h->worker_key);
    free(h);
}

size_t tc_http_inflight(tc_http *h) { return atomic_load(&h->inflight); }

size_t tc_http_bytes_received(tc_http *h) { return atomic_load(&h->bytes_received); }
