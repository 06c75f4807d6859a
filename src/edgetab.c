/*
 * edgetab.c - the n-gram edge table (tc_edgetab.h; layout and lookups in
 * tc_edgetab_inline.h): sizing, inserts, the filter, the slow lookup path.
 */
#include "tc_edgetab.h"

#include <stdlib.h>
#include <string.h>

#include "tc_bigalloc.h"
#include "tc_edgetab_inline.h"

/* Filter bits per level-2 key: at 8 (one hash), about a tenth of the bigrams that are
 * not keys still pass. */
#define FILTER_BITS_PER_PAIR 8u

static size_t next_bucket(const tc_edgetab *t, size_t b)
{
    return b + 1 == t->n_buckets ? 0 : b + 1;
}

tc_edgetab *tc_edgetab_new(size_t n_edges, size_t n_pairs)
{
    tc_edgetab *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    /* at most half the slots used: at 70%, a fifth of the buckets had overflowed, and a
     * lookup that goes on to the next bucket waits for a line nobody prefetched */
    t->n_buckets = n_edges * 2 / 5 + 1;
    t->buckets = tc_alloc_big(t->n_buckets * sizeof *t->buckets);
    if (t->buckets == NULL)
        goto fail;
    for (size_t b = 0; b < t->n_buckets; b++) {
        tc_edge_bucket *bk = &t->buckets[b];
        for (unsigned k = 0; k < TC_EDGE_SLOTS; k++) {
            bk->key[k] = TC_EDGE_EMPTY;
            bk->child[k] = TC_EDGETAB_NONE;
        }
        bk->used = bk->overflow = 0;
        bk->pad[0] = bk->pad[1] = 0;
    }
    if (n_pairs > 0) {
        size_t words = 1;
        while (words * 64 < n_pairs * FILTER_BITS_PER_PAIR)
            words *= 2;
        if ((t->filter = tc_alloc_big(words * sizeof *t->filter)) == NULL)
            goto fail;
        memset(t->filter, 0, words * sizeof *t->filter);
        t->filter_mask = words - 1;
    }
    return t;
fail:
    tc_edgetab_free(&t);
    return NULL;
}

void tc_edgetab_free(tc_edgetab **t)
{
    if (t == NULL || *t == NULL)
        return;
    free((*t)->buckets);
    free((*t)->filter);
    free(*t);
    *t = NULL;
}

void tc_edgetab_insert(tc_edgetab *t, uint32_t b, uint64_t key, uint32_t child)
{
    size_t at = b;
    while (t->buckets[at].used == TC_EDGE_SLOTS) {
        t->buckets[at].overflow = 1;
        at = next_bucket(t, at);
    }
    tc_edge_bucket *bk = &t->buckets[at];
    bk->key[bk->used] = key;
    bk->child[bk->used] = child;
    bk->used++;
}

void tc_edgetab_filter_add(tc_edgetab *t, uint64_t ph)
{
    t->filter[(ph >> 6) & t->filter_mask] |= UINT64_C(1) << (ph & 63);
}

uint32_t tc_edgetab_find_from(const tc_edgetab *t, uint64_t key, size_t b)
{
    for (;;) {
        const tc_edge_bucket *bk = &t->buckets[b];
        for (unsigned k = 0; k < TC_EDGE_SLOTS; k++)
            if (bk->key[k] == key)
                return bk->child[k];
        if (!bk->overflow)
            return TC_EDGETAB_NONE;
        b = next_bucket(t, b);
    }
}
