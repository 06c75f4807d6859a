/* server.c - `textclf serve`: configuration, model, sockets, signals and the drain at
 * exit (see tc_server.h). The routes are tc_http's; the models tc_live's. */
#include "tc_server.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
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
#include "tc_codec.h"
#include "tc_http.h"
#include "tc_live.h"
#include "tc_log.h"
#include "tc_serve_config.h"

#define DRAIN_LIMIT_S 25      /* SageMaker sends SIGKILL 30 s after SIGTERM */
/* Free heap memory goes back to the system once the daemon has been quiet for
 * TRIM_QUIET_TICKS ticks after at least TRIM_AFTER_BYTES of request bodies (bodies
 * below the mmap threshold live in the server threads' malloc arenas, which keep a
 * burst's high-water mark otherwise). Quiet means nothing in flight and no request
 * completed: a trim at a momentary lull inside a burst would reset the count, and
 * the memory of the rest of the burst would stay. */
#define TRIM_AFTER_BYTES ((size_t)4 << 20)
#define TRIM_QUIET_TICKS 3

typedef struct server {
    tc_serve_config cfg;
    tc_live *live;
    tc_accesslog *log;
    tc_http *http;
} server;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- sockets ------------------------------------------------------------------------------ */

static tc_status resolve(const tc_serve_config *cfg, struct sockaddr_storage *ss,
                         socklen_t *sl, bool *v6, char *err)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[8];
    snprintf(port, sizeof port, "%u", cfg->port);
    int rc = getaddrinfo(cfg->host, port, &hints, &res);
    if (rc != 0)
        return tc_fail(err, TC_EINPUT, "cannot resolve --host \"%s\": %s", cfg->host,
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

/* Starts MHD's thread pool on the configured unix socket or host:port, serving s->http.
 * where: "unix:PATH" or "http://HOST:PORT/" (the port actually bound). NULL: failed
 * (logged). */
static struct MHD_Daemon *start_daemon(server *s, char *where, size_t where_cap)
{
    const tc_serve_config *cfg = &s->cfg;
    char err[TC_ERR_LEN] = "";
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
            return NULL;
        }
    } else {
        socklen_t sl = 0;
        if (resolve(cfg, &ss, &sl, &v6, err) != TC_OK) {
            TC_LOG(TC_LOG_ERROR, "%s", err);
            return NULL;
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
        MHD_OPTION_NOTIFY_COMPLETED, tc_http_on_completed, s->http, MHD_OPTION_END
    struct MHD_Daemon *d;
    if (ufd >= 0)
        d = MHD_start_daemon(flags, 0, NULL, NULL, tc_http_on_request, s->http,
                             MHD_OPTION_LISTEN_SOCKET, (MHD_socket)ufd, COMMON_OPTIONS);
    else
        d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, tc_http_on_request,
                             s->http, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                             COMMON_OPTIONS);
#undef COMMON_OPTIONS
    if (d == NULL) {
        if (ufd >= 0)
            close(ufd);
        if (cfg->unix_socket != NULL)
            TC_LOG(TC_LOG_ERROR, "cannot serve on unix:%s", cfg->unix_socket);
        else
            TC_LOG(TC_LOG_ERROR, "cannot listen on %s:%u (address in use, or not allowed)",
                   cfg->host, cfg->port);
        return NULL;
    }
    if (cfg->unix_socket != NULL) {
        snprintf(where, where_cap, "unix:%s", cfg->unix_socket);
    } else {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        snprintf(where, where_cap, "http://%s%s%s:%u/", v6 ? "[" : "", cfg->host,
                 v6 ? "]" : "", di != NULL ? (unsigned)di->port : cfg->port);
    }
    return d;
}

/* ---- signals and the model ---------------------------------------------------------------- */

/* SIGHUP: loads the model directory again and, once it has loaded and verified its
 * golden samples, makes it current. Requests already begun finish on the model they
 * began with; the old model is freed after the last of them. A model that does not
 * load changes nothing: the error (file and line) is logged and the current model
 * goes on serving. Main thread only (the only caller of tc_live_swap). */
