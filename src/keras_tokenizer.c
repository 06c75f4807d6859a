/* keras_tokenizer.c - Keras TextVectorization standardize + whitespace split (see
 * tc_keras_tokenizer.h). One pass over the bytes: copy (lowercased, punctuation
 * dropped) into the scratch's text, and open or close a token at each whitespace byte. */
#include "tc_keras_tokenizer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_utf8.h"

#define MAX_TEXT ((size_t)1 << 31)

struct tc_keras_tokenizer_scratch {
    char *text;          /* standardized text + TC_TOKEN_PAD bytes */
    size_t text_cap;
    tc_token *tokens;
    size_t tok_cap;
};

/* Byte classes: ASCII whitespace as tf.strings.split sees it, and Keras's punctuation. */
enum { C_WS = 1, C_PUNCT = 2 };
static unsigned char byte_class(unsigned char c)
{
    switch (c) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
        return C_WS;
    default:
        break;
    }
    /* [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~'] : ',-\.' is the range ',' '-' '.' */
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
                   (c >= '{' && c <= '~')
               ? C_PUNCT
               : 0;
}

tc_keras_tokenizer_scratch *tc_keras_tokenizer_scratch_new(void)
{
    return calloc(1, sizeof(tc_keras_tokenizer_scratch));
}

void tc_keras_tokenizer_scratch_free(tc_keras_tokenizer_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    free((*s)->text);
    free((*s)->tokens);
    free(*s);
    *s = NULL;
}

/* Room for a text of len bytes (+ pad) and len / 2 + 1 tokens (a token and a separator
 * take two bytes at least). */
static bool reserve(tc_keras_tokenizer_scratch *s, size_t len)
{
    if (len + TC_TOKEN_PAD > s->text_cap) {
        char *t = realloc(s->text, len + TC_TOKEN_PAD);
        if (t == NULL)
            return false;
        s->text = t;
        s->text_cap = len + TC_TOKEN_PAD;
    }
    size_t ntok = len / 2 + 1;
    if (ntok > s->tok_cap) {
        tc_token *k = realloc(s->tokens, ntok * sizeof *k);
        if (k == NULL)
            return false;
        s->tokens = k;
        s->tok_cap = ntok;
    }
    return true;
}

tc_status tc_keras_tokenize(const tc_keras_tokenizer_options *opt,
                            tc_keras_tokenizer_scratch *s, const char *text, size_t len,
                            tc_token_list *out, char *err)
{
    if (len >= MAX_TEXT)
        return tc_fail(err, TC_ETOOBIG, "text of %zu bytes exceeds the 2 GiB limit", len);
    size_t bad = 0;
    if (!tc_utf8_valid(text, len, &bad))
        return tc_fail(err, TC_EINPUT, "invalid UTF-8 at byte %zu", bad);
    if (!reserve(s, len))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    const bool lower = opt->lower, strip = opt->strip_punctuation;
    char *dst = s->text;
    size_t n = 0, ntok = 0, start = 0;
    bool in_token = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        unsigned char k = byte_class(c);
        if (k == C_WS) {
            if (in_token)
                s->tokens[ntok++] = (tc_token){(uint32_t)start, (uint32_t)(n - start)};
            in_token = false;
            continue;
        }
        if (k == C_PUNCT && strip)
            continue;  /* removed before the split: "a.b" is one token "ab" */
        if (lower && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        if (!in_token) {
            start = n;
            in_token = true;
        }
        dst[n++] = (char)c;
    }
    if (in_token)
        s->tokens[ntok++] = (tc_token){(uint32_t)start, (uint32_t)(n - start)};
    memset(dst + n, 0, TC_TOKEN_PAD);
    out->text = dst;
    out->tokens = s->tokens;
    out->count = ntok;
    return TC_OK;
}

static void *scratch_new(void) { return tc_keras_tokenizer_scratch_new(); }

static void scratch_free(void *p)
{
    tc_keras_tokenizer_scratch *s = p;
    tc_keras_tokenizer_scratch_free(&s);
}

static tc_status tokenize(const void *options, void *scratch, const char *text, size_t len,
                          tc_token_list *out, char *err)
{
    return tc_keras_tokenize(options, scratch, text, len, out, err);
}

const tc_tokenizer_ops tc_keras_tokenizer = {
    "Keras TextVectorization", sizeof(tc_keras_tokenizer_options), scratch_new, scratch_free,
    tokenize};
