/*
 * wordtab.c - the string table (tc_wordtab.h; layout and lookups in
 * tc_wordtab_inline.h): creation, growth and inserts.
 */
#include "tc_wordtab.h"

#include <stdlib.h>
#include <string.h>

#include "tc_bigalloc.h"
#include "tc_wordtab_inline.h"

/* How full the table may get, in tenths. The keys inserted first sit in their home
 * slots at any load (the vocabulary index puts the frequent words first), so a fuller
 * table costs only rare words' lookups, and a smaller one stays in cache better: at
 * 0.5 (with a quarter more room for n-gram-only words) the bench's word lookups took
 * 8-10% longer. */
#define LOAD_TENTHS 7u

/* slots[0..cap) all empty, tail[0..cap) allocated; false when out of memory (then
 * both are freed). */
static bool alloc_slots(size_t cap, tc_wordtab_slot **slots, uint32_t **tail)
{
    *slots = tc_alloc_big(cap * sizeof **slots);
    *tail = malloc(cap * sizeof **tail);
    if (*slots == NULL || *tail == NULL) {
        free(*slots);
        free(*tail);
        return false;
    }
    for (size_t i = 0; i < cap; i++)
        (*slots)[i].value = TC_WORDTAB_NONE;
    return true;
}

tc_wordtab *tc_wordtab_new(size_t expected)
{
    size_t cap = 64;
    while (cap / 10 * LOAD_TENTHS < expected)
        cap *= 2;
    tc_wordtab *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    if (!alloc_slots(cap, &t->slots, &t->tail)) {
        free(t);
        return NULL;
    }
    t->mask = cap - 1;
    return t;
}

void tc_wordtab_free(tc_wordtab **t)
{
    if (t == NULL || *t == NULL)
        return;
    free((*t)->slots);
    free((*t)->tail);
    free((*t)->pool);
    free(*t);
    *t = NULL;
}

static bool grow(tc_wordtab *t)
{
    size_t cap = (t->mask + 1) * 2;
    tc_wordtab_slot *slots;
    uint32_t *tail;
    if (!alloc_slots(cap, &slots, &tail))
        return false;
    for (size_t i = 0; i <= t->mask; i++) {
        const tc_wordtab_slot *sl = &t->slots[i];
        if (sl->value == TC_WORDTAB_NONE)
            continue;
        const char *bytes = sl->len > 8 ? t->pool + t->tail[i] : NULL;
        uint64_t h = tc_wordtab_hash(bytes, sl->len, sl->enc);
        size_t p = (size_t)h & (cap - 1);
        while (slots[p].value != TC_WORDTAB_NONE)
            p = (p + 1) & (cap - 1);
        slots[p] = *sl;
        tail[p] = t->tail[i];
    }
    free(t->slots);
    free(t->tail);
    t->slots = slots;
    t->tail = tail;
    t->mask = cap - 1;
    return true;
}

/* Copies the key's bytes to the pool; false when out of memory or past 4 GiB. */
static bool pool_add(tc_wordtab *t, const char *s, size_t len, uint32_t *off)
{
    if (len > UINT32_MAX - t->pool_len)
        return false;
    if (t->pool_len + len > t->pool_cap) {
        size_t cap = t->pool_cap ? t->pool_cap * 2 : 4096;
        while (cap < t->pool_len + len)
            cap *= 2;
        char *pool = realloc(t->pool, cap);
        if (pool == NULL)
            return false;
        t->pool = pool;
        t->pool_cap = cap;
    }
    memcpy(t->pool + t->pool_len, s, len);
    *off = (uint32_t)t->pool_len;
    t->pool_len += len;
    return true;
}

uint32_t *tc_wordtab_upsert_hashed(tc_wordtab *t, const char *s, size_t len, uint64_t enc,
                                   uint64_t h, uint32_t fresh, bool *inserted)
{
    *inserted = false;
    if (len > UINT32_MAX)
        return NULL;
    if ((t->n + 1) * 10 > (t->mask + 1) * LOAD_TENTHS && !grow(t))
        return NULL;
    size_t p = (size_t)h & t->mask;
    for (; t->slots[p].value != TC_WORDTAB_NONE; p = (p + 1) & t->mask)
        if (tc_wordtab_slot_is(t, p, s, len, enc))
            return &t->slots[p].value;
    if (len > 8 && !pool_add(t, s, len, &t->tail[p]))
        return NULL;
    t->slots[p].enc = enc;
    t->slots[p].len = (uint32_t)len;
    t->slots[p].value = fresh;
    t->n++;
    *inserted = true;
    return &t->slots[p].value;
}

uint32_t *tc_wordtab_upsert(tc_wordtab *t, const char *s, size_t len, uint32_t fresh,
                            bool *inserted)
{
    uint64_t enc = tc_wordtab_enc(s, len);
    return tc_wordtab_upsert_hashed(t, s, len, enc, tc_wordtab_hash(s, len, enc), fresh,
                                    inserted);
}

uint32_t tc_wordtab_find(const tc_wordtab *t, const char *s, size_t len)
{
    if (len > UINT32_MAX)
        return TC_WORDTAB_NONE;
    uint64_t enc = tc_wordtab_enc(s, len);
    return tc_wordtab_find_hashed(t, s, len, enc, tc_wordtab_hash(s, len, enc));
}

size_t tc_wordtab_size(const tc_wordtab *t) { return t->n; }
