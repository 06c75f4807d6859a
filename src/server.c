/* server.c - `textclf serve`: the SageMaker inference contract on libmicrohttpd
 * (see tc_server.h). Request work is a tc_invocation fed each piece of the body as it
 * arrives; this file is routing, limits, per-thread state, the access log and the
 * lifecycle. */
#include "tc_server.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "tc_accesslog.h"
#include "tc_invoke.h"
#include "tc_log.h"
#include "tc_model.h"
#include "tc_serve_config.h"

#define HDR_CUSTOM_ATTRIBUTES "X-Amzn-SageMaker-Custom-Attributes"
#define DRAIN_LIMIT_S 25      /* SageMaker sends SIGKILL 30 s after SIGTERM */
#define KEEP_OUT_BYTES (1u << 20)  /* per-thread response buffer kept between requests */
/* A body announced larger than the limit is drained (so the client reads the 413 on a
 * healthy connection) unless it is this much larger, or the client waits for
 * "100 Continue": then the 413 goes out at once and the connection is closed. */
#define DRAIN_SLACK_BYTES (16u << 20)

/* A loaded model and the requests using it. The server holds one reference to the
 * current model; each /invocations request holds one from its first callback to its
 * completion. A reload (SIGHUP) makes a new one current, and the old model is freed
 * with its last reference, when the last request on it has finished. */
typedef struct loaded_model {
    tc_model *model;
    uint64_t id;          /* 1, 2, ... in load order */
    atomic_size_t refs;
} loaded_model;

typedef struct server {
    tc_serve_config cfg;
    pthread_mutex_t model_lock;  /* guards `current` while a reference is taken */
    loaded_model *current;
    uint64_t loads;              /* models loaded so far (main thread only) */
    tc_accesslog *log;
    pthread_key_t worker_key;
    struct MHD_Response *ping;       /* shared, immutable responses */
    struct MHD_Response *exec_params;
    char exec_body[200];
    atomic_size_t inflight;
    atomic_size_t bytes_since_trim;  /* request bytes received since the last trim */
} server;

/* Per server thread: created on the thread's first request, freed at thread exit.
 * inv and spare belong to the newest model the thread has served (model_id); they hold
 * no reference to it (freeing them does not touch the model), and a request on an
 * older model while a reload is under way gets an invoker of its own. */
typedef struct worker {
    server *srv;
    uint64_t model_id;         /* 0: none yet */
    tc_invoker *inv;
    tc_buf out;                /* the response being sent (MHD takes a copy) */
    tc_invocation *spare;      /* a finished request's, for the thread's next one */
    size_t log_slot;
} worker;

typedef enum route { R_PING, R_INVOKE, R_EXEC, R_NOT_FOUND, R_METHOD } route;

