/* test_codec.c - request formats, Accept negotiation and decoding of every request
 * format (model-independent parts of tc_codec.h). */
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_codec.h"
#include "tc_test.h"

static tc_format req_fmt(const char *ct, tc_status *st)
{
    tc_format f = (tc_format)-1;
    char err[TC_ERR_LEN];
    *st = tc_codec_request_format(ct, &f, err);
    return f;
}

static void test_request_format(void)
{
    static const struct { const char *ct; tc_status st; tc_format f; } cases[] = {
        {NULL, TC_OK, TC_FMT_TEXT},
        {"", TC_OK, TC_FMT_TEXT},
        {"text/plain", TC_OK, TC_FMT_TEXT},
        {"text/plain; charset=utf-8", TC_OK, TC_FMT_TEXT},
        {"text/plain;charset=\"UTF-8\"", TC_OK, TC_FMT_TEXT},
        {"application/x-www-form-urlencoded", TC_OK, TC_FMT_TEXT},
        {"TEXT/CSV", TC_OK, TC_FMT_CSV},
        {" text/csv ; header=absent", TC_OK, TC_FMT_CSV},
        {"application/json", TC_OK, TC_FMT_JSON},
        {"application/json; charset=utf8", TC_OK, TC_FMT_JSON},
        {"application/jsonlines", TC_OK, TC_FMT_JSONLINES},
        {"application/x-ndjson", TC_OK, TC_FMT_JSONLINES},
        {"text/plain; charset=latin-1", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"application/json; charset=utf-16", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"image/png", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"text/plainx", TC_EUNSUPPORTED, TC_FMT_TEXT},
        {"application/x-npy", TC_EUNSUPPORTED, TC_FMT_TEXT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_status st;
        tc_format f = req_fmt(cases[i].ct, &st);
        TC_CHECK(st == cases[i].st, "\"%s\": status %d, expected %d",
                 cases[i].ct ? cases[i].ct : "(null)", (int)st, (int)cases[i].st);
        if (st == TC_OK)
            TC_CHECK(f == cases[i].f, "\"%s\": format %d, expected %d", cases[i].ct ? cases[i].ct : "(null)",
                     (int)f, (int)cases[i].f);
    }
}

static void test_accept(void)
{
    static const struct { const char *acc; tc_format dflt; tc_status st; tc_format f; } cases[] = {
        {NULL, TC_FMT_JSON, TC_OK, TC_FMT_JSON},
        {"", TC_FMT_CSV, TC_OK, TC_FMT_CSV},
        {"*/*", TC_FMT_JSON, TC_OK, TC_FMT_JSON},
        {"*/*", TC_FMT_CSV, TC_OK, TC_FMT_CSV},
        {"*/*", TC_FMT_JSONLINES, TC_OK, TC_FMT_JSONLINES},
        {"text/csv", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/jsonlines", TC_FMT_JSON, TC_OK, TC_FMT_JSONLINES},
        {"application/json", TC_FMT_CSV, TC_OK, TC_FMT_JSON},
        {"text/html, text/csv;q=0.5", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/json;q=0.5, text/csv;q=0.9", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"text/csv, application/json", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/json;q=0, */*", TC_FMT_JSON, TC_OK, TC_FMT_JSONLINES},
        {"text/csv;q=0.2, */*;q=0.1", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"application/*", TC_FMT_CSV, TC_OK, TC_FMT_JSON},
        {"text/*", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"text/html, */*;q=0.8", TC_FMT_JSON, TC_OK, TC_FMT_JSON},
        {"TEXT/CSV; charset=utf-8", TC_FMT_JSON, TC_OK, TC_FMT_CSV},
        {"text/html", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"text/plain", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"*/*;q=0", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"application/xml, image/png", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
        {"text/csv;q=0", TC_FMT_JSON, TC_ENOTACCEPTABLE, TC_FMT_JSON},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_format f = (tc_format)-1;
        char err[TC_ERR_LEN];
        tc_status st = tc_codec_response_format(cases[i].acc, cases[i].dflt, &f, err);
        const char *a = cases[i].acc ? cases[i].acc : "(null)";
        TC_CHECK(st == cases[i].st, "Accept \"%s\": status %d, expected %d", a, (int)st,
                 (int)cases[i].st);
        if (st == TC_OK)
            TC_CHECK(f == cases[i].f, "Accept \"%s\": format %d, expected %d", a, (int)f,
                     (int)cases[i].f);
    }
}

/* Decodes and compares the records with a '|'-separated expectation. */
static void expect_records(tc_format fmt, const char *body, size_t len, const char *const *want,
                           size_t n_want)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_codec_decode(fmt, body, len, 1000, r, err);
    TC_CHECK(st == TC_OK, "decode of \"%.60s\" failed: %s", body, err);
    if (st == TC_OK) {
        TC_CHECK(tc_records_count(r) == n_want, "\"%.60s\": %zu records, expected %zu", body,
                 tc_records_count(r), n_want);
        for (size_t i = 0; i < n_want && i < tc_records_count(r); i++) {
            size_t l;
            const char *t = tc_records_text(r, i, &l);
            TC_CHECK(l == strlen(want[i]) && memcmp(t, want[i], l) == 0,
                     "\"%.60s\": record %zu is \"%.*s\", expected \"%s\"", body, i, (int)l, t,
                     want[i]);
        }
    }
    tc_records_free(&r);
}

#define EXPECT(fmt, body, ...)                                                          \
    do {                                                                                \
        static const char *const w_[] = {__VA_ARGS__};                                  \
        expect_records(fmt, body, sizeof(body) - 1, w_, sizeof w_ / sizeof *w_);        \
    } while (0)

static void expect_fail(tc_format fmt, const char *body, size_t len, tc_status want,
                        const char *msg_part)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_status st = tc_codec_decode(fmt, body, len, 1000, r, err);
    TC_CHECK(st == want, "\"%.60s\": status %d, expected %d (%s)", body, (int)st, (int)want, err);
    TC_CHECK(msg_part == NULL || strstr(err, msg_part) != NULL,
             "\"%.60s\": message \"%s\" lacks \"%s\"", body, err, msg_part);
    TC_CHECK(tc_records_count(r) == 0, "failed decode left %zu records", tc_records_count(r));
    tc_records_free(&r);
}
#define FAIL_(fmt, body, st, part) expect_fail(fmt, body, sizeof(body) - 1, st, part)

static void test_text(void)
{
    EXPECT(TC_FMT_TEXT, "one line", "one line");
    EXPECT(TC_FMT_TEXT, "a\n", "a");
    EXPECT(TC_FMT_TEXT, "a\nb", "a", "b");
    EXPECT(TC_FMT_TEXT, "a\n\nb\n", "a", "", "b");
    EXPECT(TC_FMT_TEXT, "a\r\nb\r\n", "a", "b");
    EXPECT(TC_FMT_TEXT, "\n", "");
    EXPECT(TC_FMT_TEXT, "a\n\n", "a", "");
    EXPECT(TC_FMT_TEXT, "x=1&y=%20", "x=1&y=%20");  /* form bodies are not URL-decoded */
    EXPECT(TC_FMT_TEXT, "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    FAIL_(TC_FMT_TEXT, "", TC_EINPUT, "empty");
    FAIL_(TC_FMT_TEXT, "ok\nbad \xff\n", TC_EINPUT, "byte 7 (line 2)");
    FAIL_(TC_FMT_TEXT, "\xed\xa0\x80", TC_EINPUT, "invalid UTF-8");  /* surrogate */
    FAIL_(TC_FMT_TEXT, "\xc0\xaf", TC_EINPUT, "invalid UTF-8");      /* overlong */
}

static void test_csv(void)
{
    EXPECT(TC_FMT_CSV, "plain,1\n\"hello, world\",2\n\"say \"\"hi\"\"\",3\n", "plain",
           "hello, world", "say \"hi\"");
    EXPECT(TC_FMT_CSV, "\"two\nlines\",x\nnext\n", "two\nlines", "next");
    EXPECT(TC_FMT_CSV, "a\r\n\"b\"\r\nc", "a", "b", "c");
    EXPECT(TC_FMT_CSV, "a\n\nb\n", "a", "", "b");
    EXPECT(TC_FMT_CSV, "5\" screen,x\n", "5\" screen");  /* bare quote: literal */
    EXPECT(TC_FMT_CSV, "\"\",\"x,y\"\n", "");
    EXPECT(TC_FMT_CSV, "only\n", "only");
    EXPECT(TC_FMT_CSV, ",second\n", "");
    EXPECT(TC_FMT_CSV, "a,\"b\nc\",d\ne\n", "a", "e");
    FAIL_(TC_FMT_CSV, "ok\n\"never closed\n", TC_EINPUT, "record 2 (line 2): unterminated");
    FAIL_(TC_FMT_CSV, "\"a\"b,c\n", TC_EINPUT, "after a closing quote");
}

static void test_json(void)
{
    EXPECT(TC_FMT_JSON, "{\"instances\": [\"a\", {\"text\": \"b\"}, \"c\"]}", "a", "b", "c");
    EXPECT(TC_FMT_JSON, "{\"inputs\":[\"x\"]}", "x");
    EXPECT(TC_FMT_JSON, "{\"text\": \"just one\"}", "just one");
    EXPECT(TC_FMT_JSON, "\"bare\"", "bare");
    EXPECT(TC_FMT_JSON, " [\"p\", \"q\"] \n", "p", "q");
    EXPECT(TC_FMT_JSON, "[{\"id\": 7, \"text\": \"t\", \"meta\": {\"a\": [1, 2.5e3, null, true]}}]",
           "t");
    EXPECT(TC_FMT_JSON,
           "{\"configuration\": {\"k\": [1, {\"x\": false}]}, \"instances\": [\"after\"]}",
           "after");
    EXPECT(TC_FMT_JSON, "[\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\"]",
           "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t");
    EXPECT(TC_FMT_JSON, "[\"\", \"x\"]", "", "x");
    EXPECT(TC_FMT_JSON, "{\"te\\u0078t\": \"escaped key\", \"\\u00e9\": 1}", "escaped key");
    EXPECT(TC_FMT_JSON, "{\"in\\u0073tances\": [\"\\u00e9\", \"b\"]}", "\xc3\xa9", "b");
    FAIL_(TC_FMT_JSON, "{\"instances\": [\"a\",]}", TC_EINPUT, "malformed JSON at byte 19");
    FAIL_(TC_FMT_JSON, "{\"instances\": \"a\"}", TC_EINPUT, "must be an array");
    FAIL_(TC_FMT_JSON, "{\"instances\":", TC_EINPUT, "malformed JSON at byte 13 (line 1): unexpected end");
    FAIL_(TC_FMT_JSON, "{\"inputs\": tru", TC_EINPUT, "malformed JSON at byte 11");
    FAIL_(TC_FMT_JSON, "{\"instances\": {\"text\": \"a\"}}", TC_EINPUT, "must be an array (byte 14)");
    FAIL_(TC_FMT_JSON, "{\"foo\": 1}", TC_EINPUT, "wrong JSON shape");
    FAIL_(TC_FMT_JSON, "[1]", TC_EINPUT, "instance 1 is not a string");
    FAIL_(TC_FMT_JSON, "[\"a\", {\"txt\": \"b\"}]", TC_EINPUT, "instance 2 has no \"text\"");
    FAIL_(TC_FMT_JSON, "{\"text\": 5}", TC_EINPUT, "must be a string");
    FAIL_(TC_FMT_JSON, "42", TC_EINPUT, "wrong JSON shape");
    FAIL_(TC_FMT_JSON, "[]", TC_EINPUT, "no records");
    FAIL_(TC_FMT_JSON, "{\"instances\": []}", TC_EINPUT, "no records");
    FAIL_(TC_FMT_JSON, "[\"a\"] x", TC_EINPUT, "trailing data");
    FAIL_(TC_FMT_JSON, "[\"\\ud800\"]", TC_EINPUT, "surrogate");
    FAIL_(TC_FMT_JSON, "[\"\\udc00\"]", TC_EINPUT, "surrogate");
    FAIL_(TC_FMT_JSON, "[\"\\x\"]", TC_EINPUT, "bad escape");
    FAIL_(TC_FMT_JSON, "[\"a\tb\"]", TC_EINPUT, "control character");
    FAIL_(TC_FMT_JSON, "[\"open", TC_EINPUT, "unterminated string");
    FAIL_(TC_FMT_JSON, "{\"instances\": [\"a\"], \"inputs\": [\"b\"]}", TC_EINPUT, "either");
    FAIL_(TC_FMT_JSON, "{\"x\": [01]}", TC_EINPUT, "expected");
    FAIL_(TC_FMT_JSON, "{\"x\": tru}", TC_EINPUT, "unexpected token");
    FAIL_(TC_FMT_JSON, "   ", TC_EINPUT, "empty");
    FAIL_(TC_FMT_JSON, "[\"\xff\"]", TC_EINPUT, "invalid UTF-8 at byte 2");

    /* \u0000 is data, not a terminator. */
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN];
    static const char nul[] = "[\"a\\u0000b\"]";
    TC_CHECK(tc_codec_decode(TC_FMT_JSON, nul, sizeof nul - 1, 10, r, err) == TC_OK, "%s", err);
    size_t l = 0;
    const char *t = tc_records_count(r) == 1 ? tc_records_text(r, 0, &l) : "";
    TC_CHECK(l == 3 && memcmp(t, "a\0b", 3) == 0, "\\u0000 record has length %zu", l);
    tc_records_free(&r);

    /* Deep nesting is refused, not a stack overflow. */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 32);
    TC_CHECK(deep != NULL, "malloc");
    if (deep != NULL) {
        size_t n = (size_t)sprintf(deep, "{\"x\": ");
        for (size_t i = 0; i < depth; i++)
            deep[n++] = '[';
        expect_fail(TC_FMT_JSON, deep, n, TC_EINPUT, "nesting too deep");
        free(deep);
    }
}

