/* test_lambda_event.c - tc_lambda_handle on a real model: every event kind, routing,
 * base64 bodies, every error class, the response cap. An HTTP event's answer must carry
 * exactly what tc_invoke answers the same request (status, content type, body bytes),
 * computed here by a separate invoker; events are built with cJSON and answers read back
 * with it, so escaping is checked both ways.
 * Model: $TEXTCLF_TEST_MODEL, else models/sentiment-en (run from the repo root). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tc_invoke.h"
#include "tc_lambda_event.h"
#include "tc_test.h"

static tc_model *g_model;
static tc_invoker *g_oracle;   /* answers the plain /invocations request */
static tc_lambda_handler *g_h;
static const tc_lambda_limits k_lim = {1024 * 1024, 1, 1000, TC_FMT_JSON,
                                       TC_LAMBDA_MAX_RESPONSE_BYTES};

typedef struct http_ev {
    int version;               /* 2 or 1 */
    const char *method, *path, *stage;
    const char *ctype, *accept, *attrs;
    const char *body;
    size_t body_len;           /* body bytes (any) */
    bool base64;
    bool header_case;          /* v1: "Content-Type" / "Accept" as a client sends them */
} http_ev;

/* Standard base64 of p[0..n), written here from RFC 4648 as an independent encoder. */
static char *b64(const char *p, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *o = malloc((n + 2) / 3 * 4 + 1), *w = o;
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        *w++ = a[v >> 18];
        *w++ = a[(v >> 12) & 63];
        *w++ = i + 1 < n ? a[(v >> 6) & 63] : '=';
        *w++ = i + 2 < n ? a[v & 63] : '=';
    }
    *w = '\0';
    return o;
}

/* The event JSON (caller frees). Bodies with a NUL are not built here. */
static char *build(const http_ev *e)
{
    cJSON *ev = cJSON_CreateObject(), *ctx = cJSON_AddObjectToObject(ev, "requestContext");
    cJSON *h = cJSON_AddObjectToObject(ev, "headers");
    if (e->version == 2) {
        cJSON_AddStringToObject(ev, "version", "2.0");
        cJSON_AddStringToObject(ev, "routeKey", "$default");
        cJSON_AddStringToObject(ev, "rawPath", e->path);
        cJSON_AddStringToObject(ev, "rawQueryString", "");
        cJSON *http = cJSON_AddObjectToObject(ctx, "http");
        cJSON_AddStringToObject(http, "method", e->method);
        cJSON_AddStringToObject(http, "path", e->path);
        cJSON_AddStringToObject(ctx, "stage", e->stage ? e->stage : "$default");
    } else {
        cJSON_AddStringToObject(ev, "resource", "/{proxy+}");
        cJSON_AddStringToObject(ev, "path", e->path);
        cJSON_AddStringToObject(ev, "httpMethod", e->method);
        cJSON_AddStringToObject(ctx, "stage", "prod");
    }
    if (e->ctype)
        cJSON_AddStringToObject(h, e->header_case ? "Content-Type" : "content-type", e->ctype);
    if (e->accept)
        cJSON_AddStringToObject(h, e->header_case ? "Accept" : "accept", e->accept);
    if (e->attrs)
        cJSON_AddStringToObject(h, "x-amzn-sagemaker-custom-attributes", e->attrs);
    if (e->body == NULL) {
        cJSON_AddNullToObject(ev, "body");
    } else if (e->base64) {
        char *enc = b64(e->body, e->body_len);
        cJSON_AddStringToObject(ev, "body", enc);
        free(enc);
    } else {
        char *copy = malloc(e->body_len + 1);
        memcpy(copy, e->body, e->body_len);
        copy[e->body_len] = '\0';
        cJSON_AddStringToObject(ev, "body", copy);
        free(copy);
    }
    cJSON_AddBoolToObject(ev, "isBase64Encoded", e->base64);
    char *s = cJSON_PrintUnformatted(ev);
    cJSON_Delete(ev);
    return s;
}

typedef struct answer {
    tc_lambda_answer ans;
    cJSON *j;
    int status;
    const char *ctype, *allow, *attrs, *body;
    bool b64_false;
} answer;

