/*
 * tc_calibrated.h - the "calibrated" classifier kind: scikit-learn's
 * CalibratedClassifierCV over a linear base model. The file (calibrated.tsv, see
 * docs/model-format.md) holds each fold's base model as an embedded linear.tsv
 * (tc_linear.h) and its calibrators (tc_calibrator.h); prediction computes every fold's
 * decision values d = W x + b, calibrates them, and averages the folds' probabilities
 * as scikit-learn does; the label is the argmax of the mean (first maximum).
 *
 * tc_calibrated_backend (tc_clf_backend.h) serves it with cfg->type TC_CLF_CALIBRATED
 * and cfg->proba TC_PROBA_CALIBRATED; cfg->calibration names the method the file must
 * use. Raw decision values (tc_classifier_decision_values): fold-major, rows per fold.
 *
 * tc_calibrated_parse refuses, with TC_EFORMAT and "path:line: why", anything but the
 * exact grammar: header and version, a method other than cfg's, fold counts outside
 * 1..1000, fold numbers out of order, an embedded linear model that tc_linear_parse
 * refuses (its message names the fold and the line it starts at), a calibrator count
 * other than the fold's rows, invalid calibrators, missing or extra lines.
 */
#ifndef TC_CALIBRATED_H
#define TC_CALIBRATED_H

#include <stddef.h>

#include "tc_calibrator.h"
#include "tc_clf_backend.h"

typedef struct tc_calibrated tc_calibrated;

/* Parses data[0..len) for a model of cfg->n_classes classes and cfg->n_features columns
 * with method cfg->calibration. */
tc_status tc_calibrated_parse(const tc_classifier_config *cfg, const char *path,
                              const char *data, size_t len, tc_calibrated **out, char *err);
void tc_calibrated_free(tc_calibrated **m);  /* sets *m to NULL; NULL is ignored */

size_t tc_calibrated_folds(const tc_calibrated *m);

extern const tc_clf_backend tc_calibrated_backend;

#endif
