/* test_body_decoder.c - a body decoded as it arrives (tc_body_decoder.h) gives what
 * tc_codec_decode gives the whole body, however it is cut: the same records in the same
 * order with their whole-body indexes, or the same status and message. */
#include <stdbool.h>
#include <string.h>

#include "tc_body_decoder.h"
#include "tc_buf.h"
#include "tc_codec.h"
#include "tc_test.h"

typedef struct collected {
    tc_buf texts;   /* each record as "<len>:<bytes>" */
    size_t count;
    bool order_ok;  /* every batch's first index followed the last */
} collected;

static void collect(void *ctx, const tc_records *r, size_t first)
{
    collected *c = ctx;
    c->order_ok = c->order_ok && first == c->count;
    for (size_t i = 0; i < tc_records_count(r); i++) {
        size_t l;
        const char *t = tc_records_text(r, i, &l);
        tc_buf_printf(&c->texts, "%zu:", l);
        tc_buf_append(&c->texts, t, l);
        c->count++;
    }
}

static const struct {
    tc_format fmt;
    const char *body;
    size_t max_records;
} k_cases[] = {
    {TC_FMT_TEXT, "good film\nbad film\n", 1000},
    {TC_FMT_TEXT, "no final newline\r\nsecond\r\nthird", 1000},
    {TC_FMT_TEXT, "\n\nmiddle\n\n\nend\r", 1000},
    {TC_FMT_TEXT, "caf\xc3\xa9 cr\xc3\xa8me \xf0\x9f\x8e\xac great\nna\xc3\xafve\n", 1000},
    {TC_FMT_TEXT, "one\ntwo\nthree\nfour\n", 3},
    {TC_FMT_TEXT, "one\ntwo\nthree\nfour\xff\n", 3},
    {TC_FMT_TEXT, "fine\nbad \xc3\x28 byte\nfine\n", 1000},
    {TC_FMT_TEXT, "truncated \xe2\x82", 1000},
    {TC_FMT_TEXT, "", 1000},
    {TC_FMT_CSV, "a,1\r\n\"quoted, with comma\",2\n\"multi\nline \"\"q\"\"\",3\n\n", 1000},
    {TC_FMT_CSV, "plain \"inner\" quote,x\n\"\",empty quoted\nlast,\"q,\nz\"", 1000},
    {TC_FMT_CSV, "ok\n\"open\nnever closed", 1000},
    {TC_FMT_CSV, "ok\n\"x\"y,z\nlater \xff\n", 1000},
    {TC_FMT_CSV, "r1\nr2\n\"r3\nstill r3\"\nr4\n", 2},
    {TC_FMT_JSONLINES, "\"one\"\n{\"text\": \"two \\u00e9\"}\n\n  \n\"three\"", 1000},
    {TC_FMT_JSONLINES, "\"ok\"\n\"ok\" trailing\n\"ok\"\n", 1000},
    {TC_FMT_JSONLINES, "\"ok\"\n[1]\n\"\\ud800\"\n", 1000},
    {TC_FMT_JSONLINES, "\"a\\u0000b\"\n\"\\u0001\"\n", 1000},
    {TC_FMT_JSONLINES, "\n\n   \n", 1000},
    {TC_FMT_JSON, "{\"instances\": [\"a\", {\"text\": \"b\\u0000\"}]}", 1000},
    {TC_FMT_JSON, "[\"a\", \"b\",", 1000},
    {TC_FMT_JSON, "[\"a\", \"b\", \"c\"]", 2},
    {TC_FMT_JSON, "\"caf\xc3\xa9\" \xff", 1000},
};

static void test_streamed_equals_whole(void)
{
    tc_body_decoder *d = tc_body_decoder_new();
    tc_records *whole = tc_records_new(), *scratch = tc_records_new();
    TC_CHECK(d != NULL && whole != NULL && scratch != NULL, "allocation");
    size_t compared = 0;
    for (size_t c = 0; d && whole && scratch && c < sizeof k_cases / sizeof *k_cases; c++) {
        const char *body = k_cases[c].body;
        size_t len = strlen(body);
        char want_err[TC_ERR_LEN] = "";
        tc_status want = tc_codec_decode(k_cases[c].fmt, body, len, k_cases[c].max_records, whole,
                                         want_err);
        collected w = {TC_BUF_INIT, 0, true};
        if (want == TC_OK)
            collect(&w, whole, 0);
        /* cut in two at every byte, and in pieces of 1 to 8 bytes */
        for (size_t mode = 0; mode < len + 1 + 8; mode++) {
            size_t step = mode <= len ? 0 : mode - len;
            collected g = {TC_BUF_INIT, 0, true};
            char err[TC_ERR_LEN] = "";
            tc_body_decoder_begin(d, k_cases[c].fmt, k_cases[c].max_records);
            for (size_t at = 0; at < len;) {
                size_t n = step ? (len - at < step ? len - at : step)
                                : (at < mode ? mode - at : len - at);
                tc_body_decoder_feed(d, body + at, n, scratch, collect, &g);
                at += n;
            }
            tc_status st = tc_body_decoder_end(d, scratch, collect, &g, err);
            bool same = st == want && strcmp(err, want_err) == 0 &&
                                    (st != TC_OK ||
                         (g.order_ok && g.count == w.count && g.texts.len == w.texts.len &&
                          (w.texts.len == 0 || memcmp(g.texts.data, w.texts.data, w.texts.len) == 0)));
            TC_CHECK(same, "case %zu, %s %zu: %d \"%.200s\" (%zu records), expected %d \"%.200s\" (%zu)", c,
                     step ? "pieces of" : "cut at", step ? step : mode, (int)st, err, g.count,
                     (int)want, want_err, w.count);
            tc_buf_free(&g.texts);
            compared++;
        }
        tc_buf_free(&w.texts);
    }
    TC_CHECK(compared > 700, "only %zu comparisons", compared);
    tc_records_free(&whole);
    tc_records_free(&scratch);
    tc_body_decoder_free(&d);
}

