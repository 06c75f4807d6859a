/*
 * idf_classes.c - term nodes from idf values (tc_idf_classes.h).
 */
#include "tc_idf_classes.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define K2 UINT64_C(0xd6e8feb86659fd93)

/* Bits needed for the values 0..n-1 (0 for n <= 1). */
static unsigned bits_for(size_t n)
{
    unsigned b = 0;
    while (b < 64 && ((size_t)1 << b) < n)
        b++;
    return b;
}

tc_status tc_idf_classes_build(const double *idf, size_t n, uint32_t *cls, tc_idf_classes *out,
                               const char *name, char *err)
{
    size_t cap = 1024, nc = 0;
    unsigned col_bits = bits_for(n);
    uint64_t *keys = NULL;
    uint32_t *ids = NULL;
    tc_status st = TC_OK;
    bool fits = true;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if ((nc + 1) * 2 > cap || keys == NULL) {
            if (col_bits + bits_for(nc + 1) > 31) {
                fits = false;  /* more classes than bits: class = column */
                break;
            }
            /* (re)start with a value -> class table twice as large */
            if (keys != NULL)
                cap *= 2;
            free(keys);
            free(ids);
            keys = malloc(cap * sizeof *keys);
            ids = malloc(cap * sizeof *ids);
            if (keys == NULL || ids == NULL) {
                st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
                goto out;
            }
            memset(ids, 0xff, cap * sizeof *ids);
            nc = 0;
            i = 0;
        }
        uint64_t b;
        memcpy(&b, &idf[i], 8);
        uint64_t h = b * K2;
        size_t p = (size_t)(h ^ (h >> 29)) & (cap - 1);
        while (ids[p] != UINT32_MAX && keys[p] != b)
            p = (p + 1) & (cap - 1);
        if (ids[p] == UINT32_MAX) {
            keys[p] = b;
            ids[p] = (uint32_t)nc++;
        }
        cls[i] = ids[p];
    }
    unsigned cb = bits_for(nc);
    if (!fits || nc < 2 || col_bits + cb > 31) {
        out->class_bits = 0;
        out->key_bits = col_bits;
        out->class_mask = UINT32_MAX;
        out->idf_tab = idf;
        out->n_classes = 1;
        memset(cls, 0, n * sizeof *cls);
        goto out;
    }
    out->classes = malloc(nc * sizeof *out->classes);
    if (out->classes == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        out->classes[cls[i]] = idf[i];
    out->class_bits = cb;
    out->key_bits = col_bits + cb;
    out->class_mask = ((uint32_t)1 << cb) - 1;
    out->idf_tab = out->classes;
    out->n_classes = nc;
out:
    free(keys);
    free(ids);
    return st;
}

void tc_idf_classes_release(tc_idf_classes *c)
{
    free(c->classes);
    memset(c, 0, sizeof *c);
}

typedef struct idf_class {
    double idf;
    uint32_t cls;
} idf_class;

static int cmp_idf_class(const void *a, const void *b)
{
    const idf_class *x = a, *y = b;
    if (x->idf != y->idf)
        return x->idf < y->idf ? -1 : 1;
    return (x->cls > y->cls) - (x->cls < y->cls);
}

uint32_t *tc_idf_classes_rank(const tc_idf_classes *c)
{
    const size_t nc = c->n_classes ? c->n_classes : 1;
    uint32_t *r = calloc(nc, sizeof *r);
    if (r == NULL || c->class_bits == 0)
        return r;
    idf_class *by_idf = malloc(nc * sizeof *by_idf);
    if (by_idf == NULL) {
        free(r);
        return NULL;
    }
    for (size_t k = 0; k < nc; k++)
        by_idf[k] = (idf_class){c->classes[k], (uint32_t)k};
    qsort(by_idf, nc, sizeof *by_idf, cmp_idf_class);
    for (size_t k = 0; k < nc; k++)
        r[by_idf[k].cls] = (uint32_t)k;
    free(by_idf);
    return r;
}
