/* test_json_request.c - application/json and JSON Lines bodies (tc_json_request.h):
 * the shapes, strict RFC 8259 where cJSON is lenient, messages with their positions. */
#include <stdio.h>
#include <stdlib.h>

#include "tc_buf.h"
#include "tc_json_request.h"
#include "tc_test.h"
#include "../lib/decode_expect.h"

#define JSON tc_json_request_decode
#define JSONL tc_json_request_decode_lines

static void test_shapes(void)
{
    EXPECT(JSON, "{\"instances\": [\"a\", {\"text\": \"b\"}, \"c\"]}", "a", "b", "c");
    EXPECT(JSON, "{\"inputs\":[\"x\"]}", "x");
    EXPECT(JSON, "{\"text\": \"just one\"}", "just one");
    EXPECT(JSON, "\"bare\"", "bare");
    EXPECT(JSON, " [\"p\", \"q\"] \n", "p", "q");
    EXPECT(JSON, "[{\"id\": 7, \"text\": \"t\", \"meta\": {\"a\": [1, 2.5e3, null, true]}}]", "t");
    EXPECT(JSON, "{\"configuration\": {\"k\": [1, {\"x\": false}]}, \"instances\": [\"after\"]}",
           "after");
    EXPECT(JSON, "[\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\"]",
           "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t");
    EXPECT(JSON, "[\"\", \"x\"]", "", "x");
    EXPECT(JSON, "{\"te\\u0078t\": \"escaped key\", \"\\u00e9\": 1}", "escaped key");
    EXPECT(JSON, "{\"in\\u0073tances\": [\"\\u00e9\", \"b\"]}", "\xc3\xa9", "b");
    EXPECT(JSON, "[\"caf\xc3\xa9\"]", "caf\xc3\xa9");
    /* duplicates: the last "text" counts; "instances" with "text" beside it: the list */
    EXPECT(JSON, "{\"text\": \"a\", \"text\": \"b\"}", "b");
    EXPECT(JSON, "[{\"text\": \"a\", \"id\": 1, \"text\": \"b\"}]", "b");
    EXPECT(JSON, "{\"text\": \"t\", \"instances\": [\"i\"]}", "i");
    /* numbers cJSON and RFC 8259 agree on, any length */
    EXPECT(JSON, "[{\"text\": \"n\", \"v\": [0, -0, 1e400, -1.5E-7, "
                 "123456789012345678901234567890123456789012345678901234567890123456789012345]}]",
           "n");
}

static void test_shape_errors(void)
{
    static const fail_case cases[] = {
        {"{\"instances\": \"a\"}",
         "wrong JSON shape: \"instances\"/\"inputs\" must be an array (byte 14)"},
        {"{\"instances\": {\"text\": \"a\"}}", "must be an array (byte 14)"},
        {"{\"foo\": 1}",
         "wrong JSON shape: expected {\"instances\": [...]}, {\"inputs\": "
         "[...]} or {\"text\": \"...\"}"},
        {"[1]", "wrong JSON shape: instance 1 is not a string or {\"text\": ...} (byte 1)"},
        {"{\"x\\u0041\": [], \"inputs\": [\"a\", null]}",
         "instance 2 is not a string or {\"text\": ...} (byte 32)"},
        {"[\"a\", {\"txt\": \"b\"}]", "wrong JSON shape: instance 2 has no \"text\" member"},
        {"{\"text\": 5}", "malformed JSON at byte 9 (line 1): \"text\" must be a string"},
        {"[\n{\"text\": \"a\"},\n {\"id\": 1, \"text\": [\"b\"]}]",
         "malformed JSON at byte 36 (line 3): \"text\" must be a string"},
        {"{\"text\": \"a\", \"text\": 1}", "byte 22 (line 1): \"text\" must be"},
        {"42", "wrong JSON shape: expected an object, an array or a string"},
        {"null", "expected an object, an array or a string"},
        {"{\"instances\": [\"a\"], \"inputs\": [\"b\"]}",
         "wrong JSON shape: give either \"instances\" or \"inputs\", once"},
        {"{\"inputs\": [], \"inputs\": []}", "give either"},
        {"   ", "empty JSON body"},
        /* the first problem in body order, a shape error before a later syntax error */
        {"[1, \"a\",",
         "wrong JSON shape: instance 1 is not a string or {\"text\": ...} (byte 1)"},
        {"{\"text\": tru}", "malformed JSON at byte 9 (line 1): \"text\" must be a string"},
        {"[01]", "instance 1 is not a string or {\"text\": ...} (byte 1)"},
    };
    fail_all(JSON, cases, sizeof cases / sizeof *cases);
}

