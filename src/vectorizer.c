/*
 * vectorizer.c - vocabulary/stop-word loading and scikit-learn 1.2
 * TfidfVectorizer.transform for one document (see tc_vectorizer.h).
 *
 * Vocabulary index. Every vocabulary term is a sequence of space-separated parts
 * (words); n-grams are looked up by word ids, never as strings:
 *  - the word table maps each distinct word of the vocabulary (and each stop word)
 *    to a node id: a one-word term's node is its term node (its column and idf, see
 *    class_bits), any other word gets an id >= TERM_LIMIT, stop words get NODE_STOP.
 *    A token is hashed and compared once;
 *  - the edge table maps (node of the prefix w1..wk-1, node of word wk) to the node of
 *    w1..wk: a term node if that n-gram is a term, else an id >= TERM_LIMIT (a prefix
 *    of longer terms only). A document's n-gram costs one integer-keyed probe into a
 *    64-byte bucket, is skipped outright when a word is not in the vocabulary, and
 *    longer n-grams stop as soon as their prefix is unknown;
 *  - the two words' hashes give a bigram its pair_hash: its bit in the bigram filter
 *    (a bigram whose bit is clear skips the edge table) and its edge bucket (a level-2
 *    key is placed by pair_hash, deeper keys by edge_hash of the key itself), so the
 *    tokens' hashes, computed once, serve all three lookups.
 * Terms are indexed shortest first, so a prefix node that is itself a term already
 * carries its term node when longer terms reach it. Terms of more than TC_NGRAM_LIMIT
 * parts can never be produced by an analyzer (ngram_max <= 8); they are only
 * checked for duplicates (a plain string table).
 *
 * Float order matters for bit parity with scikit-learn:
 *  - tf is the integer count converted to double; binary sets 1; sublinear is
 *    log(tf) then + 1.0 (np.log in place, then X.data += 1);
 *  - use_idf multiplies once by idf[j] (X @ diag(idf));
 *  - normalize() sums x*x (l2) or |x| (l1) in the row's storage order and divides.
 *    With use_idf, scipy's csr @ csr product emits each row's columns in
 *    *descending* order (its accumulator is a linked list built by prepending), so
 *    the sum runs from the highest column down; without idf the row keeps the
 *    ascending order CountVectorizer sorted it into.
 */
#include "tc_vectorizer.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* An AVX clone of the l2/l1 division, picked at load by CPU (GCC/clang on x86-64). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TC_HAVE_AVX_CLONE 1
#else
#define TC_HAVE_AVX_CLONE 0
#endif

#include "tc_bigalloc.h"
#include "tc_bytes.h"
#include "tc_numparse.h"
#include "tc_termtab.h"
#include "tc_textfile.h"
#include "tc_utf8.h"

#define VOCAB_MAX_BYTES ((size_t)1 << 31)
#define TC_NGRAM_LIMIT 8u
#define SORT_MAP_BITS 14u    /* resolution of the map from nodes to sort buckets */
#define SORT_BUCKET_BITS 12u /* most buckets */

#define NODE_NONE UINT32_MAX         /* no such word / n-gram; also: empty word slot */
#define NODE_STOP (UINT32_MAX - 1u)  /* a stop word: dropped before n-grams are built */
#define NODE_LIMIT (UINT32_MAX - 2u) /* node ids are below this */
#define TERM_LIMIT UINT32_C(0x80000000) /* term nodes are below, other nodes from here */

#define K1 UINT64_C(0x9e3779b97f4a7c15)
#define K2 UINT64_C(0xd6e8feb86659fd93)
#define K3 UINT64_C(0xff51afd7ed558ccd)

/* How full the word table may get, in tenths. The words inserted first sit in their
 * home slots at any load (index_words puts the frequent ones first), so a fuller table
 * costs only rare words' lookups, and a smaller one stays in cache better: at 0.5
 * (with a quarter more room for n-gram-only words) the bench's word lookups took 8-10%
 * longer. */
#define WORD_LOAD_TENTHS 7u

/* Word table slot: open addressing, linear probing. enc is word_enc (exact for words
 * of <= 8 bytes); longer words also compare bytes 8.. with their copy in the pool, at
 * pool offset tail[slot]. */
typedef struct word_slot {
    uint64_t enc;
    uint32_t len;
    uint32_t node;  /* NODE_NONE: empty */
} word_slot;

typedef struct word_table {
    word_slot *slots;
    uint32_t *tail;  /* per slot: pool offset of the word's bytes (words > 8 bytes) */
    size_t mask, n;
    char *pool;
    size_t pool_len, pool_cap;
} word_table;

/* Edge bucket: one cache line, up to EDGE_SLOTS keys (parent | word << 32; unused
 * keys are EDGE_EMPTY, which no lookup asks for), their child nodes, and a flag set
 * when an insertion passed this bucket full (lookups then go on to the next one). */
#define EDGE_SLOTS 5u
#define EDGE_EMPTY UINT64_MAX
typedef struct edge_bucket {
    uint64_t key[EDGE_SLOTS];
    uint32_t child[EDGE_SLOTS];
    uint8_t used;
    uint8_t overflow;
    uint8_t pad[2];
} edge_bucket;

struct tc_vectorizer {
    tc_vectorizer_config cfg;
    size_t n_features;
    double *idf;          /* n_features */
    /* A term's node is column << class_bits | its idf's index in idf_tab (idf values
     * repeat: one per document frequency), so the idf comes with the lookup and not
     * from a random read of idf[]; with too many distinct values, class_bits is 0 and
     * idf_tab is idf (the index is the column). */
    unsigned class_bits;
    uint32_t class_mask;
    unsigned key_bits;    /* term nodes are < 2^key_bits */
    double *classes;      /* distinct idf values; NULL when idf_tab == idf */
    const double *idf_tab;
    tc_termtab *stop;     /* NULL: no stop words (load-time checks; lookups use words) */
    word_table words;
    edge_bucket *edges;
    size_t n_buckets;
    /* Bigram filter: one bit per pair_hash value, set for the first two words of every
     * term of two or more words (the level-2 edges). A bigram of two known words whose
     * bit is clear is neither a term nor a prefix of one, and its edge bucket
     * is never fetched: a quarter of IMDB's are not terms, and each would read a line
     * of the 10 MB edge table that is rarely in cache. Keyed by the words' hashes, not
     * their nodes, so a document's filter words can be fetched before its words are
     * looked up. NULL when the vocabulary has no terms of two or more words. */
    uint64_t *bigram_filter;
    uint64_t filter_mask;  /* words of bigram_filter - 1 */
    double log1p_tab[64]; /* log((double)c) + 1.0 for small counts c (sublinear_tf) */
    /* The bucket of a term node in count_columns' sort: sort_map[node >> sort_shift]
     * (sort_bits of them), ascending with the node, and spaced so that each bucket
     * gets about as many of a typical document's terms (see build_sort_map). */
    unsigned sort_shift, sort_bits;
    uint16_t sort_map[1u << SORT_MAP_BITS];
    void (*divide)(double *v, size_t n, double d);  /* v[i] /= d: widest the CPU has */
};

struct tc_vectorizer_scratch {
    tc_tokenizer_scratch *tok;
    size_t tok_cap;       /* capacity of the per-token arrays below */
    uint64_t *wh;         /* per token: word hash */
    uint32_t *node;       /* per kept token: word node (NODE_NONE if unknown) */
    uint32_t *cur;        /* per start position: node of the n-gram prefix */
    uint64_t *keys;       /* one level's edge keys */
    uint32_t *pos;        /* their start positions */
    uint32_t *bidx;       /* their buckets */
    uint32_t *child;      /* their results */
    uint32_t *hits;       /* columns of the document's in-vocabulary n-grams, repeated */
    uint32_t *tmp;        /* radix sort buffer */
    uint16_t *bk;         /* radix sort: bucket per hit */
    uint32_t *cols;       /* distinct columns, ascending */
    uint32_t *counts;     /* their counts */
    double *vals;
    size_t cols_cap;
};

/* v[i] /= d for i < n. Vector division is correctly rounded like divsd, so every
 * width gives the same bits; the divider's throughput is the limit (about a twentieth
 * of the transform on the bench bigram model with SSE2's two lanes). */
