/*
 * tc_classifier.h - the scoring half of a model: sparse tf-idf row -> decision
 * values -> probabilities (or scores) and the predicted class, with scikit-learn's
 * (or libsvm's) exact semantics. Two backends:
 *
 *  - linear: a native weight file (docs/model-format.md): d = W x + b over R rows
 *    (R = 1 for binary models, R = n_classes otherwise). Cost O(nnz x R).
 *  - libsvm: a libsvm model file, validated by our own reader first and then loaded
 *    with libsvm's svm_load_model. Linear kernels are collapsed at load into one
 *    weight vector per class pair, so prediction costs O(nnz x pairs) and equals
 *    svm_predict_values to ~1e-12 relative. Other kernels call svm_predict_values.
 *
 * Immutable after load; shared by all threads, each with its own scratch.
 */
#ifndef TC_CLASSIFIER_H
#define TC_CLASSIFIER_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_sparse.h"
#include "tc_status.h"

typedef enum tc_classifier_type { TC_CLF_LINEAR, TC_CLF_LIBSVM } tc_classifier_type;

/* How values become probabilities. */
typedef enum tc_proba_kind {
    TC_PROBA_NONE,            /* no probabilities: output decision scores */
    TC_PROBA_LOGISTIC_OVR,    /* binary p1 = 1/(1+e^-d); multiclass sigma(d_k)/sum sigma */
    TC_PROBA_SOFTMAX,         /* multinomial, R = n_classes >= 3: softmax(d) */
    TC_PROBA_SOFTMAX_BINARY,  /* binary multinomial LR: softmax([-d, d]), p1 = sigma(2d) */
    TC_PROBA_MODIFIED_HUBER,  /* SGD modified_huber: (clip(d,-1,1)+1)/2, rows normalised */
    TC_PROBA_NAIVE_BAYES,     /* MultinomialNB: exp(jll - logsumexp(jll)) */
    TC_PROBA_PAIRWISE         /* libsvm probA/probB + Wu-Lin-Weng pairwise coupling */
} tc_proba_kind;

/* Which library trained a libsvm model; decides the two places they differ. */
typedef enum tc_svm_origin {
    TC_SVM_SKLEARN,  /* sklearn's bundled libsvm: iterative coupling even for 2
                        classes; label = one-vs-one votes (SVC.predict) */
    TC_SVM_LIBSVM    /* libsvm 3.24 (svm-train/svm-predict -b 1): closed form for 2
                        classes; with probabilities label = argmax p */
} tc_svm_origin;

typedef enum tc_output_kind { TC_OUTPUT_PROBABILITIES, TC_OUTPUT_SCORES } tc_output_kind;

typedef struct tc_classifier_config {
    tc_classifier_type type;
    tc_proba_kind proba;
    tc_svm_origin origin;      /* libsvm only */
    size_t n_classes;          /* >= 2 */
    size_t n_features;         /* columns of the tf-idf row */
    const int *libsvm_labels;  /* libsvm only: n_classes ints, must equal the file's
                                  `label` line in order (class i <-> libsvm label i) */
} tc_classifier_config;

typedef struct tc_classifier tc_classifier;
typedef struct tc_classifier_scratch tc_classifier_scratch;

/* Loads path per cfg. Rejects (naming file and line) anything inconsistent with cfg:
 * row/feature/class counts, indices out of range, non-finite numbers, kernels or
 * svm types it cannot serve, missing probA/probB when probabilities are requested. */
tc_status tc_classifier_load(const tc_classifier_config *cfg, const char *path,
                             tc_classifier **out, char *err);
/* As tc_classifier_load, from the file's bytes data[0..len) (NUL-terminated) already in
 * memory: the model loader parses the bytes it hashed. A libsvm model is parsed and
 * checked from data, then loaded by libsvm from path (libsvm reads only files), and
 * refused if what libsvm read differs from what was checked. */
tc_status tc_classifier_load_mem(const tc_classifier_config *cfg, const char *path,
                                 const char *data, size_t len, tc_classifier **out, char *err);
void tc_classifier_free(tc_classifier **c);

tc_output_kind tc_classifier_output(const tc_classifier *c);
size_t tc_classifier_n_classes(const tc_classifier *c);
tc_classifier_type tc_classifier_backend(const tc_classifier *c);
tc_proba_kind tc_classifier_proba(const tc_classifier *c);

tc_classifier_scratch *tc_classifier_scratch_new(const tc_classifier *c);
void tc_classifier_scratch_free(tc_classifier_scratch **s);

/* values receives n_classes numbers in class order: probabilities, or scores where
 * the model has none (binary: class 0 gets -d, class 1 gets d; libsvm multiclass:
 * sklearn's decision_function_shape='ovr'). *label is the predicted class index,
 * computed as the source library's predict() does. */
tc_status tc_classifier_predict(const tc_classifier *c, tc_classifier_scratch *s,
                                const tc_sparse *x, double *values, size_t *label);

/* Raw decision values: linear, R values; libsvm, n(n-1)/2 pairwise values in libsvm
 * order (as svm_predict_values). Returns how many were written (<= cap). */
size_t tc_classifier_decision_values(const tc_classifier *c, tc_classifier_scratch *s,
                                     const tc_sparse *x, double *out, size_t cap);

/* libsvm backend only (false otherwise): libsvm's own svm_predict_values and, if
 * prob_out != NULL and the model has probabilities, svm_predict_probability on x.
 * For tests and the CLI's cross-check; not the serving path. */
bool tc_classifier_libsvm_reference(const tc_classifier *c, tc_classifier_scratch *s,
                                    const tc_sparse *x, double *dec_out, double *prob_out,
                                    double *label_out);

#endif
