/* lambda_event.c - one AWS Lambda event in, one answer out (see tc_lambda_event.h). */
#include "tc_lambda_event.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "tc_invoke.h"
#include "tc_utf8.h"

/* Buffers above this are freed after the event rather than kept for the next one. */
#define KEEP_BYTES ((size_t)1 << 20)
#define HDR_CUSTOM_ATTRIBUTES "x-amzn-sagemaker-custom-attributes"

struct tc_lambda_handler {
    tc_lambda_limits lim;
    tc_invoker *inv;
    tc_buf body;     /* a base64 body, decoded */
    tc_buf resp;     /* tc_invoke's answer */
};

/* What an HTTP event asks, as borrowed pointers into its cJSON tree. */
typedef struct http_request {
    const char *method;
    const char *path;       /* stage prefix removed */
    size_t path_len;
    const char *content_type, *accept, *custom_attributes;  /* NULL when absent */
    const char *body;       /* NULL when absent or null */
    bool base64;
} http_request;

const char *tc_lambda_kind_name(tc_lambda_kind k)
{
    switch (k) {
    case TC_LAMBDA_HTTP_V2: return "http-v2";
    case TC_LAMBDA_HTTP_V1: return "http-v1";
    case TC_LAMBDA_DIRECT: return "direct";
    }
    return "?";
}

tc_lambda_handler *tc_lambda_handler_new(const tc_model *m, const tc_lambda_limits *lim)
{
    tc_lambda_handler *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->lim = *lim;
    h->inv = tc_invoker_new(m);
    if (h->inv == NULL)
        tc_lambda_handler_free(&h);
    return h;
}

void tc_lambda_handler_free(tc_lambda_handler **h)
{
    if (h == NULL || *h == NULL)
        return;
    tc_invoker_free(&(*h)->inv);
    tc_buf_free(&(*h)->body);
    tc_buf_free(&(*h)->resp);
    free(*h);
    *h = NULL;
}

/* s[0..n) as a JSON string literal; bytes that are not UTF-8 become '?' (client text
 * in messages and echoed headers). False on allocation failure. */
static bool append_clean_string(tc_buf *out, const char *s, size_t n)
{
    size_t bad;
    if (tc_utf8_valid(s, n, &bad))
        return tc_buf_append_json_string(out, s, n);
    char *copy = malloc(n ? n : 1);
    if (copy == NULL)
        return false;
    memcpy(copy, s, n);
    while (!tc_utf8_valid(copy, n, &bad))
        copy[bad] = '?';
    bool ok = tc_buf_append_json_string(out, copy, n);
    free(copy);
    return ok;
}

void tc_lambda_error_object(tc_buf *out, const char *type, const char *msg)
{
    tc_buf_clear(out);
    /* On allocation failure the object stays short or empty; the caller's status tells. */
    (void)(tc_buf_append_str(out, "{\"errorMessage\":") &&
           append_clean_string(out, msg, strlen(msg)) &&
           tc_buf_append_str(out, ",\"errorType\":") &&
           tc_buf_append_json_string(out, type, strlen(type)) &&
           tc_buf_append_str(out, ",\"stackTrace\":[]}"));
}

static void function_error(tc_buf *out, tc_lambda_answer *ans, const char *type,
                           const char *msg)
{
    ans->function_error = true;
    ans->error_type = type;
    ans->records = 0;
    tc_lambda_error_object(out, type, msg);
}

/* ---- the answer to an HTTP event ------------------------------------------------------ */

