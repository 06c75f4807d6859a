/* test_utf8.c - strict UTF-8 validation, decoding and encoding (tc_utf8.h), plus the
 * generated Unicode lookups (tc_unicode.h) on facts fixed by the Unicode standard. */
#include <stdint.h>
#include <string.h>

#include "tc_test.h"
#include "tc_unicode.h"
#include "tc_utf8.h"

typedef struct bad_case {
    const char *bytes;
    size_t len;
    size_t offset; /* first invalid sequence */
    const char *why;
} bad_case;

#define B(s) s, sizeof(s) - 1

static void test_valid_boundaries(void)
{
    static const struct { const char *s; size_t n; uint32_t cp; } v[] = {
        {B("\x00"), 0x0},           {B("\x7f"), 0x7F},
        {B("\xc2\x80"), 0x80},      {B("\xdf\xbf"), 0x7FF},
        {B("\xe0\xa0\x80"), 0x800}, {B("\xed\x9f\xbf"), 0xD7FF},
        {B("\xee\x80\x80"), 0xE000}, {B("\xef\xbf\xbf"), 0xFFFF},
        {B("\xf0\x90\x80\x80"), 0x10000}, {B("\xf4\x8f\xbf\xbf"), 0x10FFFF},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        size_t bad = 99, pos = 0;
        TC_CHECK(tc_utf8_valid(v[i].s, v[i].n, &bad), "U+%04X rejected at %zu", (unsigned)v[i].cp, bad);
        uint32_t cp = tc_utf8_next(v[i].s, v[i].n, &pos);
        TC_CHECK(cp == v[i].cp && pos == v[i].n, "decoded U+%04X len %zu, want U+%04X len %zu",
                 (unsigned)cp, pos, (unsigned)v[i].cp, v[i].n);
    }
    TC_CHECK(tc_utf8_valid("", 0, NULL), "empty string rejected");
    TC_CHECK(tc_utf8_valid("plain ascii text, long enough for the 8-byte path", 49, NULL),
             "ascii rejected");
}

static void test_invalid(void)
{
    static const bad_case c[] = {
        {B("\xc0\x80"), 0, "overlong NUL"},
        {B("\xc1\xbf"), 0, "overlong 2-byte"},
        {B("\xe0\x80\x80"), 0, "overlong 3-byte"},
        {B("\xe0\x9f\xbf"), 0, "overlong 3-byte max"},
        {B("\xf0\x80\x80\x80"), 0, "overlong 4-byte"},
        {B("\xf0\x8f\xbf\xbf"), 0, "overlong 4-byte max"},
        {B("ab\xed\xa0\x80"), 2, "high surrogate"},
        {B("\xed\xbf\xbf"), 0, "low surrogate"},
        {B("\xf4\x90\x80\x80"), 0, "U+110000"},
        {B("\xf5\x80\x80\x80"), 0, "F5 lead"},
        {B("\xf8\x88\x80\x80\x80"), 0, "5-byte form"},
        {B("\xff"), 0, "FF"},
        {B("\xfe"), 0, "FE"},
        {B("\x80"), 0, "stray continuation"},
        {B("abc\xbf"), 3, "stray continuation after ascii"},
        {B("\xc3\xa9\xa9"), 2, "extra continuation"},
        {B("ab\xe2\x82"), 2, "truncated 3-byte"},
        {B("x\xf0\x9f\x98"), 1, "truncated 4-byte"},
        {B("\xc3"), 0, "truncated 2-byte"},
        {B("\xe2\x28\xa1"), 0, "bad second byte"},
        {B("\xe2\x82\x28"), 0, "bad third byte"},
        {B("\xf0\x9f\x98\x28"), 0, "bad fourth byte"},
        {B("0123456789abcdefg\x80"), 17, "error after the 8-byte fast path"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        size_t bad = 12345;
        bool ok = tc_utf8_valid(c[i].bytes, c[i].len, &bad);
        TC_CHECK(!ok && bad == c[i].offset, "%s: valid=%d offset=%zu, want invalid at %zu",
                 c[i].why, ok, bad, c[i].offset);
    }
    TC_CHECK(!tc_utf8_valid("\x80", 1, NULL), "NULL bad_offset must be allowed");
    /* every position across the 32- and 8-byte ASCII paths and their tails: a stray
     * byte is found exactly there, a valid 2-byte sequence passes */
    char buf[80];
    for (size_t len = 1; len <= sizeof buf; len++)
        for (size_t at = 0; at < len; at++) {
            memset(buf, 'a', sizeof buf);
            buf[at] = '\xbf';
            size_t bad = 12345;
            bool ok = tc_utf8_valid(buf, len, &bad);
            TC_CHECK(!ok && bad == at, "stray byte at %zu of %zu: valid=%d offset=%zu", at, len,
                     ok, bad);
            if (at + 1 < len) {
                buf[at] = '\xc3';
                buf[at + 1] = '\xa9';
                TC_CHECK(tc_utf8_valid(buf, len, NULL), "é at %zu of %zu rejected", at, len);
            }
        }
}

static void test_roundtrip_all(void)
{
    size_t fails = 0;
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char b[4];
        size_t n = tc_utf8_encode(cp, b);
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        size_t pos = 0;
        if (n != want || !tc_utf8_valid(b, n, NULL) || tc_utf8_next(b, n, &pos) != cp || pos != n)
            fails++;
    }
    TC_CHECK(fails == 0, "%zu code points fail encode/validate/decode", fails);
    /* every encoded surrogate is rejected */
    size_t accepted = 0;
    for (uint32_t cp = 0xD800; cp <= 0xDFFF; cp++) {
        char b[4];
        size_t n = tc_utf8_encode(cp, b);
        if (tc_utf8_valid(b, n, NULL))
            accepted++;
    }
    TC_CHECK(accepted == 0, "%zu surrogates accepted", accepted);
}

