/*
 * vectorizer.c - vocabulary/stop-word loading and scikit-learn 1.2
 * TfidfVectorizer.transform for one document (see tc_vectorizer.h).
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

#include "tc_numparse.h"
#include "tc_termtab.h"
#include "tc_textfile.h"
#include "tc_utf8.h"

#define VOCAB_MAX_BYTES ((size_t)1 << 31)

struct tc_vectorizer {
    tc_vectorizer_config cfg;
    tc_termtab *vocab;
    double *idf;         /* n_features */
    tc_termtab *stop;    /* NULL: no stop words */
};

struct tc_vectorizer_scratch {
    tc_tokenizer_scratch *tok;
    tc_token *kept;      /* tokens left after stop-word removal */
    size_t kept_cap;
    tc_ngram_key *keys;  /* one block of n-grams to look up */
    tc_term_ref *parts;  /* per kept token: its bytes */
    uint64_t *part_hash; /* per kept token: tc_termtab_hash_part */
    size_t parts_cap;
    uint32_t *counts;    /* dense per-column counts, all zero between calls */
    size_t counts_len;
    uint32_t *cols;      /* columns seen in this document */
    uint32_t *tmp;       /* radix sort buffer */
    double *vals;
    size_t cols_cap;
};

/* n-grams are looked up in blocks with tc_termtab_find_ngrams, which joins their hashes
 * from the tokens' hashes, compares them piecewise (no n-gram string is ever built)
 * and prefetches table slots ahead: a document's lookups are independent, and one
 * cache miss per lookup would otherwise dominate transform time. */
#define KEY_BLOCK 512u

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

static inline uint64_t load_u64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t load_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* a[0..n) == b[0..n) for short n, with overlapping word loads. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8)
            if (load_u64(a + i) != load_u64(b + i))
                return false;
        return load_u64(a + n - 8) == load_u64(b + n - 8);
    }
    if (n >= 4)
        return load_u32(a) == load_u32(b) && load_u32(a + n - 4) == load_u32(b + n - 4);
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* True if s[0..n) contains a TAB or CR: 8 bytes at a time. */
static inline bool has_tab_or_cr(const char *s, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = load_u64(s + i);
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
        a = load_u64(s);
        b = load_u64(s + n - 8);
    } else if (n >= 4) {
        a = load_u32(s);
        b = load_u32(s + n - 4);
    } else {
        a = (uint8_t)s[0];
        b = (uint64_t)(uint8_t)s[n / 2] << 8 | (uint8_t)s[n - 1];
    }
    uint64_t h = (a * UINT64_C(0x9e3779b97f4a7c15)) ^ (b * UINT64_C(0xc2b2ae3d27d4eb4f)) ^ n;
    h ^= h >> 29;
    idf_cache_entry *e = &cache[(h * UINT64_C(0xff51afd7ed558ccd) >> 40) & (IDF_CACHE - 1)];
    if (e->len == n && same_bytes(e->key, s, n)) {
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

#define VOCAB_BATCH 2048u

/* Lines are parsed a batch at a time and the batch's terms go into the table with
 * tc_termtab_add_many, which prefetches slots (one cache miss per term otherwise). */
static tc_status load_vocab(tc_vectorizer *v, const char *name, const char *data, size_t len,
                            char *err)
{
    size_t n = 0, pos = 0;
    tc_status st = parse_header(name, data, len, "textclf-vocab", &n, &pos, err);
    if (st != TC_OK)
        return st;
    if ((st = check_utf8(name, data, len, err)) != TC_OK)
        return st;
    v->vocab = tc_termtab_new(n);
    v->idf = malloc((n ? n : 1) * sizeof *v->idf);
    tc_term_ref *refs = malloc(VOCAB_BATCH * sizeof *refs);
    idf_cache_entry *cache = calloc(IDF_CACHE, sizeof *cache);
    /* the terms' bytes are fewer than the file's */
    if (v->vocab == NULL || v->idf == NULL || refs == NULL || cache == NULL ||
        tc_termtab_reserve(v->vocab, n, len - pos) != TC_OK) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu terms", name, n);
        goto out;
    }
    size_t i = 0;
    while (pos < len) {
        size_t first = i, nb = 0;
        for (; nb < VOCAB_BATCH && pos < len; i++, nb++) {
            size_t line = i + 2;
            const char *s = data + pos;
            const char *nl = memchr(s, '\n', len - pos);
            if (nl == NULL) {
                st = tc_fail(err, TC_EFORMAT, "%s:%zu: truncated (last line has no newline)",
                             name, line);
                goto out;
            }
            if (i >= n) {
                st = tc_fail(err, TC_EFORMAT, "%s:%zu: more terms than the header's count %zu",
                             name, line, n);
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
                st = tc_fail(err, TC_EFORMAT, "%s:%zu: idf must be > 0, got %.17g", name, line,
                             idf);
                goto out;
            }
            const char *term = tab + 1;
            size_t tl = (size_t)(nl - term);
            if ((st = check_term(name, line, term, tl, "term", err)) != TC_OK)
                goto out;
            refs[nb].s = term;
            refs[nb].len = tl;
            v->idf[i] = idf;
            pos += ll + 1;
        }
        size_t dup = 0;
        uint32_t prev = 0;
        st = tc_termtab_add_many(v->vocab, refs, nb, &dup, &prev);
        if (st == TC_EFORMAT) {
            st = tc_fail(err, TC_EFORMAT, "%s:%zu: duplicate term \"%.*s\" (first at line %zu)",
                         name, first + dup + 2, (int)(refs[dup].len > 80 ? 80 : refs[dup].len),
                         refs[dup].s, (size_t)prev + 2);
            goto out;
        }
        if (st != TC_OK) {
            st = tc_fail(err, st, "%s: out of memory", name);
            goto out;
        }
    }
    if (i != n)
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: truncated: header says %zu terms, file has %zu",
                     name, i + 2, n, i);