/* {"statusCode":..,"headers":{..},"body":..,"isBase64Encoded":false} into out. */
static bool encode_http_answer(tc_buf *out, unsigned status, const char *ctype,
                               const char *allow, const char *attrs, const char *body,
                               size_t body_len)
{
    tc_buf_clear(out);
    if (!tc_buf_printf(out, "{\"statusCode\":%u,\"headers\":{", status))
        return false;
    const char *sep = "";
    if (ctype != NULL) {
        if (!tc_buf_append_str(out, "\"content-type\":") ||
            !tc_buf_append_json_string(out, ctype, strlen(ctype)))
            return false;
        sep = ",";
    }
    if (allow != NULL) {
        if (!tc_buf_append_str(out, sep) || !tc_buf_append_str(out, "\"allow\":") ||
            !tc_buf_append_json_string(out, allow, strlen(allow)))
            return false;
        sep = ",";
    }
    if (attrs != NULL) {
        if (!tc_buf_append_str(out, sep) ||
            !tc_buf_append_str(out, "\"" HDR_CUSTOM_ATTRIBUTES "\":") ||
            !append_clean_string(out, attrs, strlen(attrs)))
            return false;
    }
    /* The body is ours: predictions or an error object, valid UTF-8 either way. */
    return tc_buf_append_str(out, "},\"body\":") &&
           tc_buf_append_json_string(out, body, body_len) &&
           tc_buf_append_str(out, ",\"isBase64Encoded\":false}");
}

/* An HTTP answer with /invocations' JSON error body. */
static void http_error(tc_lambda_handler *h, const http_request *rq, unsigned status,
                       const char *allow, const char *msg, tc_buf *out, tc_lambda_answer *ans)
{
    tc_invoke_error_body(&h->resp, status, msg);
    ans->status = status;
    ans->records = 0;
    const char *body = h->resp.data != NULL ? h->resp.data : "";
    if (!encode_http_answer(out, status, "application/json", allow,
                            rq != NULL ? rq->custom_attributes : NULL, body, h->resp.len))
        function_error(out, ans, "InternalError", "out of memory while encoding the answer");
}

static void too_big_answer(tc_lambda_handler *h, const http_request *rq, size_t n, tc_buf *out,
                           tc_lambda_answer *ans)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "the answer of %zu bytes exceeds Lambda's response limit of %zu bytes; send "
             "fewer records per request",
             n, h->lim.max_response_bytes);
    if (ans->kind == TC_LAMBDA_DIRECT) {
        ans->status = 413;
        function_error(out, ans, "ClientError", msg);
    } else {
        http_error(h, rq, 413, NULL, msg, out, ans);
    }
}

/* ---- taking the request out of an HTTP event ------------------------------------------ */

/* The member `name` of obj as a string: true with *out (NULL when absent or null, and
 * `optional`); false (message in err) when it has another type, or is required and
 * missing. */
static bool get_string(const cJSON *obj, const char *name, const char *where, bool optional,
                       const char **out, char *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = NULL;
    if (cJSON_IsString(v)) {
        *out = v->valuestring;
        return true;
    }
    if ((v == NULL || cJSON_IsNull(v)) && optional)
        return true;
    snprintf(err, TC_ERR_LEN, "malformed %s event: \"%s\" is %s, not a string", where, name,
             v == NULL ? "missing" : "of another type");
    return false;
}

/* Case-insensitive header lookup over a headers object (API Gateway REST events keep the
 * client's case; HTTP API and Function URL events are lower-case). */
static const char *header(const cJSON *headers, const char *name)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, headers)
    {
        if (c->string != NULL && strcasecmp(c->string, name) == 0)
            return c->valuestring;
    }
    return NULL;
}

