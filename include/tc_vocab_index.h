/*
 * tc_vocab_index.h - the vocabulary of a TF-IDF model as tables that look up a
 * document's n-grams by word ids, never as strings:
 *  - the word table (tc_wordtab.h) maps each distinct word of the vocabulary's terms,
 *    and each stop word, to a node: a one-word term's node is its term node (column
 *    and idf class, tc_idf_classes.h), any other word gets a node >= TC_TERM_LIMIT, a
 *    stop word TC_NODE_STOP;
 *  - the edge table (tc_edgetab.h) maps (node of the prefix w1..wk-1, node of word wk)
 *    to the node of w1..wk: a term node if that n-gram is a term, else a node >=
 *    TC_TERM_LIMIT (a prefix of longer terms only). A document's n-gram costs one
 *    integer-keyed probe, is skipped outright when a word is not in the vocabulary,
 *    and longer n-grams stop as soon as their prefix is unknown;
 *  - level-2 keys are placed, and filtered by the bigram filter, by the pair hash of
 *    their two words' hashes, so a token's hash, computed once, serves all lookups.
 * Terms go in shortest first, so a prefix node that is itself a term already carries
 * its term node when longer terms reach it, and the most frequent first within a
 * length, so that the keys a document is mostly made of sit in their home slots.
 * Terms of more than TC_NGRAM_LIMIT words are unreachable by any n-gram range; they
 * are only checked for duplicates.
 *
 * The document-side lookups are in tc_vocab_lookup.h. Built single-threaded; then
 * immutable and shared by all threads.
 */
#ifndef TC_VOCAB_INDEX_H
#define TC_VOCAB_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "tc_edgetab.h"
#include "tc_idf_classes.h"
#include "tc_status.h"
#include "tc_termcount.h"
#include "tc_vocab_file.h"
#include "tc_wordtab.h"

#define TC_NGRAM_LIMIT 8u                    /* longest n-gram a range may ask for */
#define TC_NODE_NONE UINT32_MAX              /* no such word / n-gram */
#define TC_NODE_STOP (UINT32_MAX - 1u)       /* a stop word: dropped before n-grams */
#define TC_NODE_LIMIT (UINT32_MAX - 2u)      /* node ids are below this */
#define TC_TERM_LIMIT UINT32_C(0x80000000)   /* term nodes are below, other nodes from here */

typedef struct tc_vocab_index tc_vocab_index;

/* Indexes the parsed vocabulary (tc_vocab_file.h) and takes its idf array (vocab->idf
 * is NULL afterwards, also on failure). A term listed twice is refused with TC_EFORMAT,
 * "<name>:<line>: duplicate term "..." (first at line N)", the later line named as the
 * duplicate; TC_ENOMEM when out of memory or with 2^31 terms or more. */
tc_status tc_vocab_index_build(const char *name, tc_vocab_file *vocab, tc_vocab_index **out,
                               char *err);
/* Makes words[0..n) stop words (sklearn drops them before building n-grams, so a stop
 * word that is also a vocabulary word never reaches the vocabulary). Part of building:
 * before the index is shared. TC_ENOMEM (err names `name`). */
tc_status tc_vocab_index_add_stop_words(tc_vocab_index *ix, const char *name,
                                        const tc_stop_word *words, size_t n, char *err);
void tc_vocab_index_free(tc_vocab_index **ix);

size_t tc_vocab_index_n_terms(const tc_vocab_index *ix);
/* How term nodes read: column = node >> class_bits, idf = idf_tab[node & class_mask]. */
const tc_idf_classes *tc_vocab_index_nodes(const tc_vocab_index *ix);
/* The count map of the term nodes (tc_termcount.h), spaced by term frequency. */
const tc_termcount_map *tc_vocab_index_count_map(const tc_vocab_index *ix);
/* The tables, for tc_vocab_lookup.h. The edge table has a bigram filter only when
 * some term has two words or more. */
const tc_wordtab *tc_vocab_index_words(const tc_vocab_index *ix);
const tc_edgetab *tc_vocab_index_edges(const tc_vocab_index *ix);

#endif