typedef struct request {
    uint64_t t0_ns;
    route rt;
    const char *allow;     /* R_METHOD: the Allow header */
    char method[12];
    char path[128];
    loaded_model *lm;      /* R_INVOKE: the model it is answered with (a reference) */
    tc_invoker *own_inv;   /* R_INVOKE on a model older than the thread's: its invoker */
    tc_invocation *iv;     /* R_INVOKE: the body's records are predicted as they arrive */
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

static loaded_model *model_acquire(server *s)
{
    pthread_mutex_lock(&s->model_lock);
    loaded_model *lm = s->current;
    atomic_fetch_add(&lm->refs, 1);
    pthread_mutex_unlock(&s->model_lock);
    return lm;
}

static void model_release(loaded_model **lmp)
{
    loaded_model *lm = *lmp;
    *lmp = NULL;
    if (lm == NULL || atomic_fetch_sub(&lm->refs, 1) != 1)
        return;
    tc_model_free(&lm->model);
    free(lm);
}

static void worker_free(void *p)
{
    worker *w = p;
    if (w == NULL)
        return;
    tc_invoker_free(&w->inv);
    tc_buf_free(&w->out);
    tc_invocation_free(&w->spare);
    free(w);
}

static worker *get_worker(server *s)
{
    worker *w = pthread_getspecific(s->worker_key);
    if (w != NULL)
        return w;
    w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->srv = s;
    if (pthread_setspecific(s->worker_key, w) != 0) {
        worker_free(w);
        return NULL;
    }
    w->log_slot = tc_accesslog_claim(s->log);
    return w;
}

/* Moves the thread's invoker to lm's model if that is newer than the one it has. */
static void worker_follow(worker *w, const loaded_model *lm)
{
    if (lm->id <= w->model_id)
        return;
    tc_invoker_free(&w->inv);
    tc_invocation_free(&w->spare);
    w->inv = tc_invoker_new(lm->model);
    w->model_id = w->inv != NULL ? lm->id : 0;
}

/* The invoker for rq's model: the thread's (w, NULL if it has none), or (a request
 * begun before a reload that this thread has already followed) the request's own.
 * NULL: out of memory. */
static tc_invoker *invoker_for(worker *w, request *rq)
{
    if (w != NULL && w->inv != NULL && w->model_id == rq->lm->id)
        return w->inv;
    if (rq->own_inv == NULL)
        rq->own_inv = tc_invoker_new(rq->lm->model);
    return rq->own_inv;
}

/* ---- responses ---------------------------------------------------------------------------- */

static enum MHD_Result queue(struct MHD_Connection *c, request *rq, unsigned status,
                             struct MHD_Response *r)
{
    rq->status = status;
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    return ret;
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

/* First call for a request: allocate state, route, check Content-Length. */
static enum MHD_Result begin_request(server *s, struct MHD_Connection *c, const char *url,
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
    atomic_fetch_add(&s->inflight, 1);
    if (rq->rt == R_INVOKE) {
        rq->lm = model_acquire(s);
        worker *w = get_worker(s);
        if (w != NULL)
            worker_follow(w, rq->lm);
        if (w != NULL && w->spare != NULL && w->model_id == rq->lm->id) {
            rq->iv = w->spare;
            w->spare = NULL;
        } else {
            rq->iv = tc_invocation_new(rq->lm->model);
        }
        if (rq->iv == NULL)
            return respond_error(c, rq, 500, "out of memory");
        tc_invoke_request hdrs = {
            .body = NULL,
            .body_len = 0,
            .content_type =
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
            .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
            .default_accept = s->cfg.default_accept,
            .max_records = s->cfg.max_records,
        };
        tc_invocation_begin(rq->iv, &hdrs);
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
    if (n <= s->cfg.max_payload_bytes)
        return MHD_YES;
    rq->too_big = true;
    const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_EXPECT);
    if (expect != NULL || n > (unsigned long long)s->cfg.max_payload_bytes + DRAIN_SLACK_BYTES) {
        char msg[160];
        snprintf(msg, sizeof msg, "request body of %llu bytes exceeds the limit of %u MiB", n,
                 s->cfg.max_payload_mb);
        return respond_error(c, rq, 413, msg);
    }
    return MHD_YES;
}

/* A finished request's invocation becomes the thread's spare (one per thread: a
 * request then allocates nothing of its own); tc_invocation_end has let go of its
 * large buffers. One left unfinished (a body over the limit, a client gone) may
 * still hold a body's worth of carry, and is freed. */
static void keep_as_spare(worker *w, request *rq)
{
    if (w->spare == NULL && w->model_id == rq->lm->id) {
        w->spare = rq->iv;
        rq->iv = NULL;
    }
    tc_invocation_free(&rq->iv);
}

static enum MHD_Result finish_invoke(server *s, struct MHD_Connection *c, request *rq)
{
    if (rq->too_big) {
        char msg[160];
        snprintf(msg, sizeof msg, "request body exceeds the limit of %u MiB (%zu bytes)",
                 s->cfg.max_payload_mb, s->cfg.max_payload_bytes);
        return respond_error(c, rq, 413, msg);
    }
    worker *w = get_worker(s);
    tc_invoker *inv = invoker_for(w, rq);
    if (w == NULL || inv == NULL)
        return respond_error(c, rq, 500, "out of memory");
    tc_invoke_response iresp;
    tc_invocation_end(rq->iv, inv, &w->out, &iresp);
    keep_as_spare(w, rq);
    rq->records = iresp.records;
    enum MHD_Result ret = respond(c, rq, iresp.http_status, iresp.content_type,
                                  w->out.data ? w->out.data : "", w->out.len);
    if (w->out.cap > KEEP_OUT_BYTES)
        tc_buf_free(&w->out);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)version;
    server *s = cls;
    if (*req_cls == NULL)
        return begin_request(s, c, url, method, req_cls);
    request *rq = *req_cls;
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        rq->bytes_in += n;
        if (rq->rt != R_INVOKE || rq->too_big)
            return MHD_YES;  /* drained and dropped */
        tc_invoker *inv = invoker_for(get_worker(s), rq);
        if (rq->bytes_in > s->cfg.max_payload_bytes || inv == NULL) {
            rq->too_big = true;  /* (no invoker: out of memory, answered 413 as before) */
            tc_invocation_free(&rq->iv);
            return MHD_YES;
        }
        tc_invocation_feed(rq->iv, inv, upload_data, n);
        return MHD_YES;
    }
    if (rq->status != 0)
        return MHD_YES;  /* already answered (early 413) */
    switch (rq->rt) {
    case R_PING:
        return respond_shared(c, rq, s->ping, NULL, "");
    case R_EXEC:
        return respond_shared(c, rq, s->exec_params, "application/json", s->exec_body);
    case R_INVOKE:
        return finish_invoke(s, c, rq);
    case R_METHOD: {
        char msg[200];
        snprintf(msg, sizeof msg, "method %.16s not allowed on %.100s (allowed: %s)",
                 rq->method, rq->path, rq->allow);
        return respond_error(c, rq, 405, msg);
    }
    case R_NOT_FOUND: {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "no such endpoint: %.100s (endpoints: /ping, /invocations, "
                 "/execution-parameters)",
                 rq->path);
        return respond_error(c, rq, 404, msg);
    }
    }
    return MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    server *s = cls;
    request *rq = *req_cls;
    if (rq == NULL)
        return;
    *req_cls = NULL;
    if (s->cfg.log_level >= TC_LOG_INFO) {
        /* No worker is created here: completion can run on a thread that never
         * served a request (e.g. during MHD_stop_daemon). */
        const worker *w = pthread_getspecific(s->worker_key);
        tc_access_entry e = {
            .method = rq->method,
            .path = rq->path,
            .status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? rq->status : 0,
            .records = rq->records,
            .bytes_in = rq->bytes_in,
            .bytes_out = rq->bytes_out,
            .latency_us = (now_ns() - rq->t0_ns) / 1000u,
        };
        tc_accesslog_write(s->log, w ? w->log_slot : SIZE_MAX, &e);
    }
    atomic_fetch_add(&s->bytes_since_trim, rq->bytes_in);
    tc_invocation_free(&rq->iv);
    tc_invoker_free(&rq->own_inv);
    model_release(&rq->lm);
    free(rq);
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static tc_status resolve(const server *s, struct sockaddr_storage *ss, socklen_t *sl,
                         bool *v6, char *err)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[8];
    snprintf(port, sizeof port, "%u", s->cfg.port);
    int rc = getaddrinfo(s->cfg.host, port, &hints, &res);
    if (rc != 0)
        return tc_fail(err, TC_EINPUT, "cannot resolve --host \"%s\": %s", s->cfg.host,
                       gai_strerror(rc));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *sl = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return TC_OK;
}