out:
    free(refs);
    free(cache);
    return st;
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
    if (cfg->ngram_min < 1 || cfg->ngram_min > cfg->ngram_max || cfg->ngram_max > 8)
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
    if ((st = load_vocab(v, vocab_name, vocab, vocab_len, err)) != TC_OK)
        goto fail;
    if (stop != NULL &&
        (st = load_stopwords(v, stop_name ? stop_name : "stopwords", stop, stop_len, err)) != TC_OK)
        goto fail;
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
    free(vocab);
    free(stop);
    return st;
}

void tc_vectorizer_free(tc_vectorizer **v)
{
    if (v == NULL || *v == NULL)
        return;
    tc_termtab_free(&(*v)->vocab);
    tc_termtab_free(&(*v)->stop);
    free((*v)->idf);
    free(*v);
    *v = NULL;
}

size_t tc_vectorizer_n_features(const tc_vectorizer *v) { return tc_termtab_size(v->vocab); }

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
    tc_tokenizer_scratch_free(&(*s)->tok);
    free((*s)->kept);
    free((*s)->keys);
    free((*s)->parts);
    free((*s)->part_hash);
    free((*s)->counts);
    free((*s)->cols);
    free((*s)->tmp);
    free((*s)->vals);
    free(*s);
    *s = NULL;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (q == NULL)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static bool ensure_cols(tc_vectorizer_scratch *s, size_t need)
{
    if (need <= s->cols_cap)
        return true;
    size_t c = s->cols_cap ? s->cols_cap : 256;
    while (c < need)
        c *= 2;
    uint32_t *a = realloc(s->cols, c * sizeof *a);
    if (a != NULL)
        s->cols = a;
    uint32_t *b = realloc(s->tmp, c * sizeof *b);
    if (b != NULL)
        s->tmp = b;
    double *d = realloc(s->vals, c * sizeof *d);
    if (d != NULL)
        s->vals = d;
    if (a == NULL || b == NULL || d == NULL)
        return false;
    s->cols_cap = c;
    return true;
}

/* Ascending sort of a[0..n): insertion sort for short rows, else LSD radix on bytes,
 * skipping bytes in which all keys agree. */