static void handle(const char *event, size_t len, answer *a)
{
    tc_buf out = TC_BUF_INIT;
    memset(a, 0, sizeof *a);
    tc_lambda_handle(g_h, event, len, &out, &a->ans);
    a->j = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
    TC_CHECK(a->j != NULL, "answer is not JSON: %.300s", out.data);
    tc_buf_free(&out);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(a->j, "statusCode");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(a->j, "headers");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(a->j, "body");
    a->status = cJSON_IsNumber(sc) ? sc->valueint : -1;
    const cJSON *v;
    v = cJSON_GetObjectItemCaseSensitive(h, "content-type");
    a->ctype = cJSON_IsString(v) ? v->valuestring : NULL;
    v = cJSON_GetObjectItemCaseSensitive(h, "allow");
    a->allow = cJSON_IsString(v) ? v->valuestring : NULL;
    v = cJSON_GetObjectItemCaseSensitive(h, "x-amzn-sagemaker-custom-attributes");
    a->attrs = cJSON_IsString(v) ? v->valuestring : NULL;
    a->body = cJSON_IsString(b) ? b->valuestring : NULL;
    a->b64_false = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a->j, "isBase64Encoded"));
}

static void handle_http(const http_ev *e, answer *a)
{
    char *s = build(e);
    handle(s, strlen(s), a);
    free(s);
}

/* The HTTP answer must be exactly what tc_invoke answers the same request. */
static void expect_invoke(const char *what, const answer *a, const char *body, size_t len,
                          const char *ct, const char *accept, size_t max_records)
{
    tc_invoke_request req = {body, len, ct, accept, TC_FMT_JSON, max_records};
    tc_buf want = TC_BUF_INIT;
    tc_invoke_response r;
    tc_invoke(g_oracle, &req, &want, &r);
    TC_CHECK(!a->ans.function_error, "%s: function error %s", what, a->ans.error_type);
    TC_CHECK(a->status == (int)r.http_status && a->ans.status == r.http_status,
             "%s: statusCode %d, tc_invoke %u", what, a->status, r.http_status);
    TC_CHECK(a->ctype && strcmp(a->ctype, r.content_type) == 0, "%s: content-type %s, want %s",
             what, a->ctype, r.content_type);
    TC_CHECK(a->body && strlen(a->body) == want.len && memcmp(a->body, want.data, want.len) == 0,
             "%s: body %.200s\nwant %.200s", what, a->body, want.data);
    TC_CHECK(a->b64_false, "%s: isBase64Encoded is not false", what);
    TC_CHECK(a->ans.records == r.records, "%s: records %zu, want %zu", what, a->ans.records,
             r.records);
    tc_buf_free(&want);
}

static const char k_text[] = "a wonderful, moving film\ndull and lifeless\n"
                             "caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e \xf0\x9f\x98\x80\n";

static void test_http_v2_formats(void)
{
    static const char *const accepts[] = {NULL, "application/json", "application/jsonlines",
                                          "text/csv", "text/csv;q=0.5, application/jsonlines"};
    for (size_t i = 0; i < sizeof accepts / sizeof *accepts; i++) {
        http_ev e = {2, "POST", "/invocations", NULL, "text/plain", accepts[i], NULL,
                     k_text, strlen(k_text), false, false};
        answer a;
        handle_http(&e, &a);
        TC_CHECK(a.ans.kind == TC_LAMBDA_HTTP_V2, "kind %d", a.ans.kind);
        expect_invoke(accepts[i] ? accepts[i] : "no accept", &a, k_text, strlen(k_text),
                      "text/plain", accepts[i], 1000);
        TC_CHECK(a.status == 200 && a.ans.records == 3, "status %d records %zu", a.status,
                 a.ans.records);
        cJSON_Delete(a.j);
    }
    static const char csv[] = "\"Loved it, really\",1\n\"dull, \"\"dull\"\"\",2\n";
    static const char jl[] = "\"superb\"\n{\"text\":\"awful\"}\n";
    static const char js[] = "{\"instances\":[\"superb\",{\"text\":\"awful\"}]}";
    const struct { const char *ct, *body; } in[] = {
        {"text/csv", csv}, {"application/jsonlines", jl}, {"application/json; charset=utf-8", js}};
    for (size_t i = 0; i < 3; i++) {
        http_ev e = {2, "POST", "/invocations", NULL, in[i].ct, NULL, NULL, in[i].body,
                     strlen(in[i].body), false, false};
        answer a;
        handle_http(&e, &a);
        expect_invoke(in[i].ct, &a, in[i].body, strlen(in[i].body), in[i].ct, NULL, 1000);
        TC_CHECK(a.status == 200 && a.ans.records == 2, "%s: status %d", in[i].ct, a.status);
        cJSON_Delete(a.j);
    }
}