/* A listening unix socket at path (a stale socket file is removed first; any other
 * existing file is an error). Mode 0666: nginx workers may run as another user. */
static tc_status unix_listen(const char *path, int *fd_out, char *err)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path)
        return tc_fail(err, TC_EINPUT, "--unix-socket %s: path longer than %zu bytes", path,
                       sizeof sa.sun_path - 1);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return tc_fail(err, TC_EINPUT, "--unix-socket %s: exists and is not a socket", path);
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return tc_fail(err, TC_EIO, "--unix-socket %s: socket: %s", path, strerror(errno));
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(path, 0666) != 0 ||
        listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        return tc_fail(err, TC_EIO, "--unix-socket %s: %s", path, strerror(e));
    }
    *fd_out = fd;
    return TC_OK;
}

static struct MHD_Response *static_response(const char *body, const char *ctype)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    if (r != NULL && ctype != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return r;
}

/* Idle after at least this many request bytes: free heap memory goes back to the
 * system (bodies below the mmap threshold live in the server threads' malloc arenas,
 * which keep a burst's high-water mark otherwise). */
#define TRIM_AFTER_BYTES ((size_t)4 << 20)

/* Loads the model directory (golden samples verified) as a new loaded_model holding
 * one reference, the caller's. Main thread only. */
