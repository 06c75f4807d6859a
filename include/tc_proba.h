/*
 * tc_proba.h - the probability math of the classifier backends: decision values ->
 * probabilities (or scores) in class order, each formula in the floating-point order of
 * the library it reproduces (scikit-learn, scipy, libsvm), so results match them to the
 * last bit or so. Pure functions of their arguments; no allocation, no state.
 *
 * Every array is caller-owned; lengths are stated per function. Inputs are finite
 * (the backends validate their files), so NaN handling is not part of any contract.
 */
#ifndef TC_PROBA_H
#define TC_PROBA_H

#include <stddef.h>

/* How decision values become probabilities. */
typedef enum tc_proba_kind {
    TC_PROBA_NONE,            /* no probabilities: output decision scores */
    TC_PROBA_LOGISTIC_OVR,    /* binary p1 = 1/(1+e^-d); multiclass sigma(d_k)/sum sigma */
    TC_PROBA_SOFTMAX,         /* multinomial, R = n_classes >= 3: softmax(d) */
    TC_PROBA_SOFTMAX_BINARY,  /* binary multinomial LR: softmax([-d, d]), p1 = sigma(2d) */
    TC_PROBA_MODIFIED_HUBER,  /* SGD modified_huber: (clip(d,-1,1)+1)/2, rows normalised */
    TC_PROBA_NAIVE_BAYES,     /* MultinomialNB: exp(jll - logsumexp(jll)) */
    TC_PROBA_PAIRWISE,        /* libsvm probA/probB + Wu-Lin-Weng pairwise coupling */
    TC_PROBA_CALIBRATED       /* CalibratedClassifierCV: its own kind (tc_calibrator.h) */
} tc_proba_kind;

/* scipy.special.expit for float64: 1 / (1 + exp(-x)). */
double tc_expit(double x);

/* Index of the first maximum of v[0..n) (numpy argmax), n >= 1. */
size_t tc_argmax(const double *v, size_t n);

/* sklearn.utils.extmath.softmax of d[0..k) into p[0..k): subtract the maximum, exp,
 * divide by the sum. d and p may be the same array. */
void tc_softmax(const double *d, double *p, size_t k);

/* Decision values of a model with `rows` rows (1 for a binary model that keeps one row,
 * else k) -> k values in class order, for every kind but TC_PROBA_PAIRWISE (a no-op):
 *   NONE: scores (rows 1: class 0 gets -d, class 1 gets d; else d itself);
 *   LOGISTIC_OVR: sklearn's _predict_proba_lr; SOFTMAX; SOFTMAX_BINARY (rows 1);
 *   MODIFIED_HUBER: SGDClassifier._predict_proba (an all-zero row becomes uniform);
 *   NAIVE_BAYES (rows k): exp(jll - logsumexp(jll)) with scipy's logsumexp.
 * d has `rows` values, v receives k; they must not overlap. */
void tc_proba_from_decision(tc_proba_kind kind, const double *d, size_t rows, size_t k,
                            double *v);

/* libsvm's sigmoid_predict (Platt scaling): 1 / (1 + exp(f a + b)), evaluated in the
 * branch that cannot overflow. */
double tc_platt(double f, double a, double b);

/* Wu, Lin and Weng (2004) pairwise coupling, method 2, as libsvm's
 * multiclass_probability: r is k x k row-major with r[i*k+j] = P(i | i or j); p receives
 * k probabilities. q (k x k) and qp (k) are caller scratch. Matches libsvm to the last
 * bits (same update order and stopping rule). */
void tc_pairwise_coupling(size_t k, const double *r, double *q, double *qp, double *p);

#endif
