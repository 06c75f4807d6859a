/*
 * tc_vec_union.h - scikit-learn's FeatureUnion of vectorizers: each part transforms the
 * text on its own (its tokenizer, vocabulary, weighting and norm), and the rows are
 * concatenated, part 0's columns first (sparse.hstack). Used by tc_vectorizer.h
 * (tc_vectorizer_union), which is how the model and the C API see it.
 *
 * The concatenated row keeps one summation order (tc_sparse.h): descending when every
 * part's row is, else ascending; scikit-learn sums block by block, so a classifier's sums
 * may differ from scikit-learn's in the last bits (far below the 1e-9 the golden check
 * allows).
 *
 * Immutable after creation; per-thread state in the scratch.
 */
#ifndef TC_VEC_UNION_H
#define TC_VEC_UNION_H

#include <stddef.h>

#include "tc_sparse.h"
#include "tc_status.h"

struct tc_vectorizer;
typedef struct tc_vec_union tc_vec_union;
typedef struct tc_vec_union_scratch tc_vec_union_scratch;

#define TC_UNION_MAX_PARTS 8u

/* Takes ownership of parts[0..n) (2 <= n <= TC_UNION_MAX_PARTS; on failure too: they are
 * freed). TC_EFORMAT when the total column count reaches 2^32 - 1; TC_ENOMEM. */
tc_status tc_vec_union_new(struct tc_vectorizer **parts, size_t n, tc_vec_union **out, char *err);
void tc_vec_union_free(tc_vec_union **u);
size_t tc_vec_union_n_features(const tc_vec_union *u);
const struct tc_vectorizer *tc_vec_union_part(const tc_vec_union *u, size_t i);

void tc_vec_union_scratch_free(tc_vec_union_scratch **s);

/* As tc_vectorizer_transform; *s is created on first use (NULL at start). */
tc_status tc_vec_union_transform(const tc_vec_union *u, tc_vec_union_scratch **s,
                                 const char *text, size_t len, tc_sparse *out, char *err);

#endif