static void divide_sse2(double *v, size_t n, double d)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128d dd = _mm_set1_pd(d);
    for (; i + 2 <= n; i += 2)
        _mm_storeu_pd(v + i, _mm_div_pd(_mm_loadu_pd(v + i), dd));
#endif
    for (; i < n; i++)
        v[i] /= d;
}

#if TC_HAVE_AVX_CLONE
/* Four lanes; chosen at load when the CPU has AVX. */
__attribute__((target("avx"))) static void divide_avx(double *v, size_t n, double d)
{
    size_t i = 0;
    const __m256d dd = _mm256_set1_pd(d);
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(v + i, _mm256_div_pd(_mm256_loadu_pd(v + i), dd));
    for (; i < n; i++)
        v[i] /= d;
}
#endif

/* ---- word table ---------------------------------------------------------------------- */

/* The word's first min(len, 8) bytes as a little-endian-style number padded with zero
 * bytes: with len, it identifies words of <= 8 bytes exactly. */
static inline uint64_t word_enc(const char *s, size_t len)
{
    char b[8] = {0};
    memcpy(b, s, len < 8 ? len : 8);
    return tc_load_u64(b);
}

/* word_enc for a token (len >= 1) followed by at least 8 readable bytes
 * (TC_TOKEN_PAD): one load and a mask instead of branches on the length, which a
 * predictor cannot guess from token to token. */
static inline uint64_t token_enc(const char *s, size_t len)
{
    unsigned k = len < 8 ? (unsigned)len : 8u;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return tc_load_u64(s) & (~UINT64_C(0) << (64 - 8 * k));
#else
    return tc_load_u64(s) & (~UINT64_C(0) >> (64 - 8 * k));
#endif
}

static inline uint64_t word_hash(const char *s, size_t len, uint64_t enc)
{
    uint64_t h = (enc ^ ((uint64_t)len * K1)) * K2;
    if (len > 8) {
        size_t i = 8;
        for (; i + 8 <= len; i += 8) {
            h ^= h >> 29;
            h = (h ^ tc_load_u64(s + i)) * K2;
        }
        if (i < len) {
            h ^= h >> 29;
            h = (h ^ tc_load_u64(s + len - 8)) * K2;
        }
    }
    h ^= h >> 32;
    h *= K3;
    return h ^ (h >> 29);
}

static inline bool word_slot_is(const word_table *w, size_t p, const char *s, size_t len,
                                uint64_t enc)
{
    const word_slot *sl = &w->slots[p];
    if (sl->enc != enc || sl->len != len)
        return false;
    if (len <= 8)
        return true;
    const char *q = w->pool + w->tail[p];
    if (len <= 16)  /* bytes 0..8 are equal (enc): the last 8 cover the rest */
        return tc_load_u64(q + len - 8) == tc_load_u64(s + len - 8);
    return tc_bytes_equal(q + 8, s + 8, len - 8);
}

/* Node of the word s[0..len) (enc, hash h), NODE_NONE if absent. */
static inline uint32_t word_find(const word_table *w, const char *s, size_t len, uint64_t enc,
                                 uint64_t h)
{
    for (size_t p = (size_t)h & w->mask;; p = (p + 1) & w->mask) {
        uint32_t node = w->slots[p].node;
        if (node == NODE_NONE || word_slot_is(w, p, s, len, enc))
            return node;
    }
}

/* Fetches what word_find will read first for a word of len bytes with hash h: its
 * slot and, for a word of more than 8 bytes, its pool offset (7% of IMDB's tokens,
 * but a fifth of the lookup time in a profile when not fetched ahead). The second
 * address is chosen without a branch: a short word asks for its slot again. */
static inline void word_find_prefetch(const word_table *w, uint64_t h, size_t len)
{
    size_t p = (size_t)h & w->mask;
    __builtin_prefetch(&w->slots[p]);
    __builtin_prefetch(len > 8 ? (const void *)&w->tail[p] : (const void *)&w->slots[p]);
}

static bool word_table_init(word_table *w, size_t expected)
{
    size_t cap = 64;
    while (cap / 10 * WORD_LOAD_TENTHS < expected)
        cap *= 2;
    w->slots = tc_alloc_big(cap * sizeof *w->slots);
    w->tail = malloc(cap * sizeof *w->tail);
    if (w->slots == NULL || w->tail == NULL)
        return false;
    for (size_t i = 0; i < cap; i++)
        w->slots[i].node = NODE_NONE;
    w->mask = cap - 1;
    return true;
}

static void word_table_free(word_table *w)
{
    free(w->slots);
    free(w->tail);
    free(w->pool);
    memset(w, 0, sizeof *w);
}

static bool word_table_grow(word_table *w)
{
    size_t cap = (w->mask + 1) * 2;
    word_slot *slots = tc_alloc_big(cap * sizeof *slots);
    uint32_t *tail = malloc(cap * sizeof *tail);
    if (slots == NULL || tail == NULL) {
        free(slots);
        free(tail);
        return false;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i].node = NODE_NONE;
    for (size_t i = 0; i <= w->mask; i++) {
        const word_slot *sl = &w->slots[i];
        if (sl->node == NODE_NONE)
            continue;
        const char *bytes = sl->len > 8 ? w->pool + w->tail[i] : NULL;
        uint64_t h = word_hash(bytes, sl->len, sl->enc);
        size_t p = (size_t)h & (cap - 1);
        while (slots[p].node != NODE_NONE)
            p = (p + 1) & (cap - 1);
        slots[p] = *sl;
        tail[p] = w->tail[i];
    }
    free(w->slots);
    free(w->tail);
    w->slots = slots;
    w->tail = tail;
    w->mask = cap - 1;
    return true;
}

/* Finds the word s[0..len) or inserts it with node `fresh`. Returns its slot's node
 * field (a pointer, so the caller can change it), NULL when out of memory;
 * *inserted tells which. */
static uint32_t *word_upsert_hashed(word_table *w, const char *s, size_t len, uint64_t enc,
                                    uint64_t h, uint32_t fresh, bool *inserted)
{
    *inserted = false;
    if ((w->n + 1) * 10 > (w->mask + 1) * WORD_LOAD_TENTHS && !word_table_grow(w))
        return NULL;
    size_t p = (size_t)h & w->mask;
    for (; w->slots[p].node != NODE_NONE; p = (p + 1) & w->mask)
        if (word_slot_is(w, p, s, len, enc))
            return &w->slots[p].node;
    if (len > 8) {
        if (len > UINT32_MAX - w->pool_len)
            return NULL;
        if (w->pool_len + len > w->pool_cap) {
            size_t cap = w->pool_cap ? w->pool_cap * 2 : 4096;
            while (cap < w->pool_len + len)
                cap *= 2;
            char *pool = realloc(w->pool, cap);
            if (pool == NULL)
                return NULL;
            w->pool = pool;
            w->pool_cap = cap;
        }
        memcpy(w->pool + w->pool_len, s, len);
        w->tail[p] = (uint32_t)w->pool_len;
        w->pool_len += len;
    }
    w->slots[p].enc = enc;
    w->slots[p].len = (uint32_t)len;
    w->slots[p].node = fresh;
    w->n++;
    *inserted = true;
    return &w->slots[p].node;
}

static uint32_t *word_upsert(word_table *w, const char *s, size_t len, uint32_t fresh,
                             bool *inserted)
{
    uint64_t enc = word_enc(s, len);
    return word_upsert_hashed(w, s, len, enc, word_hash(s, len, enc), fresh, inserted);
}

/* ---- edge table ---------------------------------------------------------------------- */

static inline uint64_t edge_key(uint32_t parent, uint32_t word)
{
    return (uint64_t)parent | (uint64_t)word << 32;
}

static inline uint64_t edge_hash(uint64_t key)
{
    uint64_t h = key * K2;
    h ^= h >> 29;
    return h * K3;
}

static inline uint32_t edge_bucket_of_hash(uint64_t h, size_t n_buckets)
{
    return (uint32_t)(((h >> 32) * (uint64_t)n_buckets) >> 32);
}

static inline uint32_t edge_bucket_of(uint64_t key, size_t n_buckets)
{
    return edge_bucket_of_hash(edge_hash(key), n_buckets);
}

/* The bigram of the words with hashes ha, hb (in that order): its bit in the bigram
 * filter comes from the low half, its level-2 edge bucket from the high half. */
