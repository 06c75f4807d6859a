/* char_ngrams.c - scikit-learn's "char" and "char_wb" analyzers (see tc_char_ngrams.h). */
#include "tc_char_ngrams.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_utf8.h"

typedef struct char_scratch {
    tc_tokenizer_scratch *pre;
    char *norm;          /* whitespace-collapsed text */
    size_t norm_cap;
    uint32_t *cp;        /* byte offset of each code point of norm, and one past the end */
    size_t cp_cap;
    bool *space;         /* whether each code point of norm is whitespace */
    size_t space_cap;
    char *out;           /* escaped n-grams, back to back */
    size_t out_cap;
    tc_token *tok;
    size_t tok_cap;
} char_scratch;

/* Python's str.isspace(). */
static bool is_space(uint32_t c)
{
    if (c <= 0x20)
        return c == 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
    if (c < 0x85)
        return false;
    return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static void *scratch_new(void)
{
    char_scratch *s = calloc(1, sizeof *s);
    if (s != NULL && (s->pre = tc_tokenizer_scratch_new()) == NULL) {
        free(s);
        s = NULL;
    }
    return s;
}

static void scratch_free(void *p)
{
    char_scratch *s = p;
    if (s == NULL)
        return;
    tc_tokenizer_scratch_free(&s->pre);
    free(s->norm);
    free(s->cp);
    free(s->space);
    free(s->out);
    free(s->tok);
    free(s);
}


/* re.sub(r"\s\s+", " ", text) into s->norm, with the code point offsets; returns the
 * number of code points. */
static size_t collapse(char_scratch *s, const char *t, size_t len)
{
    size_t o = 0, n = 0, i = 0;
    while (i < len) {
        size_t at = i;
        uint32_t c = tc_utf8_next(t, len, &i);
        if (is_space(c)) {
            size_t j = i;
            if (j < len && is_space(tc_utf8_next(t, len, &j))) {
                while (j < len) {  /* a run of two or more: one space */
                    size_t k = j;
                    if (!is_space(tc_utf8_next(t, len, &k)))
                        break;
                    j = k;
                }
                i = j;
                s->cp[n] = (uint32_t)o;
                s->space[n++] = true;
                s->norm[o++] = ' ';
                continue;
            }
        }
        s->cp[n] = (uint32_t)o;
        s->space[n++] = is_space(c);
        memcpy(s->norm + o, t + at, i - at);
        o += i - at;
    }
    s->cp[n] = (uint32_t)o;
    return n;
}

typedef struct emitter {
    char_scratch *s;
    size_t o, nt;
} emitter;

/* Appends the escaped bytes of one n-gram (already known to fit) as a token. */
static void emit(emitter *e, const char *a, size_t na, const char *b, size_t nb, const char *c,
                 size_t nc)
{
    char_scratch *s = e->s;
    size_t start = e->o;
    const char *parts[3] = {a, b, c};
    const size_t lens[3] = {na, nb, nc};
    for (int p = 0; p < 3; p++)
        for (size_t i = 0; i < lens[p]; i++) {
            unsigned char x = (unsigned char)parts[p][i];
            char esc = x == ' ' ? 's' : x == '\t' ? 't' : x == '\n' ? 'n' : x == '\r' ? 'r'
                     : x == 0x01 ? '\x01' : 0;
            if (esc) {
                s->out[e->o++] = '\x01';
                s->out[e->o++] = esc;
            } else {
                s->out[e->o++] = (char)x;
            }
        }
    s->tok[e->nt].off = (uint32_t)start;
    s->tok[e->nt].len = (uint32_t)(e->o - start);
    e->nt++;
}

/* "char": every n-gram of the collapsed text. */
static void char_ngrams(const tc_char_ngram_options *opt, emitter *e, size_t ncp)
{
    const char_scratch *s = e->s;
    for (size_t n = opt->min_n; n <= opt->max_n && n <= ncp; n++)
        for (size_t i = 0; i + n <= ncp; i++)
            emit(e, s->norm + s->cp[i], s->cp[i + n] - s->cp[i], NULL, 0, NULL, 0);
}

/* "char_wb": the n-grams of each padded word. Code point i of " word " is the pad for
 * i == 0 and i == W - 1, else word code point i - 1. */
static void wb_ngrams(const tc_char_ngram_options *opt, emitter *e, size_t ncp)
{
    const char_scratch *s = e->s;
    size_t i = 0;
    while (i < ncp) {
        if (s->space[i]) {
            i++;
            continue;
        }
        size_t w0 = i;
        while (i < ncp && !s->space[i])
            i++;
        const size_t W = i - w0 + 2;
        for (size_t n = opt->min_n; n <= opt->max_n; n++) {
            size_t off = 0;
            for (;;) {
                size_t end = off + n < W ? off + n : W;  /* w[off:off+n] */
                bool lead = off == 0, trail = end == W;
                size_t a = w0 + (lead ? 0 : off - 1), b = w0 + (end - 1 - (trail ? 1 : 0));
                emit(e, " ", lead ? 1 : 0, s->norm + s->cp[a], s->cp[b] - s->cp[a], " ",
                     trail ? 1 : 0);
                if (!(off + n < W))
                    break;
                off++;
            }
            if (off == 0)
                break;
        }
    }
}

/* How many n-grams and escaped bytes the analyzer emits at most for ncp code points of
 * norm_len bytes: per n, at most ncp grams (2 ncp + 2 for padded words), each byte in at
 * most n of them, escaped to at most 2 bytes (padded words: 2 more bytes a word). */
static void bounds(const tc_char_ngram_options *opt, size_t ncp, size_t norm_len, size_t *tokens,
                   size_t *bytes)
{
    size_t t = 0, b = 0;
    const size_t grams = opt->word_bounded ? 2 * ncp + 2 : ncp;
    const size_t span = opt->word_bounded ? norm_len + 2 * ncp + 2 : norm_len;
    for (size_t n = opt->min_n; n <= opt->max_n; n++) {
        t += grams;
        b += 2 * n * span;
    }
    *tokens = t;
    *bytes = b;
}

static tc_status tokenize(const void *options, void *scratch, const char *text, size_t len,
                          tc_token_list *out, char *err)
{
    const tc_char_ngram_options *opt = options;
    char_scratch *s = scratch;
    if (opt->min_n < 1 || opt->min_n > opt->max_n || opt->max_n > TC_CHAR_NGRAM_LIMIT)
        return tc_fail(err, TC_EINPUT, "char n-gram range [%u, %u] outside 1..%u", opt->min_n,
                       opt->max_n, TC_CHAR_NGRAM_LIMIT);
    tc_token_list words;
    tc_status st = tc_tokenize(&opt->pre, s->pre, text, len, &words, err);
    if (st != TC_OK)
        return st;
    size_t plen = 0;
    const char *p = tc_tokenizer_preprocessed(s->pre, &plen);
    if (!tc_array_reserve((void **)&s->norm, &s->norm_cap, plen + 1, 1) ||
        !tc_array_reserve((void **)&s->cp, &s->cp_cap, plen + 1, sizeof *s->cp) ||
        !tc_array_reserve((void **)&s->space, &s->space_cap, plen + 1, sizeof *s->space))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t ncp = collapse(s, p, plen);
    size_t ntok = 0, nbytes = 0;
    bounds(opt, ncp, s->cp[ncp], &ntok, &nbytes);
    if (ntok > UINT32_MAX || nbytes > UINT32_MAX - TC_TOKEN_PAD)
        return tc_fail(err, TC_ETOOBIG, "text of %zu bytes has too many character n-grams", len);
    if (!tc_array_reserve((void **)&s->out, &s->out_cap, nbytes + TC_TOKEN_PAD, 1) ||
        !tc_array_reserve((void **)&s->tok, &s->tok_cap, ntok + 1, sizeof *s->tok))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    emitter e = {s, 0, 0};
    if (opt->word_bounded)
        wb_ngrams(opt, &e, ncp);
    else
        char_ngrams(opt, &e, ncp);
    memset(s->out + e.o, 0, TC_TOKEN_PAD);
    out->text = s->out;
    out->tokens = s->tok;
    out->count = e.nt;
    return TC_OK;
}

const tc_tokenizer_ops tc_char_ngram_tokenizer = {"scikit-learn char", sizeof(tc_char_ngram_options),
                                                   scratch_new, scratch_free, tokenize};