static void reload(server *s)
{
    char err[TC_ERR_LEN] = "";
    uint64_t t0 = now_ns();
    tc_live_model *lm = NULL;
    tc_status st = tc_live_model_load(s->cfg.model_dir, &lm, err);
    if (st != TC_OK) {
        tc_live_model *cur = tc_live_acquire(s->live);
        TC_LOG(TC_LOG_ERROR,
               "reload (SIGHUP): cannot load the model from %s: %s (%s); still serving "
               "model \"%s\" (load %llu)",
               s->cfg.model_dir, err, tc_status_name(st),
               tc_model_name(tc_live_model_get(cur)),
               (unsigned long long)tc_live_model_id(cur));
        tc_live_model_release(&cur);
        return;
    }
    tc_live_model *old = tc_live_swap(s->live, lm);
    const tc_model *m = tc_live_model_get(lm);
    TC_LOG(TC_LOG_INFO,
           "reload (SIGHUP): serving model \"%s\" (%zu classes, %zu golden samples "
           "verified) from %s, load %llu, in %.1f ms; requests in flight finish on load %llu",
           tc_model_name(m), tc_model_n_classes(m), tc_model_n_golden(m), s->cfg.model_dir,
           (unsigned long long)tc_live_model_id(lm), (double)(now_ns() - t0) / 1e6,
           (unsigned long long)tc_live_model_id(old));
    tc_live_model_release(&old);
}

/* Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, into *set. Called before MHD
 * creates its threads, so they inherit the mask and only the main thread's
 * sigtimedwait sees them; and before the model loads, so that one arriving meanwhile
 * waits for it (SIGHUP's default action would end the process). */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, set, NULL);
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
}

/* Waits for SIGTERM/SIGINT (blocked in every thread) and returns it, reloading the
 * model on each SIGHUP; every tick meanwhile flushes the access log and, when the
 * daemon has been quiet for a while after a burst of large requests, trims the heap. */
static int wait_for_signal(server *s, const sigset_t *set)
{
    const struct timespec tick = {0, 100 * 1000 * 1000};
    size_t seen = tc_http_bytes_received(s->http);
    size_t trimmed_at = seen;
    unsigned quiet_ticks = 0;
    for (;;) {
        int sig = sigtimedwait(set, NULL, &tick);
        if (sig == SIGHUP) {
            reload(s);
            continue;
        }
        if (sig > 0)
            return sig;
        tc_accesslog_flush(s->log);
        size_t now = tc_http_bytes_received(s->http);
        bool quiet = now == seen && tc_http_inflight(s->http) == 0;
        quiet_ticks = quiet ? quiet_ticks + 1 : 0;
        seen = now;
        if (quiet_ticks >= TRIM_QUIET_TICKS && now - trimmed_at >= TRIM_AFTER_BYTES) {
            trimmed_at = now;
#ifdef __GLIBC__
            malloc_trim(0);
#endif
        }
    }
}

