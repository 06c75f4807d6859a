/*
 * tc_classifier.h - the scoring half of a model: sparse tf-idf row -> decision
 * values -> probabilities (or scores) and the predicted class, with scikit-learn's
 * (or libsvm's) exact semantics. One entry point for every classifier kind; each kind
 * is a module of its own (tc_clf_backend.h), picked by tc_classifier_config.type:
 *
 *  - TC_CLF_LINEAR (tc_linear.h): a native weight file, d = W x + b. O(nnz x R).
 *  - TC_CLF_LIBSVM (tc_libsvm.h): a libsvm model file, validated by tc_svmfile, loaded
 *    by libsvm; linear kernels collapsed to one weight vector per class pair.
 *
 * Immutable after load; shared by all threads, each with its own scratch.
 */
#ifndef TC_CLASSIFIER_H
#define TC_CLASSIFIER_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_calibrator.h"
#include "tc_output.h"
#include "tc_proba.h"
#include "tc_sparse.h"
#include "tc_status.h"

/* Classifier kinds; tc_proba_kind (how values become probabilities) is in tc_proba.h. */
typedef enum tc_classifier_type {
    TC_CLF_LINEAR,
    TC_CLF_LIBSVM,
    TC_CLF_BINARIZED,  /* tc_binarized.h: BernoulliNB's binarize step, then linear */
    TC_CLF_CALIBRATED  /* tc_calibrated.h: CalibratedClassifierCV over linear folds */
} tc_classifier_type;

/* Which library trained a libsvm model; decides the two places they differ. */
typedef enum tc_svm_origin {
    TC_SVM_SKLEARN,  /* sklearn's bundled libsvm: iterative coupling even for 2
                        classes; label = one-vs-one votes (SVC.predict) */
    TC_SVM_LIBSVM    /* libsvm 3.24 (svm-train/svm-predict -b 1): closed form for 2
                        classes; with probabilities label = argmax p */
} tc_svm_origin;

typedef struct tc_classifier_config {
    tc_classifier_type type;
    tc_proba_kind proba;
    tc_svm_origin origin;      /* libsvm only */
    size_t n_classes;          /* >= 2 */
    size_t n_features;         /* columns of the tf-idf row */
    const int *libsvm_labels;  /* libsvm only: n_classes ints, must equal the file's
                                  `label` line in order (class i <-> libsvm label i) */
    double binarize;           /* binarized only: the threshold (finite, >= 0) */
    tc_calibration_method calibration;  /* calibrated only: the method the file uses */
} tc_classifier_config;

typedef struct tc_classifier tc_classifier;
typedef struct tc_classifier_scratch tc_classifier_scratch;

/* Loads path per cfg. Rejects (naming file and line) anything inconsistent with cfg:
 * row/feature/class counts, indices out of range, non-finite numbers, kernels or
 * svm types it cannot serve, missing probA/probB when probabilities are requested
 * (TC_EFORMAT); class counts outside 2..65536 or feature counts outside 1..2^32-2
 * (TC_EFORMAT); a type, or a probability kind for that type and class count, that no
 * kind serves (TC_EUNSUPPORTED); an unreadable file (TC_EIO). */
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

/* How many raw decision values tc_classifier_decision_values computes. */
size_t tc_classifier_n_decision(const tc_classifier *c);

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