static void test_function_url_and_stage(void)
{
    /* A Function URL posts to "/"; an HTTP API stage prefixes rawPath. */
    const struct { const char *path, *stage; } r[] = {
        {"/", NULL}, {"/prod/invocations", "prod"}, {"/prod", "prod"}, {"/invocations", "v1"}};
    for (size_t i = 0; i < 4; i++) {
        http_ev e = {2, "POST", r[i].path, r[i].stage, NULL, NULL, NULL, "great", 5, false, false};
        answer a;
        handle_http(&e, &a);
        expect_invoke(r[i].path, &a, "great", 5, NULL, NULL, 1000);
        cJSON_Delete(a.j);
    }
    http_ev e = {2, "POST", "/prodx/invocations", "prod", NULL, NULL, NULL, "x", 1, false, false};
    answer a;
    handle_http(&e, &a);
    TC_CHECK(a.status == 404, "a path that only starts like the stage: %d", a.status);
    cJSON_Delete(a.j);
}

static void test_http_v1(void)
{
    http_ev e = {1, "POST", "/invocations", NULL, "text/csv", "application/jsonlines", NULL,
                 "\"good, fun\",1\nbad,2\n", 20, false, true};
    answer a;
    handle_http(&e, &a);
    TC_CHECK(a.ans.kind == TC_LAMBDA_HTTP_V1, "kind %d", a.ans.kind);
    expect_invoke("v1 csv", &a, e.body, e.body_len, "text/csv", "application/jsonlines", 1000);
    cJSON_Delete(a.j);
    /* headers null and body null: an empty body, as /invocations answers it */
    const char ev[] = "{\"httpMethod\":\"POST\",\"path\":\"/invocations\",\"headers\":null,"
                      "\"body\":null,\"isBase64Encoded\":false,\"requestContext\":{}}";
    handle(ev, strlen(ev), &a);
    expect_invoke("v1 null body", &a, "", 0, NULL, NULL, 1000);
    TC_CHECK(a.status == 400, "empty body: %d", a.status);
    cJSON_Delete(a.j);
}