/* Grammar errors: cJSON finds them, the message says where and what was expected. */
static void test_grammar(void)
{
    static const fail_case cases[] = {
        {"{\"instances\": [\"a\",]}", "malformed JSON at byte 19 (line 1): unexpected token"},
        {"{\"instances\":", "malformed JSON at byte 13 (line 1): unexpected end of input"},
        {"{\"inputs\": tru", "malformed JSON at byte 11 (line 1): unexpected token"},
        {"{\"x\": tru}", "byte 6 (line 1): unexpected token"},
        {"[\"a\"] x", "malformed JSON at byte 6 (line 1): trailing data after the JSON value"},
        {"[\"a\"] [", "byte 6 (line 1): trailing data"},
        {"{\"a\" 1}", "malformed JSON at byte 5 (line 1): expected ':'"},
        {"{\"a\": 1 \"b\": 2}", "byte 8 (line 1): expected ',' or '}'"},
        {"{\"m\": [1 2]}", "byte 9 (line 1): expected ',' or ']'"},
        {"{\"m\": [1x]}", "byte 8 (line 1): expected ',' or ']'"},
        {"{\"m\": [1.5.3]}", "byte 10 (line 1): expected ',' or ']'"},
        {"{1: 2}", "malformed JSON at byte 1 (line 1): expected a string key"},
        {"{\"a\": 1, }", "byte 9 (line 1): expected a string key"},
        {"{\"a\": 1,,}", "byte 8 (line 1): expected a string key"},
        {"{\"a\": {}x}", "byte 8 (line 1): expected ',' or '}'"},
        {"{\"m\": [{}x]}", "byte 9 (line 1): expected ',' or ']'"},
        /* at the end of the body: the end is the place */
        {"[", "byte 1 (line 1): unexpected end of input"},
        {"{\"m\": [1", "byte 8 (line 1): expected ',' or ']'"},
        {"{\"m\": [1, ", "byte 10 (line 1): unexpected end of input"},
        {"{", "byte 1 (line 1): expected a string key"},
        {"{\"a\"", "byte 4 (line 1): expected ':'"},
        {"{\"a\": 1,", "byte 8 (line 1): expected a string key"},
        {"{1", "byte 1 (line 1): expected a string key"},
        {"{\"m\": [1,]}", "byte 9 (line 1): unexpected token"},
        {"\n\n  [\n  tru\n]", "malformed JSON at byte 8 (line 4): unexpected token"},
    };
    fail_all(JSON, cases, sizeof cases / sizeof *cases);
}

/* Strict RFC 8259 where parsers are often lenient (cJSON 1.7 accepts every one of these
 * but the surrogates and the bad escape). */