static void test_jsonlines(void)
{
    EXPECT(TC_FMT_JSONLINES, "\"a\"\n{\"text\": \"b\"}\n\n\"c\"", "a", "b", "c");
    EXPECT(TC_FMT_JSONLINES, "{\"text\":\"x\",\"id\":[1]}\r\n", "x");
    FAIL_(TC_FMT_JSONLINES, "\"a\"\n{\"text\": 1}\n", TC_EINPUT, "line 2");
    FAIL_(TC_FMT_JSONLINES, "\"a\" \"b\"\n", TC_EINPUT, "line 1");
    FAIL_(TC_FMT_JSONLINES, "\n\n", TC_EINPUT, "no records");
}

static void test_limits_and_reuse(void)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    TC_CHECK(tc_codec_decode(TC_FMT_TEXT, "a\nb\nc\n", 6, 2, r, err) == TC_ETOOBIG,
             "3 records with max 2 not refused");
    TC_CHECK(tc_codec_decode(TC_FMT_TEXT, "a\nb\nc\n", 6, 3, r, err) == TC_OK, "%s", err);
    TC_CHECK(tc_records_count(r) == 3, "count %zu", tc_records_count(r));
    static const char j[] = "[\"\\u00e9\", \"x\\ty\"]";
    TC_CHECK(tc_codec_decode(TC_FMT_JSON, j, sizeof j - 1, 3, r, err) == TC_OK, "%s", err);
    size_t l;
    const char *t = tc_records_text(r, 1, &l);
    TC_CHECK(tc_records_count(r) == 2 && l == 3 && memcmp(t, "x\ty", 3) == 0,
             "reused records wrong");
    /* Many escaped records: the owned buffer grows while spans stay valid. */
    size_t n = 5000;
    tc_buf b = TC_BUF_INIT;
    tc_buf_append_char(&b, '[');
    for (size_t i = 0; i < n; i++)
        tc_buf_printf(&b, "%s\"r\\u00e9%zu\"", i ? "," : "", i);
    tc_buf_append_char(&b, ']');
    TC_CHECK(tc_codec_decode(TC_FMT_JSON, b.data, b.len, n, r, err) == TC_OK, "%s", err);
    char want[32];
    int bad = 0;
    for (size_t i = 0; i < n && tc_records_count(r) == n; i++) {
        snprintf(want, sizeof want, "r\xc3\xa9%zu", i);
        t = tc_records_text(r, i, &l);
        bad += !(l == strlen(want) && memcmp(t, want, l) == 0);
    }
    TC_CHECK(tc_records_count(r) == n && bad == 0, "%d of %zu escaped records wrong", bad, n);
    tc_buf_free(&b);
    tc_records_free(&r);
}

static void test_mime(void)
{
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_JSON), "application/json") == 0, "json");
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_JSONLINES), "application/jsonlines") == 0, "jsonl");
    TC_CHECK(strcmp(tc_format_mime(TC_FMT_CSV), "text/csv") == 0, "csv");
}

TC_TESTS(TC_TEST(test_request_format), TC_TEST(test_accept), TC_TEST(test_text),
         TC_TEST(test_csv), TC_TEST(test_json), TC_TEST(test_jsonlines),
         TC_TEST(test_limits_and_reuse), TC_TEST(test_mime))
