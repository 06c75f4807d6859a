/*
 * termtab.c - open-addressing hash table of byte strings -> insertion index.
 *
 * Layout: one string pool (terms back to back), an offsets array (term i is
 * pool[off[i] .. off[i+1])), and a power-of-two slot array kept at most half full.
 * A slot packs the upper 32 hash bits (a tag that rejects almost every mismatch
 * without touching the pool) with index + 1 (0 = empty). Linear probing.
 */
#include "tc_termtab.h"

#include <stdlib.h>
#include <string.h>

struct tc_termtab {
    uint64_t *slots;
    size_t mask;        /* slot count - 1 */
    uint32_t *off;      /* n + 1 offsets into pool */
    size_t off_cap;     /* capacity of off, in terms (+1 allocated) */
    char *pool;
    size_t pool_len, pool_cap;
    size_t n;
};

#define K1 UINT64_C(0x9e3779b97f4a7c15)
#define K2 UINT64_C(0xd6e8feb86659fd93)
#define K3 UINT64_C(0xff51afd7ed558ccd)

static inline uint64_t load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Multiply-xorshift hash over 8-byte words; short terms (the common case) take one
 * or two rounds. The finaliser mixes every input bit into both the low bits (slot
 * position) and the high bits (tag). */
static inline uint64_t term_hash(const char *s, size_t len)
{
    uint64_t h = K1 ^ ((uint64_t)len * K2);
    while (len >= 8) {
        h = (h ^ load64(s)) * K2;
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    if (len > 0) {
        uint64_t v = 0;
        memcpy(&v, s, len);
        h = (h ^ v) * K2;
        h ^= h >> 31;
    }
    h *= K3;
    h ^= h >> 33;
    h *= K1;
    h ^= h >> 29;
    return h;
}

static size_t slots_for(size_t terms)
{
    size_t cap = 16;
    while (cap / 2 < terms)
        cap *= 2;
    return cap;
}

tc_termtab *tc_termtab_new(size_t expected_terms)
{
    tc_termtab *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    size_t nslots = slots_for(expected_terms);
    t->slots = calloc(nslots, sizeof *t->slots);
    t->mask = nslots - 1;
    t->off_cap = expected_terms < 16 ? 16 : expected_terms;
    t->off = malloc((t->off_cap + 1) * sizeof *t->off);
    t->pool_cap = t->off_cap * 12;
    t->pool = malloc(t->pool_cap);
    if (t->slots == NULL || t->off == NULL || t->pool == NULL) {
        tc_termtab_free(&t);
        return NULL;
    }
    t->off[0] = 0;
    return t;
}

void tc_termtab_free(tc_termtab **t)
{
    if (t == NULL || *t == NULL)
        return;
    free((*t)->slots);
    free((*t)->off);
    free((*t)->pool);
    free(*t);
    *t = NULL;
}

static bool rehash(tc_termtab *t, size_t nslots)
{
    uint64_t *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return false;
    size_t mask = nslots - 1;
    for (size_t i = 0; i < t->n; i++) {
        uint64_t h = term_hash(t->pool + t->off[i], t->off[i + 1] - t->off[i]);
        size_t p = (size_t)h & mask;
        while (slots[p] != 0)
            p = (p + 1) & mask;
        slots[p] = (h & UINT64_C(0xffffffff00000000)) | (uint64_t)(i + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->mask = mask;
    return true;
}

/* Makes room for `terms` more terms of `bytes` total length without further
 * reallocation or rehashing. */
static tc_status reserve(tc_termtab *t, size_t terms, size_t bytes)
{
    if (terms > UINT32_MAX - 1 - t->n || bytes > UINT32_MAX - t->pool_len)
        return TC_ENOMEM;
    size_t need_n = t->n + terms;
    if (need_n > t->off_cap) {
        size_t cap = t->off_cap * 2;
        while (cap < need_n)
            cap *= 2;
        uint32_t *off = realloc(t->off, (cap + 1) * sizeof *off);
        if (off == NULL)
            return TC_ENOMEM;
        t->off = off;
        t->off_cap = cap;
    }
    if (t->pool_len + bytes > t->pool_cap) {
        size_t cap = t->pool_cap * 2;
        while (cap < t->pool_len + bytes)
            cap *= 2;
        char *pool = realloc(t->pool, cap);
        if (pool == NULL)
            return TC_ENOMEM;
        t->pool = pool;
        t->pool_cap = cap;
    }
    if (need_n > (t->mask + 1) / 2 && !rehash(t, slots_for(need_n)))
        return TC_ENOMEM;
    return TC_OK;
}

/* Inserts one term whose hash is h; capacity is already reserved. */
static inline tc_status insert_hashed(tc_termtab *t, const char *s, size_t len, uint64_t h,
                                      uint32_t *existing)
{
    uint64_t tag = h & UINT64_C(0xffffffff00000000);
    size_t p = (size_t)h & t->mask;
    for (uint64_t slot; (slot = t->slots[p]) != 0; p = (p + 1) & t->mask) {
        if ((slot & UINT64_C(0xffffffff00000000)) != tag)
            continue;
        uint32_t idx = (uint32_t)slot - 1u;
        if (t->off[idx + 1] - t->off[idx] == len && memcmp(t->pool + t->off[idx], s, len) == 0) {
            if (existing != NULL)
                *existing = idx;
            return TC_EFORMAT;
        }
    }
    if (len > 0)
        memcpy(t->pool + t->pool_len, s, len);
    t->pool_len += len;
    t->off[t->n + 1] = (uint32_t)t->pool_len;
    t->slots[p] = tag | (uint64_t)(t->n + 1);
    t->n++;
    return TC_OK;
}

tc_status tc_termtab_add(tc_termtab *t, const char *s, size_t len, uint32_t *existing)
{
    if (len > UINT32_MAX)
        return TC_ENOMEM;
    /* Reserving first may grow the table even if s turns out to be a duplicate;
     * that is harmless (the contents do not change). */
    tc_status st = reserve(t, 1, len);
    if (st != TC_OK)
        return st;
    return insert_hashed(t, s, len, term_hash(s, len), existing);
}

#define LOOKAHEAD 16u

tc_status tc_termtab_add_many(tc_termtab *t, const tc_term_ref *terms, size_t n,
                              size_t *dup_pos, uint32_t *existing)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        if (terms[i].len > UINT32_MAX - bytes)
            return TC_ENOMEM;
        bytes += terms[i].len;
    }
    tc_status st = reserve(t, n, bytes);
    if (st != TC_OK)
        return st;
    uint64_t ring[LOOKAHEAD];
    for (size_t i = 0; i < n && i < LOOKAHEAD; i++) {
        ring[i] = term_hash(terms[i].s, terms[i].len);
        __builtin_prefetch(&t->slots[(size_t)ring[i] & t->mask]);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = ring[i % LOOKAHEAD];
        size_t ahead = i + LOOKAHEAD;
        if (ahead < n) {
            uint64_t ha = term_hash(terms[ahead].s, terms[ahead].len);
            ring[ahead % LOOKAHEAD] = ha;
            __builtin_prefetch(&t->slots[(size_t)ha & t->mask]);
        }
        st = insert_hashed(t, terms[i].s, terms[i].len, h, existing);
        if (st != TC_OK) {
            if (dup_pos != NULL)
                *dup_pos = i;
            return st;
        }
    }
    return TC_OK;
}

int64_t tc_termtab_find(const tc_termtab *t, const char *s, size_t len)
{
    uint64_t h = term_hash(s, len);
    uint64_t tag = h & UINT64_C(0xffffffff00000000);
    size_t p = (size_t)h & t->mask;
    for (uint64_t slot; (slot = t->slots[p]) != 0; p = (p + 1) & t->mask) {
        if ((slot & UINT64_C(0xffffffff00000000)) != tag)
            continue;
        uint32_t idx = (uint32_t)slot - 1u;
        uint32_t a = t->off[idx];
        if (t->off[idx + 1] - a == len && memcmp(t->pool + a, s, len) == 0)
            return (int64_t)idx;
    }
    return -1;
}

size_t tc_termtab_size(const tc_termtab *t) { return t->n; }

const char *tc_termtab_term(const tc_termtab *t, size_t i, size_t *len)
{
    *len = t->off[i + 1] - t->off[i];
    return t->pool + t->off[i];
}