static void test_strict(void)
{
    static const fail_case cases[] = {
        /* raw control characters in strings, NUL bytes anywhere */
        {"[\"a\tb\"]", "malformed JSON at byte 3 (line 1): control character in string"},
        {"[\"a\x01\"]", "byte 3 (line 1): control character in string"},
        /* control characters as whitespace, a byte order mark */
        {"[\"a\",\x0b\"b\"]", "byte 5 (line 1): unexpected token"},
        {"[\"a\"\x0c]", "byte 4 (line 1): expected ',' or ']'"},
        {"\xef\xbb\xbf[\"a\"]", "byte 0 (line 1): unexpected token"},
        /* numbers: leading zeros, a bare decimal point, signs */
        {"{\"x\": [01]}", "malformed JSON at byte 8 (line 1): expected ',' or ']'"},
        {"{\"text\": \"a\", \"n\": -00}", "byte 21 (line 1): expected ',' or '}'"},
        {"[{\"text\": \"a\", \"n\": 1.}]", "byte 22 (line 1): bad number"},
        {"[{\"text\": \"a\", \"n\": 1.e5}]", "byte 22 (line 1): bad number"},
        {"[{\"text\": \"a\", \"n\": -.5}]", "byte 21 (line 1): bad number"},
        {"[{\"text\": \"a\", \"n\": .5}]", "byte 20 (line 1): unexpected token"},
        {"[{\"text\": \"a\", \"n\": +1}]", "byte 20 (line 1): unexpected token"},
        {"[-]", "byte 2 (line 1): bad number"},
        {"[1e+]", "byte 4 (line 1): bad number"},
        {"[\"a\", Infinity]", "byte 6 (line 1): unexpected token"},
        {"[\"a\", NaN]", "byte 6 (line 1): unexpected token"},
        /* escapes (cJSON reads a bad \u escape as U+0000) */
        {"[\"\\uZZZZ\"]", "malformed JSON at byte 2 (line 1): bad \\u escape"},
        {"[\"ab\\u12g4\"]", "byte 4 (line 1): bad \\u escape"},
        {"[\"\\x\"]", "byte 2 (line 1): bad escape in string"},
        {"[\"\\ud800\"]", "byte 2 (line 1): lone high surrogate in \\u escape"},
        {"[\"\\ud800\\u0041\"]", "lone high surrogate"},
        {"[\"\\udc00\"]", "byte 2 (line 1): lone low surrogate in \\u escape"},
        {"[\"open", "malformed JSON at byte 6 (line 1): unterminated string"},
        {"[\"ab\\u00", "byte 8 (line 1): unterminated string"},
        {"{\"a\" \"b\\x\"}", "byte 5 (line 1): expected ':'"},
        /* other non-JSON */
        {"['a']", "byte 1 (line 1): unexpected token"},
        {"[\"a\"] // c", "trailing data"},
    };
    fail_all(JSON, cases, sizeof cases / sizeof *cases);
    expect_fail(JSON, "[\"a\0\"]", 6, TC_EINPUT, "byte 3 (line 1): control character in string");
    expect_fail(JSON, "[\"a\"]\0", 6, TC_EINPUT, "byte 5 (line 1): trailing data after the JSON value");
    expect_fail(JSON, "\0[\"a\"]", 6, TC_EINPUT, "byte 0 (line 1): unexpected token");
}

/* \u0000 is data, not the end of a string; a key with one in it is not "text". */
static void test_nul_escapes(void)
{
    static const char *const want1[] = {"a\0b", "\x01\0\x01", "t\0"};
    static const size_t len1[] = {3, 3, 2};
    static const char body1[] =
        "{\"text\\u0000\": 1, \"instances\": [\"a\\u0000b\", \"\\u0001\\u0000\\u0001\", "
        "{\"text\": \"t\\u0000\"}]}";
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    TC_CHECK(decode_whole(JSON, body1, sizeof body1 - 1, 10, r, err) == TC_OK, "%s", err);
    TC_CHECK(tc_records_count(r) == 3, "%zu records", tc_records_count(r));
    for (size_t i = 0; i < 3 && i < tc_records_count(r); i++) {
        size_t l;
        const char *t = tc_records_text(r, i, &l);
        TC_CHECK(l == len1[i] && memcmp(t, want1[i], l) == 0, "record %zu: length %zu", i, l);
    }
    FAIL_(JSON, "{\"text\\u0000\": \"a\"}", TC_EINPUT, "wrong JSON shape: expected");
    FAIL_(JSON, "[\"\\u0000\", 7]", TC_EINPUT, "instance 2 is not a string or {\"text\": ...} (byte 11)");
    tc_records_free(&r);
}