static tc_status load_model(server *s, loaded_model **out, char *err)
{
    loaded_model *lm = calloc(1, sizeof *lm);
    if (lm == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_status st = tc_model_load(s->cfg.model_dir, NULL, &lm->model, err);
    if (st != TC_OK) {
        free(lm);
        return st;
    }
    atomic_init(&lm->refs, 1);
    lm->id = ++s->loads;
    *out = lm;
    return TC_OK;
}

/* SIGHUP: loads the model directory again and, once it has loaded and verified its
 * golden samples, makes it current. Requests already begun finish on the model they
 * began with; the old model is freed after the last of them. A model that does not
 * load changes nothing: the error (file and line) is logged and the current model
 * goes on serving. Main thread only (the only writer of `current`). */
static void reload(server *s)
{
    char err[TC_ERR_LEN] = "";
    uint64_t t0 = now_ns();
    loaded_model *lm = NULL;
    tc_status st = load_model(s, &lm, err);
    if (st != TC_OK) {
        TC_LOG(TC_LOG_ERROR, "reload (SIGHUP): cannot load the model from %s: %s (%s); still serving "
                "model \"%s\" (load %llu)",
                s->cfg.model_dir, err, tc_status_name(st), tc_model_name(s->current->model),
                (unsigned long long)s->current->id);
        return;
    }
    pthread_mutex_lock(&s->model_lock);
    loaded_model *old = s->current;
    s->current = lm;
    pthread_mutex_unlock(&s->model_lock);
    TC_LOG(TC_LOG_INFO, "reload (SIGHUP): serving model \"%s\" (%zu classes, %zu golden samples "
            "verified) from %s, load %llu, in %.1f ms; requests in flight finish on load %llu",
            tc_model_name(lm->model), tc_model_n_classes(lm->model),
            tc_model_n_golden(lm->model), s->cfg.model_dir, (unsigned long long)lm->id,
            (double)(now_ns() - t0) / 1e6, (unsigned long long)old->id);
    model_release(&old);
}

/* Waits for SIGTERM/SIGINT (blocked in every thread) and returns it, reloading the
 * model on each SIGHUP; every tick meanwhile flushes the access log and, when no
 * request is in flight after a burst of large ones, trims the heap. */
static int wait_for_signal(server *s, const sigset_t *set)
{
    const struct timespec tick = {0, 100 * 1000 * 1000};
    for (;;) {
        int sig = sigtimedwait(set, NULL, &tick);
        if (sig == SIGHUP) {
            reload(s);
            continue;
        }
        if (sig > 0)
            return sig;
        if (s->log != NULL)
            tc_accesslog_flush(s->log);
#ifdef __GLIBC__
        if (atomic_load(&s->bytes_since_trim) >= TRIM_AFTER_BYTES &&
            atomic_load(&s->inflight) == 0) {
            atomic_store(&s->bytes_since_trim, 0);
            malloc_trim(0);
        }
#endif
    }
}

/* Stops accepting, lets in-flight requests finish (bounded), then stops MHD. */
static void shutdown_daemon(server *s, struct MHD_Daemon *d)
{
    MHD_socket lfd = MHD_quiesce_daemon(d);
    uint64_t t0 = now_ns();
    const struct timespec ms5 = {0, 5 * 1000 * 1000};
    size_t waited = 0;
    while (atomic_load(&s->inflight) > 0 &&
           now_ns() - t0 < (uint64_t)DRAIN_LIMIT_S * 1000000000u) {
        nanosleep(&ms5, NULL);
        if (++waited % 20 == 0)
            tc_accesslog_flush(s->log);
    }
    size_t left = atomic_load(&s->inflight);
    if (left > 0)
        TC_LOG(TC_LOG_WARN, "%zu requests still running after %d s; stopping anyway", left,
                DRAIN_LIMIT_S);
    MHD_stop_daemon(d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
}

int tc_serve_main(int argc, char **argv)
{
    server srv;
    memset(&srv, 0, sizeof srv);
    atomic_init(&srv.inflight, 0);
    atomic_init(&srv.bytes_since_trim, 0);
    pthread_mutex_init(&srv.model_lock, NULL);
    char err[TC_ERR_LEN] = "";
    int rc = 1;
    bool key_made = false;
    struct MHD_Daemon *d = NULL;
    uint64_t t_start = now_ns();

    if (tc_serve_config_parse(argc, argv, &srv.cfg, err) != TC_OK) {
        fprintf(stderr, "textclf serve: %s\n", err);
        return 2;
    }
    if (srv.cfg.help) {
        tc_serve_config_usage(stdout);
        return 0;
    }
    const tc_serve_config *cfg = &srv.cfg;
    tc_log_setup("textclf serve", cfg->log_level);
#ifdef __GLIBC__
    /* Request bodies and big responses (up to the payload limit) are mmap'd and go back
     * to the system when freed; glibc's adaptive threshold would keep them in the heap
     * after the first large request. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif

    /* Signals are blocked before MHD creates its threads, so they inherit the mask and
     * only the main thread's sigtimedwait sees SIGTERM/SIGINT/SIGHUP; and before the
     * model loads, so that one arriving meanwhile waits for it (SIGHUP's default
     * action would end the process). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    /* A parent shell starts background jobs with SIGINT ignored (nohup: SIGHUP); an
     * ignored signal is discarded even while blocked, so sigtimedwait would never see it. */
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    tc_status st = load_model(&srv, &srv.current, err);
    if (st != TC_OK) {
        TC_LOG(TC_LOG_ERROR, "cannot load the model from %s: %s (%s)", cfg->model_dir,
                err, tc_status_name(st));
        goto done;
    }
    uint64_t t_model = now_ns();

    srv.log = tc_accesslog_new(STDOUT_FILENO, cfg->threads + 1);
    if (srv.log == NULL || pthread_key_create(&srv.worker_key, worker_free) != 0) {
        TC_LOG(TC_LOG_ERROR, "out of memory");
        goto done;
    }
    key_made = true;
    snprintf(srv.exec_body, sizeof srv.exec_body,
             "{\"MaxConcurrentTransforms\":%u,\"BatchStrategy\":\"%s\",\"MaxPayloadInMB\":%u}",
             cfg->max_concurrent_transforms, cfg->batch_strategy, cfg->max_payload_mb);
    srv.ping = static_response("", NULL);
    srv.exec_params = static_response(srv.exec_body, "application/json");
    if (srv.ping == NULL || srv.exec_params == NULL) {
        TC_LOG(TC_LOG_ERROR, "out of memory");
        goto done;
    }

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_TURBO;
    if (cfg->log_level >= TC_LOG_DEBUG)
        flags |= MHD_USE_ERROR_LOG;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    bool v6 = false;
    int ufd = -1;
    if (cfg->unix_socket != NULL) {
        if (unix_listen(cfg->unix_socket, &ufd, err) != TC_OK) {
            TC_LOG(TC_LOG_ERROR, "%s", err);
            goto done;
        }
    } else {
        socklen_t sl = 0;
        if (resolve(&srv, &ss, &sl, &v6, err) != TC_OK) {
            TC_LOG(TC_LOG_ERROR, "%s", err);
            goto done;
        }
        if (v6)
            flags |= MHD_USE_IPv6;
    }
    /* MHD takes either our unix socket or the address to bind. */
#define COMMON_OPTIONS                                                                    \
    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT, \
        (unsigned int)cfg->timeout_s, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,    \
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,                               \
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,                              \
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),                          \
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv, MHD_OPTION_END
    if (ufd >= 0)
        d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv, MHD_OPTION_LISTEN_SOCKET,
                             (MHD_socket)ufd, COMMON_OPTIONS);
    else
        d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, &srv,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, COMMON_OPTIONS);