static bool read_http_event(const cJSON *ev, tc_lambda_kind kind, http_request *rq, char *err)
{
    const char *where = kind == TC_LAMBDA_HTTP_V2 ? "HTTP API (payload 2.0)"
                                                  : "API Gateway REST (payload 1.0)";
    memset(rq, 0, sizeof *rq);
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(ev, "requestContext");
    const char *stage = NULL;
    if (kind == TC_LAMBDA_HTTP_V2) {
        const cJSON *http = cJSON_GetObjectItemCaseSensitive(ctx, "http");
        if (!cJSON_IsObject(http)) {
            snprintf(err, TC_ERR_LEN, "malformed %s event: \"requestContext.http\" is not an "
                     "object", where);
            return false;
        }
        if (!get_string(http, "method", where, false, &rq->method, err) ||
            !get_string(ev, "rawPath", where, true, &rq->path, err) ||
            (rq->path == NULL && !get_string(http, "path", where, false, &rq->path, err)) ||
            !get_string(ctx, "stage", where, true, &stage, err))
            return false;
    } else {
        if (!get_string(ev, "httpMethod", where, false, &rq->method, err) ||
            !get_string(ev, "path", where, false, &rq->path, err))
            return false;
    }
    rq->path_len = strlen(rq->path);
    /* An HTTP API stage other than $default prefixes rawPath: "/prod/invocations". */
    if (stage != NULL && strcmp(stage, "$default") != 0 && stage[0] != '\0') {
        size_t sl = strlen(stage);
        if (rq->path[0] == '/' && strncmp(rq->path + 1, stage, sl) == 0 &&
            (rq->path[1 + sl] == '/' || rq->path[1 + sl] == '\0')) {
            rq->path += 1 + sl;
            rq->path_len -= 1 + sl;
        }
    }
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(ev, "headers");
    if (headers != NULL && !cJSON_IsNull(headers)) {
        if (!cJSON_IsObject(headers)) {
            snprintf(err, TC_ERR_LEN, "malformed %s event: \"headers\" is not an object", where);
            return false;
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, headers)
        {
            if (!cJSON_IsString(c)) {
                snprintf(err, TC_ERR_LEN, "malformed %s event: header \"%.100s\" is not a string",
                         where, c->string != NULL ? c->string : "");
                return false;
            }
        }
        rq->content_type = header(headers, "content-type");
        rq->accept = header(headers, "accept");
        rq->custom_attributes = header(headers, HDR_CUSTOM_ATTRIBUTES);
    }
    if (!get_string(ev, "body", where, true, &rq->body, err))
        return false;
    const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(ev, "isBase64Encoded");
    if (b64 != NULL && !cJSON_IsNull(b64) && !cJSON_IsBool(b64)) {
        snprintf(err, TC_ERR_LEN, "malformed %s event: \"isBase64Encoded\" is not true or false",
                 where);
        return false;
    }
    rq->base64 = cJSON_IsTrue(b64);
    return true;
}

/* Length of the bytes that strict base64 s[0..n) stands for (RFC 4648 alphabet, padded
 * to a multiple of 4, '=' only at the end), or SIZE_MAX when it is not such base64. */
static size_t base64_decoded_len(const char *s, size_t n)
{
    if (n % 4 != 0)
        return SIZE_MAX;
    size_t pad = 0;
    while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < n - pad; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/'))
            return SIZE_MAX;
    }
    return n / 4 * 3 - pad;
}

/* Decodes validated base64 s[0..n) (decoded length dlen) into b. libcrypto's
 * EVP_DecodeBlock takes an int length and writes 3 bytes for every 4 characters,
 * padding included, so it is fed 4-aligned pieces and the padding bytes are dropped. */
static bool base64_decode(tc_buf *b, const char *s, size_t n, size_t dlen)
{
    tc_buf_clear(b);
    if (!tc_buf_reserve(b, n / 4 * 3 + 1))
        return false;
    const size_t piece = (size_t)4 << 20;
    size_t at = 0, w = 0;
    while (at < n) {
        size_t k = n - at < piece ? n - at : piece;
        int got = EVP_DecodeBlock((unsigned char *)b->data + w, (const unsigned char *)s + at,
                                  (int)k);
        if (got < 0)
            return false;
        w += (size_t)got;
        at += k;
    }
    b->len = dlen <= w ? dlen : w;
    b->data[b->len] = '\0';
    return true;
}

/* True if ev[0..n) holds a NUL, raw or as the escape \u0000. The event parsed as JSON,
 * so every backslash opens an escape inside a string, and the character after it
 * belongs to that escape. */
static bool has_nul(const char *ev, size_t n)
{
    if (memchr(ev, '\0', n) != NULL)
        return true;
    for (size_t i = 0; i + 1 < n; i++) {
        if (ev[i] != '\\')
            continue;
        if (ev[i + 1] == 'u' && i + 5 < n && memcmp(ev + i + 2, "0000", 4) == 0)
            return true;
        i++;
    }
    return false;
}