/* Nesting: 256 levels are allowed, and a member of the top-level object counts from
 * level 2, so 255 arrays and objects deep in all there; one more is refused where it
 * opens; much deeper is refused the same way, without a deep recursion. */
static void test_depth(void)
{
    tc_buf b = TC_BUF_INIT;
    for (size_t depth = 254; depth <= 256; depth++) {
        tc_buf_clear(&b);
        tc_buf_append_str(&b, "{\"text\": \"t\", \"x\": ");
        for (size_t i = 1; i < depth; i++)
            tc_buf_append_char(&b, '[');
        for (size_t i = 1; i < depth; i++)
            tc_buf_append_char(&b, ']');
        tc_buf_append_char(&b, '}');
        tc_records *r = tc_records_new();
        char err[TC_ERR_LEN] = "";
        tc_status st = decode_whole(JSON, b.data, b.len, 10, r, err);
        if (depth <= 255) {
            TC_CHECK(st == TC_OK, "depth %zu: %s", depth, err);
        } else {
            char want[80];
            snprintf(want, sizeof want, "byte %zu (line 1): nesting too deep", 19 + depth - 2);
            TC_CHECK(st == TC_EINPUT && strstr(err, want) != NULL, "depth %zu: %s", depth, err);
        }
        tc_records_free(&r);
    }
    size_t deep = 100000;
    tc_buf_clear(&b);
    tc_buf_append_str(&b, "{\"x\": ");
    for (size_t i = 0; i < deep; i++)
        tc_buf_append_char(&b, '[');
    expect_fail(JSON, b.data, b.len, TC_EINPUT, "byte 260 (line 1): nesting too deep");
    tc_buf_clear(&b);
    for (size_t i = 0; i < deep; i++)
        tc_buf_append_char(&b, '[');
    expect_fail(JSON, b.data, b.len, TC_EINPUT, "byte 256 (line 1): nesting too deep");
    tc_buf_free(&b);
}

/* Long strings and many records come through whole. */
static void test_large(void)
{
    tc_buf b = TC_BUF_INIT;
    size_t n = 1 << 20;
    tc_buf_append_str(&b, "[\"");
    for (size_t i = 0; i < n; i++)
        tc_buf_append_char(&b, (char)('a' + i % 26));
    tc_buf_append_str(&b, "\\u00e9\", \"x\"]");
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    TC_CHECK(decode_whole(JSON, b.data, b.len, 10, r, err) == TC_OK, "%s", err);
    size_t l = 0;
    const char *t = tc_records_count(r) == 2 ? tc_records_text(r, 0, &l) : "";
    TC_CHECK(l == n + 2 && memcmp(t, b.data + 2, n) == 0 && memcmp(t + n, "\xc3\xa9", 2) == 0,
             "long record: %zu bytes", l);
    size_t m = 5000;
    tc_buf_clear(&b);
    tc_buf_append_char(&b, '[');
    for (size_t i = 0; i < m; i++)
        tc_buf_printf(&b, "%s\"r\\u00e9%zu\"", i ? "," : "", i);
    tc_buf_append_char(&b, ']');
    TC_CHECK(decode_whole(JSON, b.data, b.len, m, r, err) == TC_OK, "%s", err);
    char want[32];
    int bad = 0;
    for (size_t i = 0; i < m && tc_records_count(r) == m; i++) {
        snprintf(want, sizeof want, "r\xc3\xa9%zu", i);
        t = tc_records_text(r, i, &l);
        bad += !(l == strlen(want) && memcmp(t, want, l) == 0);
    }
    TC_CHECK(tc_records_count(r) == m && bad == 0, "%d of %zu records wrong", bad, m);
    TC_CHECK(decode_whole(JSON, b.data, b.len, m - 1, r, err) == TC_ETOOBIG &&
                 strstr(err, "more than 4999 records") != NULL,
             "limit: %s", err);
    tc_buf_free(&b);
    tc_records_free(&r);
}

