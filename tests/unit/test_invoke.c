/* test_invoke.c - tc_invoke end to end on a real model: every request and response
 * format, record order, error statuses with JSON bodies. Predictions are compared with
 * tc_model_predict on the same text (the parity suites compare that with sklearn).
 * Model: $TEXTCLF_TEST_MODEL, else models/sentiment-en (run from the repo root); a model
 * that does not load fails the suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/invoke_oracle.h"
#include "tc_encoder.h"
#include "tc_invoke.h"
#include "tc_test.h"

static tc_model *g_model;
static tc_invoker *g_inv;
static tc_workspace *g_ws;

static const char *const k_texts[] = {
    "a wonderful, moving film",
    "dull and lifeless",
    "",
    "the plot \"twists\" were, frankly, predictable",
    "caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e was great",
};
#define N_TEXTS (sizeof k_texts / sizeof *k_texts)

static unsigned run(const char *body, size_t len, const char *ct, const char *accept,
                    tc_buf *out, tc_invoke_response *resp)
{
    tc_invoke_request req = {body, len, ct, accept, TC_FMT_JSON, 1000};
    tc_invoke(g_inv, &req, out, resp);
    return resp->http_status;
}

/* Expected encoding of record i in fmt, built from a direct prediction. */
static void expect_one(tc_format fmt, size_t i, tc_buf *want)
{
    tc_prediction p;
    char err[TC_ERR_LEN];
    tc_status st = tc_model_predict(g_model, g_ws, k_texts[i], strlen(k_texts[i]), &p, err);
    TC_CHECK(st == TC_OK, "predict: %s", err);
    if (st != TC_OK)
        return;
    tc_encoder e;
    tc_encoder_begin(&e, fmt == TC_FMT_JSON ? TC_FMT_JSONLINES : fmt, tc_model_output_schema(g_model), want);
    tc_encoder_add(&e, &p);
}

static void check_body(const char *what, const tc_buf *got, tc_format fmt)
{
    tc_buf want = TC_BUF_INIT;
    if (fmt == TC_FMT_JSON)
        tc_buf_append_str(&want, "{\"predictions\":[");
    for (size_t i = 0; i < N_TEXTS; i++) {
        tc_buf one = TC_BUF_INIT;
        expect_one(fmt, i, &one);
        if (fmt == TC_FMT_JSON) {
            if (i)
                tc_buf_append_char(&want, ',');
            tc_buf_append(&want, one.data, one.len - 1);  /* drop the JSON Lines "\n" */
        } else {
            tc_buf_append(&want, one.data, one.len);
        }
        tc_buf_free(&one);
    }
    if (fmt == TC_FMT_JSON)
        tc_buf_append_str(&want, "]}");
    TC_CHECK(got->len == want.len && memcmp(got->data, want.data, want.len) == 0,
             "%s: body\n%s\nexpected\n%s", what, got->data, want.data);
    tc_buf_free(&want);
}

static void build_request(tc_format fmt, tc_buf *b)
{
    tc_buf_clear(b);
    if (fmt == TC_FMT_JSON)
        tc_buf_append_str(b, "{\"instances\": [");
    for (size_t i = 0; i < N_TEXTS; i++) {
        const char *t = k_texts[i];
        switch (fmt) {
        case TC_FMT_TEXT:
            tc_buf_printf(b, "%s\n", t);
            break;
        case TC_FMT_CSV:
            tc_buf_append_char(b, '"');
            for (const char *c = t; *c; c++) {
                if (*c == '"')
                    tc_buf_append_char(b, '"');
                tc_buf_append_char(b, *c);
            }
            tc_buf_printf(b, "\",%zu\r\n", i);
            break;
        case TC_FMT_JSON:
            if (i)
                tc_buf_append_str(b, ", ");
            if (i % 2)
                tc_buf_append_str(b, "{\"text\": ");
            tc_buf_append_json_string(b, t, strlen(t));
            if (i % 2)
                tc_buf_append_str(b, "}");
            break;
        case TC_FMT_JSONLINES:
            tc_buf_append_json_string(b, t, strlen(t));
            tc_buf_append_char(b, '\n');
            break;
        }
    }
    if (fmt == TC_FMT_JSON)
        tc_buf_append_str(b, "]}");
}

