/*
 * vocab_index.c - building the vocabulary index (tc_vocab_index.h) from a parsed
 * vocab.tsv: term nodes, word and edge tables, bigram filter, count map.
 */
#include "tc_vocab_index.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tc_bigalloc.h"
#include "tc_edgetab_inline.h"
#include "tc_wordtab_inline.h"

_Static_assert(TC_NODE_NONE == TC_WORDTAB_NONE && TC_NODE_NONE == TC_EDGETAB_NONE,
               "a node lookup that finds nothing gives TC_NODE_NONE from either table");
_Static_assert(TC_VOCAB_PARTS_CAP == TC_NGRAM_LIMIT + 1, "part counts cap past the limit");

struct tc_vocab_index {
    size_t n;                 /* terms = columns */
    double *idf;              /* n */
    tc_idf_classes nodes;
    tc_wordtab *words;
    tc_edgetab *edges;
    tc_termcount_map *count_map;
};

/* Term t is at columns col_a and col_b (either order: frequent terms are indexed first,
 * so the copy found already indexed may be the later one); the later line is reported
 * as the duplicate. */
static tc_status dup_error(const char *name, const tc_vocab_term *t, size_t col_a, size_t col_b,
                           char *err)
{
    size_t later = col_a > col_b ? col_a : col_b, first = col_a + col_b - later;
    return tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate term \"%.*s\" (first at line %zu)", name,
                   later + 2, (int)(t->len > 80 ? 80 : t->len), t->s, first + 2);
}

/* The node of word s[0..len) (encoding enc, hash h), inserted as a new non-term word
 * (*next_id, then advanced) if absent; NULL when out of memory. */
static uint32_t *word_node(tc_vocab_index *ix, const char *s, size_t len, uint64_t enc, uint64_t h,
                           uint32_t *next_id)
{
    bool ins;
    uint32_t *wn = tc_wordtab_upsert_hashed(ix->words, s, len, enc, h, *next_id, &ins);
    if (wn != NULL && ins)
        ++*next_id;
    return wn;
}

/* Adds term `col` (2..TC_NGRAM_LIMIT parts, term node tn) to the index; its shorter
 * prefixes that are terms are already in (terms go in by increasing length). */
static tc_status index_ngram(tc_vocab_index *ix, const char *name, const tc_vocab_term *t,
                             uint32_t col, uint32_t tn, uint32_t *next_id, char *err)
{
    tc_edgetab *e = ix->edges;
    const char *s = t->s, *end = t->s + t->len;
    uint32_t node = TC_NODE_NONE;
    uint64_t first_hash = 0, level2_hash = 0;
    for (unsigned k = 0; k < t->parts; k++) {
        const char *sp = memchr(s, ' ', (size_t)(end - s));
        const char *pe = sp != NULL ? sp : end;
        size_t wl = (size_t)(pe - s);
        uint64_t enc = tc_wordtab_enc(s, wl), h = tc_wordtab_hash(s, wl, enc);
        if (k == 0) {
            first_hash = h;
        } else if (k == 1) {
            /* the term's first two words are a level-2 edge: in the filter */
            level2_hash = tc_edgetab_pair_hash(first_hash, h);
            tc_edgetab_filter_add(e, level2_hash);
        }
        const uint32_t *wn = word_node(ix, s, wl, enc, h, next_id);
        if (wn == NULL)
            return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        if (k == 0) {
            node = *wn;
        } else {
            uint64_t key = tc_edgetab_key(node, *wn);
            uint32_t bk = k == 1 ? tc_edgetab_bucket_of_hash(e, level2_hash)
                                 : tc_edgetab_bucket_of(e, key);
            uint32_t child = tc_edgetab_find(e, key, bk);
            if (k + 1 == t->parts) {
                /* a node of this length exists only if an equal term came first */
                if (child != TC_NODE_NONE)
                    return dup_error(name, t, col, child >> ix->nodes.class_bits, err);
                tc_edgetab_insert(e, bk, key, tn);
            } else {
                if (child == TC_NODE_NONE) {
                    child = (*next_id)++;
                    tc_edgetab_insert(e, bk, key, child);
                }
                node = child;
            }
        }
        s = pe + 1;
    }
    return TC_OK;
}

#define BUILD_BATCH 64u

/* index_ngram for the 2-part terms order[0..n2) (the bulk of an n-gram vocabulary):
 * a batch's words are resolved and its buckets prefetched before its edges go in,
 * in the same order, so the first duplicate reported is the same. */
