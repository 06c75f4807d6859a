/*
 * tc_termtab.h - immutable-after-build hash table from byte strings (terms) to dense
 * indices 0..n-1 in insertion order. Used for the vocabulary and the stop-word set.
 * Build single-threaded; once built, lookups are read-only and thread-safe.
 * The table copies the term bytes into its own pool.
 */
#ifndef TC_TERMTAB_H
#define TC_TERMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"

typedef struct tc_termtab tc_termtab;

/* expected_terms sizes the table up front (it still grows if exceeded). */
tc_termtab *tc_termtab_new(size_t expected_terms);
void tc_termtab_free(tc_termtab **t);

/* Adds term s[0..len) with index = current size. Returns TC_OK, TC_EFORMAT if the
 * term is already present (*existing set to its index), or TC_ENOMEM. */
tc_status tc_termtab_add(tc_termtab *t, const char *s, size_t len, uint32_t *existing);

/* Makes room for `terms` more terms totalling `bytes` bytes, so the adds that follow
 * neither reallocate nor rehash (a loader that knows its file size calls this once).
 * TC_ENOMEM on failure (the table is unchanged and still usable). */
tc_status tc_termtab_reserve(tc_termtab *t, size_t terms, size_t bytes);

/* A term to add in bulk. */
typedef struct tc_term_ref {
    const char *s;
    size_t len;
} tc_term_ref;

/* Adds terms[0..n) in order, exactly as n calls of tc_termtab_add would, but hashes
 * ahead and prefetches table slots, so bulk loads run near memory bandwidth instead
 * of one cache miss per term. On a duplicate it stops: TC_EFORMAT, *dup_pos = its
 * position in terms[], *existing = index of the equal term already in the table
 * (terms before dup_pos stay added). TC_ENOMEM on allocation failure. */
tc_status tc_termtab_add_many(tc_termtab *t, const tc_term_ref *terms, size_t n,
                              size_t *dup_pos, uint32_t *existing);

/* Index of the term, or -1 if absent. */
int64_t tc_termtab_find(const tc_termtab *t, const char *s, size_t len);

/* Pipelined lookups, for callers with many keys at hand (the vectorizer): compute
 * h = tc_termtab_hash(s, len) for keys ahead, tc_termtab_prefetch(t, h) some keys
 * ahead, tc_termtab_prefetch_entry(t, h) a few keys ahead (it reads the slot the first
 * prefetch brought in and prefetches the entry it points to), then
 * tc_termtab_find_hashed, which returns exactly what tc_termtab_find returns.
 * The prefetch calls are hints: correct results never depend on them. */
uint64_t tc_termtab_hash(const char *s, size_t len);
/* The hash of a term is defined over its space-separated parts:
 *   tc_termtab_hash("a b c") == tc_termtab_hash_join({part("a"), part("b"), part("c")}, 3)
 * with part = tc_termtab_hash_part (parts may be empty strings), so an n-gram is hashed
 * from its tokens' hashes, and tc_termtab_find_joined looks it up from the token spans
 * without building "a b c" (n >= 1; the parts must not contain spaces). */
uint64_t tc_termtab_hash_part(const char *s, size_t len);
uint64_t tc_termtab_hash_join(const uint64_t *parts, size_t n);
int64_t tc_termtab_find_joined(const tc_termtab *t, const tc_term_ref *parts, size_t n,
                               uint64_t h);

/* Batch form of the above, the vectorizer's hot path (one call per block of n-grams,
 * pipelined inside: hashes joined, slots and entries prefetched ahead).
 * tc_termtab_hash_parts: out[i] = tc_termtab_hash_part(parts[i]).
 * tc_termtab_find_ngrams: for i < nk, out[i] = the index of the term equal to
 * parts[keys[i].first .. keys[i].first + keys[i].n) joined by single spaces, or -1;
 * part_hash[] as from tc_termtab_hash_parts; keys[i].n >= 1. */
typedef struct tc_ngram_key {
    uint32_t first;
    uint32_t n;
} tc_ngram_key;
void tc_termtab_hash_parts(const tc_term_ref *parts, size_t n, uint64_t *out);
void tc_termtab_find_ngrams(const tc_termtab *t, const tc_term_ref *parts,
                            const uint64_t *part_hash, const tc_ngram_key *keys, size_t nk,
                            int64_t *out);
void tc_termtab_prefetch(const tc_termtab *t, uint64_t h);
void tc_termtab_prefetch_entry(const tc_termtab *t, uint64_t h);
int64_t tc_termtab_find_hashed(const tc_termtab *t, const char *s, size_t len, uint64_t h);

size_t tc_termtab_size(const tc_termtab *t);
/* The bytes of term i (not NUL-terminated), i < size. */
const char *tc_termtab_term(const tc_termtab *t, size_t i, size_t *len);

#endif
