/*
 * tc_sparse.h - a sparse feature row: strictly ascending column indices with their
 * values, the layout scikit-learn's CSR rows have after transform. Borrowed views;
 * the producer owns the arrays.
 */
#ifndef TC_SPARSE_H
#define TC_SPARSE_H

#include <stddef.h>
#include <stdint.h>

typedef struct tc_sparse {
    const uint32_t *index;  /* ascending, each < n_features */
    const double *value;
    size_t nnz;
} tc_sparse;

#endif