#undef COMMON_OPTIONS
    if (d == NULL) {
        if (ufd >= 0)
            close(ufd);
        if (cfg->unix_socket != NULL)
            TC_LOG(TC_LOG_ERROR, "cannot serve on unix:%s", cfg->unix_socket);
        else
            TC_LOG(TC_LOG_ERROR, "cannot listen on %s:%u (address in use, or not allowed)",
                    cfg->host, cfg->port);
        goto done;
    }
    char where[160];
    if (cfg->unix_socket != NULL) {
        snprintf(where, sizeof where, "unix:%s", cfg->unix_socket);
    } else {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        snprintf(where, sizeof where, "http://%s%s%s:%u/", v6 ? "[" : "", cfg->host,
                 v6 ? "]" : "", di != NULL ? (unsigned)di->port : cfg->port);
    }
    TC_LOG(TC_LOG_INFO, "ready: model \"%s\" (%zu classes, %zu golden samples verified) from %s, "
            "listening on %s (threads %u, max payload %u MiB, timeout %u s); "
            "model load %.1f ms, start %.1f ms",
            tc_model_name(srv.current->model), tc_model_n_classes(srv.current->model),
            tc_model_n_golden(srv.current->model), cfg->model_dir, where, cfg->threads,
            cfg->max_payload_mb, cfg->timeout_s, (double)(t_model - t_start) / 1e6,
            (double)(now_ns() - t_start) / 1e6);

    int sig = wait_for_signal(&srv, &set);
    TC_LOG(TC_LOG_INFO, "%s: no new connections; finishing %zu in-flight requests",
            sig == SIGTERM ? "SIGTERM" : "SIGINT", atomic_load(&srv.inflight));
    shutdown_daemon(&srv, d);
    d = NULL;
    if (cfg->unix_socket != NULL)
        unlink(cfg->unix_socket);
    TC_LOG(TC_LOG_INFO, "stopped");
    rc = 0;

done:
    if (d != NULL)
        MHD_stop_daemon(d);
    if (srv.ping != NULL)
        MHD_destroy_response(srv.ping);
    if (srv.exec_params != NULL)
        MHD_destroy_response(srv.exec_params);
    if (key_made)
        pthread_key_delete(srv.worker_key);
    tc_accesslog_free(&srv.log);
    model_release(&srv.current);
    pthread_mutex_destroy(&srv.model_lock);
    fflush(stdout);
    return rc;
}