/* Stops accepting, lets in-flight requests finish (bounded), then stops MHD. */
static void shutdown_daemon(server *s, struct MHD_Daemon *d)
{
    MHD_socket lfd = MHD_quiesce_daemon(d);
    uint64_t t0 = now_ns();
    const struct timespec ms5 = {0, 5 * 1000 * 1000};
    size_t waited = 0;
    while (tc_http_inflight(s->http) > 0 &&
           now_ns() - t0 < (uint64_t)DRAIN_LIMIT_S * 1000000000u) {
        nanosleep(&ms5, NULL);
        if (++waited % 20 == 0)
            tc_accesslog_flush(s->log);
    }
    size_t left = tc_http_inflight(s->http);
    if (left > 0)
        TC_LOG(TC_LOG_WARN, "%zu requests still running after %d s; stopping anyway", left,
               DRAIN_LIMIT_S);
    MHD_stop_daemon(d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
}

/* ---- main --------------------------------------------------------------------------------- */

/* The response format for a missing Accept or a wildcard: the configured default
 * negotiated as an Accept header would be (application/json when none is given). */
static tc_status resolve_default_accept(const tc_serve_config *cfg, tc_format *out, char *err)
{
    *out = TC_FMT_JSON;
    if (cfg->default_accept == NULL)
        return TC_OK;
    char aerr[TC_ERR_LEN];
    if (tc_codec_response_format(cfg->default_accept, TC_FMT_JSON, out, aerr) != TC_OK)
        return tc_fail(err, TC_EINPUT,
                       "%s: \"%s\" is not application/json, application/jsonlines or text/csv",
                       cfg->default_accept_src, cfg->default_accept);
    return TC_OK;
}

int tc_serve_main(int argc, char **argv)
{
    server srv;
    memset(&srv, 0, sizeof srv);
    char err[TC_ERR_LEN] = "";
    int rc = 1;
    struct MHD_Daemon *d = NULL;
    uint64_t t_start = now_ns();
    tc_format default_accept;

    tc_log_setup("textclf serve", TC_LOG_INFO);
    if (tc_serve_config_parse(argc, argv, &srv.cfg, err) != TC_OK ||
        (!srv.cfg.help && resolve_default_accept(&srv.cfg, &default_accept, err) != TC_OK)) {
        TC_LOG(TC_LOG_ERROR, "%s", err);
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
    sigset_t set;
    block_signals(&set);

    tc_live_model *first = NULL;
    srv.live = tc_live_new();
    if (srv.live == NULL) {
        TC_LOG(TC_LOG_ERROR, "out of memory");
        goto done;
    }
    tc_status st = tc_live_model_load(cfg->model_dir, &first, err);
    if (st != TC_OK) {
        TC_LOG(TC_LOG_ERROR, "cannot load the model from %s: %s (%s)", cfg->model_dir, err,
               tc_status_name(st));
        goto done;
    }
    tc_live_swap(srv.live, first);
    uint64_t t_model = now_ns();

    srv.log = tc_accesslog_new(STDOUT_FILENO, cfg->threads + 1);
    srv.http = srv.log != NULL ? tc_http_new(cfg, default_accept, srv.live, srv.log) : NULL;
    if (srv.http == NULL) {
        TC_LOG(TC_LOG_ERROR, "out of memory");
        goto done;
    }
    char where[160];
    d = start_daemon(&srv, where, sizeof where);
    if (d == NULL)
        goto done;
    /* first is the slot's now; nothing replaces it before wait_for_signal (this thread). */
    const tc_model *m = tc_live_model_get(first);
    TC_LOG(TC_LOG_INFO,
           "ready: model \"%s\" (%zu classes, %zu golden samples verified) from %s, "
           "listening on %s (threads %u, max payload %u MiB, timeout %u s); "
           "model load %.1f ms, start %.1f ms",
           tc_model_name(m), tc_model_n_classes(m), tc_model_n_golden(m), cfg->model_dir, where,
           cfg->threads, cfg->max_payload_mb, cfg->timeout_s,
           (double)(t_model - t_start) / 1e6, (double)(now_ns() - t_start) / 1e6);

    int sig = wait_for_signal(&srv, &set);
    TC_LOG(TC_LOG_INFO, "%s: no new connections; finishing %zu in-flight requests",
           sig == SIGTERM ? "SIGTERM" : "SIGINT", tc_http_inflight(srv.http));
    shutdown_daemon(&srv, d);
    d = NULL;
    if (cfg->unix_socket != NULL)
        unlink(cfg->unix_socket);
    TC_LOG(TC_LOG_INFO, "stopped");
    rc = 0;

done:
    if (d != NULL)
        MHD_stop_daemon(d);
    tc_http_free(&srv.http);
    tc_accesslog_free(&srv.log);
    tc_live_free(&srv.live);
    fflush(stdout);
    return rc;
}
