/*
 * hash_vectorizer.c - scikit-learn's HashingVectorizer (+ TfidfTransformer) for one
 * document (tc_hash_vectorizer.h).
 *
 * Float order follows scikit-learn: counts are summed as integers (exact, as float64
 * sums of +-1 are below 2^53), converted once; each normalize() sums in the row's
 * ascending storage order (FeatureHasher sorts the indices), the TfidfTransformer's norm
 * in descending order when idf was applied (scikit-learn 1.2's X @ diag(idf); newer
 * versions sum ascending, a difference in the last bits only).
 */
#include "tc_hash_vectorizer.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_char_ngrams.h"
#include "tc_murmur3.h"
#include "tc_spark_files.h"
#include "tc_termcount.h"
#include "tc_vocab_file.h"
#include "tc_vocab_index.h"
#include "tc_wordtab.h"

struct tc_hash_vectorizer {
    tc_vectorizer_config cfg;
    tc_wordtab *stop;          /* NULL: no stop words */
    double *idf;               /* hash_features values when cfg.use_idf, else NULL */
    tc_termcount_map *count_map;  /* keys column << 1 | negative, spread evenly */
    bool escaped_tokens;       /* character n-grams arrive escaped (tc_char_ngrams.h) */
};

struct tc_hash_vectorizer_scratch {
    size_t cap_keys, cap_kept, cap_join;
    uint32_t *keys, *tmp, *cols, *counts;  /* cap_keys each */
    uint16_t *bk;
    double *vals;
    uint32_t *kept;            /* indices of the tokens that are not stop words */
    char *join;                /* one n-gram's bytes */
};

/* ---- loading ------------------------------------------------------------------------ */

static tc_status load_stop_words(tc_hash_vectorizer *h, const char *name, const char *data,
                                 size_t len, char *err)
{
    tc_stopword_file sf;
    tc_status st = tc_stopword_file_parse(name, data, len, &sf, err);
    if (st != TC_OK)
        return st;
    if ((h->stop = tc_wordtab_new(sf.n)) == NULL)
        st = tc_fail(err, TC_ENOMEM, "out of memory");
    for (size_t i = 0; st == TC_OK && i < sf.n; i++) {
        bool inserted = false;
        if (tc_wordtab_upsert(h->stop, sf.words[i].s, sf.words[i].len, 1, &inserted) == NULL)
            st = tc_fail(err, TC_ENOMEM, "out of memory");
    }
    tc_stopword_file_release(&sf);
    return st;
}

/* Bits of the largest key, (hash_features - 1) << 1 | 1. */
static unsigned key_bits_of(uint32_t n_features)
{
    unsigned b = 1;
    while (b < 32 && ((uint64_t)(n_features - 1) << 1 | 1) >> b != 0)
        b++;
    return b;
}

