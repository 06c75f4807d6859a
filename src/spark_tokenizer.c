/*
 * spark_tokenizer.c - Spark ML's Tokenizer and default RegexTokenizer (see
 * tc_spark_tokenizer.h): Java lowercasing into the scratch, then Java's String.split
 * on ASCII whitespace.
 */
#include "tc_spark_tokenizer.h"

#include <stdlib.h>
#include <string.h>

#include "spark_wordclass_table.h"
#include "tc_buf.h"
#include "tc_spark_regex.h"
#include "tc_unicode.h"
#include "tc_utf8.h"

#define MAX_TEXT ((size_t)1 << 31)

typedef struct spark_scratch {
    char *buf;        /* the lowercased text, then TC_TOKEN_PAD bytes */
    size_t buf_cap;
    tc_token *tokens;
    size_t tok_cap;
    tc_spark_regex_scratch *re;  /* made at the first PCRE2 use */
} spark_scratch;

static void *scratch_new(void) { return calloc(1, sizeof(spark_scratch)); }

static void scratch_free(void *p)
{
    spark_scratch *s = p;
    if (s == NULL)
        return;
    free(s->buf);
    free(s->tokens);
    tc_spark_regex_scratch_free(s->re);
    free(s);
}

size_t tc_spark_java_lower(uint32_t cp, uint32_t out[3])
{
    /* Uppercase letters new in Unicode 14: unassigned, hence unchanged, in Java 17. */
    if (cp == 0x2C2Fu || cp == 0xA7C0u || cp == 0xA7D0u || cp == 0xA7D6u || cp == 0xA7D8u ||
        (cp >= 0x10570u && cp <= 0x10595u)) {
        out[0] = cp;
        return 1;
    }
    return tc_uni_lower(cp, out);
}

static int wordclass(uint32_t cp)
{
    if (cp == 0xADu)  /* in $mid_word by name, which wins over $_ignore_'s [:Cf:] */
        return TC_JWC_MIDW;
    size_t lo = 0, hi = tc_java_wordclass_n;  /* the last start <= cp */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tc_java_wordclass_start[mid] <= cp)
            lo = mid;
        else
            hi = mid;
    }
    return tc_java_wordclass_class[lo];
}

/* The rules' $mid_word (between two letters) and $mid_num (between two digits). */
static bool mid_word(uint32_t c, int k) { return k == TC_JWC_MIDW || c == '"' || c == '\'' || c == '.'; }
static bool mid_num(uint32_t c) { return c == '"' || c == '\'' || c == ',' || c == 0x66Bu || c == '.'; }

/* The code point before byte offset *i (moved to its start), or UINT32_MAX at 0. */
static uint32_t prev_cp(const char *in, size_t len, size_t *i)
{
    if (*i == 0)
        return UINT32_MAX;
    size_t j = *i;
    do
        j--;
    while (j > 0 && ((unsigned char)in[j] & 0xC0u) == 0x80u);
    *i = j;
    return tc_utf8_next(in, len, &j);
}

/* The next non-ignorable code point and its class, stepping by dir (-1 or +1) from byte
 * offset *i (backward: the one before *i; forward: the one at *i); UINT32_MAX at an end. */
static uint32_t step(const char *in, size_t len, size_t *i, int dir, int *k)
{
    for (;;) {
        uint32_t c;
        if (dir < 0) {
            c = prev_cp(in, len, i);
        } else {
            if (*i >= len)
                return UINT32_MAX;
            c = tc_utf8_next(in, len, i);
        }
        if (c == UINT32_MAX)
            return c;
        *k = wordclass(c);
        if ((*k & 7) != TC_JWC_IGN || (*k & TC_JWC_CASED))  /* a cased ignorable counts */
            return c;
    }
}

/* Whether a cased code point lies in Java's word around the sigma, on one side: from byte
 * offset `from` in direction dir, through letters and digits, and through a $mid_word
 * between two letters or a $mid_num between two digits (Java 17's word BreakIterator
 * rules), past ignorables ([:Mn:][:Me:][:Cf:]). */
static bool cased_in_word(const char *in, size_t len, size_t from, int dir)
{
    size_t i = from;
    int near = TC_JWC_LET, k = 0;  /* the sigma is a letter */
    for (;;) {
        uint32_t c = step(in, len, &i, dir, &k);
        if (c == UINT32_MAX)
            return false;
        const int cls = k & 7;
        if (dir < 0 && c > 0xFFFFu)  /* Java's iterator breaks after a surrogate pair */
            return false;
        if (cls == TC_JWC_IGN && dir < 0) {
            /* ignorables belong to the character before them: in the word only when
             * that is a letter or digit */
            size_t j = i;
            int pk = 0;
            uint32_t d = step(in, len, &j, dir, &pk);
            while (d != UINT32_MAX && (pk & 7) == TC_JWC_IGN)
                d = step(in, len, &j, dir, &pk);
            if (d == UINT32_MAX || d > 0xFFFFu ||
                ((pk & 7) != TC_JWC_LET && (pk & 7) != TC_JWC_DGT))
                return false;
        }
        if (cls == TC_JWC_LET || cls == TC_JWC_DGT || cls == TC_JWC_IGN) {
            if (k & TC_JWC_CASED)
                return true;
            if (cls != TC_JWC_IGN)
                near = cls;
            continue;
        }
        /* a middle character joins only between two of a kind */
        size_t j = i;
        int far = 0;
        uint32_t d = step(in, len, &j, dir, &far);
        far &= 7;
        bool joins = d != UINT32_MAX &&
                     ((near == TC_JWC_LET && far == TC_JWC_LET && mid_word(c, cls)) ||
                      (near == TC_JWC_DGT && far == TC_JWC_DGT && mid_num(c)));
        if (!joins)
            return false;
    }
}