static void test_unicode_facts(void)
{
    uint32_t out[3], self[3];
    size_t n;
    TC_CHECK(tc_uni_is_word('a') && tc_uni_is_word('_') && tc_uni_is_word('7'), "ascii \\w");
    TC_CHECK(!tc_uni_is_word(' ') && !tc_uni_is_word('\'') && !tc_uni_is_word('-'), "ascii non-\\w");
    TC_CHECK(tc_uni_is_word(0xB2) && tc_uni_is_word(0x4E2D) && tc_uni_is_word(0x0661), "² 中 ١ are \\w");
    TC_CHECK(!tc_uni_is_word(0x301) && !tc_uni_is_word(0x200D) && !tc_uni_is_word(0xA0),
             "combining acute, ZWJ, NBSP are not \\w");
    TC_CHECK(tc_uni_is_combining(0x301) && tc_uni_is_combining(0x345) && !tc_uni_is_combining('a') &&
             !tc_uni_is_combining(0x93F), "combining classes");
    TC_CHECK(tc_uni_is_cased('A') && tc_uni_is_cased(0x1C5) && !tc_uni_is_cased('1'), "cased");
    TC_CHECK(tc_uni_is_case_ignorable('\'') && tc_uni_is_case_ignorable('.') &&
             tc_uni_is_case_ignorable(0x301) && tc_uni_is_case_ignorable(0xAD) &&
             !tc_uni_is_case_ignorable('a') && !tc_uni_is_case_ignorable(' '), "case-ignorable");
    n = tc_uni_lower('A', out);
    TC_CHECK(n == 1 && out[0] == 'a', "lower A");
    n = tc_uni_lower(0x130, out);
    TC_CHECK(n == 2 && out[0] == 'i' && out[1] == 0x307, "lower U+0130 -> i U+0307 (n=%zu)", n);
    n = tc_uni_lower(0x1E9E, out);
    TC_CHECK(n == 1 && out[0] == 0xDF, "lower capital sharp s");
    n = tc_uni_lower(0x212A, out);
    TC_CHECK(n == 1 && out[0] == 'k', "lower Kelvin sign");
    n = tc_uni_lower(0x3A3, out);
    TC_CHECK(n == 1 && out[0] == 0x3C3, "lower sigma without context");
    n = tc_uni_lower(0x10400, out);
    TC_CHECK(n == 1 && out[0] == 0x10428, "lower Deseret");
    n = tc_uni_lower(0x10FFFF, out);
    TC_CHECK(n == 1 && out[0] == 0x10FFFF, "lower U+10FFFF");

    const uint32_t *d = tc_uni_nfkd(0xFB01, self, &n);
    TC_CHECK(n == 2 && d[0] == 'f' && d[1] == 'i', "NFKD fi ligature");
    d = tc_uni_nfkd(0xE9, self, &n);
    TC_CHECK(n == 2 && d[0] == 'e' && d[1] == 0x301, "NFKD e acute");
    d = tc_uni_nfkd(0xAC00, self, &n);
    TC_CHECK(n == 2 && d[0] == 0x1100 && d[1] == 0x1161, "NFKD U+AC00");
    d = tc_uni_nfkd(0xD7A3, self, &n);
    TC_CHECK(n == 3 && d[0] == 0x1112 && d[1] == 0x1175 && d[2] == 0x11C2, "NFKD U+D7A3");
    d = tc_uni_nfkd(0xFDFA, self, &n);
    TC_CHECK(n == 18 && d[0] == 0x635, "NFKD U+FDFA has 18 code points (n=%zu)", n);
    d = tc_uni_nfkd('a', self, &n);
    TC_CHECK(n == 1 && d == self && self[0] == 'a', "NFKD identity");
    d = tc_uni_nfkd(0x1E09, self, &n); /* c cedilla acute: canonical order 0327 before 0301 */
    TC_CHECK(n == 3 && d[0] == 'c' && d[1] == 0x327 && d[2] == 0x301, "NFKD U+1E09 order");
}

TC_TESTS(TC_TEST(test_valid_boundaries), TC_TEST(test_invalid), TC_TEST(test_roundtrip_all),
         TC_TEST(test_unicode_facts))