static inline uint64_t pair_hash(uint64_t ha, uint64_t hb)
{
    return ha * K1 ^ hb;
}

static inline const uint64_t *filter_word(const uint64_t *filter, uint64_t mask, uint64_t ph)
{
    return &filter[(ph >> 6) & mask];
}

static void filter_add(tc_vectorizer *v, uint64_t ph)
{
    v->bigram_filter[(ph >> 6) & v->filter_mask] |= UINT64_C(1) << (ph & 63);
}

static inline unsigned filter_has(const uint64_t *filter, uint64_t mask, uint64_t ph)
{
    return (unsigned)(*filter_word(filter, mask, ph) >> (ph & 63)) & 1u;
}

/* The bucket after b: insertions and lookups go on there past a full one. */
static inline size_t next_bucket(size_t b, size_t n_buckets)
{
    return b + 1 == n_buckets ? 0 : b + 1;
}

/* edge_find from bucket b on, through buckets an insertion found full. */
static uint32_t edge_find_slow(const edge_bucket *edges, size_t n_buckets, uint64_t key,
                               size_t b)
{
    for (;;) {
        const edge_bucket *bk = &edges[b];
        for (unsigned k = 0; k < EDGE_SLOTS; k++)
            if (bk->key[k] == key)
                return bk->child[k];
        if (!bk->overflow)
            return NODE_NONE;
        b = next_bucket(b, n_buckets);
    }
}

/* The first bucket is searched without branches on the data: whether and where a
 * document's n-gram is found is unpredictable, and a mispredicted branch here also
 * throws away the loads of the lookups behind it. */
static inline uint32_t edge_find(const edge_bucket *edges, size_t n_buckets, uint64_t key,
                                 size_t b)
{
    const edge_bucket *bk = &edges[b];
    unsigned hit = 0;
    for (unsigned k = 0; k < EDGE_SLOTS; k++)
        hit |= (unsigned)(bk->key[k] == key) << k;
    uint32_t child = bk->child[__builtin_ctz(hit | 1u << (EDGE_SLOTS - 1))];
    child = hit != 0 ? child : NODE_NONE;
    if (__builtin_expect((hit == 0) & (bk->overflow != 0), 0))
        return edge_find_slow(edges, n_buckets, key, next_bucket(b, n_buckets));
    return child;
}

/* Inserts a key known to be absent from bucket b on; the table has room (sized at load). */
static void edge_insert(edge_bucket *edges, size_t n_buckets, size_t b, uint64_t key, uint32_t child)
{
    while (edges[b].used == EDGE_SLOTS) {
        edges[b].overflow = 1;
        b = next_bucket(b, n_buckets);
    }
    edge_bucket *bk = &edges[b];
    bk->key[bk->used] = key;
    bk->child[bk->used] = child;
    bk->used++;
}

_Static_assert(sizeof(edge_bucket) == 64, "an edge bucket is one cache line");

/* ---- loading ------------------------------------------------------------------------ */

/* Parses "<magic>\t<version>\t<count>\n" at the start of data. */
static tc_status parse_header(const char *name, const char *data, size_t len,
                              const char *magic, size_t *count, size_t *body, char *err)
{
    const char *nl = memchr(data, '\n', len);
    if (nl == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:1: missing header line \"%s\\t1\\t<count>\"", name,
                       magic);
    size_t ll = (size_t)(nl - data), ml = strlen(magic);
    if (ll < ml + 1 || memcmp(data, magic, ml) != 0 || data[ml] != '\t')
        return tc_fail(err, TC_EFORMAT, "%s:1: not a %s file (header must start with \"%s\\t\")",
                       name, magic, magic);
    const char *v = data + ml + 1, *end = data + ll;
    const char *tab = memchr(v, '\t', (size_t)(end - v));
    if (tab == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:1: header must be \"%s\\t1\\t<count>\"", name, magic);
    uint64_t version, n;
    if (!tc_parse_u64(v, (size_t)(tab - v), &version))
        return tc_fail(err, TC_EFORMAT, "%s:1: bad version \"%.*s\"", name, (int)(tab - v), v);
    if (version != 1)
        return tc_fail(err, TC_EFORMAT, "%s:1: %s version %llu is not supported (1)", name, magic,
                       (unsigned long long)version);
    if (!tc_parse_u64(tab + 1, (size_t)(end - tab - 1), &n))
        return tc_fail(err, TC_EFORMAT, "%s:1: bad count \"%.*s\"", name,
                       (int)(end - tab - 1 > 40 ? 40 : end - tab - 1), tab + 1);
    /* Every entry takes at least 2 bytes ("x\n"), which bounds allocations. */
    if (n > (len - ll) / 2)
        return tc_fail(err, TC_EFORMAT, "%s:1: header says %llu entries but the file has only %zu bytes",
                       name, (unsigned long long)n, len);
    *count = (size_t)n;
    *body = ll + 1;
    return TC_OK;
}

static tc_status check_utf8(const char *name, const char *data, size_t len, char *err)
{
    size_t bad = 0;
    if (!tc_utf8_valid(data, len, &bad))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: invalid UTF-8 at byte %zu", name,
                       tc_line_of_offset(data, bad), bad);
    return TC_OK;
}

/* True if s[0..n) contains a TAB or CR: 8 bytes at a time. */
static inline bool has_tab_or_cr(const char *s, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = tc_load_u64(s + i);
        uint64_t t = v ^ (ones * '\t'), r = v ^ (ones * '\r');
        if ((((t - ones) & ~t) | ((r - ones) & ~r)) & highs)
            return true;
    }
    for (; i < n; i++)
        if (s[i] == '\t' || s[i] == '\r')
            return true;
    return false;
}

/* Checks a term/word field: non-empty, no TAB or CR (LF ends the line). */
static tc_status check_term(const char *name, size_t line, const char *s, size_t n,
                            const char *what, char *err)
{
    if (n == 0)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: empty %s", name, line, what);
    /* one pass over the (short) term in the common case; memchr calls only to explain */
    if (!has_tab_or_cr(s, n))
        return TC_OK;
    if (memchr(s, '\t', n) != NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: extra column (TAB inside the %s)", name, line,
                       what);
    if (memchr(s, '\r', n) != NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: carriage return in the %s (line ends must be \\n)",
                       name, line, what);
    return TC_OK;
}

static tc_status add_unique(tc_termtab *t, const char *name, size_t line, size_t first_line,
                            const char *s, size_t n, const char *what, char *err)
{
    uint32_t prev = 0;
    tc_status st = tc_termtab_add(t, s, n, &prev);
    if (st == TC_EFORMAT)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate %s \"%.*s\" (first at line %zu)", name,
                       line, what, (int)(n > 80 ? 80 : n), s, (size_t)prev + first_line);
    if (st != TC_OK)
        return tc_fail(err, st, "%s:%zu: out of memory", name, line);
    return TC_OK;
}

/* idf values repeat a lot (one value per distinct document frequency), so a small
 * direct-mapped cache of recently parsed spellings skips most of the parsing. */
#define IDF_CACHE 1024u
#define IDF_KEY 24u
typedef struct idf_cache_entry {
    uint8_t len;  /* 0 = empty */
    char key[IDF_KEY];
    double value;
} idf_cache_entry;

static bool parse_idf(idf_cache_entry *cache, const char *s, size_t n, double *out)
{
    if (n == 0 || n > IDF_KEY)
        return tc_parse_double(s, n, out);
    /* first and last bytes (fixed-size overlapping loads) and the length pick the entry */
    uint64_t a, b;
    if (n >= 8) {
        a = tc_load_u64(s);
        b = tc_load_u64(s + n - 8);
    } else if (n >= 4) {
        a = tc_load_u32(s);
        b = tc_load_u32(s + n - 4);
    } else {
        a = (uint8_t)s[0];
        b = (uint64_t)(uint8_t)s[n / 2] << 8 | (uint8_t)s[n - 1];
    }
    uint64_t h = (a * UINT64_C(0x9e3779b97f4a7c15)) ^ (b * UINT64_C(0xc2b2ae3d27d4eb4f)) ^ n;
    h ^= h >> 29;
    idf_cache_entry *e = &cache[(h * UINT64_C(0xff51afd7ed558ccd) >> 40) & (IDF_CACHE - 1)];
    if (e->len == n && tc_bytes_equal(e->key, s, n)) {
        *out = e->value;
        return true;
    }
    if (!tc_parse_double(s, n, out))
        return false;
    e->len = (uint8_t)n;
    memcpy(e->key, s, n);
    e->value = *out;
    return true;
}

