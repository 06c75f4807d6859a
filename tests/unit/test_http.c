/* test_http.c - the routes on a real libmicrohttpd daemon in this process (port 0,
 * loopback, raw sockets): /ping, /execution-parameters from the configuration, 404 and
 * 405 with Allow and JSON bodies, custom attributes echoed, /invocations answered as
 * tc_invoke answers the whole body (a separate path), the configured default Accept,
 * the payload and record limits, the in-flight count, the idle-trim signal and the
 * access log. Model: $TEXTCLF_TEST_MODEL, else models/sentiment-en. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tc_http.h"
#include "tc_test.h"
#include "tc_tmpdir.h"

typedef struct fixture {
    tc_serve_config cfg;
    tc_live *live;
    tc_accesslog *log;
    int log_fd;
    tc_http *http;
    struct MHD_Daemon *d;
    uint16_t port;
} fixture;

static fixture g_fx = {.log_fd = -1};
static size_t g_requests;  /* connections made, one request each */
static const tc_model *g_model;

typedef struct reply {
    unsigned status;
    char head[2048];
    char body[8192];
    size_t body_len;
} reply;

/* Sends raw request bytes on a new connection and reads until the server closes it (or
 * 10 s pass). False when nothing could be sent or read. */
static bool exchange(const char *req, size_t len, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(g_fx.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static char buf[1 << 16];
    size_t have = 0;
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    g_requests += ok;
    for (size_t sent = 0; ok && sent < len;) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;  /* the server may answer (413) and close before taking the rest */
        sent += (size_t)n;
    }
    ssize_t n;
    while (ok && have < sizeof buf - 1 && (n = recv(fd, buf + have, sizeof buf - 1 - have, 0)) > 0)
        have += (size_t)n;
    close(fd);
    buf[have] = '\0';
    const char *sep = strstr(buf, "\r\n\r\n");
    if (!ok || sep == NULL || sscanf(buf, "HTTP/1.1 %u", &r->status) != 1)
        return false;
    size_t hl = (size_t)(sep - buf);
    memcpy(r->head, buf, hl < sizeof r->head - 1 ? hl : sizeof r->head - 1);
    r->body_len = have - hl - 4;
    if (r->body_len > sizeof r->body - 1)
        r->body_len = sizeof r->body - 1;
    memcpy(r->body, sep + 4, r->body_len);
    return true;
}

static bool request(const char *method, const char *path, const char *headers,
                    const char *body, reply *r)
{
    size_t blen = body != NULL ? strlen(body) : 0;
    size_t cap = blen + 1024;
    char *req = malloc(cap);
    if (req == NULL)
        return false;
    char cl[48] = "";
    if (body != NULL)
        snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", blen);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s%s\r\n%s",
                     method, path, headers != NULL ? headers : "", cl, body != NULL ? body : "");
    bool ok = n > 0 && (size_t)n < cap && exchange(req, (size_t)n, r);
    free(req);
    return ok;
}

/* The value of header `name` ("Allow:") in r, or "". */
static const char *header(const reply *r, const char *name)
{
    static char v[256];
    v[0] = '\0';
    const char *p = strstr(r->head, name);
    if (p != NULL) {
        p += strlen(name);
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, "\r\n");
        snprintf(v, sizeof v, "%.*s", (int)n, p);
    }
    return v;
}

static void test_ping_and_parameters(void)
{
    reply r;
    TC_CHECK(request("GET", "/ping", NULL, NULL, &r) && r.status == 200 && r.body_len == 0,
             "GET /ping: %u %.300s", r.status, r.body);
    TC_CHECK(request("HEAD", "/ping", NULL, NULL, &r) && r.status == 200, "HEAD /ping: %u",
             r.status);
    TC_CHECK(request("GET", "/execution-parameters", NULL, NULL, &r) && r.status == 200 &&
                 strcmp(r.body, "{\"MaxConcurrentTransforms\":4,\"BatchStrategy\":"
                                "\"SINGLE_RECORD\",\"MaxPayloadInMB\":1}") == 0 &&
                 strcmp(header(&r, "Content-Type:"), "application/json") == 0,
             "execution-parameters: %u %.300s", r.status, r.body);
    const char *attrs = "X-Amzn-SageMaker-Custom-Attributes: a=1,b=2\r\n";
    TC_CHECK(request("GET", "/ping", attrs, NULL, &r) && r.status == 200 &&
                 strcmp(header(&r, "X-Amzn-SageMaker-Custom-Attributes:"), "a=1,b=2") == 0,
             "custom attributes echoed on /ping: %.300s", r.head);
}

