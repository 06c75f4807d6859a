/* json_scan.c - the checks and positions cJSON does not give (see tc_json_scan.h). */
#include "tc_json_scan.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct scan {
    const char *s;
    size_t n;
    tc_json_escape_fn fn;
    void *ctx;
    tc_json_scan_result *out;
} scan;

/* Records the error; returns n, which ends the scan. */
static size_t fail(scan *sc, size_t at, size_t token_start, const char *what)
{
    sc->out->what = what;
    sc->out->error_at = at;
    sc->out->token_start = token_start;
    return sc->n;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Four hex digits at s[i..i+4) as a code point, or -1. */
static long hex4(const char *s, size_t n, size_t i)
{
    if (i > n || n - i < 4)
        return -1;
    long v = 0;
    for (size_t k = i; k < i + 4; k++) {
        char c = s[k];
        int h = is_digit(c) ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                : -1;
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* An escape error is kept until the string is known to end (a string cut off by the end
 * of the text, or holding a control character, is reported as that). */
typedef struct bad_escape {
    const char *what;
    size_t at;
} bad_escape;

/* The escape at s[i] (a backslash); returns the offset after it (after the backslash and
 * the next byte if it is bad, as far as the search for the string's end goes). */
static size_t scan_escape(scan *sc, size_t i, bad_escape *bad)
{
    const char *s = sc->s;
    size_t n = sc->n;
    const char *what = NULL;
    long cp = -1, lo = -1;
    if (i + 1 >= n)
        return n;
    switch (s[i + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return i + 2;
    case 'u':
        cp = hex4(s, n, i + 2);
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 7 < n && s[i + 6] == '\\' && s[i + 7] == 'u')
            lo = hex4(s, n, i + 8);
        what = cp < 0 ? "bad \\u escape"
               : cp >= 0xDC00 && cp <= 0xDFFF ? "lone low surrogate in \\u escape"
               : cp >= 0xD800 && cp <= 0xDBFF && (lo < 0xDC00 || lo > 0xDFFF)
                   ? "lone high surrogate in \\u escape"
                   : NULL;
        break;
    default: what = "bad escape in string"; break;
    }
    if (what != NULL) {
        if (bad->what == NULL)
            *bad = (bad_escape){what, i};
        return i + 2;
    }
    if (lo >= 0)
        return i + 12;
    if (cp == 0)
        sc->out->nul_escapes++;
    if (cp < 2 && sc->fn != NULL && bad->what == NULL)
        sc->fn(sc->ctx, i, (unsigned)cp);
    return i + 6;
}

/* Offset of the first quote, backslash or byte below 0x20 in s[i..n), or where fewer
 * than a block's bytes are left (the caller's byte loop goes on from there). Strings
 * are most of a request: 16 bytes at a time with SSE2, else 8 in a 64-bit word. */
#ifdef __SSE2__
static size_t skip_plain(const char *s, size_t n, size_t i)
{
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i below = _mm_set1_epi8(0x1f);
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmpeq_epi8(_mm_max_epu8(v, below), below));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    return i;
}
#else
#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

static size_t skip_plain(const char *s, size_t n, size_t i)
{
    for (uint64_t v; n - i >= 8; i += 8) {
        memcpy(&v, s + i, 8);
        /* the classic "has a zero byte" test, thrice; bytes >= 0x80 never match */
        uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
        if (((v - ONES * 0x20) | (q - ONES) | (b - ONES)) & ~v & HIGHS)
            return i;
    }
    return i;
}
#endif

/* The string whose opening quote is at s[i]; returns the offset after its closing one.
 * Runs of plain bytes go 8 at a time: strings are most of a request. */
static size_t scan_string(scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, start = i++;
    bad_escape bad = {NULL, 0};
    for (;;) {
        i = skip_plain(s, n, i);
        while (i < n && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20)
            i++;
        if (i >= n)
            return fail(sc, n, start, "unterminated string");
        if (s[i] == '"')
            return bad.what == NULL ? i + 1 : fail(sc, bad.at, start, bad.what);
        if (s[i] != '\\')
            return fail(sc, i, start, "control character in string");
        i = scan_escape(sc, i, &bad);
    }
}

static bool digits(const char *s, size_t n, size_t *i)
{
    size_t b = *i;
    while (*i < n && is_digit(s[*i]))
        (*i)++;
    return *i > b;
}

/* The number starting at s[i] ('-' or a digit); returns the offset after it. */
static size_t scan_number(scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, start = i;
    if (s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        if (++i < n && is_digit(s[i]))
            return fail(sc, i, start, "unexpected digit after a leading zero");
    } else if (!digits(s, n, &i)) {
        return fail(sc, i, start, "bad number");
    }
    if (i < n && s[i] == '.') {
        i++;
        if (!digits(s, n, &i))
            return fail(sc, i, start, "bad number");
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!digits(s, n, &i))
            return fail(sc, i, start, "bad number");
    }
    return i;
}

void tc_json_scan(const char *s, size_t n, unsigned max_depth, tc_json_escape_fn fn, void *ctx,
                  tc_json_scan_result *out)
{
    *out = (tc_json_scan_result){NULL, n, n, 0};
    scan sc = {s, n, fn, ctx, out};
    unsigned depth = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            i = scan_string(&sc, i);
        } else if (c == '-' || is_digit((char)c)) {
            i = scan_number(&sc, i);
        } else if (c == '[' || c == '{') {
            i = ++depth > max_depth ? fail(&sc, i, i, "nesting too deep") : i + 1;
        } else if (c == ']' || c == '}') {
            depth -= depth > 0;
            i++;
        } else if ((c < 0x20 && !is_ws((char)c)) || c >= 0x80) {
            i = fail(&sc, i, i, "unexpected token");
        } else {
            i++;  /* whitespace, separators, literals: cJSON checks them */
        }
    }
}

