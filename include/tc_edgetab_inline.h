/*
 * tc_edgetab_inline.h - the edge table's layout, hashes and lookups as inline
 * functions, for the loops that look up every n-gram of a document
 * (tc_vocab_lookup.h) and that insert a vocabulary (tc_vocab_index.h). Other code
 * uses tc_edgetab.h only.
 *
 * A bucket is one cache line: up to TC_EDGE_SLOTS keys (unused ones are
 * TC_EDGE_EMPTY, which no lookup asks for), their children, and a flag set when an
 * insertion passed this bucket full (a lookup then goes on to the next one).
 */
#ifndef TC_EDGETAB_INLINE_H
#define TC_EDGETAB_INLINE_H

#include <stddef.h>
#include <stdint.h>

#include "tc_edgetab.h"
#include "tc_wordtab_inline.h"

#define TC_EDGE_SLOTS 5u
#define TC_EDGE_EMPTY UINT64_MAX

typedef struct tc_edge_bucket {
    uint64_t key[TC_EDGE_SLOTS];
    uint32_t child[TC_EDGE_SLOTS];
    uint8_t used;
    uint8_t overflow;
    uint8_t pad[2];
} tc_edge_bucket;

_Static_assert(sizeof(tc_edge_bucket) == 64, "an edge bucket is one cache line");

struct tc_edgetab {
    tc_edge_bucket *buckets;
    size_t n_buckets;
    /* Bigram filter: one bit per pair hash value (tc_edgetab_filter_word), NULL when
     * the table was made without one. */
    uint64_t *filter;
    uint64_t filter_mask;  /* words of filter - 1 */
};

static inline uint64_t tc_edgetab_key(uint32_t parent, uint32_t word)
{
    return (uint64_t)parent | (uint64_t)word << 32;
}

static inline uint32_t tc_edgetab_bucket_of_hash(const tc_edgetab *t, uint64_t h)
{
    return (uint32_t)(((h >> 32) * (uint64_t)t->n_buckets) >> 32);
}

/* The bucket of a key of level 3 or more: by a hash of the key itself. */
static inline uint32_t tc_edgetab_bucket_of(const tc_edgetab *t, uint64_t key)
{
    uint64_t h = key * TC_WORDTAB_K2;
    h ^= h >> 29;
    return tc_edgetab_bucket_of_hash(t, h * TC_WORDTAB_K3);
}

/* The bigram of the words with hashes ha, hb (tc_wordtab_hash, in that order): its
 * bit in the filter comes from the low half, its level-2 bucket from the high half
 * (tc_edgetab_bucket_of_hash). */
static inline uint64_t tc_edgetab_pair_hash(uint64_t ha, uint64_t hb)
{
    return ha * TC_WORDTAB_K1 ^ hb;
}

/* The filter word holding the bit of pair hash ph (for prefetching). */
static inline const uint64_t *tc_edgetab_filter_word(const tc_edgetab *t, uint64_t ph)
{
    return &t->filter[(ph >> 6) & t->filter_mask];
}

/* 1 if pair hash ph's bit is set (a bigram that may be a level-2 key), else 0: a
 * number, not a branch, for callers that use it without one. */
static inline unsigned tc_edgetab_filter_has(const tc_edgetab *t, uint64_t ph)
{
    return (unsigned)(*tc_edgetab_filter_word(t, ph) >> (ph & 63)) & 1u;
}

/* The child of key (its bucket b), TC_EDGETAB_NONE if absent. The first bucket is
 * searched without branches on the data: whether and where a document's n-gram is
 * found is unpredictable, and a mispredicted branch here also throws away the loads
 * of the lookups behind it. */
static inline uint32_t tc_edgetab_find(const tc_edgetab *t, uint64_t key, size_t b)
{
    const tc_edge_bucket *bk = &t->buckets[b];
    unsigned hit = 0;
    for (unsigned k = 0; k < TC_EDGE_SLOTS; k++)
        hit |= (unsigned)(bk->key[k] == key) << k;
    uint32_t child = bk->child[__builtin_ctz(hit | 1u << (TC_EDGE_SLOTS - 1))];
    child = hit != 0 ? child : TC_EDGETAB_NONE;
    if (__builtin_expect((hit == 0) & (bk->overflow != 0), 0))
        return tc_edgetab_find_from(t, key, b + 1 == t->n_buckets ? 0 : b + 1);
    return child;
}

#endif
