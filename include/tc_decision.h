/*
 * tc_decision.h - scikit-learn's decision_function from a classifier's raw decision
 * values (tc_classifier_decision_values), in the shape scikit-learn returns:
 *
 *  - linear, one row (binary): the row's value d (> 0 means class 1);
 *  - linear, one row per class: those values;
 *  - libsvm, two classes: -f01, as SVC.decision_function (> 0 means class 1);
 *  - libsvm, k > 2 classes: SVC's decision_function_shape='ovr',
 *    _ovr_decision_function(dec < 0, -dec, k), with its float operations in its order;
 *  - MultinomialNB, ComplementNB, BernoulliNB (the rows are joint log-likelihoods) and
 *    the other kinds (calibrated): none; scikit-learn has no decision_function there.
 */
#ifndef TC_DECISION_H
#define TC_DECISION_H

#include <stddef.h>

#include "tc_classifier.h"

/* Values per text: 1 (binary), n_classes, or 0 where there is no decision_function. */
size_t tc_decision_width(const tc_classifier *c);

/* How many raw values tc_classifier_decision_values writes for c (rows, or class
 * pairs for libsvm): the capacity its output buffer needs. */
size_t tc_decision_raw_count(const tc_classifier *c);

/* raw: the tc_decision_raw_count(c) values of one text. Writes tc_decision_width(c)
 * values to out. scratch: n_classes doubles (used for k > 2 libsvm models only). */
void tc_decision_function(const tc_classifier *c, const double *raw, double *out,
                          double *scratch);

#endif
