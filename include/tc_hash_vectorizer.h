/*
 * tc_hash_vectorizer.h - scikit-learn's HashingVectorizer, alone or followed by a
 * TfidfTransformer, for one document, from the tokens its analyzer gives (the
 * vectorizer's tokenizer family, tc_vectorizer.h):
 *   drop stop words -> n-grams (ngram_min..ngram_max kept tokens joined by one space)
 *   -> each n-gram's column and sign (tc_hash_feature, TC_HASH_SKLEARN, hash_features,
 *      alternate_sign) -> per column the sum of the signs (FeatureHasher's
 *      sum_duplicates: a column whose signs cancel stays in the row with 0)
 *   -> binary: every entry 1, the zeros too (X.data.fill(1))
 *   -> hash_norm (normalize in ascending column order; a zero norm leaves the row)
 *   -> sublinear_tf (log x + 1), x * idf[column], norm: the TfidfTransformer's steps
 *      (a HashingVectorizer alone has them off and its norm in `norm`).
 * The row comes out in ascending column order; sum_descending is use_idf, as for
 * tc_vectorizer's rows (scikit-learn 1.2's X @ diag(idf)).
 *
 * Used by tc_vectorizer (tc_vectorizer_load_hashing_mem), which is how the model sees it.
 * Immutable after load, shared by threads; each thread brings its own scratch.
 */
#ifndef TC_HASH_VECTORIZER_H
#define TC_HASH_VECTORIZER_H

#include <stddef.h>

#include "tc_sparse.h"
#include "tc_status.h"
#include "tc_tokens.h"
#include "tc_vectorizer.h"

typedef struct tc_hash_vectorizer tc_hash_vectorizer;
typedef struct tc_hash_vectorizer_scratch tc_hash_vectorizer_scratch;

/* From cfg's hashing and weighting members (hash_features 1..INT32_MAX, ngram range as
 * tc_vectorizer_config says; the tokenizer is the caller's), the stop-word file's
 * contents (stop NULL: none) and, when cfg->use_idf, the idf file's (exactly
 * hash_features values, each finite and > 0; idf must be NULL otherwise). Errors name the
 * file and line (TC_EFORMAT) or the member out of range. */
tc_status tc_hash_vectorizer_new(const tc_vectorizer_config *cfg, const char *stop_name,
                                 const char *stop, size_t stop_len, const char *idf_name,
                                 const char *idf, size_t idf_len, tc_hash_vectorizer **out,
                                 char *err);
void tc_hash_vectorizer_free(tc_hash_vectorizer **h);
size_t tc_hash_vectorizer_n_features(const tc_hash_vectorizer *h);

void tc_hash_vectorizer_scratch_free(tc_hash_vectorizer_scratch **s);

/* The row of the document whose tokens are tl; *s is made on first use (NULL at start).
 * *out views the scratch until its next use. TC_ENOMEM only. */
tc_status tc_hash_vectorizer_row(const tc_hash_vectorizer *h, tc_hash_vectorizer_scratch **s,
                                 const tc_token_list *tl, tc_sparse *out, char *err);

#endif