static tc_status index_bigrams(tc_vocab_index *ix, const char *name, const tc_vocab_term *terms,
                               const uint32_t *cls, const uint32_t *order, size_t n2,
                               uint32_t *next_id, char *err)
{
    tc_edgetab *e = ix->edges;
    const unsigned cb = ix->nodes.class_bits;
    uint64_t key[BUILD_BATCH];
    uint32_t bk[BUILD_BATCH];
    for (size_t base = 0; base < n2; base += BUILD_BATCH) {
        size_t m = n2 - base < BUILD_BATCH ? n2 - base : BUILD_BATCH;
        for (size_t i = 0; i < m; i++) {
            const tc_vocab_term *t = &terms[order[base + i]];
            const char *sp = memchr(t->s, ' ', t->len);  /* present: 2 parts */
            size_t l0 = (size_t)(sp - t->s);
            uint32_t w[2];
            const char *part[2] = {t->s, sp + 1};
            size_t plen[2] = {l0, t->len - l0 - 1};
            uint64_t ph[2];
            for (unsigned k = 0; k < 2; k++) {
                uint64_t enc = tc_wordtab_enc(part[k], plen[k]);
                ph[k] = tc_wordtab_hash(part[k], plen[k], enc);
                const uint32_t *wn = word_node(ix, part[k], plen[k], enc, ph[k], next_id);
                if (wn == NULL)
                    return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
                w[k] = *wn;
            }
            uint64_t l2 = tc_edgetab_pair_hash(ph[0], ph[1]);
            tc_edgetab_filter_add(e, l2);
            key[i] = tc_edgetab_key(w[0], w[1]);
            bk[i] = tc_edgetab_bucket_of_hash(e, l2);
            __builtin_prefetch(&e->buckets[bk[i]], 1);
        }
        for (size_t i = 0; i < m; i++) {
            uint32_t col = order[base + i];
            uint32_t child = tc_edgetab_find(e, key[i], bk[i]);
            if (child != TC_NODE_NONE)
                return dup_error(name, &terms[col], col, child >> cb, err);
            tc_edgetab_insert(e, bk[i], key[i], col << cb | cls[col]);
        }
    }
    return TC_OK;
}

/* Reorders ids[0..n) (columns) so that about the eighth with the lowest idf (the most
 * frequent terms) comes first, each part in its given order. Inserted first, those
 * keys sit in their home buckets, never in the one after a full bucket, where a lookup
 * takes a mispredicted branch and a line nobody prefetched (bench bigram model: n-gram
 * lookups 0.080 -> 0.063 Gcycles with a full sort by idf). Two passes in the given
 * order keep the terms' bytes read in file order: with a full sort, the bigram model
 * loaded 50 ms slower. False when out of memory. */
static bool frequent_first(const uint32_t *cls, const uint32_t *rank, size_t n_cls,
                           uint32_t *ids, size_t n)
{
    if (n < 2)
        return true;
    uint32_t *count = calloc(n_cls, sizeof *count);
    uint32_t *tmp = tc_alloc_transient(n * sizeof *tmp);
    bool ok = count != NULL && tmp != NULL;
    if (ok) {
        for (size_t i = 0; i < n; i++)
            count[rank[cls[ids[i]]]]++;
        size_t hot = 0, taken = 0;  /* ranks < hot are the frequent ones */
        while (hot < n_cls && taken < n / 8)
            taken += count[hot++];
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (rank[cls[ids[i]]] < hot)
                tmp[k++] = ids[i];
        for (size_t i = 0; i < n; i++)
            if (rank[cls[ids[i]]] >= hot)
                tmp[k++] = ids[i];
        memcpy(ids, tmp, n * sizeof *ids);
    }
    free(count);
    tc_free_transient(tmp);
    return ok;
}

typedef struct word_rec {
    uint64_t enc, hash;
    const char *s;
    uint32_t len, col;
} word_rec;

#define UPSERT_AHEAD 16u

/* Inserts the one-word terms cols[0..n) (ascending columns) into the word table, most
 * frequent (lowest idf) first, ties by column. Inserted in that order, the words a
 * document is mostly made of sit in their home slots (a word that goes into a nearly
 * empty table is never displaced), so their lookups take one probe and no mispredicted
 * branch. One pass in file order reads each term's bytes, hashes them and places the
 * term's record by a counting sort on the rank of its idf class; the inserts then run
 * over the records in order. Without idf classes (one rank) the order is the file's. */