static void test_route_errors(void)
{
    static const struct {
        const char *method, *path;
        unsigned status;
        const char *allow, *needle;
    } cases[] = {
        {"POST", "/ping", 405, "GET, HEAD", "method POST not allowed on /ping"},
        {"GET", "/invocations", 405, "POST", "(allowed: POST)"},
        {"DELETE", "/execution-parameters", 405, "GET, HEAD", "DELETE"},
        {"GET", "/nope", 404, "", "no such endpoint: /nope (endpoints: /ping, /invocations"},
        {"GET", "/invocations/x", 404, "", "/invocations/x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reply r;
        bool ok = request(cases[i].method, cases[i].path,
                          "X-Amzn-SageMaker-Custom-Attributes: t=1\r\n", NULL, &r);
        char want_status[32];
        snprintf(want_status, sizeof want_status, "\"status\":%u}", cases[i].status);
        TC_CHECK(ok && r.status == cases[i].status && strstr(r.body, cases[i].needle) &&
                     strstr(r.body, want_status) &&
                     strcmp(header(&r, "Allow:"), cases[i].allow) == 0 &&
                     strcmp(header(&r, "Content-Type:"), "application/json") == 0 &&
                     strcmp(header(&r, "X-Amzn-SageMaker-Custom-Attributes:"), "t=1") == 0,
                 "%.10s %.20s: %u %.200s\n%.200s", cases[i].method, cases[i].path, r.status, r.body,
                 r.head);
    }
}

/* tc_invoke's whole-body answer, for comparison. */
static void oracle(const char *body, const char *ctype, const char *accept, tc_format dflt,
                   tc_buf *out, tc_invoke_response *resp)
{
    tc_invoker *inv = tc_invoker_new(g_model);
    tc_invoke_request req = {body, strlen(body), ctype, accept, dflt, 3};
    tc_invoke(inv, &req, out, resp);
    tc_invoker_free(&inv);
}

static void test_invocations(void)
{
    static const struct {
        const char *ctype, *accept, *body;
    } cases[] = {
        {"text/plain", "application/jsonlines", "a wonderful film\ndull and lifeless\n"},
        {"application/json", "application/json", "{\"instances\":[\"caf\xc3\xa9\",\"\"]}"},
        {"text/csv", NULL, "\"great, really\",1\nawful,2\n"},  /* default Accept: CSV */
        {"text/plain", "*/*", "fine\n"},
        {"image/png", NULL, "x"},
        {"text/plain", "text/html", "x"},
        {"application/json", NULL, "{\"instances\": [1]}"},
        {"text/plain", NULL, "1\n2\n3\n4\n"},  /* over max_records (3) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char headers[256];
        snprintf(headers, sizeof headers, "Content-Type: %s\r\n%s%s%s", cases[i].ctype,
                 cases[i].accept ? "Accept: " : "", cases[i].accept ? cases[i].accept : "",
                 cases[i].accept ? "\r\n" : "");
        reply r;
        bool ok = request("POST", "/invocations", headers, cases[i].body, &r);
        tc_buf want = TC_BUF_INIT;
        tc_invoke_response wr;
        oracle(cases[i].body, cases[i].ctype, cases[i].accept, TC_FMT_CSV, &want, &wr);
        TC_CHECK(ok && r.status == wr.http_status && r.body_len == want.len &&
                     memcmp(r.body, want.data, want.len) == 0 &&
                     strcmp(header(&r, "Content-Type:"), wr.content_type) == 0,
                 "case %zu: %u %.300s\nexpected %u %.300s", i, r.status, r.body, wr.http_status,
                 want.data);
        tc_buf_free(&want);
    }
}

static void test_payload_limit(void)
{
    reply r;
    /* Announced over the limit, client waiting for 100 Continue: 413 at once. */
    char req[256];
    int n = snprintf(req, sizeof req,
                     "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: %u\r\n"
                     "Expect: 100-continue\r\n\r\n",
                     (1u << 20) + 1);
    TC_CHECK(exchange(req, (size_t)n, &r) && r.status == 413 &&
                 strstr(r.body, "request body of 1048577 bytes exceeds the limit of 1 MiB"),
             "Expect + over the limit: %u %.300s", r.status, r.body);
    /* Sent whole, one byte over: drained, then 413. */
    size_t len = (1u << 20) + 1;
    char *big = malloc(len + 1);
    if (big == NULL)
        return;
    memset(big, 'a', len);
    big[len] = '\0';
    for (size_t i = 100; i < len; i += 100)
        big[i] = '\n';
    TC_CHECK(request("POST", "/invocations", "Content-Type: text/plain\r\n", big, &r) &&
                 r.status == 413 &&
                 strstr(r.body, "request body exceeds the limit of 1 MiB (1048576 bytes)"),
             "body over the limit: %u %.300s", r.status, r.body);
    free(big);
}

static void test_inflight_and_byte_count(void)
{
    reply r;
    request("POST", "/invocations", "Content-Type: text/plain\r\n", "good\n", &r);
    /* Completion runs after the response has been sent: wait for it (bounded). */
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 5000 && tc_http_inflight(g_fx.http) != 0; i++)
        nanosleep(&ms, NULL);
    TC_CHECK(tc_http_inflight(g_fx.http) == 0, "%zu in flight after the last reply",
             tc_http_inflight(g_fx.http));
    size_t before = tc_http_bytes_received(g_fx.http);
    TC_CHECK(before >= 5, "only %zu body bytes counted after the bodies above", before);
    TC_CHECK(tc_http_bytes_received(g_fx.http) == before, "the count moved with nothing sent");
    request("POST", "/invocations", "Content-Type: text/plain\r\n", "bad\n", &r);
    for (int i = 0; i < 5000 && tc_http_inflight(g_fx.http) != 0; i++)
        nanosleep(&ms, NULL);
    TC_CHECK(tc_http_bytes_received(g_fx.http) == before + 4,
             "a 4-byte body moved the count from %zu to %zu", before,
             tc_http_bytes_received(g_fx.http));
}

/* After the daemon has stopped: one JSON access-log line per request. */
static void test_access_log(void)
{
    tc_accesslog_flush(g_fx.log);
    char text[1 << 16];
    ssize_t n = pread(g_fx.log_fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    TC_CHECK(strstr(text, "\"method\":\"GET\",\"path\":\"/nope\",\"status\":404") != NULL,
             "no 404 line in %.300s", text);
    TC_CHECK(strstr(text, "\"path\":\"/invocations\",\"status\":200,\"records\":2") != NULL,
             "no /invocations line in %.300s", text);
    size_t lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    TC_CHECK(lines == g_requests, "%zu lines for %zu requests", lines, g_requests);
}

static int open_log(void)
{
    return open(tc_tmp_path("access.log"), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

static bool start(void)
{
    const char *dir = getenv("TEXTCLF_TEST_MODEL");
    if (dir == NULL || dir[0] == '\0')
        dir = "models/sentiment-en";
    char err[TC_ERR_LEN] = "";
    tc_live_model *m = NULL;
    if (tc_live_model_load(dir, &m, err) != TC_OK) {
        printf("FAIL test_http.c: cannot load %s: %s\n", dir, err);
        return false;
    }
    g_model = tc_live_model_get(m);
    fixture *f = &g_fx;
    f->cfg = (tc_serve_config){.max_payload_mb = 1, .max_payload_bytes = 1u << 20,
                               .max_records = 3, .max_concurrent_transforms = 4,
                               .batch_strategy = "SINGLE_RECORD", .log_level = TC_LOG_INFO,
                               .threads = 2, .timeout_s = 10};
    f->live = tc_live_new();
    f->log_fd = open_log();
    f->log = f->log_fd >= 0 ? tc_accesslog_new(f->log_fd, 3) : NULL;
    if (f->live == NULL || f->log == NULL) {
        tc_live_model_release(&m);
        return false;
    }
    tc_live_swap(f->live, m);
    f->http = tc_http_new(&f->cfg, TC_FMT_CSV, f->live, f->log);
    if (f->http != NULL)
        f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
                                tc_http_on_request, f->http, MHD_OPTION_THREAD_POOL_SIZE,
                                (unsigned)2, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                                MHD_OPTION_NOTIFY_COMPLETED, tc_http_on_completed, f->http,
                                MHD_OPTION_END);
    const union MHD_DaemonInfo *di =
        f->d != NULL ? MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (di == NULL) {
        printf("FAIL test_http.c: cannot start the daemon\n");
        return false;
    }
    f->port = di->port;
    return true;
}

int main(void)
{
    int rc = 1;
    if (start()) {
        static const tc_test_case cases[] = {
            TC_TEST(test_ping_and_parameters), TC_TEST(test_route_errors),
            TC_TEST(test_invocations), TC_TEST(test_payload_limit),
            TC_TEST(test_inflight_and_byte_count)};
        rc = tc_test_run(__FILE__, cases, sizeof cases / sizeof *cases);
    }
    if (g_fx.d != NULL)
        MHD_stop_daemon(g_fx.d);
    if (g_fx.log != NULL) {
        static const tc_test_case after[] = {TC_TEST(test_access_log)};
        rc |= tc_test_run(__FILE__, after, 1);
    }
    tc_http_free(&g_fx.http);
    tc_accesslog_free(&g_fx.log);
    tc_live_free(&g_fx.live);
    if (g_fx.log_fd >= 0)
        close(g_fx.log_fd);
    remove(tc_tmp_path("access.log"));
    remove(tc_tmpdir);
    return rc;
}