/* Number of ' ' bytes in s[0..n): 8 bytes at a time. */
static size_t count_spaces(const char *s, size_t n)
{
    const uint64_t lo7 = UINT64_C(0x7f7f7f7f7f7f7f7f), sp = UINT64_C(0x2020202020202020);
    size_t c = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = tc_load_u64(s + i) ^ sp;
        /* high bit of each byte set iff that byte of v is zero, exactly */
        uint64_t z = ~(((v & lo7) + lo7) | v | lo7);
        c += (size_t)(((z >> 7) * UINT64_C(0x0101010101010101)) >> 56);  /* bytes set */
    }
    for (; i < n; i++)
        c += s[i] == ' ';
    return c;
}

typedef struct term_line {
    const char *s;
    uint32_t len;
    uint32_t parts;  /* capped at TC_NGRAM_LIMIT + 1 */
} term_line;

/* Term t is at columns col_a and col_b (either order: frequent terms are indexed first,
 * so the copy found already indexed may be the later one); the later line is reported
 * as the duplicate. */
static tc_status dup_error(const char *name, const term_line *t, size_t col_a, size_t col_b,
                           char *err)
{
    size_t later = col_a > col_b ? col_a : col_b, first = col_a + col_b - later;
    return tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate term \"%.*s\" (first at line %zu)", name,
                   later + 2, (int)(t->len > 80 ? 80 : t->len), t->s, first + 2);
}

/* Adds term `col` (2..TC_NGRAM_LIMIT parts) to the index; its shorter prefixes that
 * are terms are already in (terms go in by increasing length). */
