/*
 * tc_clf_backend.h - what a classifier kind implements so that tc_classifier (the
 * dispatch, tc_classifier.h) can load and run it. Each kind's module exports one const
 * table (tc_linear_backend, tc_libsvm_backend); tc_classifier.c picks the table by
 * tc_classifier_config.type. A new kind (more naive Bayes variants, calibrated models,
 * one-vs-rest of binary sub-models, ...) is a new module pair exporting a table, a new
 * tc_classifier_type value and one row in that dispatch table.
 *
 * The dispatch has already checked what is common to every kind before calling in:
 * 2 <= n_classes <= 65536, 1 <= n_features < 2^32 - 1, and (predict, decision) that
 * x's indices ascend strictly below n_features. A loaded model is immutable and shared
 * by all threads; per-thread state lives in the scratch.
 */
#ifndef TC_CLF_BACKEND_H
#define TC_CLF_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "tc_classifier.h"
#include "tc_sparse.h"
#include "tc_status.h"

typedef struct tc_clf_backend {
    /* cfg's probability kind (and origin) are ones this kind serves for cfg->n_classes;
     * otherwise the dispatch refuses with TC_EUNSUPPORTED. */
    bool (*accepts)(const tc_classifier_config *cfg);
    /* Parses the classifier file's bytes data[0..len) (data[len] == '\0'; path names it in
     * messages, "path:line: why"); *model is written only on success. */
    tc_status (*load)(const tc_classifier_config *cfg, const char *path, const char *data,
                      size_t len, void **model, char *err);
    void (*free)(void *model);  /* NULL is ignored */
    /* Per-thread scratch (NULL on allocation failure); free ignores NULL. Both NULL for a
     * kind that needs none: its functions then receive scratch == NULL. */
    void *(*scratch_new)(const void *model);
    void (*scratch_free)(void *scratch);
    /* How many raw decision values the model computes (tc_classifier_decision_values). */
    size_t (*n_decision)(const void *model);
    /* x -> d[0..n_decision). Fails only for lack of memory. */
    tc_status (*decision)(const void *model, void *scratch, const tc_sparse *x, double *d);
    /* d (from decision) -> n_classes values in class order, and the label computed as the
     * source library's predict() does. */
    void (*finish)(const void *model, void *scratch, const double *d, double *values,
                   size_t *label);
} tc_clf_backend;

#endif