/* Hashed columns are uniform: every part of the key space weighs the same. */
static tc_status make_count_map(tc_hash_vectorizer *h, char *err)
{
    const unsigned bits = key_bits_of(h->cfg.hash_features);
    if ((h->count_map = tc_termcount_map_new(bits)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    const uint64_t span = (uint64_t)1 << bits, steps = 1u << 14;
    for (uint64_t i = 0; i < steps; i++)
        tc_termcount_map_add(h->count_map, (uint32_t)(i * span / steps), 1.0);
    tc_termcount_map_finish(h->count_map);
    return TC_OK;
}

static tc_status check_config(const tc_vectorizer_config *cfg, const char *idf, char *err)
{
    if (cfg->hash_features == 0 || cfg->hash_features > INT32_MAX)
        return tc_fail(err, TC_EFORMAT, "hashing n_features %u outside 1..%d",
                       cfg->hash_features, INT32_MAX);
    if (cfg->ngram_min < 1 || cfg->ngram_min > cfg->ngram_max || cfg->ngram_max > TC_NGRAM_LIMIT)
        return tc_fail(err, TC_EFORMAT, "ngram_range [%u, %u] outside 1 <= min <= max <= 8",
                       cfg->ngram_min, cfg->ngram_max);
    if (cfg->float32 || cfg->oov_term != NULL)
        return tc_fail(err, TC_EFORMAT, "a hashing vectorizer has no float32 or OOV term");
    if (cfg->use_idf != (idf != NULL))
        return tc_fail(err, TC_EFORMAT, cfg->use_idf ? "use_idf without an idf file"
                                                     : "an idf file without use_idf");
    return TC_OK;
}

tc_status tc_hash_vectorizer_new(const tc_vectorizer_config *cfg, const char *stop_name,
                                 const char *stop, size_t stop_len, const char *idf_name,
                                 const char *idf, size_t idf_len, tc_hash_vectorizer **out,
                                 char *err)
{
    tc_status st = check_config(cfg, idf, err);
    if (st != TC_OK)
        return st;
    tc_hash_vectorizer *h = calloc(1, sizeof *h);
    if (h == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    h->cfg = *cfg;
    h->escaped_tokens = cfg->tokenizer_ops == &tc_char_ngram_tokenizer;
    const char *in = idf_name ? idf_name : "idf";
    if (stop != NULL)
        st = load_stop_words(h, stop_name ? stop_name : "stopwords", stop, stop_len, err);
    if (st == TC_OK && idf != NULL) {
        st = tc_idf_values_parse(in, "textclf-idf", idf, idf_len, cfg->hash_features, &h->idf,
                                 err);
        for (size_t j = 0; st == TC_OK && j < cfg->hash_features; j++)
            if (!(h->idf[j] > 0.0))
                st = tc_fail(err, TC_EFORMAT, "%s:%zu: idf must be > 0", in, j + 2);
    }
    if (st == TC_OK)
        st = make_count_map(h, err);
    if (st != TC_OK) {
        tc_hash_vectorizer_free(&h);
        return st;
    }
    *out = h;
    return TC_OK;
}

void tc_hash_vectorizer_free(tc_hash_vectorizer **h)
{
    if (h == NULL || *h == NULL)
        return;
    tc_wordtab_free(&(*h)->stop);
    tc_termcount_map_free(&(*h)->count_map);
    free((*h)->idf);
    free(*h);
    *h = NULL;
}

size_t tc_hash_vectorizer_n_features(const tc_hash_vectorizer *h)
{
    return h->cfg.hash_features;
}

/* ---- transform ---------------------------------------------------------------------- */

void tc_hash_vectorizer_scratch_free(tc_hash_vectorizer_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    tc_hash_vectorizer_scratch *x = *s;
    free(x->keys);
    free(x->tmp);
    free(x->cols);
    free(x->counts);
    free(x->bk);
    free(x->vals);
    free(x->kept);
    free(x->join);
    free(x);
    *s = NULL;
}

/* Room for `keys` n-gram occurrences and `tokens` kept tokens. */
static bool reserve(tc_hash_vectorizer_scratch *s, size_t keys, size_t tokens)
{
    size_t c = s->cap_keys;
    if (keys > c) {
        size_t c1 = c, c2 = c, c3 = c, c4 = c, c5 = c;
        if (!tc_array_reserve((void **)&s->keys, &c, keys, sizeof *s->keys) ||
            !tc_array_reserve((void **)&s->tmp, &c1, keys, sizeof *s->tmp) ||
            !tc_array_reserve((void **)&s->cols, &c2, keys, sizeof *s->cols) ||
            !tc_array_reserve((void **)&s->counts, &c3, keys, sizeof *s->counts) ||
            !tc_array_reserve((void **)&s->bk, &c4, keys, sizeof *s->bk) ||
            !tc_array_reserve((void **)&s->vals, &c5, keys, sizeof *s->vals))
            return false;
        s->cap_keys = c;
    }
    return tc_array_reserve((void **)&s->kept, &s->cap_kept, tokens, sizeof *s->kept);
}

/* The key of term[0..len): column << 1, | 1 when its count is -1. */
static uint32_t key_of(const tc_hash_vectorizer *h, const char *term, size_t len)
{
    int sign = 1;
    uint32_t col = tc_hash_feature(TC_HASH_SKLEARN, term, len, h->cfg.hash_features,
                                   h->cfg.alternate_sign, &sign);
    return col << 1 | (sign < 0);
}

/* The n-gram src[0..len) as scikit-learn hashes it: tc_char_ngrams.h's escapes undone
 * (0x01 0x01, 0x01 s/t/n/r) into out (room for len bytes); returns its length. */
static size_t unescape(const char *src, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] != '\x01' || i + 1 == len) {
            out[n++] = src[i];
            continue;
        }
        const char e = src[++i];
        out[n++] = e == 's' ? ' ' : e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
    }
    return n;
}

/* The keys of every n-gram of the kept tokens into s->keys; returns how many, or
 * SIZE_MAX when the join buffer cannot grow. */