static tc_status index_ngram(tc_vectorizer *v, const char *name, const term_line *t, uint32_t col,
                             uint32_t tn, uint32_t *next_id, char *err)
{
    const char *s = t->s, *end = t->s + t->len;
    uint32_t node = NODE_NONE;
    uint64_t first_hash = 0, level2_hash = 0;
    for (unsigned k = 0; k < t->parts; k++) {
        const char *sp = memchr(s, ' ', (size_t)(end - s));
        const char *pe = sp != NULL ? sp : end;
        size_t wl = (size_t)(pe - s);
        uint64_t enc = word_enc(s, wl), h = word_hash(s, wl, enc);
        if (k == 0) {
            first_hash = h;
        } else if (k == 1) {
            /* the term's first two words are a level-2 edge: in the filter */
            level2_hash = pair_hash(first_hash, h);
            filter_add(v, level2_hash);
        }
        bool ins;
        uint32_t *wn = word_upsert_hashed(&v->words, s, wl, enc, h, *next_id, &ins);
        if (wn == NULL)
            return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        if (ins)
            ++*next_id;
        if (k == 0) {
            node = *wn;
        } else {
            uint64_t key = edge_key(node, *wn);
            uint32_t bk = k == 1 ? edge_bucket_of_hash(level2_hash, v->n_buckets)
                                 : edge_bucket_of(key, v->n_buckets);
            uint32_t child = edge_find(v->edges, v->n_buckets, key, bk);
            if (k + 1 == t->parts) {
                /* a node of this length exists only if an equal term came first */
                if (child != NODE_NONE)
                    return dup_error(name, t, col, child >> v->class_bits, err);
                edge_insert(v->edges, v->n_buckets, bk, key, tn);
            } else {
                if (child == NODE_NONE) {
                    child = (*next_id)++;
                    edge_insert(v->edges, v->n_buckets, bk, key, child);
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
static tc_status index_bigrams(tc_vectorizer *v, const char *name, const term_line *terms,
                               const uint32_t *cls, const uint32_t *order, size_t n2,
                               uint32_t *next_id, char *err)
{
    uint64_t key[BUILD_BATCH];
    uint32_t bk[BUILD_BATCH];
    for (size_t base = 0; base < n2; base += BUILD_BATCH) {
        size_t m = n2 - base < BUILD_BATCH ? n2 - base : BUILD_BATCH;
        for (size_t i = 0; i < m; i++) {
            const term_line *t = &terms[order[base + i]];
            const char *sp = memchr(t->s, ' ', t->len);  /* present: 2 parts */
            size_t l0 = (size_t)(sp - t->s);
            uint32_t w[2];
            const char *part[2] = {t->s, sp + 1};
            size_t plen[2] = {l0, t->len - l0 - 1};
            uint64_t ph[2];
            for (unsigned k = 0; k < 2; k++) {
                bool ins;
                uint64_t enc = word_enc(part[k], plen[k]);
                ph[k] = word_hash(part[k], plen[k], enc);
                uint32_t *wn = word_upsert_hashed(&v->words, part[k], plen[k], enc, ph[k],
                                                  *next_id, &ins);
                if (wn == NULL)
                    return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
                if (ins)
                    ++*next_id;
                w[k] = *wn;
            }
            uint64_t l2 = pair_hash(ph[0], ph[1]);
            filter_add(v, l2);
            key[i] = edge_key(w[0], w[1]);
            bk[i] = edge_bucket_of_hash(l2, v->n_buckets);
            __builtin_prefetch(&v->edges[bk[i]], 1);
        }
        for (size_t i = 0; i < m; i++) {
            uint32_t col = order[base + i];
            uint32_t child = edge_find(v->edges, v->n_buckets, key[i], bk[i]);
            if (child != NODE_NONE)
                return dup_error(name, &terms[col], col, child >> v->class_bits, err);
            edge_insert(v->edges, v->n_buckets, bk[i], key[i], col << v->class_bits | cls[col]);
        }
    }
    return TC_OK;
}

#define UPSERT_AHEAD 16u

typedef struct idf_class {
    double idf;
    uint32_t cls;
} idf_class;

static int cmp_idf_class(const void *a, const void *b)
{
    const idf_class *x = a, *y = b;
    if (x->idf != y->idf)
        return x->idf < y->idf ? -1 : 1;
    return (x->cls > y->cls) - (x->cls < y->cls);
}

/* The ranks of the idf classes (cls[j] for the n columns j) by ascending idf value,
 * ties by class: *rank (caller frees) has one entry per class, *n_cls of them. With no
 * classes (class_bits 0, every cls[j] 0) there is one class, ranked 0. The two orders
 * below (index_words, frequent_first) are counting sorts on these ranks. */
static bool rank_idf_classes(const tc_vectorizer *v, const uint32_t *cls, size_t n,
                             uint32_t **rank, size_t *n_cls)
{
    size_t nc = 1;
    for (size_t j = 0; j < n; j++)
        if (cls[j] + (size_t)1 > nc)
            nc = cls[j] + (size_t)1;
    uint32_t *r = calloc(nc, sizeof *r);
    idf_class *by_idf = v->class_bits != 0 ? malloc(nc * sizeof *by_idf) : NULL;
    if (r == NULL || (v->class_bits != 0 && by_idf == NULL)) {
        free(r);
        free(by_idf);
        return false;
    }
    if (v->class_bits != 0) {
        for (size_t c = 0; c < nc; c++)
            by_idf[c] = (idf_class){v->classes[c], (uint32_t)c};
        qsort(by_idf, nc, sizeof *by_idf, cmp_idf_class);
        for (size_t k = 0; k < nc; k++)
            r[by_idf[k].cls] = (uint32_t)k;
    }
    free(by_idf);
    *rank = r;
    *n_cls = nc;
    return true;
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

/* Inserts the one-word terms cols[0..n) (ascending columns) into the word table, most
 * frequent (lowest idf) first, ties by column. Inserted in that order, the words a
 * document is mostly made of sit in their home slots (a word that goes into a nearly
 * empty table is never displaced), so their lookups take one probe and no mispredicted
 * branch. One pass in file order reads each term's bytes, hashes them and places the
 * term's record by a counting sort on the rank of its idf class; the inserts then run
 * over the records in order. Without idf classes (one rank) the order is the file's. */
static tc_status index_words(tc_vectorizer *v, const char *name, const term_line *terms,
                             const uint32_t *cls, const uint32_t *rank, size_t n_cls,
                             const uint32_t *cols, size_t n, char *err)
{
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
        const term_line *t = &terms[cols[i]];
        word_rec *w = &rec[start[rank[cls[cols[i]]]]++];
        w->enc = word_enc(t->s, t->len);
        w->hash = word_hash(t->s, t->len, w->enc);
        w->s = t->s;
        w->len = t->len;
        w->col = cols[i];
    }
    for (size_t i = 0; i < n; i++) {
        /* the slot of a word a few on (and the bytes of a long one) are fetched while
         * this one goes in */
        if (i + UPSERT_AHEAD < n) {
            const word_rec *a = &rec[i + UPSERT_AHEAD];
            __builtin_prefetch(&v->words.slots[a->hash & v->words.mask], 1);
            if (a->len > 8)
                __builtin_prefetch(a->s + 8);
        }
        const word_rec *w = &rec[i];
        bool ins;
        uint32_t *wn = word_upsert_hashed(&v->words, w->s, w->len, w->enc, w->hash,
                                          w->col << v->class_bits | cls[w->col], &ins);
        if (wn == NULL) {
            st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
            goto out;
        }
        if (!ins) {
            st = dup_error(name, &terms[w->col], w->col, *wn >> v->class_bits, err);
            goto out;
        }
    }
out:
    tc_free_transient(rec);
    free(start);
    return st;
}

/* Filter bits per level-2 edge: at 8 (one hash), about a tenth of the bigrams that
 * are not terms still pass. */
#define FILTER_BITS_PER_BIGRAM 8u

/* Builds the word and edge tables and the bigram filter from the parsed lines (see the
 * top of the file). */
static tc_status build_index(tc_vectorizer *v, const char *name, const term_line *terms, size_t n,
                             const uint32_t *cls, char *err)
{
    size_t by_parts[TC_NGRAM_LIMIT + 3] = {0};
    uint64_t edges = 0, parts = 0;
    for (size_t i = 0; i < n; i++) {
        by_parts[terms[i].parts + 1]++;
        parts += terms[i].parts;
        if (terms[i].parts <= TC_NGRAM_LIMIT)
            edges += terms[i].parts - 1;
    }
    if (n >= TERM_LIMIT || parts >= NODE_LIMIT - TERM_LIMIT)
        return tc_fail(err, TC_ENOMEM, "%s: too many terms (%zu)", name, n);
    for (size_t k = 1; k < TC_NGRAM_LIMIT + 3; k++)
        by_parts[k] += by_parts[k - 1];
    /* by_parts[p] = first position of p-part terms in order[] (stable by column) */
    size_t first_long = by_parts[TC_NGRAM_LIMIT + 1];  /* long terms sort last */
    uint32_t *order = tc_alloc_transient((n ? n : 1) * sizeof *order);
    uint32_t *rank = NULL;  /* of the idf classes: rank_idf_classes */
    size_t n_cls = 0;
    tc_termtab *long_terms = NULL;
    tc_status st = TC_OK;
    /* at most half the slots used: at 70%, a fifth of the buckets had overflowed, and a
     * lookup that goes on to the next bucket waits for a line nobody prefetched */
    v->n_buckets = (size_t)(edges * 2 / 5) + 1;
    v->edges = tc_alloc_big(v->n_buckets * sizeof *v->edges);
    /* terms of 2..TC_NGRAM_LIMIT words: their first two words are level-2 edges */
    size_t ones = by_parts[2] - by_parts[1], twos = by_parts[TC_NGRAM_LIMIT + 1] - by_parts[2];
    size_t filter_words = 1;
    while (filter_words * 64 < twos * FILTER_BITS_PER_BIGRAM)
        filter_words *= 2;
    if (twos > 0 && (v->bigram_filter = tc_alloc_big(filter_words * sizeof(uint64_t))) != NULL) {
        memset(v->bigram_filter, 0, filter_words * sizeof(uint64_t));
        v->filter_mask = filter_words - 1;
    }
    if (order == NULL || v->edges == NULL || !word_table_init(&v->words, ones) ||
        (twos > 0 && v->bigram_filter == NULL)) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    for (size_t b = 0; b < v->n_buckets; b++) {
        for (unsigned k = 0; k < EDGE_SLOTS; k++) {
            v->edges[b].key[k] = EDGE_EMPTY;
            v->edges[b].child[k] = NODE_NONE;
        }
        v->edges[b].used = 0;
        v->edges[b].overflow = 0;
        v->edges[b].pad[0] = v->edges[b].pad[1] = 0;
    }
    size_t first_one = by_parts[1];  /* 0: every term has a part */
    for (size_t i = 0; i < n; i++)
        order[by_parts[terms[i].parts]++] = (uint32_t)i;
    if (!rank_idf_classes(v, cls, n, &rank, &n_cls)) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    if ((st = index_words(v, name, terms, cls, rank, n_cls, order + first_one, ones, err)) !=
        TC_OK)
        goto out;
    uint32_t next_id = TERM_LIMIT;
    for (size_t r = first_one + ones; r < n; r++) {
        if (r == by_parts[1] && by_parts[2] > r) {
            /* by_parts[p] now ends the p-part terms */
            if (!frequent_first(cls, rank, n_cls, order + r, by_parts[2] - r)) {
                st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
                goto out;
            }
            if ((st = index_bigrams(v, name, terms, cls, order + r, by_parts[2] - r, &next_id,
                                    err)) != TC_OK)
                goto out;
            r = by_parts[2] - 1;
            continue;
        }
        uint32_t col = order[r];
        const term_line *t = &terms[col];
        uint32_t tn = col << v->class_bits | cls[col];
        if (t->parts <= TC_NGRAM_LIMIT) {
            if ((st = index_ngram(v, name, t, col, tn, &next_id, err)) != TC_OK)
                goto out;
        } else {
            /* unreachable by any n-gram range: only checked for duplicates */
            if (long_terms == NULL && (long_terms = tc_termtab_new(n - r)) == NULL) {
                st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
                goto out;
            }
            uint32_t prev = 0;
            st = tc_termtab_add(long_terms, t->s, t->len, &prev);
            if (st == TC_EFORMAT) {
                /* long_terms holds them in order[] order from first_long on */
                st = dup_error(name, t, col, order[first_long + prev], err);
                goto out;
            }
            if (st != TC_OK) {
                st = tc_fail(err, st, "%s: out of memory", name);
                goto out;
            }
        }
    }
out:
    tc_free_transient(order);
    free(rank);
    tc_termtab_free(&long_terms);
    return st;
}

/* Bits needed for the values 0..n-1 (0 for n <= 1). */
static unsigned bits_for(size_t n)
{
    unsigned b = 0;
    while (b < 64 && ((size_t)1 << b) < n)
        b++;
    return b;
}

/* cls[j] = index of idf[j] among the distinct idf values (by bits), and class_bits,
 * class_mask, classes, idf_tab as described in struct tc_vectorizer. */
static tc_status idf_classes(tc_vectorizer *v, uint32_t *cls, const char *name, char *err)
{
    size_t n = v->n_features, cap = 1024, nc = 0;
    unsigned col_bits = bits_for(n);
    uint64_t *keys = NULL;
    uint32_t *ids = NULL;
    tc_status st = TC_OK;
    bool fits = true;
    for (size_t i = 0; i < n; i++) {
        if ((nc + 1) * 2 > cap || keys == NULL) {
            if (col_bits + bits_for(nc + 1) > 31) {
                fits = false;  /* more classes than bits: class = column */
                break;
            }
            /* (re)start with a value -> class table twice as large */
            if (keys != NULL)
                cap *= 2;
            free(keys);
            free(ids);
            keys = malloc(cap * sizeof *keys);
            ids = malloc(cap * sizeof *ids);
            if (keys == NULL || ids == NULL) {
                st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
                goto out;
            }
            memset(ids, 0xff, cap * sizeof *ids);
            nc = 0;
            i = 0;
        }
        uint64_t b;
        memcpy(&b, &v->idf[i], 8);
        uint64_t h = b * K2;
        size_t p = (size_t)(h ^ (h >> 29)) & (cap - 1);
        while (ids[p] != UINT32_MAX && keys[p] != b)
            p = (p + 1) & (cap - 1);
        if (ids[p] == UINT32_MAX) {
            keys[p] = b;
            ids[p] = (uint32_t)nc++;
        }
        cls[i] = ids[p];
    }
    unsigned cb = bits_for(nc);
    if (!fits || nc < 2 || col_bits + cb > 31) {
        v->class_bits = 0;
        v->key_bits = col_bits;
        v->class_mask = UINT32_MAX;
        v->idf_tab = v->idf;
        memset(cls, 0, n * sizeof *cls);
        goto out;
    }
    v->classes = malloc(nc * sizeof *v->classes);
    if (v->classes == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        v->classes[cls[i]] = v->idf[i];
    v->class_bits = cb;
    v->key_bits = col_bits + cb;
    v->class_mask = ((uint32_t)1 << cb) - 1;
    v->idf_tab = v->classes;
out:
    free(keys);
    free(ids);
    return st;
}

/* Fills sort_map (struct tc_vectorizer). Buckets of equal width in column order
 * would put the frequent words that sit close together alphabetically (the, their,
 * them, then, there, these, they) into one bucket, and each document's many copies of
 * them through the insertion sort. So a range of nodes gets bucket numbers in
 * proportion to how often its terms occur: a term's weight is its document frequency,
 * up to a constant factor exp(-idf) (exactly so for sklearn's smooth and plain idf,
 * and a constant without idf). The map only needs to ascend: any weights are correct. */
static bool build_sort_map(tc_vectorizer *v, const uint32_t *cls)
{
    const size_t n = v->n_features;
    const unsigned bits = v->key_bits < SORT_MAP_BITS ? v->key_bits : SORT_MAP_BITS;
    const size_t nf = (size_t)1 << bits;
    v->sort_shift = v->key_bits - bits;
    v->sort_bits = bits < SORT_BUCKET_BITS ? bits : SORT_BUCKET_BITS;
    const double nb = (double)((size_t)1 << v->sort_bits);
    double *mass = calloc(nf, sizeof *mass);
    if (mass == NULL)
        return false;
    double total = 0.0;
    for (size_t j = 0; j < n; j++) {
        uint32_t node = (uint32_t)j << v->class_bits | cls[j];
        double w = exp(-v->idf[j]);
        mass[node >> v->sort_shift] += w;
        total += w;
    }
    double before = 0.0;
    for (size_t f = 0; f < nf; f++) {
        double at = total > 0.0 ? before / total * nb : 0.0;
        v->sort_map[f] = (uint16_t)(at < nb - 1.0 ? at : nb - 1.0);
        before += mass[f];
    }
    free(mass);
    return true;
}

/* Parses the lines (checks in file order), then indexes the terms. */
static tc_status load_vocab(tc_vectorizer *v, const char *name, const char *data, size_t len,
                            char *err)
{
    size_t n = 0, pos = 0;
    tc_status st = parse_header(name, data, len, "textclf-vocab", &n, &pos, err);
    if (st != TC_OK)
        return st;
    if ((st = check_utf8(name, data, len, err)) != TC_OK)
        return st;
    v->idf = malloc((n ? n : 1) * sizeof *v->idf);
    term_line *terms = tc_alloc_transient((n ? n : 1) * sizeof *terms);
    idf_cache_entry *cache = calloc(IDF_CACHE, sizeof *cache);
    uint32_t *cls = NULL;
    if (v->idf == NULL || terms == NULL || cache == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    size_t i = 0;
    for (; pos < len; i++) {
        size_t line = i + 2;
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', len - pos);
        if (nl == NULL) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: truncated (last line has no newline)", name,
                         line);
            goto out;
        }
        if (i >= n) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: more terms than the header's count %zu", name,
                         line, n);
            goto out;
        }
        size_t ll = (size_t)(nl - s);
        const char *tab = memchr(s, '\t', ll);
        if (tab == NULL) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: expected <idf><TAB><term>", name, line);
            goto out;
        }
        double idf;
        if (!parse_idf(cache, s, (size_t)(tab - s), &idf)) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: bad idf \"%.*s\"", name, line,
                         (int)(tab - s > 40 ? 40 : tab - s), s);
            goto out;
        }
        if (!(idf > 0.0)) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: idf must be > 0, got %.17g", name, line, idf);
            goto out;
        }
        const char *term = tab + 1;
        size_t tl = (size_t)(nl - term);
        if ((st = check_term(name, line, term, tl, "term", err)) != TC_OK)
            goto out;
        size_t sp = count_spaces(term, tl);
        terms[i].s = term;
        terms[i].len = (uint32_t)tl;  /* < VOCAB_MAX_BYTES */
        terms[i].parts = (uint32_t)(sp < TC_NGRAM_LIMIT ? sp + 1 : TC_NGRAM_LIMIT + 1);
        v->idf[i] = idf;
        pos += ll + 1;
    }
    if (i != n) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: truncated: header says %zu terms, file has %zu",
                     name, i + 2, n, i);
        goto out;
    }
    v->n_features = n;
    cls = tc_alloc_transient((n ? n : 1) * sizeof *cls);
    if (cls == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    if ((st = idf_classes(v, cls, name, err)) != TC_OK)
        goto out;
    if (!build_sort_map(v, cls)) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        goto out;
    }
    st = build_index(v, name, terms, n, cls, err);
