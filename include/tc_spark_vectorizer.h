/*
 * tc_spark_vectorizer.h - a Spark ML text feature pipeline for one document, as Spark's
 * stages compute it:
 *   tokens (tc_spark_tokenizer.h)
 *   -> StopWordsRemover (exact match against the list; the exporter writes the list
 *      lowercased when caseSensitive is false and refuses that unless the tokens are
 *      lowercased already)
 *   -> NGram(n = 2): " "-joined pairs of neighbours, the bigrams only (or the tokens, n = 1)
 *   -> HashingTF (column = tc_hash_feature(TC_HASH_SPARK), numFeatures) or
 *      CountVectorizerModel (column = the term's index in the vocabulary; others ignored
 *      but counted in the document's token count for a fractional minTF)
 *   -> counts: value = count, or 1.0 if binary; CountVectorizer drops entries with
 *      count < minTF (minTF >= 1) or < minTF * token count (minTF < 1)
 *   -> IDFModel: value * idf[column] (when an idf array is given)
 *   -> Normalizer(p = 1 or 2): divided by the row's p-norm, summed in ascending column
 *      order (a zero norm leaves the row)
 * The row comes out in ascending column order (tc_sparse, sum_descending false).
 * Immutable after load, shared by threads; each thread brings its own scratch.
 */
#ifndef TC_SPARK_VECTORIZER_H
#define TC_SPARK_VECTORIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tc_sparse.h"
#include "tc_spark_tokenizer.h"
#include "tc_status.h"

typedef enum tc_spark_tf { TC_SPARK_TF_HASHING = 0, TC_SPARK_TF_COUNT } tc_spark_tf;

typedef struct tc_spark_vectorizer_config {
    tc_spark_tokenizer_options tokenizer;   /* tokenizer.regex is set by load */
    const char *pattern;   /* TC_SPARK_REGEX_PCRE2: the pattern (NUL-terminated), read by
                              load only */
    unsigned ngram;        /* 1 (no NGram stage) or 2 */
    tc_spark_tf tf;
    uint32_t n_features;   /* hashing: numFeatures (1..2^31-1); count: the vocabulary size */
    bool binary;
    double min_tf;         /* count only: >= 0 (Spark's default 1.0) */
    unsigned norm_p;       /* 0: no Normalizer; 1 or 2 */
} tc_spark_vectorizer_config;

typedef struct tc_spark_vectorizer tc_spark_vectorizer;
typedef struct tc_spark_vectorizer_scratch tc_spark_vectorizer_scratch;

/* Builds the vectorizer from file contents (tc_spark_files.h): `vocab` (a terms file;
 * required for TC_SPARK_TF_COUNT, where n_features must equal its count, NULL for
 * hashing), `stop` (a terms file, or NULL), `idf` (an idf file of n_features values, or
 * NULL). Names only label errors; the bytes are not kept. A config outside the ranges
 * above is TC_EFORMAT. */
tc_status tc_spark_vectorizer_load(const tc_spark_vectorizer_config *cfg, const char *vocab_name,
                                   const char *vocab, size_t vocab_len, const char *stop_name,
                                   const char *stop, size_t stop_len, const char *idf_name,
                                   const char *idf, size_t idf_len, tc_spark_vectorizer **out,
                                   char *err);
void tc_spark_vectorizer_free(tc_spark_vectorizer **v);
size_t tc_spark_vectorizer_n_features(const tc_spark_vectorizer *v);

tc_spark_vectorizer_scratch *tc_spark_vectorizer_scratch_new(void);
void tc_spark_vectorizer_scratch_free(tc_spark_vectorizer_scratch **s);

/* Transforms text[0..len) (UTF-8); *out views the scratch until its next use. Errors are
 * the tokenizer's (TC_EINPUT, TC_ETOOBIG) or TC_ENOMEM. */
tc_status tc_spark_vectorizer_transform(const tc_spark_vectorizer *v,
                                        tc_spark_vectorizer_scratch *s, const char *text,
                                        size_t len, tc_sparse *out, char *err);

#endif
