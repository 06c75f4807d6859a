/*
 * tc_libsvm.h - the libsvm classifier kind: a libsvm model file (C-SVC, any kernel),
 * checked whole by tc_svmfile first and then loaded with libsvm's svm_load_model.
 * Linear kernels are collapsed at load into one weight vector per class pair, so
 * prediction costs O(nnz x pairs) and equals svm_predict_values to ~1e-12 relative;
 * other kernels call svm_predict_values. Probabilities: libsvm's Platt scaling and
 * pairwise coupling (tc_proba.h); the origin decides the two places scikit-learn's
 * bundled libsvm and libsvm 3.24 differ (tc_classifier.h, tc_svm_origin).
 *
 * Served through tc_classifier by tc_libsvm_backend (tc_clf_backend.h): the config must
 * give libsvm_labels (equal to the file's `label` line) and probability
 * TC_PROBA_PAIRWISE (the file must then carry probA/probB) or TC_PROBA_NONE. Immutable
 * after load; each thread uses its own scratch.
 */
#ifndef TC_LIBSVM_H
#define TC_LIBSVM_H

#include <stdbool.h>

#include "tc_clf_backend.h"
#include "tc_sparse.h"

/* What tc_libsvm_backend's load returns and its scratch_new makes. */
typedef struct tc_libsvm tc_libsvm;
typedef struct tc_libsvm_scratch tc_libsvm_scratch;

extern const tc_clf_backend tc_libsvm_backend;

/* libsvm's own svm_predict_values into dec_out (n(n-1)/2 values) and, if prob_out !=
 * NULL and the model has probabilities, svm_predict_probability into prob_out;
 * *label_out (if not NULL) gets libsvm's label value. x's indices must ascend strictly
 * below n_features (tc_classifier checks). False if memory runs out. For tests and
 * cross-checks; not the serving path. */
bool tc_libsvm_reference(const tc_libsvm *m, tc_libsvm_scratch *s, const tc_sparse *x,
                         double *dec_out, double *prob_out, double *label_out);

#endif
