/*
 * tc_pattern_tokenizer.h - scikit-learn's word analyzer with a custom token_pattern as a
 * tokenizer family (tc_tokens.h):
 *   preprocess (lowercase, strip_accents: tc_tokenizer.h's front half, Python's rules)
 *   -> re.findall(token_pattern) through PCRE2 (tc_py_regex.h): the whole matches, or
 *      group 1's text when the pattern has one group.
 * The default pattern (?u)\b\w\w+\b stays with tc_sklearn_tokenizer, which is faster.
 * Every token is non-empty, holds no space, TAB, CR or LF (tc_py_regex.h refuses
 * patterns that could make one), and points into the scratch's preprocessed text.
 */
#ifndef TC_PATTERN_TOKENIZER_H
#define TC_PATTERN_TOKENIZER_H

#include "tc_tokenizer.h"
#include "tc_tokens.h"

struct tc_py_regex;

typedef struct tc_pattern_tokenizer_options {
    tc_tokenizer_options pre;          /* lowercase, strip_accents (portable as there) */
    /* the compiled token_pattern, borrowed: its owner (the vectorizer, tc_vectorizer.h)
     * outlives every use of these options */
    const struct tc_py_regex *regex;
} tc_pattern_tokenizer_options;

/* Options are a tc_pattern_tokenizer_options. tokenize fails as tc_tokenize does
 * (TC_EINPUT for invalid UTF-8 with the offset, TC_ETOOBIG, TC_ENOMEM), with TC_ETOOBIG
 * when the preprocessed text reaches 4 GiB, and with TC_EINPUT when PCRE2 gives up (its
 * match limit or JIT stack) or the options hold no pattern. */
extern const tc_tokenizer_ops tc_pattern_tokenizer;

#endif
