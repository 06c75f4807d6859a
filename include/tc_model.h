/*
 * tc_model.h - a textclf model directory (docs/model-format.md): manifest.json,
 * vocabulary, optional stop words, classifier file, golden samples.
 *
 * tc_model_load verifies everything before returning a model: format version and
 * kinds (tc_manifest.h), sha256 and size of every listed file (tc_model_files.h),
 * every file's syntax and counts, and that the golden samples reproduce
 * (tc_golden.h, |dp| <= 1e-9). The vectorizer and classifier kinds the manifest names
 * are built by their own modules, the classifier on a second thread while this one
 * builds the vectorizer. With the log at debug level (tc_log.h) the loader says what it
 * loaded and how long each phase took. A model that loads is immutable; share one
 * `const tc_model *` between threads, each thread with its own tc_workspace.
 */
#ifndef TC_MODEL_H
#define TC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_classifier.h"
#include "tc_manifest.h"  /* TC_MODEL_FORMAT, TC_MODEL_FORMAT_VERSION */
#include "tc_output.h"
#include "tc_sparse.h"
#include "tc_status.h"

typedef struct tc_model tc_model;
typedef struct tc_workspace tc_workspace;

typedef struct tc_model_load_options {
    bool skip_golden;     /* tests of the loader only; serve/check never set it */
} tc_model_load_options;

/* opt may be NULL (defaults). */
tc_status tc_model_load(const char *dir, const tc_model_load_options *opt,
                        tc_model **out, char *err);
void tc_model_free(tc_model **m);

size_t tc_model_n_classes(const tc_model *m);
const char *tc_model_class_name(const tc_model *m, size_t i);  /* NUL-terminated UTF-8 */
tc_output_kind tc_model_output(const tc_model *m);
/* Class names and output kind, for the response encoder; owned by the model. */
const tc_output_schema *tc_model_output_schema(const tc_model *m);
const char *tc_model_name(const tc_model *m);
size_t tc_model_n_features(const tc_model *m);
/* One-line description of the classifier for `textclf check`, e.g.
 * "linear (LogisticRegression, probability logistic_ovr)". */
const char *tc_model_classifier_desc(const tc_model *m);
/* Number of golden samples checked at load. */
size_t tc_model_n_golden(const tc_model *m);
/* The tolerance they are checked to (the manifest's "golden_tolerance", default 1e-9). */
double tc_model_golden_tolerance(const tc_model *m);
/* The manifest.json bytes the model was loaded and verified from (NUL-terminated, owned
 * by m); *len (if len != NULL) receives their count. */
const char *tc_model_manifest_json(const tc_model *m, size_t *len);

tc_workspace *tc_workspace_new(const tc_model *m);
void tc_workspace_free(tc_workspace **ws);

/* Classifies one UTF-8 document. Invalid UTF-8 -> TC_EINPUT with the byte offset in
 * err. out->values (owned by the workspace) stays valid until the next call with the
 * same workspace. */
tc_status tc_model_predict(const tc_model *m, tc_workspace *ws, const char *text,
                           size_t len, tc_prediction *out, char *err);

/* The model's feature row for one UTF-8 document (the first half of tc_model_predict);
 * *out views the workspace until its next use. */
tc_status tc_model_transform(const tc_model *m, tc_workspace *ws, const char *text, size_t len,
                             tc_sparse *out, char *err);

/* Re-runs the golden samples (as load does); for `textclf check`.
 * *checked receives the number of samples. */
tc_status tc_model_verify_golden(const tc_model *m, tc_workspace *ws, size_t *checked,
                                 char *err);

/* The vectorizer/classifier, for tests and benchmarks that look inside (the vectorizer
 * is NULL for a Spark model). */
const struct tc_vectorizer *tc_model_vectorizer(const tc_model *m);
const tc_classifier *tc_model_classifier(const tc_model *m);

#endif