static void test_every_format(void)
{
    static const struct { tc_format fmt; const char *ct; } in[] = {
        {TC_FMT_TEXT, "text/plain"},
        {TC_FMT_TEXT, NULL},
        {TC_FMT_TEXT, "application/x-www-form-urlencoded"},
        {TC_FMT_CSV, "text/csv; charset=utf-8"},
        {TC_FMT_JSON, "application/json"},
        {TC_FMT_JSONLINES, "application/jsonlines"},
    };
    static const struct { tc_format fmt; const char *accept; const char *mime; } out[] = {
        {TC_FMT_JSON, NULL, "application/json"},
        {TC_FMT_JSON, "*/*", "application/json"},
        {TC_FMT_JSONLINES, "application/jsonlines", "application/jsonlines"},
        {TC_FMT_CSV, "text/html;q=0.9, text/csv", "text/csv"},
    };
    tc_buf body = TC_BUF_INIT, res = TC_BUF_INIT;
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        build_request(in[i].fmt, &body);
        for (size_t o = 0; o < sizeof out / sizeof *out; o++) {
            tc_invoke_response r;
            char what[128];
            snprintf(what, sizeof what, "%s -> %s", in[i].ct ? in[i].ct : "(none)",
                     out[o].accept ? out[o].accept : "(none)");
            unsigned s = run(body.data, body.len, in[i].ct, out[o].accept, &res, &r);
            TC_CHECK(s == 200, "%s: status %u: %s", what, s, res.data);
            if (s != 200)
                continue;
            TC_CHECK(strcmp(r.content_type, out[o].mime) == 0, "%s: type %s", what,
                     r.content_type);
            TC_CHECK(r.records == N_TEXTS, "%s: %zu records", what, r.records);
            check_body(what, &res, out[o].fmt);
        }
    }
    tc_buf_free(&body);
    tc_buf_free(&res);
}

static void expect_error(const char *body, const char *ct, const char *accept, unsigned status,
                         const char *part)
{
    tc_buf res = TC_BUF_INIT;
    tc_invoke_response r;
    unsigned s = run(body, strlen(body), ct, accept, &res, &r);
    TC_CHECK(s == status, "\"%s\" (%s, %s): status %u, expected %u", body, ct, accept, s,
             status);
    TC_CHECK(strcmp(r.content_type, "application/json") == 0, "error type %s", r.content_type);
    char tail[32];
    snprintf(tail, sizeof tail, ",\"status\":%u}", status);
    TC_CHECK(res.data != NULL && strncmp(res.data, "{\"error\":\"", 10) == 0 &&
                 strstr(res.data, part) != NULL && res.len > strlen(tail) &&
                 strcmp(res.data + res.len - strlen(tail), tail) == 0,
             "error body %s lacks \"%s\"", res.data, part);
    tc_buf_free(&res);
}

static void test_errors(void)
{
    expect_error("", "text/plain", NULL, 400, "empty");
    expect_error("{\"instances\": [", "application/json", NULL, 400, "malformed JSON");
    expect_error("{\"foo\": 1}", "application/json", NULL, 400, "wrong JSON shape");
    expect_error("\"x\n", "text/csv", NULL, 400, "unterminated");
    expect_error("bad \xff", "text/plain", NULL, 400, "invalid UTF-8 at byte 4");
    expect_error("x", "image/png", NULL, 415, "unsupported Content-Type");
    expect_error("x", "text/plain; charset=iso-8859-1", NULL, 415, "charset");
    expect_error("x", "text/plain", "text/html", 406, "text/html");
    expect_error("x", "image/\xff\xfe", "text/html", 415, "image/??");  /* sanitised */
    tc_buf many = TC_BUF_INIT;
    for (int i = 0; i < 1001; i++)
        tc_buf_append_str(&many, "x\n");
    expect_error(many.data, "text/plain", NULL, 413, "more than 1000 records");
    tc_buf_free(&many);
}

/* Bodies whose records, line ends, quotes, multi-byte characters and errors fall on
 * every kind of piece boundary. */
