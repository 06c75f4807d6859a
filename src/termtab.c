/*
 * termtab.c - open-addressing hash table of byte strings -> insertion index.
 *
 * Layout, chosen so a lookup touches two cache lines (slot, then entry) and both can
 * be prefetched ahead (tc_termtab_prefetch / _prefetch_entry):
 *  - pool: entries back to back, each [u32 index][u32 length][bytes]; pool offset 0
 *    is never an entry (the pool starts with 8 unused bytes);
 *  - slots: power of two, at most half full, linear probing; a slot packs the upper
 *    32 hash bits (a tag that rejects almost every mismatch without touching the
 *    pool) with the entry's pool offset (low 32 bits; 0 = empty);
 *  - off[i]: pool offset of term i, for tc_termtab_term only.
 */
#include "tc_termtab.h"

#include <stdlib.h>
#include <string.h>

#include "tc_bytes.h"

#define ENTRY_HDR 8u

struct tc_termtab {
    uint64_t *slots;
    size_t mask;        /* slot count - 1 */
    uint32_t *off;      /* n entry offsets */
    size_t off_cap;
    char *pool;
    size_t pool_len, pool_cap;
    size_t n;
};

#define K1 UINT64_C(0x9e3779b97f4a7c15)
#define K2 UINT64_C(0xd6e8feb86659fd93)
#define K3 UINT64_C(0xff51afd7ed558ccd)

/* Multiply-xorshift hash of one space-free part over 8-byte words; short parts (the
 * common case) take one round. The join's finaliser (join_final) mixes every input
 * bit into both the low bits (slot position) and the high bits (tag). */
static inline uint64_t part_hash(const char *s, size_t len)
{
    uint64_t h = K1 ^ ((uint64_t)len * K2);
    if (len >= 8) {
        size_t i = 0;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ tc_load_u64(s + i)) * K2;
            h ^= h >> 31;
        }
        if (i < len) { /* the last 8 bytes, overlapping: no partial loads */
            h = (h ^ tc_load_u64(s + len - 8)) * K2;
            h ^= h >> 31;
        }
        return h;
    }
    /* short parts: overlapping fixed-size loads that cover every byte (a variable-size
     * copy to the stack would stall on store forwarding) */
    uint64_t v = 0;
    if (len >= 4)
        v = (uint64_t)tc_load_u32(s) | (uint64_t)tc_load_u32(s + len - 4) << 32;
    else if (len > 0)
        v = (uint64_t)(uint8_t)s[0] | (uint64_t)(uint8_t)s[len / 2] << 8 |
            (uint64_t)(uint8_t)s[len - 1] << 16;
    h = (h ^ v) * K2;
    h ^= h >> 31;
    return h; /* the join's finaliser does the avalanche */
}

uint64_t tc_termtab_hash_part(const char *s, size_t len) { return part_hash(s, len); }

void tc_termtab_hash_parts(const tc_term_ref *parts, size_t n, uint64_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = part_hash(parts[i].s, parts[i].len);
}

static inline uint64_t join_step(uint64_t h, uint64_t part)
{
    h = (h ^ part) * K2;
    return h ^ (h >> 31);
}

static inline uint64_t join_final(uint64_t h)
{
    h *= K3;
    h ^= h >> 33;
    h *= K1;
    return h ^ (h >> 29);
}

static inline uint64_t hash_join(const uint64_t *parts, size_t n)
{
    uint64_t h = K3;
    for (size_t i = 0; i < n; i++)
        h = join_step(h, parts[i]);
    return join_final(h);
}

uint64_t tc_termtab_hash_join(const uint64_t *parts, size_t n) { return hash_join(parts, n); }

/* Offset of the first ' ' in s[0..n), or n: 8 bytes at a time (a term is scanned
 * once per insertion, so this is on the model-load path). */
static inline size_t find_space(const char *s, size_t n)
{
    size_t i = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= n; i += 8) {
        uint64_t v = tc_load_u64(s + i) ^ UINT64_C(0x2020202020202020);
        uint64_t z = (v - UINT64_C(0x0101010101010101)) & ~v & UINT64_C(0x8080808080808080);
        if (z != 0)
            return i + ((size_t)__builtin_ctzll(z) >> 3);
    }
#endif
    for (; i < n; i++)
        if (s[i] == ' ')
            return i;
    return n;
}

/* The hash of a term is the join of the hashes of its space-separated parts, so an
 * n-gram can be hashed from its tokens' hashes without building the string. */