static void test_base64(void)
{
    /* RFC 4648 section 10 vectors as bodies: every padding case. */
    static const char *const v[] = {"f", "fo", "foo", "foob", "fooba", "foobar"};
    for (size_t i = 0; i < 6; i++) {
        http_ev e = {2, "POST", "/invocations", NULL, "text/plain", NULL, NULL, v[i],
                     strlen(v[i]), true, false};
        answer a;
        handle_http(&e, &a);
        expect_invoke(v[i], &a, v[i], strlen(v[i]), "text/plain", NULL, 1000);
        cJSON_Delete(a.j);
    }
    /* JSON bodies of every length mod 3: a stray byte from the padding would be a JSON
     * error, so these see what text bodies cannot. */
    static const char *const js[] = {"\"ab\"", "\"abc\"", "\"abcd\"", "[\"a\"]"};
    for (size_t i = 0; i < 4; i++) {
        http_ev e = {2, "POST", "/invocations", NULL, "application/json", NULL, NULL, js[i],
                     strlen(js[i]), true, false};
        answer a;
        handle_http(&e, &a);
        expect_invoke(js[i], &a, js[i], strlen(js[i]), "application/json", NULL, 1000);
        TC_CHECK(a.status == 200 && a.ans.records == 1, "%s: %d %s", js[i], a.status, a.body);
        cJSON_Delete(a.j);
    }
    /* Invalid UTF-8 in a base64 body: /invocations' 400 with the byte offset. */
    static const char bad[] = "good\nbad \xff byte\n";
    http_ev e = {2, "POST", "/invocations", NULL, "text/plain", NULL, NULL, bad, strlen(bad),
                 true, false};
    answer a;
    handle_http(&e, &a);
    expect_invoke("bad utf-8", &a, bad, strlen(bad), "text/plain", NULL, 1000);
    TC_CHECK(a.status == 400, "bad utf-8: %d", a.status);
    cJSON_Delete(a.j);
    /* Not base64: 400 naming the problem. */
    static const char *const nb[] = {"Zm9", "Zm9v!A==", "Zm 9v", "Zg=a", "=Zm9", "Zm9v\n"};
    for (size_t i = 0; i < 6; i++) {
        char ev[300];
        snprintf(ev, sizeof ev,
                 "{\"version\":\"2.0\",\"rawPath\":\"/invocations\",\"requestContext\":{\"http\":"
                 "{\"method\":\"POST\"}},\"body\":\"%s\",\"isBase64Encoded\":true}",
                 strcmp(nb[i], "Zm9v\n") == 0 ? "Zm9v\\n" : nb[i]);
        handle(ev, strlen(ev), &a);
        TC_CHECK(a.status == 400 && a.body && strstr(a.body, "not base64"), "%s: %d %s", nb[i],
                 a.status, a.body);
        cJSON_Delete(a.j);
    }
}

/* A body larger than the 4 MiB pieces the decoder feeds libcrypto. */
static void test_base64_large(void)
{
    tc_lambda_limits lim = k_lim;
    lim.max_payload_bytes = (size_t)6 << 20;
    lim.max_payload_mb = 6;
    lim.max_records = 10000;
    tc_lambda_handler *h = tc_lambda_handler_new(g_model, &lim);
    size_t n = (size_t)7 << 19;  /* 3.5 MiB: 4.67 MB of base64 */
    char *body = malloc(n);
    for (size_t i = 0; i < n; i++)
        body[i] = i % 1000 == 999 ? '\n' : "good plot, bad acting "[i % 22];
    http_ev e = {2, "POST", "/invocations", NULL, "text/plain", "application/jsonlines", NULL,
                 body, n, true, false};
    char *ev = build(&e);
    tc_lambda_handler *keep = g_h;
    g_h = h;
    answer a;
    handle(ev, strlen(ev), &a);
    g_h = keep;
    expect_invoke("3.5 MiB base64", &a, body, n, "text/plain", "application/jsonlines", 10000);
    TC_CHECK(a.status == 200 && a.ans.records == n / 1000 + (n % 1000 != 0),
             "status %d records %zu", a.status, a.ans.records);
    cJSON_Delete(a.j);
    free(ev);
    free(body);
    tc_lambda_handler_free(&h);
}

static void test_routes(void)
{
    const struct {
        const char *method, *path;
        int status;
        const char *allow;
    } r[] = {{"GET", "/ping", 200, NULL},     {"HEAD", "/ping", 200, NULL},
             {"POST", "/ping", 405, "GET, HEAD"}, {"GET", "/invocations", 405, "POST"},
             {"PUT", "/", 405, "POST"},       {"GET", "/models", 404, NULL},
             {"POST", "/invocationsx", 404, NULL}};
    for (int v = 1; v <= 2; v++) {
        for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
            http_ev e = {v, r[i].method, r[i].path, NULL, NULL, NULL, "k=v", "x", 1, false, false};
            answer a;
            handle_http(&e, &a);
            TC_CHECK(a.status == r[i].status, "v%d %s %s: %d", v, r[i].method, r[i].path,
                     a.status);
            TC_CHECK(r[i].allow == NULL || (a.allow && strcmp(a.allow, r[i].allow) == 0),
                     "%s %s: allow %s", r[i].method, r[i].path, a.allow);
            TC_CHECK(a.attrs && strcmp(a.attrs, "k=v") == 0, "custom attributes not echoed");
            if (r[i].status == 200)
                TC_CHECK(a.body && a.body[0] == '\0' && a.ctype == NULL, "ping body %s", a.body);
            else
                TC_CHECK(a.body && strstr(a.body, "\"status\":") && a.ctype &&
                             strcmp(a.ctype, "application/json") == 0,
                         "error body %s", a.body);
            cJSON_Delete(a.j);
        }
    }
}

