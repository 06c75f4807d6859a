/*
 * tc_binarized.h - the "binarized_linear" classifier kind: scikit-learn's BernoulliNB,
 * whose predict* first applies sklearn.preprocessing.binarize(X, threshold) to the
 * sparse row (values > threshold become 1.0, the others are dropped, the row keeps its
 * order), then computes the joint log-likelihood as a linear model. The exporter folds
 * BernoulliNB's absent-feature term into the intercept, so what remains is
 * d = W b(x) + c over linear.tsv (tc_linear.h) with one row per class, and
 * probabilities by TC_PROBA_NAIVE_BAYES; the label is argmax d.
 *
 * tc_binarized_backend (tc_clf_backend.h) serves it through tc_classifier with
 * cfg->type TC_CLF_BINARIZED and cfg->binarize the threshold (finite, >= 0: scikit-learn
 * refuses a negative one for sparse input). It accepts only TC_PROBA_NAIVE_BAYES. The
 * per-thread scratch holds the binarized row.
 */
#ifndef TC_BINARIZED_H
#define TC_BINARIZED_H

#include "tc_clf_backend.h"

extern const tc_clf_backend tc_binarized_backend;

#endif