uint64_t tc_termtab_hash(const char *s, size_t len)
{
    uint64_t h = K3;
    for (;;) {
        size_t e = find_space(s, len);
        h = join_step(h, part_hash(s, e));
        if (e == len)
            break;
        s += e + 1;
        len -= e + 1;
    }
    return join_final(h);
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
    t->off = malloc(t->off_cap * sizeof *t->off);
    t->pool_cap = ENTRY_HDR + t->off_cap * (ENTRY_HDR + 12);
    t->pool = malloc(t->pool_cap);
    if (t->slots == NULL || t->off == NULL || t->pool == NULL) {
        tc_termtab_free(&t);
        return NULL;
    }
    memset(t->pool, 0, ENTRY_HDR);
    t->pool_len = ENTRY_HDR;
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
        const char *e = t->pool + t->off[i];
        uint64_t h = tc_termtab_hash(e + ENTRY_HDR, tc_load_u32(e + 4));  /* (rehash) */
        size_t p = (size_t)h & mask;
        while ((uint32_t)slots[p] != 0)
            p = (p + 1) & mask;
        slots[p] = (h & UINT64_C(0xffffffff00000000)) | t->off[i];
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
    if (terms > UINT32_MAX - 1 - t->n || bytes > UINT32_MAX ||
        terms > (UINT32_MAX - bytes) / ENTRY_HDR ||
        bytes + terms * ENTRY_HDR > UINT32_MAX - t->pool_len)
        return TC_ENOMEM;
    size_t need_n = t->n + terms;
    size_t need_pool = t->pool_len + bytes + terms * ENTRY_HDR;
    if (need_n > t->off_cap) {
        size_t cap = t->off_cap * 2;
        while (cap < need_n)
            cap *= 2;
        uint32_t *off = realloc(t->off, cap * sizeof *off);
        if (off == NULL)
            return TC_ENOMEM;
        t->off = off;
        t->off_cap = cap;
    }
    if (need_pool > t->pool_cap) {
        size_t cap = t->pool_cap * 2;
        while (cap < need_pool)
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

tc_status tc_termtab_reserve(tc_termtab *t, size_t terms, size_t bytes)
{
    return reserve(t, terms, bytes);
}

int64_t tc_termtab_find_hashed(const tc_termtab *t, const char *s, size_t len, uint64_t h)
{
    const uint64_t tag = h & UINT64_C(0xffffffff00000000);
    size_t p = (size_t)h & t->mask;
    for (;;) {
        uint64_t slot = t->slots[p];
        uint32_t eo = (uint32_t)slot;
        if (eo == 0)
            return -1;
        if ((slot & UINT64_C(0xffffffff00000000)) == tag) {
            const char *e = t->pool + eo;
            if (tc_load_u32(e + 4) == len && tc_bytes_equal(e + ENTRY_HDR, s, len))
                return (int64_t)tc_load_u32(e);
        }
        p = (p + 1) & t->mask;
    }
}

/* Entry bytes e[0..elen) equal parts[0..n) joined by single spaces. */
static inline bool equals_joined(const char *e, size_t elen, const tc_term_ref *parts, size_t n)
{
    size_t total = n - 1;
    for (size_t i = 0; i < n; i++)
        total += parts[i].len;
    if (total != elen)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && *e++ != ' ')
            return false;
        if (!tc_bytes_equal(e, parts[i].s, parts[i].len))
            return false;
        e += parts[i].len;
    }
    return true;
}

static inline int64_t find_joined(const tc_termtab *t, const tc_term_ref *parts, size_t n,
                                  uint64_t h)
{
    const uint64_t tag = h & UINT64_C(0xffffffff00000000);
    size_t p = (size_t)h & t->mask;
    for (;;) {
        uint64_t slot = t->slots[p];
        uint32_t eo = (uint32_t)slot;
        if (eo == 0)
            return -1;
        if ((slot & UINT64_C(0xffffffff00000000)) == tag) {
            const char *e = t->pool + eo;
            if (equals_joined(e + ENTRY_HDR, tc_load_u32(e + 4), parts, n))
                return (int64_t)tc_load_u32(e);
        }
        p = (p + 1) & t->mask;
    }
}

int64_t tc_termtab_find_joined(const tc_termtab *t, const tc_term_ref *parts, size_t n,
                               uint64_t h)
{
    return find_joined(t, parts, n, h);
}

static inline void prefetch_slot(const tc_termtab *t, uint64_t h)
{
    __builtin_prefetch(&t->slots[(size_t)h & t->mask]);
}