out:
    tc_free_transient(cls);
    tc_free_transient(terms);
    free(cache);
    return st;
}

/* Stop words become words of the index with NODE_STOP (a stop word that is also a
 * vocabulary word never reaches the vocabulary: sklearn drops it first). */
static tc_status index_stopwords(tc_vectorizer *v, const char *name, char *err)
{
    for (size_t i = 0; i < tc_termtab_size(v->stop); i++) {
        size_t len;
        const char *s = tc_termtab_term(v->stop, i, &len);
        bool ins;
        uint32_t *wn = word_upsert(&v->words, s, len, NODE_STOP, &ins);
        if (wn == NULL)
            return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
        *wn = NODE_STOP;
    }
    return TC_OK;
}

static tc_status load_stopwords(tc_vectorizer *v, const char *name, const char *data,
                                size_t len, char *err)
{
    size_t n = 0, pos = 0;
    tc_status st = parse_header(name, data, len, "textclf-stopwords", &n, &pos, err);
    if (st != TC_OK)
        return st;
    if ((st = check_utf8(name, data, len, err)) != TC_OK)
        return st;
    v->stop = tc_termtab_new(n);
    if (v->stop == NULL)
        return tc_fail(err, TC_ENOMEM, "%s: out of memory", name);
    size_t i = 0;
    for (; pos < len; i++) {
        size_t line = i + 2;
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', len - pos);
        if (nl == NULL)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: truncated (last line has no newline)", name,
                           line);
        if (i >= n)
            return tc_fail(err, TC_EFORMAT, "%s:%zu: more words than the header's count %zu", name,
                           line, n);
        size_t ll = (size_t)(nl - s);
        if ((st = check_term(name, line, s, ll, "word", err)) != TC_OK)
            return st;
        if ((st = add_unique(v->stop, name, line, 2, s, ll, "stop word", err)) != TC_OK)
            return st;
        pos += ll + 1;
    }
    if (i != n)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: truncated: header says %zu words, file has %zu",
                       name, i + 2, n, i);
    return TC_OK;
}

static tc_status check_config(const tc_vectorizer_config *cfg, char *err)
{
    if (cfg->ngram_min < 1 || cfg->ngram_min > cfg->ngram_max || cfg->ngram_max > TC_NGRAM_LIMIT)
        return tc_fail(err, TC_EFORMAT, "ngram_range [%u, %u] outside 1 <= min <= max <= 8",
                       cfg->ngram_min, cfg->ngram_max);
    if (cfg->norm != TC_NORM_NONE && cfg->norm != TC_NORM_L1 && cfg->norm != TC_NORM_L2)
        return tc_fail(err, TC_EFORMAT, "unknown norm %d", (int)cfg->norm);
    return TC_OK;
}