static void test_http_client_errors(void)
{
    const struct {
        const char *ct, *accept, *body;
        size_t max_records;
        int status;
    } c[] = {
        {"application/json", NULL, "{\"instances\": [\"a\",]}", 1000, 400},
        {"application/json", NULL, "{\"instances\": 3}", 1000, 400},
        {"text/csv", NULL, "\"unterminated,1\n", 1000, 400},
        {"text/plain", NULL, "bad \xc3\x28 utf-8", 1000, 400},
        {"application/xml", NULL, "<a/>", 1000, 415},
        {"text/plain; charset=latin-1", NULL, "x", 1000, 415},
        {"text/plain", "text/html", "x", 1000, 406},
        {"text/plain", NULL, "", 1000, 400},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        http_ev e = {2, "POST", "/invocations", NULL, c[i].ct, c[i].accept, NULL, c[i].body,
                     strlen(c[i].body), false, false};
        answer a;
        handle_http(&e, &a);
        expect_invoke(c[i].body, &a, c[i].body, strlen(c[i].body), c[i].ct, c[i].accept, 1000);
        TC_CHECK(a.status == c[i].status, "%s: %d, want %d", c[i].body, a.status, c[i].status);
        cJSON_Delete(a.j);
    }
    /* More records than the limit (1000 here): /invocations' 413. */
    tc_buf many = TC_BUF_INIT;
    for (int i = 0; i < 1001; i++)
        tc_buf_append_str(&many, "fine\n");
    http_ev e = {2, "POST", "/invocations", NULL, "text/plain", NULL, NULL, many.data, many.len,
                 false, false};
    answer a;
    handle_http(&e, &a);
    expect_invoke("1001 records", &a, many.data, many.len, "text/plain", NULL, 1000);
    TC_CHECK(a.status == 413, "1001 records: %d", a.status);
    cJSON_Delete(a.j);
    tc_buf_free(&many);
    /* A body over the payload limit (1 MiB here), plain and base64: 413 with serve's text. */
    size_t n = (1u << 20) + 1;
    char *big = malloc(n);
    memset(big, 'a', n);
    for (int b = 0; b < 2; b++) {
        http_ev eb = {2, "POST", "/invocations", NULL, "text/plain", NULL, NULL, big, n, b == 1,
                      false};
        handle_http(&eb, &a);
        TC_CHECK(a.status == 413 && a.body &&
                     strstr(a.body, "request body of 1048577 bytes exceeds the limit of 1 MiB"),
                 "over the limit (base64 %d): %d %s", b, a.status, a.body);
        cJSON_Delete(a.j);
    }
    free(big);
}

