/* classifier.c - one entry point for every classifier kind (see tc_classifier.h): checks
 * what is common to all of them and dispatches to the kind's tc_clf_backend. */
#include "tc_classifier.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_binarized.h"
#include "tc_calibrated.h"
#include "tc_clf_backend.h"
#include "tc_libsvm.h"
#include "tc_linear.h"
#include "tc_textfile.h"

/* Largest model file we read: far beyond any real model, small enough to refuse a
 * mistaken path to a disk image. */
#define MAX_MODEL_BYTES ((size_t)4 << 30)
#define MAX_CLASSES 65536u
/* Column indices are uint32_t; the libsvm kind keeps UINT32_MAX as "no column". */
#define MAX_FEATURES (UINT32_MAX - 1u)

/* tc_classifier_type -> the module that serves it. */
static const tc_clf_backend *const BACKENDS[] = {
    [TC_CLF_LINEAR] = &tc_linear_backend,
    [TC_CLF_LIBSVM] = &tc_libsvm_backend,
    [TC_CLF_BINARIZED] = &tc_binarized_backend,
    [TC_CLF_CALIBRATED] = &tc_calibrated_backend,
};

struct tc_classifier {
    const tc_clf_backend *be;
    tc_classifier_type type;
    void *model;  /* the backend's */
    tc_proba_kind proba;
    size_t k;     /* classes */
    size_t n_features;
};

struct tc_classifier_scratch {
    const tc_clf_backend *be;
    void *backend;  /* the backend's scratch; NULL for kinds that need none */
    double *dec;    /* n_decision */
};

tc_status tc_classifier_load(const tc_classifier_config *cfg, const char *path,
                             tc_classifier **out, char *err)
{
    char *data = NULL;
    size_t len = 0;
    tc_status st = tc_read_file(path, MAX_MODEL_BYTES, &data, &len, err);
    if (st == TC_OK)
        st = tc_classifier_load_mem(cfg, path, data, len, out, err);
    tc_file_free(data);
    return st;
}

tc_status tc_classifier_load_mem(const tc_classifier_config *cfg, const char *path,
                                 const char *data, size_t len, tc_classifier **out, char *err)
{
    if (cfg->n_classes < 2 || cfg->n_classes > MAX_CLASSES || cfg->n_features == 0 ||
        cfg->n_features > MAX_FEATURES)
        return tc_fail(err, TC_EFORMAT, "%s: model needs 2..%u classes and 1..%u features (has "
                       "%zu classes, %zu features)", path, MAX_CLASSES, MAX_FEATURES,
                       cfg->n_classes, cfg->n_features);
    const tc_clf_backend *be = (size_t)cfg->type < sizeof BACKENDS / sizeof *BACKENDS
                                   ? BACKENDS[cfg->type]
                                   : NULL;
    if (be == NULL || !be->accepts(cfg))
        return tc_fail(err, TC_EUNSUPPORTED,
                       "%s: unsupported classifier/probability combination for %zu classes",
                       path, cfg->n_classes);
    tc_classifier *c = calloc(1, sizeof *c);
    if (c == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    c->be = be;
    c->type = cfg->type;
    c->proba = cfg->proba;
    c->k = cfg->n_classes;
    c->n_features = cfg->n_features;
    tc_status st = be->load(cfg, path, data, len, &c->model, err);
    if (st != TC_OK) {
        free(c);
        return st;
    }
    *out = c;
    return TC_OK;
}

void tc_classifier_free(tc_classifier **c)
{
    if (c == NULL || *c == NULL)
        return;
    (*c)->be->free((*c)->model);
    free(*c);
    *c = NULL;
}

tc_output_kind tc_classifier_output(const tc_classifier *c)
{
    return c->proba == TC_PROBA_NONE ? TC_OUTPUT_SCORES : TC_OUTPUT_PROBABILITIES;
}

size_t tc_classifier_n_classes(const tc_classifier *c) { return c->k; }
tc_classifier_type tc_classifier_backend(const tc_classifier *c) { return c->type; }
tc_proba_kind tc_classifier_proba(const tc_classifier *c) { return c->proba; }

tc_classifier_scratch *tc_classifier_scratch_new(const tc_classifier *c)
{
    tc_classifier_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->be = c->be;
    s->dec = calloc(c->be->n_decision(c->model) + 1, sizeof *s->dec);
    if (c->be->scratch_new != NULL)
        s->backend = c->be->scratch_new(c->model);
    if (s->dec == NULL || (c->be->scratch_new != NULL && s->backend == NULL))
        tc_classifier_scratch_free(&s);
    return s;
}

void tc_classifier_scratch_free(tc_classifier_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    if ((*s)->be->scratch_free != NULL)
        (*s)->be->scratch_free((*s)->backend);
    free((*s)->dec);
    free(*s);
    *s = NULL;
}

/* Strictly ascending indices below n_features: what every kind relies on. */
static bool indices_ok(const tc_classifier *c, const tc_sparse *x)
{
    for (size_t i = 0; i < x->nnz; i++)
        if (x->index[i] >= c->n_features || (i > 0 && x->index[i] <= x->index[i - 1]))
            return false;
    return true;
}

size_t tc_classifier_n_decision(const tc_classifier *c) { return c->be->n_decision(c->model); }

size_t tc_classifier_decision_values(const tc_classifier *c, tc_classifier_scratch *s,
                                     const tc_sparse *x, double *out, size_t cap)
{
    if (!indices_ok(c, x) || c->be->decision(c->model, s->backend, x, s->dec) != TC_OK)
        return 0;
    size_t n = c->be->n_decision(c->model);
    if (n > cap)
        n = cap;
    memcpy(out, s->dec, n * sizeof *out);
    return n;
}

tc_status tc_classifier_predict(const tc_classifier *c, tc_classifier_scratch *s,
                                const tc_sparse *x, double *values, size_t *label)
{
    if (!indices_ok(c, x))
        return TC_EINPUT;
    tc_status st = c->be->decision(c->model, s->backend, x, s->dec);
    if (st != TC_OK)
        return st;
    c->be->finish(c->model, s->backend, s->dec, values, label);
    return TC_OK;
}

bool tc_classifier_libsvm_reference(const tc_classifier *c, tc_classifier_scratch *s,
                                    const tc_sparse *x, double *dec_out, double *prob_out,
                                    double *label_out)
{
    if (c->type != TC_CLF_LIBSVM || !indices_ok(c, x))
        return false;
    return tc_libsvm_reference(c->model, s->backend, x, dec_out, prob_out, label_out);
}
