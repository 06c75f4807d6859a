/* pattern_tokenizer.c - scikit-learn's word analyzer with a custom token_pattern (see
 * tc_pattern_tokenizer.h): the default tokenizer's preprocessing, then PCRE2. */
#include "tc_pattern_tokenizer.h"

#include <stdint.h>
#include <stdlib.h>

#include "tc_buf.h"
#include "tc_py_regex.h"

typedef struct pattern_scratch {
    tc_tokenizer_scratch *pre;   /* preprocessing (its own tokens are not used) */
    tc_py_regex_scratch *match;
    tc_token *tok;
    size_t tok_cap;
} pattern_scratch;

static void scratch_free(void *p)
{
    pattern_scratch *s = p;
    if (s == NULL)
        return;
    tc_tokenizer_scratch_free(&s->pre);
    tc_py_regex_scratch_free(s->match);
    free(s->tok);
    free(s);
}

static void *scratch_new(void)
{
    pattern_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->pre = tc_tokenizer_scratch_new();
    s->match = tc_py_regex_scratch_new();
    if (s->pre == NULL || s->match == NULL) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

static tc_status tokenize(const void *options, void *scratch, const char *text, size_t len,
                          tc_token_list *out, char *err)
{
    const tc_pattern_tokenizer_options *opt = options;
    pattern_scratch *s = scratch;
    if (opt->regex == NULL)
        return tc_fail(err, TC_EINPUT, "token_pattern tokenizer without a compiled pattern");
    tc_token_list words;
    tc_status st = tc_tokenize(&opt->pre, s->pre, text, len, &words, err);
    if (st != TC_OK)
        return st;
    size_t plen = 0;
    const char *p = tc_tokenizer_preprocessed(s->pre, &plen);
    if (plen >= UINT32_MAX)  /* token offsets are 32-bit */
        return tc_fail(err, TC_ETOOBIG, "preprocessed text of %zu bytes", plen);
    /* a token holds at least one byte and tokens do not overlap */
    if (!tc_array_reserve((void **)&s->tok, &s->tok_cap, plen + 1, sizeof *s->tok))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t n = 0;
    if ((st = tc_py_regex_tokens(opt->regex, s->match, p, plen, s->tok, &n, err)) != TC_OK)
        return st;
    out->text = p;  /* followed by TC_TOKEN_PAD bytes (tc_tokenizer_preprocessed) */
    out->tokens = s->tok;
    out->count = n;
    return TC_OK;
}

const tc_tokenizer_ops tc_pattern_tokenizer = {"scikit-learn token_pattern",
                                               sizeof(tc_pattern_tokenizer_options),
                                               scratch_new, scratch_free, tokenize};