static inline void prefetch_entry(const tc_termtab *t, uint64_t h)
{
    uint64_t slot = t->slots[(size_t)h & t->mask];
    if ((uint32_t)slot != 0 && (slot >> 32) == (h >> 32))
        __builtin_prefetch(t->pool + (uint32_t)slot);
}

#define NGRAM_BLOCK 256u
#define AHEAD_SLOT 64u
#define AHEAD_ENTRY 20u

void tc_termtab_find_ngrams(const tc_termtab *t, const tc_term_ref *parts,
                            const uint64_t *part_hash_, const tc_ngram_key *keys, size_t nk,
                            int64_t *out)
{
    uint64_t h[NGRAM_BLOCK];
    for (size_t base = 0; base < nk; base += NGRAM_BLOCK) {
        size_t m = nk - base < NGRAM_BLOCK ? nk - base : NGRAM_BLOCK;
        const tc_ngram_key *k = keys + base;
        for (size_t i = 0; i < m; i++)
            h[i] = hash_join(part_hash_ + k[i].first, k[i].n);
        for (size_t i = 0; i < m && i < AHEAD_SLOT; i++)
            prefetch_slot(t, h[i]);
        for (size_t i = 0; i < m; i++) {
            if (i + AHEAD_SLOT < m)
                prefetch_slot(t, h[i + AHEAD_SLOT]);
            if (i + AHEAD_ENTRY < m)
                prefetch_entry(t, h[i + AHEAD_ENTRY]);
            out[base + i] = find_joined(t, parts + k[i].first, k[i].n, h[i]);
        }
    }
}

int64_t tc_termtab_find(const tc_termtab *t, const char *s, size_t len)
{
    return tc_termtab_find_hashed(t, s, len, tc_termtab_hash(s, len));
}

void tc_termtab_prefetch(const tc_termtab *t, uint64_t h) { prefetch_slot(t, h); }

void tc_termtab_prefetch_entry(const tc_termtab *t, uint64_t h) { prefetch_entry(t, h); }

/* Inserts one term whose hash is h; capacity is already reserved. */
static inline tc_status insert_hashed(tc_termtab *t, const char *s, size_t len, uint64_t h,
                                      uint32_t *existing)
{
    const uint64_t tag = h & UINT64_C(0xffffffff00000000);
    size_t p = (size_t)h & t->mask;
    for (uint64_t slot; (uint32_t)(slot = t->slots[p]) != 0; p = (p + 1) & t->mask) {
        if ((slot & UINT64_C(0xffffffff00000000)) != tag)
            continue;
        const char *e = t->pool + (uint32_t)slot;
        if (tc_load_u32(e + 4) == len && tc_bytes_equal(e + ENTRY_HDR, s, len)) {
            if (existing != NULL)
                *existing = tc_load_u32(e);
            return TC_EFORMAT;
        }
    }
    uint32_t eo = (uint32_t)t->pool_len;
    char *e = t->pool + eo;
    uint32_t idx = (uint32_t)t->n, l32 = (uint32_t)len;
    memcpy(e, &idx, 4);
    memcpy(e + 4, &l32, 4);
    if (len > 0)
        memcpy(e + ENTRY_HDR, s, len);
    t->pool_len += ENTRY_HDR + len;
    t->off[t->n] = eo;
    t->slots[p] = tag | eo;
    t->n++;
    return TC_OK;
}

tc_status tc_termtab_add(tc_termtab *t, const char *s, size_t len, uint32_t *existing)
{
    /* Reserving first may grow the table even if s turns out to be a duplicate;
     * that is harmless (the contents do not change). */
    tc_status st = reserve(t, 1, len);
    if (st != TC_OK)
        return st;
    return insert_hashed(t, s, len, tc_termtab_hash(s, len), existing);
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
        ring[i] = tc_termtab_hash(terms[i].s, terms[i].len);
        tc_termtab_prefetch(t, ring[i]);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = ring[i % LOOKAHEAD];
        size_t ahead = i + LOOKAHEAD;
        if (ahead < n) {
            uint64_t ha = tc_termtab_hash(terms[ahead].s, terms[ahead].len);
            ring[ahead % LOOKAHEAD] = ha;
            tc_termtab_prefetch(t, ha);
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

size_t tc_termtab_size(const tc_termtab *t) { return t->n; }

const char *tc_termtab_term(const tc_termtab *t, size_t i, size_t *len)
{
    const char *e = t->pool + t->off[i];
    *len = tc_load_u32(e + 4);
    return e + ENTRY_HDR;
}