static void sort_u32(uint32_t *a, uint32_t *tmp, size_t n)
{
    if (n < 48) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > x) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    uint32_t or_all = 0, and_all = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        or_all |= a[i];
        and_all &= a[i];
    }
    uint32_t *src = a, *dst = tmp;
    for (unsigned shift = 0; shift < 32; shift += 8) {
        if ((((or_all ^ and_all) >> shift) & 0xffu) == 0)
            continue;
        size_t cnt[256] = {0};
        for (size_t i = 0; i < n; i++)
            cnt[(src[i] >> shift) & 0xffu]++;
        size_t sum = 0;
        for (unsigned b = 0; b < 256; b++) {
            size_t c = cnt[b];
            cnt[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[(src[i] >> shift) & 0xffu]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/* Looks up keys[0..nk) and counts the hits. */
static void probe_block(const tc_vectorizer *v, tc_vectorizer_scratch *s, size_t nk,
                        size_t *ncols)
{
    int64_t found[KEY_BLOCK];
    uint32_t hit[KEY_BLOCK];
    uint32_t *counts = s->counts, *cols = s->cols;
    tc_termtab_find_ngrams(v->vocab, s->parts, s->part_hash, s->keys, nk, found);
    size_t nh = 0;
    for (size_t i = 0; i < nk; i++) {
        if (found[i] >= 0) {
            __builtin_prefetch(&counts[found[i]], 1);
            hit[nh++] = (uint32_t)found[i];
        }
    }
    /* counting in a second pass, so the counters' cache lines are already on their way */
    size_t nc = *ncols;
    for (size_t i = 0; i < nh; i++) {
        uint32_t j = hit[i];
        if (counts[j]++ == 0)
            cols[nc++] = j;
    }
    *ncols = nc;
}

/* Counts every in-vocabulary n-gram of toks[0..nt) (unigrams first, as sklearn
 * builds them; the order does not matter for counts). */
static void count_ngrams(const tc_vectorizer *v, tc_vectorizer_scratch *s, const char *txt,
                         const tc_token *toks, size_t nt, size_t *ncols)
{
    unsigned nmin = v->cfg.ngram_min, nmax = v->cfg.ngram_max;
    tc_term_ref *parts = s->parts;
    for (size_t i = 0; i < nt; i++) {
        parts[i].s = txt + toks[i].off;
        parts[i].len = toks[i].len;
    }
    tc_termtab_hash_parts(parts, nt, s->part_hash);
    size_t nk = 0;
    for (unsigned n = nmin; n <= nmax && n <= nt; n++) {
        for (size_t i = 0; i + n <= nt; i++) {
            s->keys[nk].first = (uint32_t)i;
            s->keys[nk].n = n;
            if (++nk == KEY_BLOCK) {
                probe_block(v, s, nk, ncols);
                nk = 0;
            }
        }
    }
    probe_block(v, s, nk, ncols);
}

tc_status tc_vectorizer_transform(const tc_vectorizer *v, tc_vectorizer_scratch *s,
                                  const char *text, size_t len, tc_sparse *out, char *err)
{
    const tc_vectorizer_config *cfg = &v->cfg;
    size_t nf = tc_termtab_size(v->vocab);
    if (s->counts_len < nf) {
        uint32_t *c = calloc(nf, sizeof *c);
        if (c == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
        free(s->counts);
        s->counts = c;
        s->counts_len = nf;
    }
    if (s->keys == NULL && (s->keys = malloc(KEY_BLOCK * sizeof *s->keys)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_token_list tl;
    tc_status st = tc_tokenize(&cfg->tokenizer, s->tok, text, len, &tl, err);
    if (st != TC_OK)
        return st;

    const tc_token *toks = tl.tokens;
    size_t nt = tl.count;
    if (v->stop != NULL && nt > 0) {
        if (!grow((void **)&s->kept, &s->kept_cap, nt, sizeof *s->kept))
            return tc_fail(err, TC_ENOMEM, "out of memory");
        size_t k = 0;
        for (size_t i = 0; i < nt; i++)
            if (tc_termtab_find(v->stop, tl.text + toks[i].off, toks[i].len) < 0)
                s->kept[k++] = toks[i];
        toks = s->kept;
        nt = k;
    }

    unsigned nmin = cfg->ngram_min, nmax = cfg->ngram_max;
    if (!ensure_cols(s, nt * (nmax - nmin + 1) + 1))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    if (nt > s->parts_cap) {
        size_t cap = s->parts_cap ? s->parts_cap : 256;
        while (cap < nt)
            cap *= 2;
        tc_term_ref *p = realloc(s->parts, cap * sizeof *p);
        if (p != NULL)
            s->parts = p;
        uint64_t *h = realloc(s->part_hash, cap * sizeof *h);
        if (h != NULL)
            s->part_hash = h;
        if (p == NULL || h == NULL)
            return tc_fail(err, TC_ENOMEM, "out of memory");
        s->parts_cap = cap;
    }
    uint32_t *counts = s->counts, *cols = s->cols;
    size_t ncols = 0;
    count_ngrams(v, s, tl.text, toks, nt, &ncols);

    sort_u32(cols, s->tmp, ncols);
    double *vals = s->vals;
    for (size_t i = 0; i < ncols; i++) {
        uint32_t j = cols[i];
        if (i + 8 < ncols)
            __builtin_prefetch(&v->idf[cols[i + 8]]);
        double x = cfg->binary ? 1.0 : (double)counts[j];
        counts[j] = 0;
        if (cfg->sublinear_tf) {
            x = log(x);
            x += 1.0;
        }
        if (cfg->use_idf)
            x *= v->idf[j];
        vals[i] = x;
    }
    if (cfg->norm != TC_NORM_NONE && ncols > 0) {
        double sum = 0.0;
        if (cfg->norm == TC_NORM_L2) {
            if (cfg->use_idf)
                for (size_t i = ncols; i-- > 0;)
                    sum += vals[i] * vals[i];
            else
                for (size_t i = 0; i < ncols; i++)
                    sum += vals[i] * vals[i];
            sum = sqrt(sum);
        } else {
            if (cfg->use_idf)
                for (size_t i = ncols; i-- > 0;)
                    sum += fabs(vals[i]);
            else
                for (size_t i = 0; i < ncols; i++)
                    sum += fabs(vals[i]);
        }
        if (sum != 0.0)
            for (size_t i = 0; i < ncols; i++)
                vals[i] /= sum;
    }
    out->index = cols;
    out->value = vals;
    out->nnz = ncols;
    return TC_OK;
}
