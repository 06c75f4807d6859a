/* test_codec.c - a body decoded whole (tc_codec.h): the checks every body gets before
 * and after its format's decoder, in their order, and the dispatch to the decoders
 * (each decoder has its own test file). */
#include <string.h>

#include "tc_codec.h"
#include "tc_test.h"

static tc_status decode(tc_format fmt, const char *body, size_t len, size_t max, tc_records *r,
                        char *err)
{
    err[0] = '\0';
    return tc_codec_decode(fmt, body, len, max, r, err);
}

static void expect(tc_format fmt, const char *body, size_t len, tc_status want, const char *msg)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN];
    tc_status st = decode(fmt, body, len, 1000, r, err);
    TC_CHECK(st == want && (msg == NULL || strstr(err, msg) != NULL),
             "format %d \"%.40s\": %d \"%s\", expected %d \"%s\"", (int)fmt, body, (int)st, err,
             (int)want, msg ? msg : "");
    TC_CHECK(st == TC_OK || tc_records_count(r) == 0, "a failed decode left %zu records",
             tc_records_count(r));
    tc_records_free(&r);
}
#define EXPECT_ST(fmt, body, st, msg) expect(fmt, body, sizeof(body) - 1, st, msg)

static void test_checks(void)
{
    for (int f = TC_FMT_TEXT; f <= TC_FMT_JSONLINES; f++) {
        EXPECT_ST((tc_format)f, "", TC_EINPUT, "empty request body");
        EXPECT_ST((tc_format)f, "\"ok\"\n\"bad \xff\"\n", TC_EINPUT, "invalid UTF-8 at byte 10 (line 2)");
        EXPECT_ST((tc_format)f, "\xed\xa0\x80", TC_EINPUT, "invalid UTF-8 at byte 0");  /* surrogate */
        EXPECT_ST((tc_format)f, "\xc0\xaf", TC_EINPUT, "invalid UTF-8 at byte 0");      /* overlong */
    }
    /* UTF-8 before syntax: a bad byte after a syntax error is the one reported */
    EXPECT_ST(TC_FMT_JSON, "[\"a\",] \"\xff\"", TC_EINPUT, "invalid UTF-8 at byte 8 (line 1)");
    EXPECT_ST(TC_FMT_CSV, "\"a\"b\nc\xff", TC_EINPUT, "invalid UTF-8 at byte 6 (line 2)");
    /* no records */
    EXPECT_ST(TC_FMT_JSON, "[]", TC_EINPUT, "the request contains no records");
    EXPECT_ST(TC_FMT_JSON, "{\"instances\": []}", TC_EINPUT, "no records");
    EXPECT_ST(TC_FMT_JSONLINES, "\n\n", TC_EINPUT, "no records");
    EXPECT_ST(TC_FMT_JSONLINES, "\n  \r\n", TC_EINPUT, "no records");
    /* the size limit comes before reading anything */
    char err[TC_ERR_LEN];
    TC_CHECK(tc_codec_check_size(TC_RECORDS_MAX_PART + 1, err) == TC_ETOOBIG &&
                 strstr(err, "request body of 2147483648 bytes is too large") != NULL,
             "%s", err);
    TC_CHECK(tc_codec_check_size(TC_RECORDS_MAX_PART, err) == TC_OK, "the limit itself is fine");
}

static void test_dispatch(void)
{
    static const char body[] = "\"a,b\",c\n";
    static const struct { tc_format fmt; size_t n; const char *first; } want[] = {
        {TC_FMT_TEXT, 1, "\"a,b\",c"},
        {TC_FMT_CSV, 1, "a,b"},
    };
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN];
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        tc_status st = decode(want[i].fmt, body, sizeof body - 1, 10, r, err);
        size_t l = 0;
        const char *t = st == TC_OK && tc_records_count(r) == want[i].n ? tc_records_text(r, 0, &l) : "";
        TC_CHECK(l == strlen(want[i].first) && memcmp(t, want[i].first, l) == 0,
                 "format %d: %s \"%.*s\"", (int)want[i].fmt, err, (int)l, t);
    }
    TC_CHECK(decode(TC_FMT_JSON, "[\"j\"]", 5, 10, r, err) == TC_OK && tc_records_count(r) == 1,
             "json: %s", err);
    TC_CHECK(decode(TC_FMT_JSONLINES, "\"j\"\n\"k\"", 7, 10, r, err) == TC_OK &&
                 tc_records_count(r) == 2,
             "jsonlines: %s", err);
    EXPECT_ST(TC_FMT_JSON, "a", TC_EINPUT, "malformed JSON at byte 0");
    EXPECT_ST(TC_FMT_JSONLINES, "a", TC_EINPUT, "malformed JSON at byte 0");
    EXPECT_ST(TC_FMT_CSV, "\"a", TC_EINPUT, "malformed CSV");
    tc_records_free(&r);
}

/* One tc_records serves request after request; a failure in between leaves none. */
static void test_reuse(void)
{
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN];
    TC_CHECK(decode(TC_FMT_TEXT, "a\nb\nc\n", 6, 2, r, err) == TC_ETOOBIG &&
                 tc_records_count(r) == 0,
             "3 records with max 2: %s", err);
    TC_CHECK(decode(TC_FMT_TEXT, "a\nb\nc\n", 6, 3, r, err) == TC_OK && tc_records_count(r) == 3,
             "%s", err);
    static const char j[] = "[\"\\u00e9\", \"x\\ty\"]";
    TC_CHECK(decode(TC_FMT_JSON, j, sizeof j - 1, 3, r, err) == TC_OK, "%s", err);
    size_t l;
    const char *t = tc_records_count(r) == 2 ? tc_records_text(r, 1, &l) : NULL;
    TC_CHECK(t != NULL && l == 3 && memcmp(t, "x\ty", 3) == 0, "reused records wrong");
    TC_CHECK(decode(TC_FMT_JSON, "[\"a\", 1]", 8, 3, r, err) == TC_EINPUT &&
                 tc_records_count(r) == 0,
             "a shape error after one good record left records");
    tc_records_free(&r);
}

TC_TESTS(TC_TEST(test_checks), TC_TEST(test_dispatch), TC_TEST(test_reuse))
