/*
 * tc_vocab_lookup.h - looks up a document in a vocabulary index (tc_vocab_index.h):
 * from its tokens (tc_tokens.h), the term node of every occurrence of an n-gram that
 * is a term, as scikit-learn's CountVectorizer finds them: stop words are dropped
 * first, then the n-grams of ngram_min..ngram_max consecutive remaining tokens are
 * the candidates.
 *
 * One call per document, pipelined inside: all tokens are hashed first, then word
 * slots, bigram filter words and edge buckets are prefetched some lookups ahead.
 * Thread safety: the index is only read; a scratch belongs to one thread at a time.
 */
#ifndef TC_VOCAB_LOOKUP_H
#define TC_VOCAB_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "tc_status.h"
#include "tc_tokens.h"
#include "tc_vocab_index.h"

typedef struct tc_vocab_lookup_scratch tc_vocab_lookup_scratch;

/* NULL when out of memory. */
tc_vocab_lookup_scratch *tc_vocab_lookup_scratch_new(void);
/* Frees the scratch and sets *s to NULL; NULL or *s NULL is ignored. */
void tc_vocab_lookup_scratch_free(tc_vocab_lookup_scratch **s);

/* Writes the term nodes (< TC_TERM_LIMIT) of the document's in-vocabulary n-grams
 * into hits[], one per occurrence, in no particular order, and their number into
 * *n_hits. 1 <= ngram_min <= ngram_max <= TC_NGRAM_LIMIT; hits[] has room for
 * tokens->count * (ngram_max - ngram_min + 1) entries. Tokens may be empty (len 0).
 * TC_ENOMEM when the scratch cannot grow (err says so). */
tc_status tc_vocab_lookup(const tc_vocab_index *ix, tc_vocab_lookup_scratch *s,
                          const tc_token_list *tokens, unsigned ngram_min, unsigned ngram_max,
                          uint32_t *hits, size_t *n_hits, char *err);

#endif