static const struct {
    const char *ct;
    const char *body;
    size_t max_records;
} k_stream_cases[] = {
    {"text/plain", "good film\nbad film\n", 1000},
    {"text/plain", "no final newline\r\nsecond\r\nthird", 1000},
    {"text/plain", "\n\nmiddle\n\n\nend\r", 1000},
    {"text/plain", "caf\xc3\xa9 cr\xc3\xa8me \xf0\x9f\x8e\xac great\nna\xc3\xafve\n", 1000},
    {"text/plain", "one\ntwo\nthree\nfour\n", 3},         /* limit in a later piece */
    {"text/plain", "one\ntwo\nthree\nfour\xff\n", 3},     /* ... then bad UTF-8: 400 */
    {"text/plain", "fine\nbad \xc3\x28 byte\nfine\n", 1000},
    {"text/plain", "truncated \xe2\x82", 1000},
    {"text/plain", "", 1000},
    {"text/plain", "\n", 1000},
    {NULL, "no content type\nat all", 1000},
    {"text/csv", "a,1\r\n\"quoted, with comma\",2\n\"multi\nline \"\"q\"\"\",3\n\n", 1000},
    {"text/csv", "plain \"inner\" quote,x\n\"\",empty quoted\nlast,\"q,\nz\"", 1000},
    {"text/csv", "ok\n\"open\nnever closed", 1000},
    {"text/csv", "ok\n\"x\"y,z\nlater \xff\n", 1000},     /* CSV error, then bad UTF-8 */
    {"text/csv", "ok\n\"x\"y,z\nlater fine\n", 1000},
    {"text/csv", "\"a\"\r\n\"b\"\r", 1000},
    {"text/csv", "r1\nr2\n\"r3\nstill r3\"\nr4\n", 2},
    {"application/jsonlines", "\"one\"\n{\"text\": \"two \\u00e9\"}\n\n  \n\"three\"", 1000},
    {"application/jsonlines", "\"ok\"\n\"ok\" trailing\n\"ok\"\n", 1000},
    {"application/jsonlines", "\"ok\"\n{\"no\": 1}\n", 1000},
    {"application/jsonlines", "\"ok\"\n[1]\n\"\\ud800\"\n", 1000},
    {"application/jsonlines", "\n\n   \n", 1000},
    {"application/json", "{\"instances\": [\"a\", {\"text\": \"b\"}]}", 1000},
    {"application/json", "[\"a\", \"b\",", 1000},
    {"application/json", "\"caf\xc3\xa9\" \xff", 1000},
    {"image/png", "x\ny\n", 1000},
};

/* A tc_invocation fed in pieces answers exactly what the whole-body oracle answers:
 * every split in two, and pieces of 1 to 8 bytes. */
static void test_streamed_equals_whole(void)
{
    tc_invocation *iv = tc_invocation_new(g_model);
    tc_records *records = tc_records_new();
    tc_buf want = TC_BUF_INIT, got = TC_BUF_INIT;
    TC_CHECK(iv != NULL && records != NULL, "allocation");
    size_t compared = 0;
    for (size_t c = 0; iv != NULL && records != NULL && c < sizeof k_stream_cases / sizeof *k_stream_cases; c++) {
        const char *body = k_stream_cases[c].body;
        size_t len = strlen(body);
        tc_invoke_request req = {body, len, k_stream_cases[c].ct, "application/jsonlines",
                                 TC_FMT_JSON, k_stream_cases[c].max_records};
        tc_invoke_response rw, rg;
        oracle_invoke(g_model, g_ws, records, &req, &want, &rw);
        tc_invoke(g_inv, &req, &got, &rg);
        TC_CHECK(same_response(&want, &rw, &got, &rg), "case %zu whole: %u %s, expected %u %s",
                 c, rg.http_status, got.data, rw.http_status, want.data);
        for (size_t cut = 0; cut <= len; cut++) {
            streamed_invoke(iv, g_inv, &req, &cut, 1, &got, &rg);
            TC_CHECK(same_response(&want, &rw, &got, &rg),
                     "case %zu cut at %zu: %u %s, expected %u %s", c, cut, rg.http_status,
                     got.data, rw.http_status, want.data);
            compared++;
        }
        for (size_t step = 1; step <= 8; step++) {
            size_t cuts[512], n = 0;
            for (size_t at = step; at < len && n < 512; at += step)
                cuts[n++] = at;
            streamed_invoke(iv, g_inv, &req, cuts, n, &got, &rg);
            TC_CHECK(same_response(&want, &rw, &got, &rg),
                     "case %zu in pieces of %zu: %u %s, expected %u %s", c, step,
                     rg.http_status, got.data, rw.http_status, want.data);
            compared++;
        }
    }
    TC_CHECK(compared > 700, "only %zu comparisons", compared);
    tc_buf_free(&want);
    tc_buf_free(&got);
    tc_records_free(&records);
    tc_invocation_free(&iv);
}

