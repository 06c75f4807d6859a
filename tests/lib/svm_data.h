/*
 * svm_data.h - random sparse data with labels from a noisy linear teacher, and C-SVC
 * models trained on it by libsvm itself and saved to a test's temp dir, for the tests of
 * the libsvm classifier kind (header-only: the unit-test build compiles one .c per
 * test). Deterministic: one xorshift generator, seeded once per test program.
 *
 *   dataset ds; make_data(&ds, l, n, k, density);
 *   struct svm_model *m = train(&ds, RBF, 1, "rbf.svm", labels);  -> tc_tmp_path("rbf.svm")
 *   svm_free_and_destroy_model(&m); free_data(&ds);
 */
#ifndef TC_SVM_DATA_H
#define TC_SVM_DATA_H

#include <libsvm/svm.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_tmpdir.h"

static uint64_t rng = 0x2545f4914f6cdd1du;

static inline uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static inline double uniform(void) { return (double)(next_u64() >> 11) / 9007199254740992.0; }

/* A random sparse row: each of n features present with probability density, value
 * in (0, 1]; the row is L2-normalised like a tf-idf row. */
typedef struct row {
    uint32_t idx[512];
    double val[512];
    size_t nnz;
} row;

static inline void random_row(row *r, size_t n, double density)
{
    r->nnz = 0;
    double ss = 0;
    for (size_t j = 0; j < n && r->nnz < 512; j++)
        if (uniform() < density) {
            r->idx[r->nnz] = (uint32_t)j;
            r->val[r->nnz] = 0.05 + uniform();
            ss += r->val[r->nnz] * r->val[r->nnz];
            r->nnz++;
        }
    for (size_t i = 0; i < r->nnz; i++)
        r->val[i] /= sqrt(ss);
}

typedef struct dataset {
    size_t l, n, k;
    row *rows;
    double *y;
    struct svm_node **x;
    struct svm_node *space;
} dataset;

/* Labels come from a random linear teacher plus noise, so the SVMs are non-trivial. */
static inline void make_data(dataset *ds, size_t l, size_t n, size_t k, double density)
{
    ds->l = l;
    ds->n = n;
    ds->k = k;
    ds->rows = calloc(l, sizeof *ds->rows);
    ds->y = calloc(l, sizeof *ds->y);
    ds->x = calloc(l, sizeof *ds->x);
    double *teach = calloc(n * k, sizeof *teach);
    for (size_t i = 0; i < n * k; i++)
        teach[i] = uniform() * 2 - 1;
    size_t total = 0;
    for (size_t i = 0; i < l; i++) {
        random_row(&ds->rows[i], n, density);
        total += ds->rows[i].nnz + 1;
        size_t best = 0;
        double bv = -1e300;
        for (size_t c = 0; c < k; c++) {
            double s = 0.3 * (uniform() - 0.5);
            for (size_t t = 0; t < ds->rows[i].nnz; t++)
                s += ds->rows[i].val[t] * teach[ds->rows[i].idx[t] * k + c];
            if (s > bv) {
                bv = s;
                best = c;
            }
        }
        /* label values 10, 20, ... so labels differ from indices */
        ds->y[i] = (double)(10 * (best + 1));
    }
    ds->space = calloc(total, sizeof *ds->space);
    size_t p = 0;
    for (size_t i = 0; i < l; i++) {
        ds->x[i] = ds->space + p;
        for (size_t t = 0; t < ds->rows[i].nnz; t++) {
            ds->space[p].index = (int)ds->rows[i].idx[t] + 1;
            ds->space[p++].value = ds->rows[i].val[t];
        }
        ds->space[p++].index = -1;
    }
    free(teach);
}

static inline void free_data(dataset *ds)
{
    free(ds->rows);
    free(ds->y);
    free(ds->x);
    free(ds->space);
}

/* Trains, saves to `name`, returns the model (caller frees) and its label line. */
static inline struct svm_model *train(const dataset *ds, int kernel, int probability, const char *name,
                               int *labels)
{
    struct svm_parameter p;
    memset(&p, 0, sizeof p);
    p.svm_type = C_SVC;
    p.kernel_type = kernel;
    p.degree = 3;
    p.gamma = 0.7;
    p.coef0 = 0.2;
    p.cache_size = 20;
    p.eps = 1e-3;
    p.C = 2.0;
    p.shrinking = 1;
    p.probability = probability;
    struct svm_problem prob = {(int)ds->l, ds->y, ds->x};
    const char *why = svm_check_parameter(&prob, &p);
    if (why != NULL) {
        fprintf(stderr, "svm_check_parameter: %s\n", why);
        exit(2);
    }
    struct svm_model *m = svm_train(&prob, &p);
    if (svm_save_model(tc_tmp_path(name), m) != 0) {
        fprintf(stderr, "svm_save_model failed\n");
        exit(2);
    }
    svm_get_labels(m, labels);
    return m;
}

#endif