static size_t hash_ngrams(const tc_hash_vectorizer *h, tc_hash_vectorizer_scratch *s,
                          const tc_token_list *tl, size_t nk)
{
    const tc_token *tok = tl->tokens;
    const uint32_t *kept = s->kept;
    size_t nkeys = 0;
    for (unsigned n = h->cfg.ngram_min; n <= h->cfg.ngram_max && n <= nk; n++) {
        for (size_t i = 0; i + n <= nk; i++) {
            if (n == 1) {
                const tc_token *t = &tok[kept[i]];
                if (!h->escaped_tokens) {
                    s->keys[nkeys++] = key_of(h, tl->text + t->off, t->len);
                    continue;
                }
                if (!tc_array_reserve((void **)&s->join, &s->cap_join, t->len, 1))
                    return SIZE_MAX;
                s->keys[nkeys++] = key_of(h, s->join, unescape(tl->text + t->off, t->len,
                                                               s->join));
                continue;
            }
            size_t len = n - 1;
            for (unsigned k = 0; k < n; k++)
                len += tok[kept[i + k]].len;
            if (!tc_array_reserve((void **)&s->join, &s->cap_join, len, 1))
                return SIZE_MAX;
            size_t at = 0;
            for (unsigned k = 0; k < n; k++) {
                const tc_token *t = &tok[kept[i + k]];
                if (k > 0)
                    s->join[at++] = ' ';
                memcpy(s->join + at, tl->text + t->off, t->len);
                at += t->len;
            }
            s->keys[nkeys++] = key_of(h, s->join, len);
        }
    }
    return nkeys;
}

/* Sum (l2: of squares; l1: of magnitudes) of v[0..n) in ascending or descending order. */
static double norm_sum(const double *v, size_t n, tc_norm norm, bool descending)
{
    double sum = 0.0;
    for (size_t t = 0; t < n; t++) {
        const double x = v[descending ? n - 1 - t : t];
        sum += norm == TC_NORM_L2 ? x * x : fabs(x);
    }
    return norm == TC_NORM_L2 ? sqrt(sum) : sum;
}

static void normalize(double *v, size_t n, tc_norm norm, bool descending)
{
    if (norm == TC_NORM_NONE)
        return;
    const double d = norm_sum(v, n, norm, descending);
    if (d != 0.0)
        for (size_t i = 0; i < n; i++)
            v[i] /= d;
}

tc_status tc_hash_vectorizer_row(const tc_hash_vectorizer *h, tc_hash_vectorizer_scratch **sp,
                                 const tc_token_list *tl, tc_sparse *out, char *err)
{
    const tc_vectorizer_config *cfg = &h->cfg;
    if (*sp == NULL && (*sp = calloc(1, sizeof **sp)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_hash_vectorizer_scratch *s = *sp;
    const size_t per = (size_t)(cfg->ngram_max - cfg->ngram_min + 1);
    if (!reserve(s, tl->count * per + 1, tl->count + 1))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t nk = 0;
    for (size_t i = 0; i < tl->count; i++) {
        const tc_token *t = &tl->tokens[i];
        if (h->stop == NULL ||
            tc_wordtab_find(h->stop, tl->text + t->off, t->len) == TC_WORDTAB_NONE)
            s->kept[nk++] = (uint32_t)i;
    }
    const size_t nkeys = hash_ngrams(h, s, tl, nk);
    if (nkeys == SIZE_MAX)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    const size_t nd = tc_termcount(h->count_map, s->keys, nkeys, s->tmp, s->bk, s->cols,
                                   s->counts);
    /* keys ascend, so a column's +1 key comes right before its -1 key: merge them */
    size_t n = 0;
    for (size_t i = 0; i < nd; i++) {
        const uint32_t col = s->cols[i] >> 1;
        const int64_t c = (s->cols[i] & 1) ? -(int64_t)s->counts[i] : (int64_t)s->counts[i];
        if (n > 0 && s->cols[n - 1] == col) {
            s->vals[n - 1] += (double)c;
            continue;
        }
        s->cols[n] = col;
        s->vals[n] = (double)c;
        n++;
    }
    if (cfg->binary)
        for (size_t i = 0; i < n; i++)
            s->vals[i] = 1.0;
    normalize(s->vals, n, cfg->hash_norm, false);
    if (cfg->sublinear_tf)
        for (size_t i = 0; i < n; i++) {
            double x = log(s->vals[i]);
            x += 1.0;
            s->vals[i] = x;
        }
    if (cfg->use_idf)
        for (size_t i = 0; i < n; i++)
            s->vals[i] *= h->idf[s->cols[i]];
    normalize(s->vals, n, cfg->norm, cfg->use_idf);
    out->index = s->cols;
    out->value = s->vals;
    out->nnz = n;
    out->sum_descending = cfg->use_idf;
    return TC_OK;
}
