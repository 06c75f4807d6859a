/*
 * tc_classifier_section.h - the "classifier" section of manifest.json
 * (docs/model-format.md) as a tc_classifier_config plus the listed file it is loaded
 * from and a one-line description for `textclf check`. No file is read here.
 *
 * "type" picks the kind from one table in classifier_section.c (TYPES, PARSERS), each
 * kind's members parsed by a function of its own. A new kind (ComplementNB/BernoulliNB
 * options, calibrated classifiers, one-vs-rest of binary sub-models, ...) is an entry in
 * that table with its parser, next to its tc_classifier_type and backend
 * (tc_clf_backend.h).
 */
#ifndef TC_CLASSIFIER_SECTION_H
#define TC_CLASSIFIER_SECTION_H

#include <stddef.h>

struct cJSON;  /* <cjson/cJSON.h> */

#include "tc_classifier.h"
#include "tc_mjson.h"
#include "tc_model_files.h"
#include "tc_status.h"

typedef struct tc_classifier_section {
    tc_classifier_config config;   /* config.libsvm_labels points into libsvm_labels */
    const tc_listed_file *file;    /* points into the tc_mjson's files */
    int *libsvm_labels;            /* owned; NULL for kinds without */
    /* e.g. "linear (LogisticRegression, probability logistic_ovr)" */
    char desc[160];
} tc_classifier_section;

/* Reads root's required "classifier" object into *out for a model of n_classes classes
 * (>= 2) and n_features columns. Refuses (TC_EFORMAT, naming the manifest and the
 * member) a missing or non-object section, an unknown "type", a "probability" (or
 * "origin") the kind does not know or that does not fit n_classes, malformed
 * "libsvm_labels", and a "file" that is not a plain name listed in r->files. On success
 * release *out with tc_classifier_section_release. */
tc_status tc_classifier_section_parse(const tc_mjson *r, const struct cJSON *root, size_t n_classes,
                                      size_t n_features, tc_classifier_section *out,
                                      char *err);

/* Frees what *s owns; a zeroed section is ignored. */
void tc_classifier_section_release(tc_classifier_section *s);

#endif
