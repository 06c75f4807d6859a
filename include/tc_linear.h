/*
 * tc_linear.h - the linear classifier kind: the native weight file linear.tsv
 * (docs/model-format.md) and its decision values d = W x + b over R rows, summed in
 * scikit-learn's order (tc_sparse.h) so that d equals sklearn's to the last bit. Cost
 * O(nnz x R). Immutable after parsing; share between threads freely.
 *
 * tc_linear_backend (tc_clf_backend.h) serves it through tc_classifier: R = 1 for binary
 * models (d > 0 predicts class 1) except naive Bayes, which keeps one row per class;
 * R = n_classes otherwise (argmax, first maximum on ties); probabilities per
 * tc_proba_from_decision. TC_PROBA_PAIRWISE is refused, and softmax needs 3+ classes,
 * softmax_binary exactly 2.
 */
#ifndef TC_LINEAR_H
#define TC_LINEAR_H

#include <stddef.h>

#include "tc_clf_backend.h"
#include "tc_proba.h"
#include "tc_sparse.h"
#include "tc_status.h"

typedef struct tc_linear tc_linear;

typedef struct tc_linear_expect {
    size_t rows;        /* the "rows" line must say this */
    size_t n_features;  /* the "features" line must say this (> 0) */
    size_t n_classes;   /* only for the message when rows differ */
} tc_linear_expect;

/* Parses linear.tsv from data[0..len) (data[len] == '\0'). Refuses, with TC_EFORMAT and
 * "path:line: why", anything but the exact grammar: header and version, counts other
 * than expected, values that are not finite numbers, missing or extra values or lines,
 * a last line without '\n'. TC_ENOMEM if the weights do not fit in memory. */
tc_status tc_linear_parse(const char *path, const char *data, size_t len,
                          const tc_linear_expect *expect, tc_linear **out, char *err);
void tc_linear_free(tc_linear **l);  /* sets *l to NULL; NULL is ignored */

size_t tc_linear_rows(const tc_linear *l);

/* d[0..rows) = sum over x's entries of x_j w[j][r] (from 0.0, in the order
 * x->sum_descending gives), then + b_r. x's indices must be < n_features. */
void tc_linear_decision(const tc_linear *l, const tc_sparse *x, double *d);

/* Rows a linear model of this probability kind keeps for n_classes classes. */
size_t tc_linear_rows_for(tc_proba_kind proba, size_t n_classes);

extern const tc_clf_backend tc_linear_backend;

#endif