tc_status tc_vectorizer_load_mem(const tc_vectorizer_config *cfg, const char *vocab_name,
                                 const char *vocab, size_t vocab_len, const char *stop_name,
                                 const char *stop, size_t stop_len, tc_vectorizer **out,
                                 char *err)
{
    tc_status st = check_config(cfg, err);
    if (st != TC_OK)
        return st;
    tc_vectorizer *v = calloc(1, sizeof *v);
    if (v == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    v->cfg = *cfg;
    v->divide = divide_sse2;
#if TC_HAVE_AVX_CLONE
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx"))
        v->divide = divide_avx;
#endif
    for (unsigned c = 1; c < 64; c++) {
        double x = log((double)c);
        x += 1.0;
        v->log1p_tab[c] = x;
    }
    if ((st = load_vocab(v, vocab_name, vocab, vocab_len, err)) != TC_OK)
        goto fail;
    if (stop != NULL) {
        const char *sn = stop_name ? stop_name : "stopwords";
        if ((st = load_stopwords(v, sn, stop, stop_len, err)) != TC_OK ||
            (st = index_stopwords(v, sn, err)) != TC_OK)
            goto fail;
    }
    *out = v;
    return TC_OK;
fail:
    tc_vectorizer_free(&v);
    return st;
}

tc_status tc_vectorizer_load(const tc_vectorizer_config *cfg, const char *vocab_path,
                             const char *stopwords_path, tc_vectorizer **out, char *err)
{
    char *vocab = NULL, *stop = NULL;
    size_t vlen = 0, slen = 0;
    tc_status st = tc_read_file(vocab_path, VOCAB_MAX_BYTES, &vocab, &vlen, err);
    if (st == TC_OK && stopwords_path != NULL)
        st = tc_read_file(stopwords_path, VOCAB_MAX_BYTES, &stop, &slen, err);
    if (st == TC_OK)
        st = tc_vectorizer_load_mem(cfg, vocab_path, vocab, vlen, stopwords_path, stop, slen, out,
                                    err);
    tc_file_free(vocab);
    tc_file_free(stop);
    return st;
}

void tc_vectorizer_free(tc_vectorizer **v)
{
    if (v == NULL || *v == NULL)
        return;
    tc_termtab_free(&(*v)->stop);
    word_table_free(&(*v)->words);
    free((*v)->edges);
    free((*v)->bigram_filter);
    free((*v)->idf);
    free((*v)->classes);
    free(*v);
    *v = NULL;
}

size_t tc_vectorizer_n_features(const tc_vectorizer *v) { return v->n_features; }

const tc_vectorizer_config *tc_vectorizer_config_of(const tc_vectorizer *v) { return &v->cfg; }

/* ---- transform ---------------------------------------------------------------------- */

tc_vectorizer_scratch *tc_vectorizer_scratch_new(void)
{
    tc_vectorizer_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->tok = tc_tokenizer_scratch_new();
    if (s->tok == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void tc_vectorizer_scratch_free(tc_vectorizer_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    tc_vectorizer_scratch *x = *s;
    tc_tokenizer_scratch_free(&x->tok);
    free(x->wh);
    free(x->node);
    free(x->cur);
    free(x->keys);
    free(x->pos);
    free(x->bidx);
    free(x->child);
    free(x->hits);
    free(x->tmp);
    free(x->bk);
    free(x->counts);
    free(x->cols);
    free(x->vals);
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
static bool ensure_tokens(tc_vectorizer_scratch *s, size_t nt)
{
    if (nt <= s->tok_cap)
        return true;
    size_t c = s->tok_cap ? s->tok_cap : 256;
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
    s->tok_cap = c;
    return true;
}

static bool ensure_cols(tc_vectorizer_scratch *s, size_t need)
{
    if (need <= s->cols_cap)
        return true;
    size_t c = s->cols_cap ? s->cols_cap : 256;
    while (c < need)
        c *= 2;
    if (!grow_array((void **)&s->hits, c, sizeof *s->hits) ||
        !grow_array((void **)&s->tmp, c, sizeof *s->tmp) ||
        !grow_array((void **)&s->bk, c, sizeof *s->bk) ||
        !grow_array((void **)&s->cols, c, sizeof *s->cols) ||
        !grow_array((void **)&s->counts, c, sizeof *s->counts) ||
        !grow_array((void **)&s->vals, c, sizeof *s->vals))
        return false;
    s->cols_cap = c;
    return true;
}

#define WORD_AHEAD 8u
#define EDGE_AHEAD 32u

/* node[] = the word nodes of the document's tokens, stop words dropped; returns how
 * many. Hashes first, then probes with slots prefetched a few tokens ahead. */
static size_t lookup_words(const tc_vectorizer *v, tc_vectorizer_scratch *s, const char *txt,
                           const tc_token *toks, size_t nt, size_t *m2)
{
    const word_table *w = &v->words;
    const edge_bucket *e = v->edges;
    const size_t nb = v->n_buckets;
    const uint64_t *filter = v->bigram_filter, fmask = v->filter_mask;
    const bool bigrams = v->cfg.ngram_max >= 2 && filter != NULL;
    size_t m = 0;
    uint64_t *wh = s->wh, *keys = s->keys;
    uint32_t *node = s->node, *bidx = s->bidx, *pos = s->pos;
    for (size_t i = 0; i < nt; i++) {
        const char *p = txt + toks[i].off;
        wh[i] = word_hash(p, toks[i].len, token_enc(p, toks[i].len));
        /* the filter word of the bigram ending here (stop words aside) */
        if (bigrams && i > 0)
            __builtin_prefetch(filter_word(filter, fmask, pair_hash(wh[i - 1], wh[i])));
    }
    for (size_t i = 0; i < nt && i < WORD_AHEAD; i++)
        word_find_prefetch(w, wh[i], toks[i].len);
    size_t k = 0;
    uint64_t prev_hash = 0;  /* of the last kept token */
    for (size_t i = 0; i < nt; i++) {
        if (i + WORD_AHEAD < nt)
            word_find_prefetch(w, wh[i + WORD_AHEAD], toks[i + WORD_AHEAD].len);
        const char *p = txt + toks[i].off;
        uint32_t u = word_find(w, p, toks[i].len, token_enc(p, toks[i].len), wh[i]);
        if (u == NODE_STOP)
            continue;
        node[k] = u;
        /* the bigram ending here: unless the filter rules it out, its edge bucket
         * is fetched while words go on (without a branch: the filter's answer is
         * unpredictable; a ruled-out key is written and then overwritten) */
        if (bigrams && k > 0 && u != NODE_NONE && node[k - 1] != NODE_NONE) {
            uint64_t key = edge_key(node[k - 1], u);
            uint64_t l2 = pair_hash(prev_hash, wh[i]);
            uint32_t b = edge_bucket_of_hash(l2, nb);
            unsigned pass = filter_has(filter, fmask, l2);
            __builtin_prefetch(pass ? (const void *)&e[b] : (const void *)filter);
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
static void lookup_edges(const tc_vectorizer *v, tc_vectorizer_scratch *s, size_t m, bool ready)
{
    const edge_bucket *e = v->edges;
    const size_t nb = v->n_buckets;
    const uint64_t *keys = s->keys;
    uint32_t *bidx = s->bidx, *child = s->child;
    if (ready) {
        for (size_t t = 0; t < m; t++) {
            if (t + 8 < m)
                __builtin_prefetch(&e[bidx[t + 8]]);
            child[t] = edge_find(e, nb, keys[t], bidx[t]);
        }
        return;
    }
    for (size_t t = 0; t < m; t++) {
        bidx[t] = edge_bucket_of(keys[t], nb);
        if (t < EDGE_AHEAD)
            __builtin_prefetch(&e[bidx[t]]);
    }
    for (size_t t = 0; t < m; t++) {
        if (t + EDGE_AHEAD < m)
            __builtin_prefetch(&e[bidx[t + EDGE_AHEAD]]);
        child[t] = edge_find(e, nb, keys[t], bidx[t]);
    }
}

/* hits[] = the columns of every in-vocabulary n-gram (min_n..max_n) of the k kept
 * tokens in node[], in no particular order; returns how many. The m2 bigram keys are
 * in keys[]/bidx[]/pos[] already (lookup_words). */
static size_t find_ngrams(const tc_vectorizer *v, tc_vectorizer_scratch *s, size_t k, size_t m2)
{
    uint32_t *hits = s->hits;
    size_t nh = 0;
    const unsigned nmin = v->cfg.ngram_min, nmax = v->cfg.ngram_max;
    const uint32_t *node = s->node;
    if (nmin == 1)
        for (size_t i = 0; i < k; i++) {
            hits[nh] = node[i];
            nh += node[i] < TERM_LIMIT;
        }
    /* level n: the n-gram starting at i = edge(prefix node of its first n-1 words,
     * node of its last word); cur[i] holds the prefix nodes (level 1: node[] itself) */
    const uint32_t *cur = node;
    for (unsigned n = 2; n <= nmax && n <= k; n++) {
        size_t m = n == 2 ? m2 : 0;
        for (size_t i = 0; n > 2 && i + n <= k; i++) {
            uint32_t p = cur[i], w = node[i + n - 1];
            if (p != NODE_NONE && w != NODE_NONE) {
                s->keys[m] = edge_key(p, w);
                s->pos[m++] = (uint32_t)i;
            }
        }
        if (m == 0)
            break;
        lookup_edges(v, s, m, n == 2);
        const uint32_t *child = s->child;
        if (n >= nmin)
            for (size_t t = 0; t < m; t++) {
                hits[nh] = child[t];
                nh += child[t] < TERM_LIMIT;
            }
        if (n < nmax) {
            uint32_t *next = s->cur;
            for (size_t i = 0; i + n <= k; i++)
                next[i] = NODE_NONE;
            for (size_t t = 0; t < m; t++)
                next[s->pos[t]] = child[t];
            cur = next;
        }
    }
    return nh;
}

/* The largest key so far stays in a register: storing every key back and loading it
 * again as the next one's neighbour chained each step to the one before through a
 * store-to-load forward. */
static void insertion_sort(uint32_t *a, size_t n)
{
    if (n < 2)
        return;
    uint32_t top = a[0];
    for (size_t i = 1; i < n; i++) {
        const uint32_t x = a[i];
        if (x >= top) {
            top = x;
            continue;
        }
        size_t j = i;
        do {
            a[j] = a[j - 1];
            j--;
        } while (j > 0 && a[j - 1] > x);
        a[j] = x;
    }
}

/* c[k] += c[0] + ... + c[k-1] for k < n (n a multiple of 4): running sums, 4 lanes at
 * a time where SSE2 is available (the scalar loop is a chain of dependent adds). */
static void running_sum(uint32_t *c, size_t n)
{
#ifdef __SSE2__
    __m128i carry = _mm_setzero_si128();
    for (size_t k = 0; k < n; k += 4) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(c + k));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
        x = _mm_add_epi32(x, carry);
        _mm_storeu_si128((__m128i *)(void *)(c + k), x);
        carry = _mm_shuffle_epi32(x, 0xff);
    }
#else
    for (size_t k = 1; k < n; k++)
        c[k] += c[k - 1];
#endif
}

/* Ascending sort of the term nodes a[0..n): one counting pass into about 2n buckets
 * (sort_map), then insertion sort, which has little left to do (a bucket holds a
 * key or two; with n buckets, twice as many keys had to move, each move a
 * mispredicted branch or two). The result is in a or tmp: returned. */
static uint32_t *sort_u32(const tc_vectorizer *v, uint32_t *a, uint32_t *tmp, uint16_t *bk,
                          size_t n)
{
    if (n < 32) {
        insertion_sort(a, n);
        return a;
    }
    unsigned b = 6;
    while (b < SORT_BUCKET_BITS && ((size_t)1 << b) < 2 * n)
        b++;
    if (b > v->sort_bits)
        b = v->sort_bits;
    const unsigned shift = v->sort_shift, drop = v->sort_bits - b;
    const uint16_t *map = v->sort_map;
    uint32_t cnt[(1u << SORT_BUCKET_BITS) + 4];
    size_t nb = (size_t)1 << b;
    memset(cnt, 0, (nb + 4) * sizeof cnt[0]);
    for (size_t i = 0; i < n; i++) {
        bk[i] = (uint16_t)(map[a[i] >> shift] >> drop);
        cnt[bk[i] + 1]++;
    }
    running_sum(cnt, (nb + 3) & ~(size_t)3);  /* cnt[k] = first position of bucket k */
    for (size_t i = 0; i < n; i++)
        tmp[cnt[bk[i]]++] = a[i];
    insertion_sort(tmp, n);
    return tmp;
}

/* cols[]/counts[] = the distinct columns of hits[0..nh) ascending, with their
 * multiplicities; returns how many. Branch-free run counting (whether a hit repeats
 * the previous one is as unpredictable as the document): every hit writes its run's
 * slot, so the slot ends up holding the run's last hit and its end position, and no
 * store waits for a load of the one before. */
static size_t count_columns(const tc_vectorizer *v, tc_vectorizer_scratch *s, size_t nh)
{
    if (nh == 0)
        return 0;
    const uint32_t *h = sort_u32(v, s->hits, s->tmp, s->bk, nh);
    uint32_t *cols = s->cols, *ends = s->counts;
    size_t nc = 0;
    for (size_t i = 0; i + 1 < nh; i++) {
        cols[nc] = h[i];
        ends[nc] = (uint32_t)(i + 1);
        nc += h[i] != h[i + 1];
    }
    cols[nc] = h[nh - 1];
    ends[nc] = (uint32_t)nh;
    nc++;
    for (size_t k = nc; k-- > 1;)
        ends[k] -= ends[k - 1];  /* end positions -> counts */
    return nc;
}

/* vals[i] = the weight of column i (tf transform, then * idf), cols[i] = its column,
 * and returns the row's sum of squares (l2), of absolute values (l1) or 0 (none),
 * summed in scikit-learn's storage order (descending columns with idf): computed in
 * the same loop, so the chain of dependent adds runs alongside the values' work. With
 * constant `descending` and `norm`, each call site compiles to its own loop. */
static inline double values_and_norm(const tc_vectorizer *v, tc_vectorizer_scratch *s,
                                     size_t ncols, bool descending, tc_norm norm)
{
    const tc_vectorizer_config *cfg = &v->cfg;
    uint32_t *counts = s->counts, *cols = s->cols;
    double *vals = s->vals;
    double sum = 0.0;
    for (size_t t = 0; t < ncols; t++) {
        const size_t i = descending ? ncols - 1 - t : t;
        uint32_t tn = cols[i], j = tn >> v->class_bits;
        cols[i] = j;
        uint32_t c = cfg->binary ? 1u : counts[i];
        double x;
        if (!cfg->sublinear_tf)
            x = (double)c;
        else if (c < 64)
            x = v->log1p_tab[c];
        else {
            x = log((double)c);
            x += 1.0;
        }
        if (cfg->use_idf)
            x *= v->idf_tab[tn & v->class_mask];
        vals[i] = x;
        if (norm == TC_NORM_L2)
            sum += x * x;
        else if (norm == TC_NORM_L1)
            sum += fabs(x);
    }
    return sum;
}

tc_status tc_vectorizer_transform(const tc_vectorizer *v, tc_vectorizer_scratch *s,
                                  const char *text, size_t len, tc_sparse *out, char *err)
{
    const tc_vectorizer_config *cfg = &v->cfg;
    tc_token_list tl;
    tc_status st = tc_tokenize(&cfg->tokenizer, s->tok, text, len, &tl, err);
    if (st != TC_OK)
        return st;
    size_t nt = tl.count;
    unsigned nmin = cfg->ngram_min, nmax = cfg->ngram_max;
    if (!ensure_tokens(s, nt) || !ensure_cols(s, nt * (nmax - nmin + 1) + 1))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t m2 = 0;
    size_t k = lookup_words(v, s, tl.text, tl.tokens, nt, &m2);
    size_t ncols = count_columns(v, s, find_ngrams(v, s, k, m2));

    double sum;
    if (cfg->norm == TC_NORM_L2)
        sum = cfg->use_idf ? values_and_norm(v, s, ncols, true, TC_NORM_L2)
                           : values_and_norm(v, s, ncols, false, TC_NORM_L2);
    else
        sum = cfg->use_idf ? values_and_norm(v, s, ncols, true, cfg->norm)
                           : values_and_norm(v, s, ncols, false, cfg->norm);
    if (cfg->norm == TC_NORM_L2)
        sum = sqrt(sum);
    if (cfg->norm != TC_NORM_NONE && sum != 0.0)
        v->divide(s->vals, ncols, sum);
    uint32_t *cols = s->cols;
    double *vals = s->vals;
    out->index = cols;
    out->value = vals;
    out->nnz = ncols;
    out->sum_descending = cfg->use_idf;
    return TC_OK;
}