/* The offset after the string whose opening quote is at s[i] (or n). */
static size_t string_end(const char *s, size_t n, size_t i)
{
    for (i++; i < n && s[i] != '"'; i++)
        i += s[i] == '\\';
    return i < n ? i + 1 : n;
}

static bool ends_scalar(char c)
{
    return is_ws(c) || c == ',' || c == ':' || c == ']' || c == '}';
}

size_t tc_json_item_at(const char *s, size_t n, size_t k)
{
    size_t item = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (is_ws(c) || c == ',' || c == ':' || c == ']' || c == '}') {
            i++;
            continue;
        }
        if (item++ == k)
            return i;
        if (c == '"')
            i = string_end(s, n, i);
        else if (c == '[' || c == '{')
            i++;
        else
            while (i < n && !ends_scalar(s[i]))
                i++;
    }
    return n;
}

tc_json_due tc_json_due_at(const char *s, size_t n, size_t p)
{
    enum { MAX = 1024 };
    unsigned char object[MAX];  /* open containers, outermost first: 1 object, 0 array */
    size_t depth = 0;
    tc_json_due due = TC_JSON_DUE_VALUE;
    bool after_value = false;   /* a value (or its first bytes) is the last thing before */
    for (size_t i = 0; i < p && i < n; i++) {
        char c = s[i];
        if (is_ws(c))
            continue;
        bool in_object = depth > 0 && depth <= MAX && object[depth - 1];
        after_value = false;
        if (c == '"') {
            if (due == TC_JSON_DUE_KEY || due == TC_JSON_DUE_KEY_OR_CLOSE)
                due = TC_JSON_DUE_COLON;
            else
                after_value = true;
            i = string_end(s, n, i) - 1;
        } else if (c == '{' || c == '[') {
            if (depth < MAX)
                object[depth] = c == '{';
            depth++;
            due = c == '{' ? TC_JSON_DUE_KEY_OR_CLOSE : TC_JSON_DUE_VALUE_OR_CLOSE;
        } else if (c == ',') {
            due = in_object ? TC_JSON_DUE_KEY : TC_JSON_DUE_VALUE;
        } else if (c == ':') {
            due = TC_JSON_DUE_VALUE;
        } else {
            if ((c == '}' || c == ']') && depth > 0)
                depth--;
            after_value = true;
        }
    }
    if (after_value)
        due = depth == 0 ? TC_JSON_DUE_END
              : depth <= MAX && object[depth - 1] ? TC_JSON_DUE_COMMA_OR_BRACE
                                                   : TC_JSON_DUE_COMMA_OR_BRACKET;
    return due;
}
