/*
 * tc_vectorizer.h - scikit-learn TfidfVectorizer.transform for one document:
 *   tokenize -> drop stop words -> n-grams (min_n..max_n, tokens joined by one
 *   space, unigrams first) -> count in-vocabulary terms -> binary / sublinear_tf
 *   (1 + ln tf) -> * idf (use_idf) -> l1 / l2 / no normalisation.
 * Same float64 operations in the same order as scikit-learn 1.2, so results agree
 * to the last bits in practice (to ~1e-15 relative at worst).
 *
 * The vectorizer is immutable after load and shared by all threads; each thread
 * brings its own scratch.
 */
#ifndef TC_VECTORIZER_H
#define TC_VECTORIZER_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_sparse.h"
#include "tc_status.h"
#include "tc_tokenizer.h"

typedef enum tc_norm { TC_NORM_NONE = 0, TC_NORM_L1, TC_NORM_L2 } tc_norm;

typedef struct tc_vectorizer_config {
    tc_tokenizer_options tokenizer;
    unsigned ngram_min, ngram_max;   /* 1 <= min <= max <= 8 */
    bool binary;
    bool sublinear_tf;
    bool use_idf;
    tc_norm norm;
} tc_vectorizer_config;

typedef struct tc_vectorizer tc_vectorizer;
typedef struct tc_vectorizer_scratch tc_vectorizer_scratch;

/* Loads the vocabulary file (format in docs/model-format.md) and, if stopwords_path
 * is not NULL, the stop-word file. Errors name the file and line. */
tc_status tc_vectorizer_load(const tc_vectorizer_config *cfg, const char *vocab_path,
                             const char *stopwords_path, tc_vectorizer **out, char *err);
/* As tc_vectorizer_load, from file contents already in memory (the model loader reads
 * each file once to hash and parse it). vocab_name / stop_name only label errors;
 * stop may be NULL for no stop words. The bytes are not kept. */
tc_status tc_vectorizer_load_mem(const tc_vectorizer_config *cfg, const char *vocab_name,
                                 const char *vocab, size_t vocab_len, const char *stop_name,
                                 const char *stop, size_t stop_len, tc_vectorizer **out,
                                 char *err);
void tc_vectorizer_free(tc_vectorizer **v);

size_t tc_vectorizer_n_features(const tc_vectorizer *v);
const tc_vectorizer_config *tc_vectorizer_config_of(const tc_vectorizer *v);

tc_vectorizer_scratch *tc_vectorizer_scratch_new(void);
void tc_vectorizer_scratch_free(tc_vectorizer_scratch **s);

/* Transforms text[0..len) (UTF-8). *out views arrays owned by the scratch, valid
 * until its next use. Invalid UTF-8 -> TC_EINPUT. */
tc_status tc_vectorizer_transform(const tc_vectorizer *v, tc_vectorizer_scratch *s,
                                  const char *text, size_t len, tc_sparse *out, char *err);

#endif
