/* buf.c - growable byte buffer (see tc_buf.h). */
#include "tc_buf.h"

#include <math.h>
#include <stdbool.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_numparse.h"

bool tc_buf_reserve(tc_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return false;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return false;
    b->data = p;
    b->cap = cap;
    return true;
}

bool tc_buf_append(tc_buf *b, const void *p, size_t n)
{
    if (!tc_buf_reserve(b, n))
        return false;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool tc_buf_append_str(tc_buf *b, const char *s)
{
    return tc_buf_append(b, s, strlen(s));
}

bool tc_buf_append_char(tc_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return true;
    }
    return tc_buf_append(b, &c, 1);
}

bool tc_buf_printf(tc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    bool ok = n >= 0;
    if (ok && (size_t)n >= room) {
        ok = tc_buf_reserve(b, (size_t)n);
        if (ok)
            vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (!ok) {
        if (b->data != NULL)
            b->data[b->len] = '\0';
        return false;
    }
    b->len += (size_t)n;
    return true;
}

/* Writes digits d[0..k) (k >= 1, no trailing zeros; value d0.d1d2... x 10^exp10) the
 * way printf's "%.{prec}g" lays them out, into out (>= 32 bytes); returns the length. */
static size_t layout_g(bool neg, const char *d, int k, int exp10, int prec, char *out)
{
    size_t n = 0;
    if (neg)
        out[n++] = '-';
    if (exp10 < -4 || exp10 >= prec) {
        out[n++] = d[0];
        if (k > 1) {
            out[n++] = '.';
            memcpy(out + n, d + 1, (size_t)(k - 1));
            n += (size_t)(k - 1);
        }
        int e = exp10 < 0 ? -exp10 : exp10;
        out[n++] = 'e';
        out[n++] = exp10 < 0 ? '-' : '+';
        if (e >= 100)
            out[n++] = (char)('0' + e / 100);
        out[n++] = (char)('0' + e / 10 % 10);
        out[n++] = (char)('0' + e % 10);
    } else if (exp10 >= 0) {
        int int_digits = exp10 + 1;
        for (int i = 0; i < int_digits; i++)
            out[n++] = i < k ? d[i] : '0';
        if (k > int_digits) {
            out[n++] = '.';
            memcpy(out + n, d + int_digits, (size_t)(k - int_digits));
            n += (size_t)(k - int_digits);
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = 0; i < -exp10 - 1; i++)
            out[n++] = '0';
        memcpy(out + n, d, (size_t)k);
        n += (size_t)k;
    }
    out[n] = '\0';
    return n;
}

#define TC_DOUBLE_DIGITS 21

/* The first TC_DOUBLE_DIGITS significant decimal digits of v > 0, truncated (not
 * rounded), and the decimal exponent of the first: v = d0.d1d2... x 10^exp10. Exact
 * integer arithmetic, for v = m x 2^e with 2^-8 <= v < 2^64 (every double there has
 * at most 60 fraction bits, so ten times the fraction fits 64 bits); false outside
 * that range. A digit string that ends in 5 followed by zeros still sends the caller
 * to printf (tie), so truncating instead of rounding never changes its result. */
static bool exact_digits(double v, char *all, int *exp10)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    if (biased == 0 || biased == 0x7ff)
        return false;
    uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
    int e = biased - 1075;  /* v = m x 2^e */
    uint64_t ip, fr = 0, mask = 0;
    unsigned k = 0;         /* fraction bits */
    if (e >= 0) {
        if (e > 11)
            return false;
        ip = m << e;
    } else {
        if (e < -60)
            return false;
        k = (unsigned)-e;
        mask = (UINT64_C(1) << k) - 1;
        ip = m >> k;
        fr = m & mask;
    }
    int n = 0;
    if (ip != 0) {
        char rev[20];
        int r = 0;
        for (; ip != 0; ip /= 10)
            rev[r++] = (char)('0' + ip % 10);
        *exp10 = r - 1;
        while (r > 0 && n < TC_DOUBLE_DIGITS)
            all[n++] = rev[--r];
    } else {
        int lead = 0;
        do {  /* fr != 0 here: v > 0 */
            fr *= 10;
            lead++;
        } while ((fr >> k) == 0);
        *exp10 = -lead;
        all[n++] = (char)('0' + (fr >> k));
        fr &= mask;
    }
    while (n < TC_DOUBLE_DIGITS) {
        fr *= 10;
        all[n++] = (char)('0' + (k ? fr >> k : 0));
        fr &= mask;
    }
    return true;
}