static void answer_http(tc_lambda_handler *h, const char *event, size_t len, const cJSON *ev,
                        tc_buf *out, tc_lambda_answer *ans)
{
    char err[TC_ERR_LEN] = "";
    http_request rq;
    if (!read_http_event(ev, ans->kind, &rq, err)) {
        http_error(h, NULL, 400, NULL, err, out, ans);
        return;
    }
    if (has_nul(event, len)) {
        http_error(h, &rq, 400, NULL,
                   "the event holds a NUL character (\\u0000), which this runtime cannot pass "
                   "on; send such a body base64-encoded",
                   out, ans);
        return;
    }
    bool ping = rq.path_len == 5 && strncmp(rq.path, "/ping", 5) == 0;
    bool invocations = (rq.path_len == 12 && strncmp(rq.path, "/invocations", 12) == 0) ||
                       (rq.path_len == 1 && rq.path[0] == '/') || rq.path_len == 0;
    if (ping || invocations) {
        const char *allow = ping ? "GET, HEAD" : "POST";
        bool ok = ping ? strcmp(rq.method, "GET") == 0 || strcmp(rq.method, "HEAD") == 0
                       : strcmp(rq.method, "POST") == 0;
        if (!ok) {
            snprintf(err, sizeof err, "method %.16s not allowed on %.100s (allowed: %s)",
                     rq.method, rq.path_len ? rq.path : "/", allow);
            http_error(h, &rq, 405, allow, err, out, ans);
            return;
        }
    } else {
        snprintf(err, sizeof err, "no such endpoint: %.*s (endpoints: /ping, /invocations, /)",
                 (int)(rq.path_len < 100 ? rq.path_len : 100), rq.path);
        http_error(h, &rq, 404, NULL, err, out, ans);
        return;
    }
    if (ping) {
        ans->status = 200;
        if (!encode_http_answer(out, 200, NULL, NULL, rq.custom_attributes, "", 0))
            function_error(out, ans, "InternalError", "out of memory while encoding the answer");
        return;
    }

    const char *body = rq.body != NULL ? rq.body : "";
    size_t body_len = strlen(body);
    if (rq.base64) {
        size_t dlen = base64_decoded_len(body, body_len);
        if (dlen == SIZE_MAX) {
            http_error(h, &rq, 400, NULL,
                       "the body is marked isBase64Encoded but is not base64 (RFC 4648, padded)",
                       out, ans);
            return;
        }
        if (dlen <= h->lim.max_payload_bytes) {
            if (!base64_decode(&h->body, body, body_len, dlen)) {
                function_error(out, ans, "InternalError", "out of memory decoding the body");
                return;
            }
            body = h->body.data;
        }
        body_len = dlen;
    }
    if (body_len > h->lim.max_payload_bytes) {
        snprintf(err, sizeof err, "request body of %zu bytes exceeds the limit of %u MiB",
                 body_len, h->lim.max_payload_mb);
        http_error(h, &rq, 413, NULL, err, out, ans);
        return;
    }
    tc_invoke_request req = {
        .body = body,
        .body_len = body_len,
        .content_type = rq.content_type,
        .accept = rq.accept,
        .default_accept = h->lim.default_accept,
        .max_records = h->lim.max_records,
    };
    tc_invoke_response iresp;
    tc_invoke(h->inv, &req, &h->resp, &iresp);
    ans->status = iresp.http_status;
    ans->records = iresp.records;
    if (iresp.http_status >= 500) {
        function_error(out, ans, "InternalError", h->resp.data != NULL ? h->resp.data : "");
        return;
    }
    if (!encode_http_answer(out, iresp.http_status, iresp.content_type, NULL,
                            rq.custom_attributes, h->resp.data != NULL ? h->resp.data : "",
                            h->resp.len)) {
        function_error(out, ans, "InternalError", "out of memory while encoding the answer");
        return;
    }
    if (out->len > h->lim.max_response_bytes)
        too_big_answer(h, &rq, out->len, out, ans);
}

/* ---- a direct invocation ---------------------------------------------------------------- */

