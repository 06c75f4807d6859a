/*
 * vocab_lookup.c - a document's n-grams in the vocabulary index (tc_vocab_lookup.h).
 *
 * Level 1: each kept token's word node. Level n: the n-gram starting at token i is
 * the edge (prefix node of its first n-1 words, node of its last word), so each level
 * is a batch of integer-keyed edge lookups over the previous level's results, with
 * the buckets prefetched ahead. Bigram keys are made, filtered and their buckets
 * prefetched while the words are looked up.
 */
#include "tc_vocab_lookup.h"

#include <stdbool.h>
#include <stdlib.h>

#include "tc_edgetab_inline.h"
#include "tc_wordtab_inline.h"

#define WORD_AHEAD 8u
#define EDGE_AHEAD 32u

struct tc_vocab_lookup_scratch {
    size_t cap;       /* capacity of the per-token arrays below */
    uint64_t *wh;     /* per token: word hash */
    uint32_t *node;   /* per kept token: word node (TC_NODE_NONE if unknown) */
    uint32_t *cur;    /* per start position: node of the n-gram prefix */
    uint64_t *keys;   /* one level's edge keys */
    uint32_t *pos;    /* their start positions */
    uint32_t *bidx;   /* their buckets */
    uint32_t *child;  /* their results */
};

tc_vocab_lookup_scratch *tc_vocab_lookup_scratch_new(void)
{
    return calloc(1, sizeof(tc_vocab_lookup_scratch));
}

void tc_vocab_lookup_scratch_free(tc_vocab_lookup_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    tc_vocab_lookup_scratch *x = *s;
    free(x->wh);
    free(x->node);
    free(x->cur);
    free(x->keys);
    free(x->pos);
    free(x->bidx);
    free(x->child);
    free(x);
    *s = NULL;
}

static bool grow_array(void **p, size_t cap, size_t elem)
{
    void *q = realloc(*p, cap * elem);
    if (q == NULL)
        return false;
    *p = q;
    return true;
}

/* Per-token arrays for nt tokens. */
static bool ensure_tokens(tc_vocab_lookup_scratch *s, size_t nt)
{
    if (nt <= s->cap)
        return true;
    size_t c = s->cap ? s->cap : 256;
    while (c < nt)
        c *= 2;
    if (!grow_array((void **)&s->wh, c, sizeof *s->wh) ||
        !grow_array((void **)&s->node, c, sizeof *s->node) ||
        !grow_array((void **)&s->cur, c, sizeof *s->cur) ||
        !grow_array((void **)&s->keys, c, sizeof *s->keys) ||
        !grow_array((void **)&s->pos, c, sizeof *s->pos) ||
        !grow_array((void **)&s->bidx, c, sizeof *s->bidx) ||
        !grow_array((void **)&s->child, c, sizeof *s->child))
        return false;
    s->cap = c;
    return true;
}

/* node[] = the word nodes of the document's tokens, stop words dropped; returns how
 * many. Hashes first, then probes with slots prefetched a few tokens ahead. With
 * `bigrams`, also the bigram keys that pass the filter, into keys[]/bidx[]/pos[]
 * (*m2 of them), their buckets prefetched. */
static size_t lookup_words(const tc_vocab_index *ix, tc_vocab_lookup_scratch *s, const char *txt,
                           const tc_token *toks, size_t nt, bool bigrams, size_t *m2)
{
    const tc_wordtab *w = tc_vocab_index_words(ix);
    const tc_edgetab *e = tc_vocab_index_edges(ix);
    const tc_edge_bucket *buckets = e->buckets;
    bigrams = bigrams && e->filter != NULL;
    size_t m = 0;
    uint64_t *wh = s->wh, *keys = s->keys;
    uint32_t *node = s->node, *bidx = s->bidx, *pos = s->pos;
    for (size_t i = 0; i < nt; i++) {
        const char *p = txt + toks[i].off;
        wh[i] = tc_wordtab_hash(p, toks[i].len, tc_wordtab_token_enc(p, toks[i].len));
        /* the filter word of the bigram ending here (stop words aside) */
        if (bigrams && i > 0)
            __builtin_prefetch(tc_edgetab_filter_word(e, tc_edgetab_pair_hash(wh[i - 1], wh[i])));
    }
    for (size_t i = 0; i < nt && i < WORD_AHEAD; i++)
        tc_wordtab_prefetch(w, wh[i], toks[i].len);
    size_t k = 0;
    uint64_t prev_hash = 0;  /* of the last kept token */
    for (size_t i = 0; i < nt; i++) {
        if (i + WORD_AHEAD < nt)
            tc_wordtab_prefetch(w, wh[i + WORD_AHEAD], toks[i + WORD_AHEAD].len);
        const char *p = txt + toks[i].off;
        uint32_t u = tc_wordtab_find_hashed(w, p, toks[i].len,
                                            tc_wordtab_token_enc(p, toks[i].len), wh[i]);
        if (u == TC_NODE_STOP)
            continue;
        node[k] = u;
        /* the bigram ending here: unless the filter rules it out, its edge bucket
         * is fetched while words go on (without a branch: the filter's answer is
         * unpredictable; a ruled-out key is written and then overwritten) */
        if (bigrams && k > 0 && u != TC_NODE_NONE && node[k - 1] != TC_NODE_NONE) {
            uint64_t key = tc_edgetab_key(node[k - 1], u);
            uint64_t l2 = tc_edgetab_pair_hash(prev_hash, wh[i]);
            uint32_t b = tc_edgetab_bucket_of_hash(e, l2);
            unsigned pass = tc_edgetab_filter_has(e, l2);
            __builtin_prefetch(pass ? (const void *)&buckets[b] : (const void *)e->filter);
            keys[m] = key;
            bidx[m] = b;
            pos[m] = (uint32_t)(k - 1);
            m += pass;
        }
        prev_hash = wh[i];
        k++;
    }
    *m2 = m;
    return k;
}