bool tc_buf_append_double(tc_buf *b, double v)
{
    if (v != v || v - v != 0.0)  /* NaN or infinity: not representable in JSON */
        return tc_buf_append(b, "null", 4);
    if (v == 0.0)
        return tc_buf_append_str(b, signbit(v) ? "-0" : "0");
    /* 21 significant digits of |v| (exact truncation; printf's "%.20e" rounding
     * outside the fast range), then the first of its 15-, 16- and 17-digit roundings
     * that reads back as v (17 always does): the same string as the shortest
     * round-tripping printf "%.15g"/"%.16g"/"%.17g", at a fraction of the cost. The
     * read-back is tc_parse_double, exact and much cheaper than strtod; this runs for
     * every probability of every response. */
    enum { ALL = TC_DOUBLE_DIGITS };
    const bool neg = v < 0;
    char all[ALL];
    int exp10;
    if (!exact_digits(neg ? -v : v, all, &exp10)) {
        char sci[48];
        snprintf(sci, sizeof sci, "%.20e", v);
        const char *p = sci + (neg ? 1 : 0);
        all[0] = p[0];
        memcpy(all + 1, p + 2, ALL - 1);  /* skip the '.' */
        exp10 = atoi(p + ALL + 2);        /* after 'e' */
    }

    char out[40];
    for (int prec = 15; prec <= 17; prec++) {
        char d[17];
        int e = exp10;
        bool tie = all[prec] == '5';
        for (int i = prec + 1; i < ALL && tie; i++)
            tie = all[i] == '0';
        if (tie) {
            /* The guard digits cannot tell which way v rounds: ask printf, which
             * rounds the exact binary value (about 1 value in 10^4 gets here). */
            char exact[40];
            snprintf(exact, sizeof exact, "%.*e", prec - 1, v);
            const char *q = exact + (neg ? 1 : 0);
            d[0] = q[0];
            memcpy(d + 1, q + 2, (size_t)(prec - 1));
            e = atoi(q + prec + 2);
        } else {
            memcpy(d, all, (size_t)prec);
            if (all[prec] >= '5') {
                int i = prec - 1;
                while (i >= 0 && d[i] == '9')
                    d[i--] = '0';
                if (i >= 0) {
                    d[i]++;
                } else {  /* 9.99..9 rounds up to 10.00..0 */
                    d[0] = '1';
                    e++;
                }
            }
        }
        int k = prec;
        while (k > 1 && d[k - 1] == '0')
            k--;
        size_t n = layout_g(neg, d, k, e, prec, out);
        double back;
        if (tc_parse_double(out, n, &back) && back == v)
            return tc_buf_append(b, out, n);
    }
    /* Unreachable for finite v; printf as the last word rather than a wrong digit. */
    snprintf(out, sizeof out, "%.17g", v);
    return tc_buf_append_str(b, out);
}

bool tc_buf_append_json_string(tc_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!tc_buf_reserve(b, n + 2))
        return false;
    b->data[b->len++] = '"';
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (!tc_buf_append(b, s + start, i - start))
            return false;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            elen = 6;
        }
        if (!tc_buf_append(b, esc, elen))
            return false;
        start = i + 1;
    }
    if (!tc_buf_append(b, s + start, n - start))
        return false;
    return tc_buf_append_char(b, '"');
}

void tc_buf_clear(tc_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void tc_buf_free(tc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *tc_buf_steal(tc_buf *b, size_t *len)
{
    char *p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

bool tc_array_reserve(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 256;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return false;
        c *= 2;
    }
    if (elem != 0 && c > SIZE_MAX / elem)
        return false;
    void *q = realloc(*items, c * elem);
    if (q == NULL)
        return false;
    *items = q;
    *cap = c;
    return true;
}