/* Positions in the messages of a streamed body are whole-body ones. */
static void test_error_positions(void)
{
    static const struct { tc_format fmt; const char *body, *msg; } cases[] = {
        {TC_FMT_TEXT, "fine\nfine\nbad \xff\n", "invalid UTF-8 at byte 14 (line 3)"},
        {TC_FMT_CSV, "a\nb\n\"c\"d\n", "malformed CSV: record 3 (line 3, byte 7): unexpected character"},
        {TC_FMT_CSV, "a\n\"b\nc\"\n\"open", "malformed CSV: record 3 (line 4): unterminated"},
        {TC_FMT_JSONLINES, "\"a\"\n\n\"b\" x\n", "line 3: trailing data after the value (byte 9)"},
        {TC_FMT_JSONLINES, "\"a\"\n\"b\"\n{}\n", "instance 3 has no \"text\" member"},
        {TC_FMT_JSONLINES, "\"a\"\n\"b\"\n  [\n", "malformed JSON at byte 11 (line 3): unexpected end"},
    };
    tc_body_decoder *d = tc_body_decoder_new();
    tc_records *scratch = tc_records_new();
    for (size_t c = 0; d && scratch && c < sizeof cases / sizeof *cases; c++) {
        size_t len = strlen(cases[c].body);
        for (size_t cut = 1; cut < len; cut++) {
            collected g = {TC_BUF_INIT, 0, true};
            char err[TC_ERR_LEN] = "";
            tc_body_decoder_begin(d, cases[c].fmt, 1000);
            tc_body_decoder_feed(d, cases[c].body, cut, scratch, collect, &g);
            tc_body_decoder_feed(d, cases[c].body + cut, len - cut, scratch, collect, &g);
            tc_status st = tc_body_decoder_end(d, scratch, collect, &g, err);
            TC_CHECK(st == TC_EINPUT && strstr(err, cases[c].msg) != NULL,
                     "case %zu cut at %zu: %d %s", c, cut, (int)st, err);
            tc_buf_free(&g.texts);
        }
    }
    tc_records_free(&scratch);
    tc_body_decoder_free(&d);
}

/* Empty and lone-whitespace bodies, and a decoder reused after a failure. */
static void test_reuse(void)
{
    tc_body_decoder *d = tc_body_decoder_new();
    tc_records *scratch = tc_records_new();
    collected g = {TC_BUF_INIT, 0, true};
    char err[TC_ERR_LEN] = "";
    tc_body_decoder_begin(d, TC_FMT_JSON, 10);
    TC_CHECK(tc_body_decoder_end(d, scratch, collect, &g, err) == TC_EINPUT &&
                 strcmp(err, "empty request body") == 0,
             "empty body: %s", err);
    tc_body_decoder_begin(d, TC_FMT_TEXT, 10);
    tc_body_decoder_feed(d, "a\n\xff", 3, scratch, collect, &g);
    TC_CHECK(tc_body_decoder_end(d, scratch, collect, &g, err) == TC_EINPUT, "bad UTF-8");
    tc_buf_free(&g.texts);
    g = (collected){TC_BUF_INIT, 0, true};
    tc_body_decoder_begin(d, TC_FMT_CSV, 10);
    tc_body_decoder_feed(d, "\"x,\ny\",1\nz", 10, scratch, collect, &g);
    TC_CHECK(tc_body_decoder_end(d, scratch, collect, &g, err) == TC_OK && g.count == 2 &&
                 g.texts.len == 9 && memcmp(g.texts.data, "4:x,\ny1:z", 9) == 0,
             "after reuse: %s, %zu records", err, g.count);
    tc_buf_free(&g.texts);
    tc_records_free(&scratch);
    tc_body_decoder_free(&d);
    tc_body_decoder_free(&d);  /* harmless on NULL */
}

TC_TESTS(TC_TEST(test_streamed_equals_whole), TC_TEST(test_error_positions), TC_TEST(test_reuse))