/* child[t] = edge(keys[t]) for t < m, buckets prefetched ahead; bidx[] is filled
 * unless `ready` (then its buckets have been prefetched already). */
static void lookup_edges(const tc_edgetab *e, tc_vocab_lookup_scratch *s, size_t m, bool ready)
{
    const tc_edge_bucket *buckets = e->buckets;
    const uint64_t *keys = s->keys;
    uint32_t *bidx = s->bidx, *child = s->child;
    if (ready) {
        for (size_t t = 0; t < m; t++) {
            if (t + 8 < m)
                __builtin_prefetch(&buckets[bidx[t + 8]]);
            child[t] = tc_edgetab_find(e, keys[t], bidx[t]);
        }
        return;
    }
    for (size_t t = 0; t < m; t++) {
        bidx[t] = tc_edgetab_bucket_of(e, keys[t]);
        if (t < EDGE_AHEAD)
            __builtin_prefetch(&buckets[bidx[t]]);
    }
    for (size_t t = 0; t < m; t++) {
        if (t + EDGE_AHEAD < m)
            __builtin_prefetch(&buckets[bidx[t + EDGE_AHEAD]]);
        child[t] = tc_edgetab_find(e, keys[t], bidx[t]);
    }
}

/* hits[] = the term nodes of every in-vocabulary n-gram (nmin..nmax) of the k kept
 * tokens in node[]; returns how many. The m2 bigram keys are in keys[]/bidx[]/pos[]
 * already (lookup_words). */
static size_t find_ngrams(const tc_edgetab *e, tc_vocab_lookup_scratch *s, size_t k, size_t m2,
                          unsigned nmin, unsigned nmax, uint32_t *hits)
{
    size_t nh = 0;
    const uint32_t *node = s->node;
    if (nmin == 1)
        for (size_t i = 0; i < k; i++) {
            hits[nh] = node[i];
            nh += node[i] < TC_TERM_LIMIT;
        }
    /* level n: the n-gram starting at i = edge(prefix node of its first n-1 words,
     * node of its last word); cur[i] holds the prefix nodes (level 1: node[] itself) */
    const uint32_t *cur = node;
    for (unsigned n = 2; n <= nmax && n <= k; n++) {
        size_t m = n == 2 ? m2 : 0;
        for (size_t i = 0; n > 2 && i + n <= k; i++) {
            uint32_t p = cur[i], w = node[i + n - 1];
            if (p != TC_NODE_NONE && w != TC_NODE_NONE) {
                s->keys[m] = tc_edgetab_key(p, w);
                s->pos[m++] = (uint32_t)i;
            }
        }
        if (m == 0)
            break;
        lookup_edges(e, s, m, n == 2);
        const uint32_t *child = s->child;
        if (n >= nmin)
            for (size_t t = 0; t < m; t++) {
                hits[nh] = child[t];
                nh += child[t] < TC_TERM_LIMIT;
            }
        if (n < nmax) {
            uint32_t *next = s->cur;
            for (size_t i = 0; i + n <= k; i++)
                next[i] = TC_NODE_NONE;
            for (size_t t = 0; t < m; t++)
                next[s->pos[t]] = child[t];
            cur = next;
        }
    }
    return nh;
}

tc_status tc_vocab_lookup(const tc_vocab_index *ix, tc_vocab_lookup_scratch *s,
                          const tc_token_list *tokens, unsigned ngram_min, unsigned ngram_max,
                          uint32_t *hits, size_t *n_hits, char *err)
{
    if (!ensure_tokens(s, tokens->count))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t m2 = 0;
    size_t k = lookup_words(ix, s, tokens->text, tokens->tokens, tokens->count, ngram_max >= 2,
                            &m2);
    *n_hits = find_ngrams(tc_vocab_index_edges(ix), s, k, m2, ngram_min, ngram_max, hits);
    return TC_OK;
}