static tc_status index_words(tc_vocab_index *ix, const char *name, const tc_vocab_term *terms,
                             const uint32_t *cls, const uint32_t *rank, const uint32_t *cols,
                             size_t n, char *err)
{
    const size_t n_cls = ix->nodes.n_classes;
    const unsigned cb = ix->nodes.class_bits;
    word_rec *rec = tc_alloc_transient((n ? n : 1) * sizeof *rec);
    uint32_t *start = calloc(n_cls + 1, sizeof *start);
    tc_status st = TC_OK;
    if (rec == NULL || start == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        start[rank[cls[cols[i]]] + 1]++;
    for (size_t r = 1; r <= n_cls; r++)
        start[r] += start[r - 1];
    for (size_t i = 0; i < n; i++) {
        const tc_vocab_term *t = &terms[cols[i]];
        word_rec *w = &rec[start[rank[cls[cols[i]]]]++];
        w->enc = tc_wordtab_enc(t->s, t->len);
        w->hash = tc_wordtab_hash(t->s, t->len, w->enc);
        w->s = t->s;
        w->len = t->len;
        w->col = cols[i];
    }
    for (size_t i = 0; i < n; i++) {
        /* the slot of a word a few on (and the bytes of a long one) are fetched while
         * this one goes in */
        if (i + UPSERT_AHEAD < n) {
            const word_rec *a = &rec[i + UPSERT_AHEAD];
            tc_wordtab_prefetch_insert(ix->words, a->hash);
            if (a->len > 8)
                __builtin_prefetch(a->s + 8);
        }
        const word_rec *w = &rec[i];
        bool ins;
        const uint32_t *wn = tc_wordtab_upsert_hashed(ix->words, w->s, w->len, w->enc, w->hash,
                                                      w->col << cb | cls[w->col], &ins);
        if (wn == NULL) {
            st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
            goto out;
        }
        if (!ins) {
            st = dup_error(name, &terms[w->col], w->col, *wn >> cb, err);
            goto out;
        }
    }
out:
    tc_free_transient(rec);
    free(start);
    return st;
}

/* Terms of more than TC_NGRAM_LIMIT parts, order[0..n): only checked for duplicates. */
static tc_status check_long_terms(const char *name, const tc_vocab_term *terms,
                                  const uint32_t *order, size_t n, char *err)
{
    if (n == 0)
        return TC_OK;
    tc_wordtab *seen = tc_wordtab_new(n);  /* term -> column */
    tc_status st = seen == NULL ? tc_fail(err, TC_ENOMEM, "%s: out of memory", name) : TC_OK;
    for (size_t r = 0; st == TC_OK && r < n; r++) {
        const tc_vocab_term *t = &terms[order[r]];
        bool ins;
        const uint32_t *first = tc_wordtab_upsert(seen, t->s, t->len, order[r], &ins);
        if (first == NULL)
            st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        else if (!ins)
            st = dup_error(name, t, order[r], *first, err);
    }
    tc_wordtab_free(&seen);
    return st;
}

/* Builds the word and edge tables and the bigram filter from the terms (see the top
 * of tc_vocab_index.h), term nodes from cls[]. */
static tc_status build_tables(tc_vocab_index *ix, const char *name, const tc_vocab_term *terms,
                              size_t n, const uint32_t *cls, char *err)
{
    size_t by_parts[TC_NGRAM_LIMIT + 3] = {0};
    uint64_t edges = 0, parts = 0;
    for (size_t i = 0; i < n; i++) {
        by_parts[terms[i].parts + 1]++;
        parts += terms[i].parts;
        if (terms[i].parts <= TC_NGRAM_LIMIT)
            edges += terms[i].parts - 1;
    }
    if (n >= TC_TERM_LIMIT || parts >= TC_NODE_LIMIT - TC_TERM_LIMIT)
        return tc_fail(err, TC_ENOMEM, "%s: too many terms (%zu)", name, n);
    for (size_t k = 1; k < TC_NGRAM_LIMIT + 3; k++)
        by_parts[k] += by_parts[k - 1];
    /* by_parts[p] = first position of p-part terms in order[] (stable by column) */
    const size_t first_one = by_parts[1], first_two = by_parts[2];  /* first_one: 0 */
    const size_t first_long = by_parts[TC_NGRAM_LIMIT + 1];         /* long terms sort last */
    const size_t ones = first_two - first_one, twos = first_long - first_two;
    uint32_t *order = tc_alloc_transient((n ? n : 1) * sizeof *order);
    uint32_t *rank = NULL;  /* of the idf classes */
    tc_status st = TC_OK;
    ix->edges = tc_edgetab_new((size_t)edges, twos);
    ix->words = tc_wordtab_new(ones);
    if (order == NULL || ix->edges == NULL || ix->words == NULL ||
        (rank = tc_idf_classes_rank(&ix->nodes)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        order[by_parts[terms[i].parts]++] = (uint32_t)i;
    /* by_parts[p] now ends the p-part terms */
    if ((st = index_words(ix, name, terms, cls, rank, order + first_one, ones, err)) != TC_OK)
        goto out;
    if (!frequent_first(cls, rank, ix->nodes.n_classes, order + first_two, by_parts[2] - first_two)) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    uint32_t next_id = TC_TERM_LIMIT;
    if ((st = index_bigrams(ix, name, terms, cls, order + first_two, by_parts[2] - first_two,
                            &next_id, err)) != TC_OK)
        goto out;
    for (size_t r = by_parts[2]; r < first_long; r++) {
        uint32_t col = order[r];
        uint32_t tn = col << ix->nodes.class_bits | cls[col];
        if ((st = index_ngram(ix, name, &terms[col], col, tn, &next_id, err)) != TC_OK)
            goto out;
    }
    st = check_long_terms(name, terms, order + first_long, n - first_long, err);
out:
    tc_free_transient(order);
    free(rank);
    return st;
}

/* Adds every term to the count map with weight exp(-idf). With idf classes, a class's
 * value is bit for bit its terms' idf, so exp runs once per class (sentiment-en: 1,657
 * classes for 200,000 terms, which saved ~1 ms of load) and the weights are the same. */
static tc_status add_term_weights(tc_vocab_index *ix, const uint32_t *cls, const char *name,
                                  char *err)
{
    const tc_idf_classes *c = &ix->nodes;
    const unsigned cb = c->class_bits;
    if (cb == 0) {
        for (size_t j = 0; j < ix->n; j++)
            tc_termcount_map_add(ix->count_map, (uint32_t)j, exp(-ix->idf[j]));
        return TC_OK;
    }
    double *w = malloc(c->n_classes * sizeof *w);
    if (w == NULL)
        return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
    for (size_t k = 0; k < c->n_classes; k++)
        w[k] = exp(-c->classes[k]);
    for (size_t j = 0; j < ix->n; j++)
        tc_termcount_map_add(ix->count_map, (uint32_t)j << cb | cls[j], w[cls[j]]);
    free(w);
    return TC_OK;
}

tc_status tc_vocab_index_build(const char *name, tc_vocab_file *vocab, tc_vocab_index **out,
                               char *err)
{
    const size_t n = vocab->n;
    tc_vocab_index *ix = calloc(1, sizeof *ix);
    uint32_t *cls = tc_alloc_transient((n ? n : 1) * sizeof *cls);
    tc_status st = TC_OK;
    if (ix != NULL) {
        ix->n = n;
        ix->idf = vocab->idf;
    }
    vocab->idf = NULL;
    if (ix == NULL || cls == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    if ((st = tc_idf_classes_build(ix->idf, n, cls, &ix->nodes, name, err)) != TC_OK)
        goto out;
    /* a term's weight in the count map is its document frequency, up to a constant
     * factor exp(-idf) (exactly so for sklearn's smooth and plain idf, and a constant
     * without idf), so that each bucket gets about as many of a document's terms */
    if ((ix->count_map = tc_termcount_map_new(ix->nodes.key_bits)) == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        goto out;
    }
    if ((st = add_term_weights(ix, cls, name, err)) != TC_OK)
        goto out;
    tc_termcount_map_finish(ix->count_map);
    st = build_tables(ix, name, vocab->terms, n, cls, err);
out:
    tc_free_transient(cls);
    if (st != TC_OK)
        tc_vocab_index_free(&ix);
    else
        *out = ix;
    return st;
}

tc_status tc_vocab_index_add_stop_words(tc_vocab_index *ix, const char *name,
                                        const tc_stop_word *words, size_t n, char *err)
{
    for (size_t i = 0; i < n; i++) {
        bool ins;
        uint32_t *wn = tc_wordtab_upsert(ix->words, words[i].s, words[i].len, TC_NODE_STOP, &ins);
        if (wn == NULL)
            return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        *wn = TC_NODE_STOP;
    }
    return TC_OK;
}

void tc_vocab_index_free(tc_vocab_index **ix)
{
    if (ix == NULL || *ix == NULL)
        return;
    tc_wordtab_free(&(*ix)->words);
    tc_edgetab_free(&(*ix)->edges);
    tc_termcount_map_free(&(*ix)->count_map);
    tc_idf_classes_release(&(*ix)->nodes);
    free((*ix)->idf);
    free(*ix);
    *ix = NULL;
}

size_t tc_vocab_index_n_terms(const tc_vocab_index *ix) { return ix->n; }
const tc_idf_classes *tc_vocab_index_nodes(const tc_vocab_index *ix) { return &ix->nodes; }
const tc_termcount_map *tc_vocab_index_count_map(const tc_vocab_index *ix)
{
    return ix->count_map;
}
const tc_wordtab *tc_vocab_index_words(const tc_vocab_index *ix) { return ix->words; }
const tc_edgetab *tc_vocab_index_edges(const tc_vocab_index *ix) { return ix->edges; }