static void answer_direct(tc_lambda_handler *h, const char *event, size_t len, tc_buf *out,
                          tc_lambda_answer *ans)
{
    tc_invoke_request req = {
        .body = event,
        .body_len = len,
        .content_type = "application/json",
        .accept = "application/json",
        .default_accept = TC_FMT_JSON,
        .max_records = h->lim.max_records,
    };
    tc_invoke_response iresp;
    tc_invoke(h->inv, &req, out, &iresp);
    ans->status = iresp.http_status;
    ans->records = iresp.records;
    if (iresp.http_status == 200) {
        if (out->len > h->lim.max_response_bytes)
            too_big_answer(h, NULL, out->len, out, ans);
        return;
    }
    /* out holds {"error":"...","status":N}: its message becomes the errorMessage. */
    char msg[TC_ERR_LEN + 64] = "";
    cJSON *j = cJSON_ParseWithLength(out->data != NULL ? out->data : "", out->len);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    snprintf(msg, sizeof msg, "%s", cJSON_IsString(e) ? e->valuestring : "out of memory");
    cJSON_Delete(j);
    function_error(out, ans, iresp.http_status >= 500 ? "InternalError" : "ClientError", msg);
}

/* ---- classification ---------------------------------------------------------------------- */

static bool has_text(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    const char *p = s, *end = s + n;
    while ((size_t)(end - p) >= k &&
           (p = memchr(p, needle[0], (size_t)(end - p) - k + 1)) != NULL) {
        if (memcmp(p, needle, k) == 0)
            return true;
        p++;
    }
    return false;
}

/* Parses the event when it may be an HTTP event; NULL (kind DIRECT) otherwise. An HTTP
 * event names its members plainly; an object without "httpMethod", "rawPath" or
 * "version" in its text is a direct invocation and is not parsed here at all (its
 * body is parsed once, by the codec). */
static cJSON *classify(const char *event, size_t len, tc_lambda_kind *kind)
{
    *kind = TC_LAMBDA_DIRECT;
    size_t i = 0;
    while (i < len && (event[i] == ' ' || event[i] == '\t' || event[i] == '\n' ||
                       event[i] == '\r'))
        i++;
    if (i == len || event[i] != '{')
        return NULL;
    if (!has_text(event, len, "\"httpMethod\"") && !has_text(event, len, "\"rawPath\"") &&
        !has_text(event, len, "\"version\""))
        return NULL;
    const char *end = NULL;
    cJSON *ev = cJSON_ParseWithLengthOpts(event, len, &end, false);
    if (ev == NULL)
        return NULL;
    while (end != NULL && end < event + len &&
           (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    if (end != event + len || !cJSON_IsObject(ev)) {
        cJSON_Delete(ev);
        return NULL;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(ev, "version");
    if (cJSON_GetObjectItemCaseSensitive(ev, "httpMethod") != NULL)
        *kind = TC_LAMBDA_HTTP_V1;
    else if ((cJSON_IsString(version) && strcmp(version->valuestring, "2.0") == 0) ||
             (cJSON_GetObjectItemCaseSensitive(ev, "rawPath") != NULL &&
              cJSON_GetObjectItemCaseSensitive(ev, "requestContext") != NULL))
        *kind = TC_LAMBDA_HTTP_V2;
    if (*kind == TC_LAMBDA_DIRECT) {
        cJSON_Delete(ev);
        return NULL;
    }
    return ev;
}

void tc_lambda_handle(tc_lambda_handler *h, const char *event, size_t len, tc_buf *out,
                      tc_lambda_answer *ans)
{
    memset(ans, 0, sizeof *ans);
    tc_buf_clear(out);
    cJSON *ev = classify(event, len, &ans->kind);
    if (ev == NULL)
        answer_direct(h, event, len, out, ans);
    else
        answer_http(h, event, len, ev, out, ans);
    cJSON_Delete(ev);
    if (h->body.cap > KEEP_BYTES)
        tc_buf_free(&h->body);
    if (h->resp.cap > KEEP_BYTES)
        tc_buf_free(&h->resp);
}
