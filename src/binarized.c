/* binarized.c - the binarized_linear classifier kind (see tc_binarized.h): a threshold
 * step in front of the linear kind, whose table it calls for everything else. */
#include "tc_binarized.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "tc_linear.h"

typedef struct binarized_model {
    void *linear;      /* the linear kind's model */
    double threshold;
} binarized_model;

typedef struct binarized_scratch {
    uint32_t *index;
    double *value;
    size_t cap;
} binarized_scratch;

static bool binarized_accepts(const tc_classifier_config *cfg)
{
    return cfg->proba == TC_PROBA_NAIVE_BAYES && isfinite(cfg->binarize) &&
           cfg->binarize >= 0.0 && tc_linear_backend.accepts(cfg);
}

static void binarized_free(void *model)
{
    binarized_model *m = model;
    if (m == NULL)
        return;
    tc_linear_backend.free(m->linear);
    free(m);
}

static tc_status binarized_load(const tc_classifier_config *cfg, const char *path,
                                const char *data, size_t len, void **model, char *err)
{
    binarized_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    m->threshold = cfg->binarize;
    tc_status st = tc_linear_backend.load(cfg, path, data, len, &m->linear, err);
    if (st != TC_OK) {
        free(m);
        return st;
    }
    *model = m;
    return TC_OK;
}

static void *binarized_scratch_new(const void *model)
{
    (void)model;
    return calloc(1, sizeof(binarized_scratch));
}

static void binarized_scratch_free(void *scratch)
{
    binarized_scratch *s = scratch;
    if (s == NULL)
        return;
    free(s->index);
    free(s->value);
    free(s);
}

static size_t binarized_n_decision(const void *model)
{
    return tc_linear_backend.n_decision(((const binarized_model *)model)->linear);
}

/* Room for n entries. */
static bool reserve(binarized_scratch *s, size_t n)
{
    if (n <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *ix = realloc(s->index, cap * sizeof *ix);
    if (ix == NULL)
        return false;
    s->index = ix;
    double *v = realloc(s->value, cap * sizeof *v);
    if (v == NULL)
        return false;
    s->value = v;
    s->cap = cap;
    return true;
}

static tc_status binarized_decision(const void *model, void *scratch, const tc_sparse *x,
                                    double *d)
{
    const binarized_model *m = model;
    binarized_scratch *s = scratch;
    if (!reserve(s, x->nnz))
        return TC_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < x->nnz; i++)
        if (x->value[i] > m->threshold) {  /* binarize: X.data > threshold -> 1 */
            s->index[n] = x->index[i];
            s->value[n] = 1.0;
            n++;
        }
    /* eliminate_zeros keeps the entries' order: the sum runs as x's did */
    const tc_sparse b = {s->index, s->value, n, x->sum_descending};
    return tc_linear_backend.decision(m->linear, NULL, &b, d);
}

static void binarized_finish(const void *model, void *scratch, const double *d, double *values,
                             size_t *label)
{
    (void)scratch;
    tc_linear_backend.finish(((const binarized_model *)model)->linear, NULL, d, values, label);
}

const tc_clf_backend tc_binarized_backend = {
    .accepts = binarized_accepts,
    .load = binarized_load,
    .free = binarized_free,
    .scratch_new = binarized_scratch_new,
    .scratch_free = binarized_scratch_free,
    .n_decision = binarized_n_decision,
    .decision = binarized_decision,
    .finish = binarized_finish,
};
