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
 *
 * Pipeline (one module each): tokens from the tokenizer family the config names
 * (tc_tokens.h) -> the vocabulary index (tc_vocab_index.h, built from tc_vocab_file.h's
 * parse) finds the document's terms (tc_vocab_lookup.h) -> they are counted
 * (tc_termcount.h) -> weighted and normalised here.
 */
#ifndef TC_VECTORIZER_H
#define TC_VECTORIZER_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_sparse.h"
#include "tc_status.h"
#include "tc_tokenizer.h"
#include "tc_tokens.h"

typedef enum tc_norm { TC_NORM_NONE = 0, TC_NORM_L1, TC_NORM_L2 } tc_norm;

typedef struct tc_vectorizer_config {
    /* Where the tokens come from: a tokenizer family and its options, which load
     * copies (tokenizer_options needs to live only during the load call). NULL
     * tokenizer_ops is scikit-learn's tokenizer (tc_sklearn_tokenizer) with the options
     * in `tokenizer`. tc_vectorizer_config_of reports the family and the copy. */
    const tc_tokenizer_ops *tokenizer_ops;
    const void *tokenizer_options;
    tc_tokenizer_options tokenizer;
    unsigned ngram_min, ngram_max;   /* 1 <= min <= max <= 8 */
    bool binary;
    bool sublinear_tf;
    bool use_idf;
    tc_norm norm;
    /* Keras TextVectorization (tc_keras_section.h); zero for scikit-learn:
     * oov_term, when not NULL, is a term that must be the vocabulary's column 0, and every
     * n-gram not in the vocabulary counts in that column too (Keras's OOV index), read at
     * load only; float32 rounds each value to float32 once, after the idf product
     * (Keras: float32(count) * float32 idf). */
    const char *oov_term;
    bool float32;
    /* scikit-learn HashingVectorizer (tc_hash_vectorizer.h) when hash_features > 0
     * (<= INT32_MAX): no vocabulary; an n-gram's column is its hash, alternate_sign gives
     * negative hashes a count of -1, and hash_norm is the HashingVectorizer's own norm,
     * applied after `binary` and before a TfidfTransformer's sublinear_tf, idf and norm
     * (which are off for a HashingVectorizer alone, whose norm is then `norm`). */
    uint32_t hash_features;
    bool alternate_sign;
    tc_norm hash_norm;
    /* scikit-learn's word analyzer with a custom token_pattern (a Python re pattern,
     * NUL-terminated), NULL for none: load compiles it (tc_py_regex.h, which refuses
     * what it cannot reproduce), owns it and tokenizes with tc_pattern_tokenizer and the
     * `tokenizer` options (tokenizer_ops must be NULL); read at load only. */
    const char *token_pattern;
} tc_vectorizer_config;

typedef struct tc_vectorizer tc_vectorizer;
typedef struct tc_vectorizer_scratch tc_vectorizer_scratch;

/* Loads the vocabulary file (format in docs/model-format.md) and, if stopwords_path
 * is not NULL, the stop-word file. Errors name the file and line; a config outside the
 * ranges above, or an oov_term that is not the vocabulary's column 0, is TC_EFORMAT. */
tc_status tc_vectorizer_load(const tc_vectorizer_config *cfg, const char *vocab_path,
                             const char *stopwords_path, tc_vectorizer **out, char *err);
/* As tc_vectorizer_load, from file contents already in memory (the model loader reads
 * each file once to hash and parse it). vocab_name / stop_name only label errors;
 * stop may be NULL for no stop words. The bytes are not kept. */
tc_status tc_vectorizer_load_mem(const tc_vectorizer_config *cfg, const char *vocab_name,
                                 const char *vocab, size_t vocab_len, const char *stop_name,
                                 const char *stop, size_t stop_len, tc_vectorizer **out,
                                 char *err);
/* A HashingVectorizer (cfg->hash_features > 0) from the stop-word file's contents (NULL:
 * none) and, when cfg->use_idf, an idf file of hash_features values (docs/model-format.md;
 * NULL otherwise). Names only label errors; the bytes are not kept. */
tc_status tc_vectorizer_load_hashing_mem(const tc_vectorizer_config *cfg, const char *stop_name,
                                         const char *stop, size_t stop_len, const char *idf_name,
                                         const char *idf, size_t idf_len, tc_vectorizer **out,
                                         char *err);
void tc_vectorizer_free(tc_vectorizer **v);

/* scikit-learn's FeatureUnion of the vectorizers parts[0..n) (tc_vec_union.h): their
 * rows concatenated, part 0's columns first. Takes ownership of the parts (on failure
 * too); 2 <= n <= 8. tc_vectorizer_config_of reports part 0's config. */
tc_status tc_vectorizer_union(tc_vectorizer **parts, size_t n, tc_vectorizer **out, char *err);

size_t tc_vectorizer_n_features(const tc_vectorizer *v);
const tc_vectorizer_config *tc_vectorizer_config_of(const tc_vectorizer *v);

tc_vectorizer_scratch *tc_vectorizer_scratch_new(void);
void tc_vectorizer_scratch_free(tc_vectorizer_scratch **s);

/* Transforms text[0..len) (UTF-8). *out views arrays owned by the scratch, valid
 * until its next use. Errors are the tokenizer's (invalid UTF-8 -> TC_EINPUT) or
 * TC_ENOMEM. A scratch serves any vectorizer (it adapts on first use with another). */
tc_status tc_vectorizer_transform(const tc_vectorizer *v, tc_vectorizer_scratch *s,
                                  const char *text, size_t len, tc_sparse *out, char *err);

#endif
