/*
 * tc_wordtab.h - the project's string table: byte strings -> uint32 values, built
 * once, then read by many threads. The vocabulary index keeps its words here (and
 * the stop words, as words with a value of their own); the vocabulary and stop-word
 * loaders use it for their duplicate checks.
 *
 * Keys are any bytes of any length below 2^32 (the empty string and NUL bytes
 * included); the table copies what it needs of them (bytes past the first 8) into a
 * pool of its own. Values are any uint32 but TC_WORDTAB_NONE. Insert from one thread;
 * once the inserts are done, lookups are read-only and thread-safe.
 *
 * Lookups on a hot path use the inline functions of tc_wordtab_inline.h with the hash
 * computed (and the slot prefetched) ahead; tc_wordtab_find is the plain form.
 */
#ifndef TC_WORDTAB_H
#define TC_WORDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TC_WORDTAB_NONE UINT32_MAX  /* "absent" from a lookup; never a value */

typedef struct tc_wordtab tc_wordtab;

/* A table with room for `expected` keys (it grows past them); NULL when out of memory. */
tc_wordtab *tc_wordtab_new(size_t expected);
/* Frees the table and sets *t to NULL; NULL or *t NULL is ignored. */
void tc_wordtab_free(tc_wordtab **t);

/* Finds the key s[0..len) or inserts it with the value `fresh` (!= TC_WORDTAB_NONE).
 * Returns the key's value in the table, which the caller may change (to any value but
 * TC_WORDTAB_NONE; the pointer is valid until the next insert), and sets *inserted;
 * NULL when out of memory or when the pool would reach 4 GiB (the table is unchanged
 * and still usable). */
uint32_t *tc_wordtab_upsert(tc_wordtab *t, const char *s, size_t len, uint32_t fresh,
                            bool *inserted);
/* tc_wordtab_upsert with enc = tc_wordtab_enc(s, len) and h = tc_wordtab_hash(s, len,
 * enc) (tc_wordtab_inline.h) computed by the caller, which can then prefetch the slot
 * (tc_wordtab_prefetch_insert) while earlier keys go in. */
uint32_t *tc_wordtab_upsert_hashed(tc_wordtab *t, const char *s, size_t len, uint64_t enc,
                                   uint64_t h, uint32_t fresh, bool *inserted);

/* The value of the key s[0..len), TC_WORDTAB_NONE if it is absent. */
uint32_t tc_wordtab_find(const tc_wordtab *t, const char *s, size_t len);

/* Number of keys. */
size_t tc_wordtab_size(const tc_wordtab *t);

#endif
