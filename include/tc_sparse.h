/*
 * tc_sparse.h - a sparse feature row: strictly ascending column indices with their
 * values. Borrowed views; the producer owns the arrays.
 *
 * sum_descending records the order of the same row in scikit-learn's CSR matrix,
 * which is the order its sums over the row run in (normalize, X @ coef_.T):
 * TfidfVectorizer with use_idf leaves each row in descending column order (the
 * X @ diag(idf) product), without idf in ascending order. Sums that must match
 * scikit-learn to the last bit run from the last entry to the first when it is set.
 */
#ifndef TC_SPARSE_H
#define TC_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tc_sparse {
    const uint32_t *index;  /* ascending, each < n_features */
    const double *value;
    size_t nnz;
    bool sum_descending;
} tc_sparse;

#endif
