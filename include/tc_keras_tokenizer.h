/*
 * tc_keras_tokenizer.h - Keras TextVectorization's standardize + split="whitespace", as
 * Keras 3 on TensorFlow runs them (keras/src/layers/preprocessing/text_vectorization.py,
 * checked against the real layer by tests/parity/test_keras_parity.py):
 *   lower:             tf.strings.lower with no encoding: ASCII A-Z only (É, Σ stay);
 *   strip_punctuation: tf.strings.regex_replace of [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~']
 *                      by "", i.e. the 32 ASCII punctuation bytes (Python's
 *                      string.punctuation), nothing outside ASCII;
 *   split:             tf.strings.split(x), sep=None: runs of the six ASCII whitespace
 *                      bytes " \t\n\v\f\r" separate tokens (U+00A0, U+2003, U+3000,
 *                      U+0085, U+001C..U+001F do not), no empty tokens.
 * Lowercasing runs before stripping, as in Keras (they commute: both are ASCII-only).
 * The text must be valid UTF-8 (TC_EINPUT with the byte offset otherwise), as for every
 * textclf tokenizer; every ASCII byte above is a whole code point in valid UTF-8.
 *
 * Thread safety: options are immutable; a scratch belongs to one thread at a time.
 */
#ifndef TC_KERAS_TOKENIZER_H
#define TC_KERAS_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_status.h"
#include "tc_tokens.h"

typedef struct tc_keras_tokenizer_options {
    bool lower;              /* standardize "lower" or "lower_and_strip_punctuation" */
    bool strip_punctuation;  /* standardize "strip_punctuation" or "lower_and_..." */
} tc_keras_tokenizer_options;

typedef struct tc_keras_tokenizer_scratch tc_keras_tokenizer_scratch;

/* NULL when out of memory. */
tc_keras_tokenizer_scratch *tc_keras_tokenizer_scratch_new(void);
/* Frees the scratch and sets *s to NULL; NULL or *s NULL is ignored. */
void tc_keras_tokenizer_scratch_free(tc_keras_tokenizer_scratch **s);

/* Standardizes and splits text[0..len). On success *out views the standardized text and
 * its tokens (every len > 0), owned by the scratch until its next use. TC_EINPUT (invalid
 * UTF-8, with the byte offset), TC_ETOOBIG (2^31 bytes or more), TC_ENOMEM. */
tc_status tc_keras_tokenize(const tc_keras_tokenizer_options *opt,
                            tc_keras_tokenizer_scratch *s, const char *text, size_t len,
                            tc_token_list *out, char *err);

/* The family for tc_tokens.h: options are a tc_keras_tokenizer_options. */
extern const tc_tokenizer_ops tc_keras_tokenizer;

#endif