static void test_malformed_http_events(void)
{
    static const char *const ev[] = {
        "{\"version\":\"2.0\",\"rawPath\":\"/\",\"body\":\"x\"}",
        "{\"version\":\"2.0\",\"rawPath\":\"/\",\"requestContext\":{\"http\":{\"method\":7}}}",
        "{\"httpMethod\":\"POST\",\"path\":\"/\",\"headers\":[\"a\"]}",
        "{\"httpMethod\":\"POST\",\"path\":\"/\",\"headers\":{\"accept\":1}}",
        "{\"httpMethod\":\"POST\",\"path\":\"/\",\"body\":{\"text\":\"x\"}}",
        "{\"httpMethod\":\"POST\",\"path\":\"/\",\"body\":\"x\",\"isBase64Encoded\":\"yes\"}",
        "{\"httpMethod\":\"POST\",\"body\":\"x\"}",
        "{\"httpMethod\":null,\"path\":\"/\"}",
    };
    static const char *const names[] = {"requestContext.http", "method", "headers", "accept",
                                        "body", "isBase64Encoded", "path", "httpMethod"};
    for (size_t i = 0; i < sizeof ev / sizeof *ev; i++) {
        answer a;
        handle(ev[i], strlen(ev[i]), &a);
        TC_CHECK(!a.ans.function_error && a.status == 400 && a.body &&
                     strstr(a.body, "malformed") && strstr(a.body, names[i]),
                 "%s: %d %s", ev[i], a.status, a.body);
        cJSON_Delete(a.j);
    }
    /* A NUL in the event cannot pass through the JSON library: refused, not truncated. */
    const char nul[] = "{\"httpMethod\":\"POST\",\"path\":\"/\",\"body\":\"good\\u0000bad\"}";
    answer a;
    handle(nul, strlen(nul), &a);
    TC_CHECK(a.status == 400 && a.body && strstr(a.body, "NUL"), "\\u0000: %d %s", a.status,
             a.body);
    cJSON_Delete(a.j);
    /* An escaped backslash before "u0000" is no NUL. */
    const char bs[] = "{\"httpMethod\":\"POST\",\"path\":\"/\",\"body\":\"good \\\\u0000\"}";
    handle(bs, strlen(bs), &a);
    expect_invoke("escaped backslash", &a, "good \\u0000", 11, NULL, NULL, 1000);
    cJSON_Delete(a.j);
}

/* The errorMessage of a function error answer, or NULL. */
static char *error_message(const tc_buf *out, const char *want_type)
{
    cJSON *j = cJSON_ParseWithLength(out->data ? out->data : "", out->len);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "errorMessage");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "errorType");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "stackTrace");
    char *r = NULL;
    if (cJSON_IsString(m) && cJSON_IsString(t) && strcmp(t->valuestring, want_type) == 0 &&
        cJSON_IsArray(s))
        r = strdup(m->valuestring);
    cJSON_Delete(j);
    return r;
}

static void test_direct(void)
{
    static const char *const ok[] = {"{\"instances\":[\"superb\",{\"text\":\"awful\"}]}",
                                     "{\"inputs\":[\"superb\"]}", "{\"text\":\"superb\"}",
                                     "\"superb\"", " [\"superb\",\"awful\"] ",
                                     "{\"text\":\"version httpMethod\"}",
                                     "{\"text\":\"superb\",\"version\":\"3\"}"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        tc_buf out = TC_BUF_INIT, want = TC_BUF_INIT;
        tc_lambda_answer ans;
        tc_lambda_handle(g_h, ok[i], strlen(ok[i]), &out, &ans);
        tc_invoke_request req = {ok[i], strlen(ok[i]), "application/json", NULL, TC_FMT_JSON,
                                 1000};
        tc_invoke_response r;
        tc_invoke(g_oracle, &req, &want, &r);
        TC_CHECK(ans.kind == TC_LAMBDA_DIRECT && !ans.function_error && ans.status == 200 &&
                     r.http_status == 200,
                 "%s: kind %d status %u", ok[i], ans.kind, ans.status);
        TC_CHECK(out.len == want.len && memcmp(out.data, want.data, want.len) == 0,
                 "%s: %s\nwant %s", ok[i], out.data, want.data);
        tc_buf_free(&out);
        tc_buf_free(&want);
    }
    /* Client errors: a ClientError whose message is /invocations' error text. */
    tc_buf many = TC_BUF_INIT;
    tc_buf_append_str(&many, "[");
    for (int i = 0; i < 1001; i++)
        tc_buf_append_str(&many, i ? ",\"x\"" : "\"x\"");
    tc_buf_append_str(&many, "]");
    const char *bad[] = {"not json", "{\"instances\":[1]}", "\"bad \xff\"", "", "{}",
                         "{\"version\":\"2.0\"", many.data};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tc_buf out = TC_BUF_INIT, want = TC_BUF_INIT;
        tc_lambda_answer ans;
        tc_lambda_handle(g_h, bad[i], strlen(bad[i]), &out, &ans);
        tc_invoke_request req = {bad[i], strlen(bad[i]), "application/json", NULL, TC_FMT_JSON,
                                 1000};
        tc_invoke_response r;
        tc_invoke(g_oracle, &req, &want, &r);
        char *msg = error_message(&out, "ClientError");
        cJSON *wj = cJSON_Parse(want.data);
        const cJSON *we = cJSON_GetObjectItemCaseSensitive(wj, "error");
        TC_CHECK(ans.function_error && strcmp(ans.error_type, "ClientError") == 0 &&
                     ans.status == r.http_status && msg && cJSON_IsString(we) &&
                     strcmp(msg, we->valuestring) == 0,
                 "%.40s: %s (want %s)", bad[i], out.data, want.data);
        free(msg);
        cJSON_Delete(wj);
        tc_buf_free(&out);
        tc_buf_free(&want);
    }
    tc_buf_free(&many);
}

