/* test_json_scan.c - the checks cJSON lacks and the positions it does not give
 * (tc_json_scan.h). */
#include <stdlib.h>
#include <string.h>

#include "tc_json_scan.h"
#include "tc_test.h"

typedef struct scan_case {
    const char *text;
    const char *what;   /* NULL: no error */
    size_t at, token_start;
    size_t len;         /* 0: strlen(text) */
} scan_case;

#define N_(a) (sizeof(a) - 1)

static void test_errors(void)
{
    static const scan_case cases[] = {
        {"{\"instances\": [\"a\", {\"text\": \"b\"}], \"n\": -1.5e+3}", NULL, 0, 0, 0},
        {"[0, -0, 10, 0.25, 1e9, 1E-2, -0.0e0]", NULL, 0, 0, 0},
        {"[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00 \\uFFFF\"]", NULL, 0, 0, 0},
        {"[tru, nul, [}]", NULL, 0, 0, 0},                 /* grammar is cJSON's */
        {"\xef\xbb\xbf[\"a\"]", "unexpected token", 0, 0, 0},  /* a byte order mark */
        {"[1,\x0b 2]", "unexpected token", 3, 3, 0},     /* cJSON's "whitespace" */
        {"[\"a\"]\x00", "unexpected token", 5, 5, 6},
        {"[\xc3\xa9]", "unexpected token", 1, 1, 0},
        {"[\"a\tb\"]", "control character in string", 3, 1, 0},
        {"[\"a\x00\"]", "control character in string", 3, 1, 6},
        {"[\"\\x\"]", "bad escape in string", 2, 1, 0},
        {"[\"\\uZZZZ\"]", "bad \\u escape", 2, 1, 0},
        {"[\"\\u12g4\"]", "bad \\u escape", 2, 1, 0},
        {"[\"\\udc00\"]", "lone low surrogate in \\u escape", 2, 1, 0},
        {"[\"\\ud800\\u0041\"]", "lone high surrogate in \\u escape", 2, 1, 0},
        {"[\"\\ud800\\\\udc00\"]", "lone high surrogate in \\u escape", 2, 1, 0},
        {"[\"open", "unterminated string", 6, 1, 0},
        {"[\"ends in \\", "unterminated string", 11, 1, 0},
        {"[\"\\u12", "unterminated string", 6, 1, 0},      /* cut short: the end is the error */
        {"[\"\\x\tb\"]", "control character in string", 4, 1, 0},  /* before a bad escape */
        {"[01]", "unexpected digit after a leading zero", 2, 1, 0},
        {"[-00]", "unexpected digit after a leading zero", 3, 1, 0},
        {"[1.]", "bad number", 3, 1, 0},
        {"[1.e5]", "bad number", 3, 1, 0},
        {"[-.5]", "bad number", 2, 1, 0},
        {"[-]", "bad number", 2, 1, 0},
        {"[1e]", "bad number", 3, 1, 0},
        {"[1e+]", "bad number", 4, 1, 0},
        {"[[[[", NULL, 0, 0, 0},
        {"[[[[[", "nesting too deep", 4, 4, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const scan_case *c = &cases[i];
        size_t n = c->len ? c->len : strlen(c->text);
        tc_json_scan_result r;
        tc_json_scan(c->text, n, 4, NULL, NULL, &r);
        if (c->what == NULL) {
            TC_CHECK(r.what == NULL, "\"%s\": unexpected error %s at %zu", c->text, r.what, r.error_at);
            continue;
        }
        TC_CHECK(r.what != NULL && strcmp(r.what, c->what) == 0 && r.error_at == c->at &&
                     r.token_start == c->token_start,
                 "\"%s\": %s at %zu (token %zu), expected %s at %zu (token %zu)", c->text,
                 r.what ? r.what : "no error", r.error_at, r.token_start, c->what, c->at,
                 c->token_start);
    }
}

typedef struct escapes {
    size_t at[8];
    unsigned cp[8];
    size_t n;
} escapes;

static void on_escape(void *ctx, size_t at, unsigned cp)
{
    escapes *e = ctx;
    if (e->n < 8) {
        e->at[e->n] = at;
        e->cp[e->n++] = cp;
    }
}

/* \u0000 escapes are counted, and \u0000 and \u0001 reported where they stand;
 * an escaped backslash before "u0000" is not one. */
static void test_low_escapes(void)
{
    static const char text[] = "[\"a\\u0000b\", \"\\\\u0000\", \"\\u0001\\u0002\\u0000\"]";
    escapes e = {{0}, {0}, 0};
    tc_json_scan_result r;
    tc_json_scan(text, N_(text), 256, on_escape, &e, &r);
    TC_CHECK(r.what == NULL && r.nul_escapes == 2, "%s, %zu NUL escapes", r.what, r.nul_escapes);
    TC_CHECK(e.n == 3 && e.at[0] == 3 && e.cp[0] == 0 && e.at[1] == 25 && e.cp[1] == 1 &&
                 e.at[2] == 37 && e.cp[2] == 0,
             "%zu escapes reported: at %zu/%u %zu/%u", e.n, e.at[0], e.cp[0], e.at[1], e.cp[1]);
}

static void test_item_at(void)
{
    static const char text[] = " {\"k\\u0065y\": [1, \"two\", {\"x\": null}], \"b\": true}";
    /* items: {, "key", [, 1, "two", {, "x", null, "b", true */
    static const size_t want[] = {1, 2, 14, 15, 18, 25, 26, 31, 39, 44};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        TC_CHECK(tc_json_item_at(text, N_(text), k) == want[k], "item %zu at %zu, expected %zu", k,
                 tc_json_item_at(text, N_(text), k), want[k]);
    TC_CHECK(tc_json_item_at(text, N_(text), 10) == N_(text), "no item 10");
}

static void test_due_at(void)
{
    static const struct { const char *text; size_t at; tc_json_due due; } cases[] = {
        {"", 0, TC_JSON_DUE_VALUE},
        {"[", 1, TC_JSON_DUE_VALUE_OR_CLOSE},
        {"[1, ", 4, TC_JSON_DUE_VALUE},
        {"[1 ", 3, TC_JSON_DUE_COMMA_OR_BRACKET},
        {"[\"a\"", 4, TC_JSON_DUE_COMMA_OR_BRACKET},
        {"{", 1, TC_JSON_DUE_KEY_OR_CLOSE},
        {"{\"a\"", 4, TC_JSON_DUE_COLON},
        {"{\"a\":", 5, TC_JSON_DUE_VALUE},
        {"{\"a\": \"b\"", 9, TC_JSON_DUE_COMMA_OR_BRACE},
        {"{\"a\": [1, {}] ", 14, TC_JSON_DUE_COMMA_OR_BRACE},
        {"{\"a\": 1,", 8, TC_JSON_DUE_KEY},
        {"{\"a,\": {\"[\": 1}, ", 17, TC_JSON_DUE_KEY},
        {"[{\"a\": 1}, ", 11, TC_JSON_DUE_VALUE},
        {"[true", 5, TC_JSON_DUE_COMMA_OR_BRACKET},
        {"\"x\" ", 4, TC_JSON_DUE_END},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_json_due d = tc_json_due_at(cases[i].text, strlen(cases[i].text), cases[i].at);
        TC_CHECK(d == cases[i].due, "\"%s\" at %zu: %d, expected %d", cases[i].text, cases[i].at,
                 (int)d, (int)cases[i].due);
    }
}

TC_TESTS(TC_TEST(test_errors), TC_TEST(test_low_escapes), TC_TEST(test_item_at),
         TC_TEST(test_due_at))