/* Java's Final_Cased for the U+03A3 at in[i..i+2): within the word around it (Java's word
 * boundaries), a cased letter before it and none after it. */
static bool final_sigma(const char *in, size_t len, size_t i)
{
    return cased_in_word(in, len, i, -1) && !cased_in_word(in, len, i + 2, +1);
}


/* Copies text into s->buf, lowercased if asked; returns the length (lowercasing
 * at most triples a code point's UTF-8 length: U+0130 -> "i\u0307", 2 -> 3 bytes). */
static size_t lower_into(spark_scratch *s, const char *text, size_t len, bool lowercase)
{
    if (!lowercase) {
        memcpy(s->buf, text, len);
        return len;
    }
    size_t o = 0, i = 0;
    while (i < len) {
        unsigned char b = (unsigned char)text[i];
        if (b < 0x80u) {
            s->buf[o++] = (char)(b >= 'A' && b <= 'Z' ? b | 0x20u : b);
            i++;
            continue;
        }
        size_t at = i;
        uint32_t cp = tc_utf8_next(text, len, &i), lc[3];
        size_t n = 1;
        if (cp == 0x3A3u)
            lc[0] = final_sigma(text, len, at) ? 0x3C2u : 0x3C3u;
        else
            n = tc_spark_java_lower(cp, lc);
        for (size_t k = 0; k < n; k++)
            o += tc_utf8_encode(lc[k], s->buf + o);
    }
    return o;
}

static bool is_java_space(unsigned char c)
{
    return c == ' ' || (c >= 0x09u && c <= 0x0Du);
}

/* UTF-16 length of t[0..n) (valid UTF-8): code points, plus one per 4-byte sequence. */
static size_t utf16_len(const char *t, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)t[i];
        if ((b & 0xC0u) != 0x80u)
            u += b >= 0xF0u ? 2 : 1;
    }
    return u;
}

static tc_status finish(const tc_spark_tokenizer_options *opt, spark_scratch *s, size_t count,
                        tc_token_list *out);

static tc_status tokenize(const void *options, void *scratch, const char *text, size_t len,
                          tc_token_list *out, char *err)
{
    const tc_spark_tokenizer_options *opt = options;
    spark_scratch *s = scratch;
    if (len > MAX_TEXT)
        return tc_fail(err, TC_ETOOBIG, "text of %zu bytes exceeds the 2 GiB limit", len);
    size_t bad = 0;
    if (!tc_utf8_valid(text, len, &bad))
        return tc_fail(err, TC_EINPUT, "invalid UTF-8 at byte offset %zu", bad);
    const bool lower = opt->kind == TC_SPARK_TOKENIZER || opt->lowercase;
    const size_t text_room = (lower ? len / 2 * 3 + 3 : len) + TC_TOKEN_PAD;
    if (!tc_array_reserve((void **)&s->buf, &s->buf_cap, text_room, 1) ||
        !tc_array_reserve((void **)&s->tokens, &s->tok_cap, len + 2, sizeof(tc_token)))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    const size_t n = lower_into(s, text, len, lower);
    memset(s->buf + n, 0, TC_TOKEN_PAD);
    size_t count = 0;
    if (opt->kind == TC_SPARK_REGEX_PCRE2) {
        if (s->re == NULL && (s->re = tc_spark_regex_scratch_new()) == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
        tc_status st = tc_spark_regex_tokens(opt->regex, s->re, s->buf, n, opt->gaps, s->tokens,
                                             &count, err);
        if (st != TC_OK)
            return st;
        return finish(opt, s, count, out);
    }
    const bool runs = opt->kind == TC_SPARK_REGEX_GAPS;  /* "\\s+" vs "\\s" */
    size_t start = 0, i = 0;
    bool any_sep = false;
    while (i < n) {
        if (!is_java_space((unsigned char)s->buf[i])) {
            i++;
            continue;
        }
        any_sep = true;
        s->tokens[count++] = (tc_token){(uint32_t)start, (uint32_t)(i - start)};
        i++;
        if (runs)
            while (i < n && is_java_space((unsigned char)s->buf[i]))
                i++;
        start = i;
    }
    s->tokens[count++] = (tc_token){(uint32_t)start, (uint32_t)(n - start)};
    if (any_sep)  /* String.split drops trailing empty strings; no match keeps the text */
        while (count > 0 && s->tokens[count - 1].len == 0)
            count--;
    return finish(opt, s, count, out);
}

/* RegexTokenizer's minTokenLength filter, then the list. */
static tc_status finish(const tc_spark_tokenizer_options *opt, spark_scratch *s, size_t count,
                        tc_token_list *out)
{
    if (opt->kind != TC_SPARK_TOKENIZER && opt->min_token_length > 0) {
        size_t k = 0;
        for (size_t t = 0; t < count; t++)
            if (utf16_len(s->buf + s->tokens[t].off, s->tokens[t].len) >= opt->min_token_length)
                s->tokens[k++] = s->tokens[t];
        count = k;
    }
    out->text = s->buf;
    out->tokens = s->tokens;
    out->count = count;
    return TC_OK;
}

const tc_tokenizer_ops tc_spark_tokenizer = {
    "Spark", sizeof(tc_spark_tokenizer_options), scratch_new, scratch_free, tokenize,
};
