/*
 * tc_edgetab.h - the n-gram edges of the vocabulary index (tc_vocab_index.h): a fixed-
 * size hash table from a key (parent node, word node) to a child node, in 64-byte
 * buckets, plus the bigram filter, a bit set that rules out most two-word keys before
 * their bucket is read.
 *
 * The caller chooses each key's bucket from a hash of its own (tc_edgetab_inline.h:
 * the pair hash of two words' hashes for a key of level 2, tc_edgetab_bucket_of for
 * deeper ones), so that a document's bigrams can be placed and filtered from its
 * tokens' hashes before their words are looked up. Built single-threaded; then
 * read-only and thread-safe. The lookups are inline, in tc_edgetab_inline.h.
 */
#ifndef TC_EDGETAB_H
#define TC_EDGETAB_H

#include <stddef.h>
#include <stdint.h>

#define TC_EDGETAB_NONE UINT32_MAX  /* "absent" from a lookup; never a child */

typedef struct tc_edgetab tc_edgetab;

/* A table for up to n_edges keys, at most half full, and a bigram filter for n_pairs
 * level-2 keys (none when n_pairs is 0). NULL when out of memory. */
tc_edgetab *tc_edgetab_new(size_t n_edges, size_t n_pairs);
/* Frees the table and sets *t to NULL; NULL or *t NULL is ignored. */
void tc_edgetab_free(tc_edgetab **t);

/* Inserts key -> child (!= TC_EDGETAB_NONE), the key absent from bucket b on and
 * never UINT64_MAX (tc_edgetab_key of two nodes below UINT32_MAX); at most n_edges
 * inserts in all. */
void tc_edgetab_insert(tc_edgetab *t, uint32_t b, uint64_t key, uint32_t child);

/* Sets the filter bit of the pair hash ph (a table made with n_pairs > 0). */
void tc_edgetab_filter_add(tc_edgetab *t, uint64_t ph);

/* tc_edgetab_find's path past a full bucket: the child of key from bucket b on. */
uint32_t tc_edgetab_find_from(const tc_edgetab *t, uint64_t key, size_t b);

#endif
