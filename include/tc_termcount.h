/*
 * tc_termcount.h - counts a document's terms: from the keys of its term occurrences,
 * in any order, the distinct keys in ascending order with their multiplicities, which
 * is what a vectorizer's row is made of (a key stands for a column; ascending keys
 * give ascending columns).
 *
 * Keys are uint32 below 2^key_bits. Counting is a counting sort into buckets through
 * a map of the key space (about twice as many buckets as keys), then an insertion
 * sort with little left to do. The map only has to ascend with the key, so any map
 * gives the same result; a good one puts about equally many of a typical document's
 * keys into each bucket. A model builds its map once, from how often the terms of
 * each key occur (tc_termcount_map_add), and shares it read-only between threads.
 */
#ifndef TC_TERMCOUNT_H
#define TC_TERMCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tc_termcount_map tc_termcount_map;

/* A map for keys below 2^key_bits (key_bits <= 32), to be given the weights of the
 * keys by tc_termcount_map_add and finished by tc_termcount_map_finish before use.
 * NULL when out of memory. */
tc_termcount_map *tc_termcount_map_new(unsigned key_bits);
/* Adds `weight` (>= 0: how often terms of this key occur, up to a constant factor) to
 * the key's share of the buckets. */
void tc_termcount_map_add(tc_termcount_map *m, uint32_t key, double weight);
/* Places the buckets in proportion to the weights added (evenly when none were):
 * then the map is ready and immutable. */
void tc_termcount_map_finish(tc_termcount_map *m);
void tc_termcount_map_free(tc_termcount_map **m);

/* The distinct values of keys[0..n) ascending into out_keys[], their multiplicities
 * into out_counts[]; returns how many. keys[] is reordered; tmp[], bucket[],
 * out_keys[] and out_counts[] hold n entries at least (n < 2^32). */
size_t tc_termcount(const tc_termcount_map *m, uint32_t *keys, size_t n, uint32_t *tmp,
                    uint16_t *bucket, uint32_t *out_keys, uint32_t *out_counts);

#endif
