/* vec_union.c - FeatureUnion of vectorizers (see tc_vec_union.h). */
#include "tc_vec_union.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_vectorizer.h"

struct tc_vec_union {
    tc_vectorizer *parts[TC_UNION_MAX_PARTS];
    uint32_t offset[TC_UNION_MAX_PARTS];  /* first column of each part */
    size_t n, n_features;
};

struct tc_vec_union_scratch {
    tc_vectorizer_scratch *sub[TC_UNION_MAX_PARTS];
    uint32_t *index;
    double *value;
    size_t cap;
};

tc_status tc_vec_union_new(tc_vectorizer **parts, size_t n, tc_vec_union **out, char *err)
{
    tc_status st = TC_OK;
    tc_vec_union *u = NULL;
    if (n < 2 || n > TC_UNION_MAX_PARTS) {
        st = tc_fail(err, TC_EFORMAT, "a union needs 2 to %u parts (has %zu)",
                     TC_UNION_MAX_PARTS, n);
        goto fail;
    }
    if ((u = calloc(1, sizeof *u)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        size_t f = tc_vectorizer_n_features(parts[i]);
        if (u->n_features + f >= UINT32_MAX) {
            st = tc_fail(err, TC_EFORMAT, "the union's parts have 2^32 - 1 columns or more");
            goto fail;
        }
        u->offset[i] = (uint32_t)u->n_features;
        u->n_features += f;
    }
    for (size_t i = 0; i < n; i++)
        u->parts[i] = parts[i];
    u->n = n;
    *out = u;
    return TC_OK;
fail:
    for (size_t i = 0; i < n; i++)
        tc_vectorizer_free(&parts[i]);
    free(u);
    return st;
}

void tc_vec_union_free(tc_vec_union **up)
{
    if (up == NULL || *up == NULL)
        return;
    for (size_t i = 0; i < (*up)->n; i++)
        tc_vectorizer_free(&(*up)->parts[i]);
    free(*up);
    *up = NULL;
}

size_t tc_vec_union_n_features(const tc_vec_union *u) { return u->n_features; }

const tc_vectorizer *tc_vec_union_part(const tc_vec_union *u, size_t i)
{
    return i < u->n ? u->parts[i] : NULL;
}

void tc_vec_union_scratch_free(tc_vec_union_scratch **sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    for (size_t i = 0; i < TC_UNION_MAX_PARTS; i++)
        tc_vectorizer_scratch_free(&(*sp)->sub[i]);
    free((*sp)->index);
    free((*sp)->value);
    free(*sp);
    *sp = NULL;
}

static bool reserve(tc_vec_union_scratch *s, size_t n)
{
    if (n <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap : 256;
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

tc_status tc_vec_union_transform(const tc_vec_union *u, tc_vec_union_scratch **sp,
                                 const char *text, size_t len, tc_sparse *out, char *err)
{
    if (*sp == NULL && (*sp = calloc(1, sizeof **sp)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_vec_union_scratch *s = *sp;
    size_t nnz = 0;
    bool descending = true;
    for (size_t i = 0; i < u->n; i++) {
        if (s->sub[i] == NULL && (s->sub[i] = tc_vectorizer_scratch_new()) == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
        tc_sparse x;
        tc_status st = tc_vectorizer_transform(u->parts[i], s->sub[i], text, len, &x, err);
        if (st != TC_OK)
            return st;
        if (!reserve(s, nnz + x.nnz))
            return tc_fail(err, TC_ENOMEM, "out of memory");
        for (size_t j = 0; j < x.nnz; j++) {
            s->index[nnz + j] = x.index[j] + u->offset[i];
            s->value[nnz + j] = x.value[j];
        }
        nnz += x.nnz;
        descending = descending && x.sum_descending;
    }
    out->index = s->index;
    out->value = s->value;
    out->nnz = nnz;
    out->sum_descending = descending;
    return TC_OK;
}