static void test_response_cap(void)
{
    tc_lambda_limits lim = k_lim;
    lim.max_response_bytes = 400;
    tc_lambda_handler *h = tc_lambda_handler_new(g_model, &lim);
    static const char four[] = "[\"a\",\"b\",\"c\",\"d\"]";
    tc_buf out = TC_BUF_INIT;
    tc_lambda_answer ans;
    tc_lambda_handle(h, four, strlen(four), &out, &ans);
    char *msg = error_message(&out, "ClientError");
    TC_CHECK(ans.function_error && ans.status == 413 && msg && strstr(msg, "response limit"),
             "direct over the cap: %s", out.data);
    free(msg);
    http_ev e = {2, "POST", "/invocations", NULL, "text/plain", NULL, NULL, "a\nb\nc\nd\n", 8,
                 false, false};
    char *ev = build(&e);
    tc_lambda_handle(h, ev, strlen(ev), &out, &ans);
    cJSON *j = cJSON_Parse(out.data);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "statusCode");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "body");
    TC_CHECK(!ans.function_error && cJSON_IsNumber(sc) && sc->valueint == 413 &&
                 cJSON_IsString(b) && strstr(b->valuestring, "400 bytes") &&
                 out.len <= lim.max_response_bytes,
             "HTTP over the cap: %s", out.data);
    cJSON_Delete(j);
    free(ev);
    tc_buf_free(&out);
    tc_lambda_handler_free(&h);
}

static void test_error_object(void)
{
    tc_buf b = TC_BUF_INIT;
    tc_lambda_error_object(&b, "Runtime.ModelLoadError", "bad \"model\" \xc3 here");
    TC_CHECK(b.data && strcmp(b.data, "{\"errorMessage\":\"bad \\\"model\\\" ? here\","
                                      "\"errorType\":\"Runtime.ModelLoadError\","
                                      "\"stackTrace\":[]}") == 0,
             "%s", b.data);
    tc_buf_free(&b);
    TC_CHECK(strcmp(tc_lambda_kind_name(TC_LAMBDA_HTTP_V2), "http-v2") == 0 &&
                 strcmp(tc_lambda_kind_name(TC_LAMBDA_DIRECT), "direct") == 0,
             "kind names");
}

int main(void)
{
    const char *dir = getenv("TEXTCLF_TEST_MODEL");
    if (dir == NULL || dir[0] == '\0')
        dir = "models/sentiment-en";
    char err[TC_ERR_LEN] = "";
    if (tc_model_load(dir, NULL, &g_model, err) != TC_OK) {
        printf("FAIL test_lambda_event.c: the model %s does not load: %s\n", dir, err);
        return 1;
    }
    g_oracle = tc_invoker_new(g_model);
    g_h = tc_lambda_handler_new(g_model, &k_lim);
    static const tc_test_case cases[] = {
        TC_TEST(test_http_v2_formats), TC_TEST(test_function_url_and_stage),
        TC_TEST(test_http_v1),         TC_TEST(test_base64),
        TC_TEST(test_base64_large),    TC_TEST(test_routes),
        TC_TEST(test_http_client_errors), TC_TEST(test_malformed_http_events),
        TC_TEST(test_direct),          TC_TEST(test_response_cap),
        TC_TEST(test_error_object)};
    int rc = tc_test_run(__FILE__, cases, sizeof cases / sizeof *cases);
    tc_lambda_handler_free(&g_h);
    tc_invoker_free(&g_oracle);
    tc_model_free(&g_model);
    return rc;
}