/* The messages of a streamed body name positions in the whole body. */
static void test_streamed_error_positions(void)
{
    static const struct { const char *ct, *body, *part; } cases[] = {
        {"text/plain", "fine\nfine\nbad \xff\n", "invalid UTF-8 at byte 14 (line 3)"},
        {"text/csv", "a\nb\n\"c\"d\n", "record 3 (line 3, byte 7)"},
        {"text/csv", "a\n\"b\nc\"\n\"open", "record 3 (line 4): unterminated"},
        {"application/jsonlines", "\"a\"\n\n\"b\" x\n", "line 3: trailing data after the value (byte 9)"},
        {"application/jsonlines", "\"a\"\n\"b\"\n{}\n", "instance 3 has no"},
        {"application/jsonlines", "\"a\"\n\"b\"\n  [\n", "malformed JSON at byte 11 (line 3)"},
    };
    tc_invocation *iv = tc_invocation_new(g_model);
    tc_buf got = TC_BUF_INIT;
    for (size_t c = 0; iv != NULL && c < sizeof cases / sizeof *cases; c++) {
        size_t len = strlen(cases[c].body);
        tc_invoke_request req = {cases[c].body, len, cases[c].ct, NULL, TC_FMT_JSON, 1000};
        for (size_t cut = 1; cut < len; cut++) {
            tc_invoke_response r;
            streamed_invoke(iv, g_inv, &req, &cut, 1, &got, &r);
            TC_CHECK(r.http_status == 400 && got.data != NULL && strstr(got.data, cases[c].part),
                     "case %zu cut at %zu: %u %s lacks \"%s\"", c, cut, r.http_status,
                     got.data, cases[c].part);
        }
    }
    tc_buf_free(&got);
    tc_invocation_free(&iv);
}

static void test_error_body(void)
{
    tc_buf b = TC_BUF_INIT;
    tc_invoke_error_body(&b, 404, "no \"such\" path \xc3");
    TC_CHECK(b.data && strcmp(b.data, "{\"error\":\"no \\\"such\\\" path ?\",\"status\":404}") == 0,
             "%s", b.data);
    TC_CHECK(tc_invoke_http_status(TC_EINPUT) == 400 && tc_invoke_http_status(TC_ETOOBIG) == 413 &&
                 tc_invoke_http_status(TC_EUNSUPPORTED) == 415 &&
                 tc_invoke_http_status(TC_ENOTACCEPTABLE) == 406 &&
                 tc_invoke_http_status(TC_ENOMEM) == 500,
             "status mapping");
    tc_buf_free(&b);
}

int main(void)
{
    const char *dir = getenv("TEXTCLF_TEST_MODEL");
    if (dir == NULL || dir[0] == '\0')
        dir = "models/sentiment-en";
    char err[TC_ERR_LEN] = "";
    /* The committed model is part of the tree: if it does not load, that is a failure
     * (of the loader or of the checkout), never a reason to skip. */
    if (tc_model_load(dir, NULL, &g_model, err) != TC_OK) {
        printf("FAIL test_invoke.c: cannot load the model %s: %s\n", dir, err);
        return 1;
    }
    g_inv = tc_invoker_new(g_model);
    g_ws = tc_workspace_new(g_model);
    static const tc_test_case cases[] = {TC_TEST(test_every_format), TC_TEST(test_errors),
                                         TC_TEST(test_streamed_equals_whole),
                                         TC_TEST(test_streamed_error_positions),
                                         TC_TEST(test_error_body)};
    int rc = tc_test_run(__FILE__, cases, sizeof cases / sizeof *cases);
    tc_workspace_free(&g_ws);
    tc_invoker_free(&g_inv);
    tc_model_free(&g_model);
    return rc;
}
