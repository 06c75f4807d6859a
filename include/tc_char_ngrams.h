/*
 * tc_char_ngrams.h - scikit-learn's character analyzers as a tokenizer family
 * (tc_tokens.h): each token is one character n-gram, so a vectorizer counts them with
 * ngram_range [1, 1] against a vocabulary of n-grams.
 *
 *   preprocess (lowercase, strip_accents: tc_tokenizer.h's front half, Python's rules)
 *   -> re.sub(r"\s\s+", " ", doc): every run of two or more whitespace code points
 *      becomes one space; a single whitespace code point stays as it is
 *   -> analyzer "char": every substring of n code points, min_n <= n <= max_n;
 *      analyzer "char_wb": for each word of doc.split(), w = " " + word + " " and for n
 *      from min_n: w[i:i+n] for every i with i + n <= len(w), at least w[0:n] once (the
 *      whole padded word when it is shorter than n), stopping after the first n that
 *      reaches len(w) (CountVectorizer._char_wb_ngrams).
 * Whitespace is Python's str.isspace() (= re's \s = str.split()'s separators).
 *
 * Token bytes are the n-gram in the vocabulary's escaped form (docs/model-format.md):
 * ' ' -> 0x01 's', TAB -> 0x01 't', LF -> 0x01 'n', CR -> 0x01 'r', 0x01 -> 0x01 0x01,
 * every other byte itself. The escaped n-gram has no space, so the vocabulary index
 * holds it as one word, and no TAB, CR or LF, so vocab.tsv can hold it.
 */
#ifndef TC_CHAR_NGRAMS_H
#define TC_CHAR_NGRAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_tokenizer.h"
#include "tc_tokens.h"

#define TC_CHAR_NGRAM_LIMIT 32u  /* longest character n-gram a range may ask for */

typedef struct tc_char_ngram_options {
    tc_tokenizer_options pre;  /* lowercase, strip_accents (portable as there) */
    bool word_bounded;         /* false: "char"; true: "char_wb" */
    unsigned min_n, max_n;     /* 1 <= min_n <= max_n <= TC_CHAR_NGRAM_LIMIT */
} tc_char_ngram_options;

/* Options are a tc_char_ngram_options. tokenize fails with TC_EINPUT for invalid UTF-8
 * (the offset named), TC_ETOOBIG when the n-grams would take 4 GiB or more, TC_ENOMEM;
 * and with TC_EINPUT for options outside the ranges above. */
extern const tc_tokenizer_ops tc_char_ngram_tokenizer;

#endif
