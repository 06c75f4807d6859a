/*
 * tc_wordtab_inline.h - the word table's layout and its lookups as inline functions,
 * for the loops that look up every token of a document (tc_vocab_lookup.h) or insert
 * a whole vocabulary (tc_vocab_index.h): a call per token cost measurably more there.
 * Other code uses tc_wordtab.h only and treats the table as opaque.
 *
 * Layout: open addressing with linear probing over a power-of-two array of slots. A
 * slot holds the key's encoding (its first min(len, 8) bytes, zero-padded: exact for
 * keys of <= 8 bytes), its length and its value (TC_WORDTAB_NONE: an empty slot); a
 * longer key's bytes are in the pool, at offset tail[slot]. A lookup reads one slot,
 * and for a long key one pool line, both of which tc_wordtab_prefetch fetches ahead.
 */
#ifndef TC_WORDTAB_INLINE_H
#define TC_WORDTAB_INLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tc_bytes.h"
#include "tc_wordtab.h"

typedef struct tc_wordtab_slot {
    uint64_t enc;
    uint32_t len;
    uint32_t value;  /* TC_WORDTAB_NONE: empty */
} tc_wordtab_slot;

struct tc_wordtab {
    tc_wordtab_slot *slots;
    uint32_t *tail;  /* per slot: pool offset of the key's bytes (keys > 8 bytes) */
    size_t mask, n;  /* slots - 1, keys */
    char *pool;
    size_t pool_len, pool_cap;
};

#define TC_WORDTAB_K1 UINT64_C(0x9e3779b97f4a7c15)
#define TC_WORDTAB_K2 UINT64_C(0xd6e8feb86659fd93)
#define TC_WORDTAB_K3 UINT64_C(0xff51afd7ed558ccd)

/* The key's first min(len, 8) bytes as a little-endian-style number padded with zero
 * bytes: with len, it identifies keys of <= 8 bytes exactly. On little-endian machines
 * a short key is assembled from two overlapping loads in registers: copying it into a
 * zeroed stack buffer and loading that as one word stalls on store forwarding, which
 * was a fifth of building the sentiment-en vocabulary's tables. */
static inline uint64_t tc_wordtab_enc(const char *s, size_t len)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len >= 8)
        return tc_load_u64(s);
    if (len >= 4)  /* bytes len-4..len-1 land where they belong; the overlap ORs equal bytes */
        return tc_load_u32(s) | (uint64_t)tc_load_u32(s + len - 4) << (8 * (len - 4));
    if (len == 0)
        return 0;
    return (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << (8 * (len / 2)) |
           (uint64_t)(unsigned char)s[len - 1] << (8 * (len - 1));
#else
    char b[8] = {0};
    memcpy(b, s, len < 8 ? len : 8);
    return tc_load_u64(b);
#endif
}

/* tc_wordtab_enc for a key followed by at least 8 readable bytes (a token of
 * tc_tokens.h, TC_TOKEN_PAD): one load and a mask instead of branches on the length,
 * which a predictor cannot guess from token to token. The mask is built from two
 * shifts of at most 32 bits so that len 0 (an empty token: mask 0) and len >= 8 (all
 * ones) need no branch and no shift by 64. */
static inline uint64_t tc_wordtab_token_enc(const char *s, size_t len)
{
    const unsigned half = 4u * (len < 8 ? (unsigned)len : 8u);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return tc_load_u64(s) & ~(~UINT64_C(0) >> half >> half);
#else
    return tc_load_u64(s) & (((UINT64_C(1) << half) << half) - 1u);
#endif
}

static inline uint64_t tc_wordtab_hash(const char *s, size_t len, uint64_t enc)
{
    uint64_t h = (enc ^ ((uint64_t)len * TC_WORDTAB_K1)) * TC_WORDTAB_K2;
    if (len > 8) {
        size_t i = 8;
        for (; i + 8 <= len; i += 8) {
            h ^= h >> 29;
            h = (h ^ tc_load_u64(s + i)) * TC_WORDTAB_K2;
        }
        if (i < len) {
            h ^= h >> 29;
            h = (h ^ tc_load_u64(s + len - 8)) * TC_WORDTAB_K2;
        }
    }
    h ^= h >> 32;
    h *= TC_WORDTAB_K3;
    return h ^ (h >> 29);
}

/* The occupied slot p holds the key s[0..len) with encoding enc. */
static inline bool tc_wordtab_slot_is(const tc_wordtab *t, size_t p, const char *s,
                                      size_t len, uint64_t enc)
{
    const tc_wordtab_slot *sl = &t->slots[p];
    if (sl->enc != enc || sl->len != len)
        return false;
    if (len <= 8)
        return true;
    const char *q = t->pool + t->tail[p];
    if (len <= 16)  /* bytes 0..8 are equal (enc): the last 8 cover the rest */
        return tc_load_u64(q + len - 8) == tc_load_u64(s + len - 8);
    return tc_bytes_equal(q + 8, s + 8, len - 8);
}

/* The value of the key s[0..len) with encoding enc and hash h, TC_WORDTAB_NONE if
 * absent. */
static inline uint32_t tc_wordtab_find_hashed(const tc_wordtab *t, const char *s, size_t len,
                                              uint64_t enc, uint64_t h)
{
    for (size_t p = (size_t)h & t->mask;; p = (p + 1) & t->mask) {
        uint32_t value = t->slots[p].value;
        if (value == TC_WORDTAB_NONE || tc_wordtab_slot_is(t, p, s, len, enc))
            return value;
    }
}

/* Fetches what tc_wordtab_find_hashed will read first for a key of len bytes with
 * hash h: its slot and, for a key of more than 8 bytes, its pool offset (7% of IMDB's
 * tokens, but a fifth of the lookup time in a profile when not fetched ahead). The
 * second address is chosen without a branch: a short key asks for its slot again. */
static inline void tc_wordtab_prefetch(const tc_wordtab *t, uint64_t h, size_t len)
{
    size_t p = (size_t)h & t->mask;
    __builtin_prefetch(&t->slots[p]);
    __builtin_prefetch(len > 8 ? (const void *)&t->tail[p] : (const void *)&t->slots[p]);
}

/* Fetches, for writing, the slot where an insert of a key with hash h starts. */
static inline void tc_wordtab_prefetch_insert(const tc_wordtab *t, uint64_t h)
{
    __builtin_prefetch(&t->slots[(size_t)h & t->mask], 1);
}

#endif