static void test_jsonlines(void)
{
    EXPECT(JSONL, "\"a\"\n{\"text\": \"b\"}\n\n\"c\"", "a", "b", "c");
    EXPECT(JSONL, "{\"text\":\"x\",\"id\":[1]}\r\n", "x");
    EXPECT(JSONL, "  \"a\"  \n \t \n\"b\"", "a", "b");
    static const fail_case cases[] = {
        {"\"a\"\n{\"text\": 1}\n", "malformed JSON at byte 13 (line 2): \"text\" must be a string"},
        {"\"a\" \"b\"\n", "malformed JSON Lines: line 1: trailing data after the value (byte 4)"},
        {"\"a\"\n\"b\"\n  [\n", "malformed JSON at byte 11 (line 3): unexpected end"},
        {"\"a\"\n\n[1]\n", "instance 2 is not a string or {\"text\": ...} (byte 5)"},
        {"\"a\"\n\"b\"\n{}\n", "wrong JSON shape: instance 3 has no \"text\" member"},
        {"\"a\"\n\x0b\n", "byte 4 (line 2): unexpected token"},
        {"\xef\xbb\xbf\"a\"\n", "byte 0 (line 1): unexpected token"},
        {"\"a\",\n", "line 1: trailing data after the value (byte 3)"},
        {"01\n", "instance 1 is not a string or {\"text\": ...} (byte 0)"},
        {"{\"a\": 01}\n", "byte 7 (line 1): expected ',' or '}'"},
    };
    fail_all(JSONL, cases, sizeof cases / sizeof *cases);
    static const char nul[] = "\"x\\u0000y\"\n{\"text\": \"\\u0001\"}\n";
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    TC_CHECK(decode_whole(JSONL, nul, sizeof nul - 1, 10, r, err) == TC_OK, "%s", err);
    size_t l0 = 0, l1 = 0;
    const char *t0 = tc_records_count(r) == 2 ? tc_records_text(r, 0, &l0) : "";
    const char *t1 = tc_records_count(r) == 2 ? tc_records_text(r, 1, &l1) : "";
    TC_CHECK(l0 == 3 && memcmp(t0, "x\0y", 3) == 0 && l1 == 1 && t1[0] == '\x01',
             "NUL escapes in JSON Lines: %zu, %zu", l0, l1);
    tc_records_free(&r);
}

/* Positions are whole-body ones when a JSON Lines part starts later in the body. */
static void test_part_positions(void)
{
    static const char part[] = "\"a\"\n[1]\n";
    tc_records *r = tc_records_new();
    char err[TC_ERR_LEN] = "";
    tc_body_origin at = {1000, 20, 7};
    tc_records_start(r, part, &at, 100);
    TC_CHECK(JSONL(r, part, sizeof part - 1, err) == TC_EINPUT &&
                 strstr(err, "instance 9 is not a string or {\"text\": ...} (byte 1004)") != NULL,
             "%s", err);
    static const char part2[] = "\"a\"\n\"b\" ]\n";
    tc_records_start(r, part2, &at, 100);
    TC_CHECK(JSONL(r, part2, sizeof part2 - 1, err) == TC_EINPUT &&
                 strstr(err, "line 22: trailing data after the value (byte 1008)") != NULL,
             "%s", err);
    tc_records_free(&r);
}

TC_TESTS(TC_TEST(test_shapes), TC_TEST(test_shape_errors), TC_TEST(test_grammar),
         TC_TEST(test_strict), TC_TEST(test_nul_escapes), TC_TEST(test_depth),
         TC_TEST(test_large), TC_TEST(test_jsonlines), TC_TEST(test_part_positions))
