/*
 * vectorizer.c - scikit-learn 1.2 TfidfVectorizer.transform for one document (see
 * tc_vectorizer.h): loading puts the modules together; the transform runs them and
 * computes the row's values.
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

#include "tc_hash_vectorizer.h"
#include "tc_pattern_tokenizer.h"
#include "tc_py_regex.h"
#include "tc_termcount.h"
#include "tc_vec_union.h"
#include "tc_textfile.h"
#include "tc_vocab_file.h"
#include "tc_vocab_index.h"
#include "tc_vocab_lookup.h"

#define VOCAB_MAX_BYTES ((size_t)1 << 31)

struct tc_vectorizer {
    tc_vectorizer_config cfg;  /* tokenizer_ops and tokenizer_options resolved: tok_* */
    const tc_tokenizer_ops *tok_ops;
    void *tok_options;         /* copy of the config's */
    tc_vocab_index *index;
    double log1p_tab[64];      /* log((double)c) + 1.0 for small counts c (sublinear_tf) */
    uint32_t oov_node;         /* cfg.oov_term's term node (column 0); TC_NODE_NONE: none */
    void (*divide)(double *v, size_t n, double d);  /* v[i] /= d: widest the CPU has */
    tc_vec_union *un;          /* a FeatureUnion (tc_vec_union.h): the rest is unused */
    tc_hash_vectorizer *hv;    /* a HashingVectorizer: used instead of index */
    tc_py_regex *pattern;      /* cfg's token_pattern compiled; tok_options borrow it */
};

struct tc_vectorizer_scratch {
    const tc_tokenizer_ops *tok_ops;  /* the family `tok` belongs to; NULL: none yet */
    void *tok;
    tc_vocab_lookup_scratch *lookup;
    size_t cap;           /* capacity of the arrays below */
    uint32_t *hits;       /* term nodes of the document's in-vocabulary n-grams, repeated */
    uint32_t *tmp;        /* counting buffers (tc_termcount) */
    uint16_t *bk;
    uint32_t *cols;       /* distinct term nodes, ascending, then their columns */
    uint32_t *counts;     /* their counts */
    double *vals;
    tc_vec_union_scratch *un;  /* for union vectorizers, made on first use */
    tc_hash_vectorizer_scratch *hv;  /* for hashing vectorizers, made on first use */
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

/* ---- loading ------------------------------------------------------------------------ */

static tc_status check_config(const tc_vectorizer_config *cfg, char *err)
{
    if (cfg->ngram_min < 1 || cfg->ngram_min > cfg->ngram_max || cfg->ngram_max > TC_NGRAM_LIMIT)
        return tc_fail(err, TC_EFORMAT, "ngram_range [%u, %u] outside 1 <= min <= max <= 8",
                       cfg->ngram_min, cfg->ngram_max);
    if (cfg->norm != TC_NORM_NONE && cfg->norm != TC_NORM_L1 && cfg->norm != TC_NORM_L2)
        return tc_fail(err, TC_EFORMAT, "unknown norm %d", (int)cfg->norm);
    if (cfg->hash_features != 0)
        return tc_fail(err, TC_EFORMAT, "a hashing vectorizer has no vocabulary file");
    return TC_OK;
}

/* The tokenizer family of cfg, and a copy of its options: the one place a family is
 * chosen. */
static tc_status pick_tokenizer(tc_vectorizer *v, const tc_vectorizer_config *cfg, char *err)
{
    const tc_tokenizer_ops *ops = cfg->tokenizer_ops ? cfg->tokenizer_ops : &tc_sklearn_tokenizer;
    const void *opt = cfg->tokenizer_ops ? cfg->tokenizer_options : &cfg->tokenizer;
    v->tok_ops = ops;
    v->tok_options = malloc(ops->options_size ? ops->options_size : 1);
    if (v->tok_options == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    if (ops->options_size > 0)
        memcpy(v->tok_options, opt, ops->options_size);
    v->cfg.tokenizer_ops = ops;
    v->cfg.tokenizer_options = v->tok_options;
    return TC_OK;
}

/* A custom token_pattern: compiled into v, which owns it; the family's options borrow it. */
static tc_status pick_pattern_tokenizer(tc_vectorizer *v, const tc_vectorizer_config *cfg,
                                        char *err)
{
    tc_status st = tc_py_regex_compile(cfg->token_pattern, strlen(cfg->token_pattern),
                                       &v->pattern, err);
    if (st != TC_OK)
        return st;
    const tc_pattern_tokenizer_options opt = {cfg->tokenizer, v->pattern};
    tc_vectorizer_config c = *cfg;
    c.tokenizer_ops = &tc_pattern_tokenizer;
    c.tokenizer_options = &opt;
    return pick_tokenizer(v, &c, err);
}

/* The vocabulary indexed, then the stop words (errors in that order). */
static tc_status load_index(tc_vectorizer *v, const char *vocab_name, const char *vocab,
                            size_t vocab_len, const char *stop_name, const char *stop,
                            size_t stop_len, char *err)
{
    tc_vocab_file vf;
    tc_status st = tc_vocab_file_parse(vocab_name, vocab, vocab_len, &vf, err);
    if (st != TC_OK)
        return st;
    st = tc_vocab_index_build(vocab_name, &vf, &v->index, err);
    tc_vocab_file_release(&vf);
    if (st != TC_OK || stop == NULL)
        return st;
    const char *sn = stop_name ? stop_name : "stopwords";
    tc_stopword_file sf;
    if ((st = tc_stopword_file_parse(sn, stop, stop_len, &sf, err)) != TC_OK)
        return st;
    st = tc_vocab_index_add_stop_words(v->index, sn, sf.words, sf.n, err);
    tc_stopword_file_release(&sf);
    return st;
}

/* The term node of cfg->oov_term, which must be one word and column 0 (Keras's OOV
 * index): looked up as a one-token document, as a text would reach it. */
static tc_status find_oov_node(tc_vectorizer *v, const char *term, char *err)
{
    size_t n = strlen(term);
    if (n == 0 || strchr(term, ' ') != NULL || n > 4096)
        return tc_fail(err, TC_EFORMAT, "OOV token \"%.64s\" must be one non-empty word", term);
    char buf[4096 + TC_TOKEN_PAD];
    memset(buf, 0, sizeof buf);
    memcpy(buf, term, n);
    tc_token tok = {0, (uint32_t)n};
    tc_token_list tl = {buf, &tok, 1};
    tc_vocab_lookup_scratch *ls = tc_vocab_lookup_scratch_new();
    if (ls == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    uint32_t hit = TC_NODE_NONE;
    size_t nh = 0;
    tc_status st = tc_vocab_lookup(v->index, ls, &tl, 1, 1, &hit, &nh, err);
    tc_vocab_lookup_scratch_free(&ls);
    if (st != TC_OK)
        return st;
    if (nh != 1 || (hit >> tc_vocab_index_nodes(v->index)->class_bits) != 0)
        return tc_fail(err, TC_EFORMAT, "OOV token \"%.64s\" is not the vocabulary's first term",
                       term);
    v->oov_node = hit;
    return TC_OK;
}

/* A vectorizer with cfg's copy and its tokenizer, nothing else loaded yet. */
static tc_status vectorizer_new(const tc_vectorizer_config *cfg, tc_vectorizer **out, char *err)
{
    if (cfg->tokenizer_ops != NULL && cfg->tokenizer_ops->options_size > 0 &&
        cfg->tokenizer_options == NULL)
        return tc_fail(err, TC_EFORMAT, "tokenizer %s without options", cfg->tokenizer_ops->name);
    if (cfg->token_pattern != NULL && cfg->tokenizer_ops != NULL)
        return tc_fail(err, TC_EFORMAT, "a token_pattern with tokenizer %s",
                       cfg->tokenizer_ops->name);
    tc_vectorizer *v = calloc(1, sizeof *v);
    if (v == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    v->cfg = *cfg;
    v->cfg.oov_term = NULL;  /* read at load only; oov_node stands for it */
    v->cfg.token_pattern = NULL;  /* read at load only; pattern stands for it */
    v->oov_node = TC_NODE_NONE;
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
    tc_status st = cfg->token_pattern != NULL ? pick_pattern_tokenizer(v, cfg, err)
                                              : pick_tokenizer(v, cfg, err);
    if (st != TC_OK) {
        tc_vectorizer_free(&v);
        return st;
    }
    *out = v;
    return TC_OK;
}

tc_status tc_vectorizer_load_mem(const tc_vectorizer_config *cfg, const char *vocab_name,
                                 const char *vocab, size_t vocab_len, const char *stop_name,
                                 const char *stop, size_t stop_len, tc_vectorizer **out,
                                 char *err)
{
    tc_vectorizer *v = NULL;
    tc_status st = check_config(cfg, err);
    if (st != TC_OK || (st = vectorizer_new(cfg, &v, err)) != TC_OK)
        return st;
    if ((st = load_index(v, vocab_name, vocab, vocab_len, stop_name, stop, stop_len, err)) !=
            TC_OK ||
        (cfg->oov_term != NULL && (st = find_oov_node(v, cfg->oov_term, err)) != TC_OK)) {
        tc_vectorizer_free(&v);
        return st;
    }
    *out = v;
    return TC_OK;
}

tc_status tc_vectorizer_load_hashing_mem(const tc_vectorizer_config *cfg, const char *stop_name,
                                         const char *stop, size_t stop_len, const char *idf_name,
                                         const char *idf, size_t idf_len, tc_vectorizer **out,
                                         char *err)
{
    tc_vectorizer *v = NULL;
    tc_status st = vectorizer_new(cfg, &v, err);
    if (st == TC_OK && (st = tc_hash_vectorizer_new(&v->cfg, stop_name, stop, stop_len, idf_name, idf,
                                                    idf_len, &v->hv, err)) != TC_OK)
        tc_vectorizer_free(&v);
    if (st == TC_OK)
        *out = v;
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
    tc_vocab_index_free(&(*v)->index);
    tc_vec_union_free(&(*v)->un);
    tc_hash_vectorizer_free(&(*v)->hv);
    free((*v)->tok_options);
    tc_py_regex_free(&(*v)->pattern);
    free(*v);
    *v = NULL;
}

size_t tc_vectorizer_n_features(const tc_vectorizer *v)
{
    if (v->un != NULL)
        return tc_vec_union_n_features(v->un);
    return v->hv != NULL ? tc_hash_vectorizer_n_features(v->hv)
                         : tc_vocab_index_n_terms(v->index);
}

tc_status tc_vectorizer_union(tc_vectorizer **parts, size_t n, tc_vectorizer **out, char *err)
{
    tc_vectorizer *v = calloc(1, sizeof *v);
    if (v == NULL) {
        for (size_t i = 0; i < n; i++)
            tc_vectorizer_free(&parts[i]);
        return tc_fail(err, TC_ENOMEM, "out of memory");
    }
    if (n > 0)
        v->cfg = parts[0]->cfg;  /* tc_vectorizer_config_of: the first part's */
    tc_status st = tc_vec_union_new(parts, n, &v->un, err);
    if (st != TC_OK) {
        free(v);
        return st;
    }
    *out = v;
    return TC_OK;
}

const tc_vectorizer_config *tc_vectorizer_config_of(const tc_vectorizer *v) { return &v->cfg; }

/* ---- transform ---------------------------------------------------------------------- */

tc_vectorizer_scratch *tc_vectorizer_scratch_new(void)
{
    tc_vectorizer_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    if ((s->lookup = tc_vocab_lookup_scratch_new()) == NULL) {
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
    if (x->tok_ops != NULL)
        x->tok_ops->scratch_free(x->tok);
    tc_vocab_lookup_scratch_free(&x->lookup);
    tc_vec_union_scratch_free(&x->un);
    tc_hash_vectorizer_scratch_free(&x->hv);
    free(x->hits);
    free(x->tmp);
    free(x->bk);
    free(x->cols);
    free(x->counts);
    free(x->vals);
    free(x);
    *s = NULL;
}

/* The scratch's tokenizer scratch, made for v's family. */
static bool ensure_tokenizer(tc_vectorizer_scratch *s, const tc_tokenizer_ops *ops)
{
    if (s->tok_ops == ops)
        return true;
    if (s->tok_ops != NULL)
        s->tok_ops->scratch_free(s->tok);
    s->tok_ops = NULL;
    if ((s->tok = ops->scratch_new()) == NULL)
        return false;
    s->tok_ops = ops;
    return true;
}

static bool grow_array(void **p, size_t cap, size_t elem)
{
    void *q = realloc(*p, cap * elem);
    if (q == NULL)
        return false;
    *p = q;
    return true;
}

/* Room for `need` hits. */
static bool ensure_cols(tc_vectorizer_scratch *s, size_t need)
{
    if (need <= s->cap)
        return true;
    size_t c = s->cap ? s->cap : 256;
    while (c < need)
        c *= 2;
    if (!grow_array((void **)&s->hits, c, sizeof *s->hits) ||
        !grow_array((void **)&s->tmp, c, sizeof *s->tmp) ||
        !grow_array((void **)&s->bk, c, sizeof *s->bk) ||
        !grow_array((void **)&s->cols, c, sizeof *s->cols) ||
        !grow_array((void **)&s->counts, c, sizeof *s->counts) ||
        !grow_array((void **)&s->vals, c, sizeof *s->vals))
        return false;
    s->cap = c;
    return true;
}

/* vals[i] = the weight of term node cols[i] (tf transform, then * idf), cols[i] = its
 * column, and returns the row's sum of squares (l2), of absolute values (l1) or 0
 * (none), summed in scikit-learn's storage order (descending columns with idf):
 * computed in the same loop, so the chain of dependent adds runs alongside the
 * values' work. With constant `descending` and `norm`, each call site compiles to its
 * own loop. */
static inline double values_and_norm(const tc_vectorizer *v, tc_vectorizer_scratch *s,
                                     size_t ncols, bool descending, tc_norm norm)
{
    const tc_vectorizer_config *cfg = &v->cfg;
    const tc_idf_classes *nodes = tc_vocab_index_nodes(v->index);
    const unsigned class_bits = nodes->class_bits;
    const uint32_t class_mask = nodes->class_mask;
    const double *idf_tab = nodes->idf_tab;
    const bool binary = cfg->binary, sublinear = cfg->sublinear_tf, use_idf = cfg->use_idf;
    const bool f32 = cfg->float32;
    const uint32_t *counts = s->counts;
    uint32_t *cols = s->cols;
    double *vals = s->vals;
    double sum = 0.0;
    for (size_t t = 0; t < ncols; t++) {
        const size_t i = descending ? ncols - 1 - t : t;
        uint32_t tn = cols[i], j = tn >> class_bits;
        cols[i] = j;
        uint32_t c = binary ? 1u : counts[i];
        double x;
        if (!sublinear)
            x = (double)c;
        else if (c < 64)
            x = v->log1p_tab[c];
        else {
            x = log((double)c);
            x += 1.0;
        }
        if (use_idf)
            x *= idf_tab[tn & class_mask];
        if (f32)  /* the exact double product, rounded once: float32's own multiply */
            x = (double)(float)x;
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
    if (v->un != NULL)
        return tc_vec_union_transform(v->un, &s->un, text, len, out, err);
    const tc_vectorizer_config *cfg = &v->cfg;
    if (!ensure_tokenizer(s, v->tok_ops))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    tc_token_list tl;
    tc_status st = v->tok_ops->tokenize(v->tok_options, s->tok, text, len, &tl, err);
    if (st != TC_OK)
        return st;
    if (v->hv != NULL)
        return tc_hash_vectorizer_row(v->hv, &s->hv, &tl, out, err);
    const unsigned nmin = cfg->ngram_min, nmax = cfg->ngram_max;
    if (!ensure_cols(s, tl.count * (nmax - nmin + 1) + 1))
        return tc_fail(err, TC_ENOMEM, "out of memory");
    size_t nh = 0;
    if ((st = tc_vocab_lookup(v->index, s->lookup, &tl, nmin, nmax, s->hits, &nh, err)) != TC_OK)
        return st;
    if (v->oov_node != TC_NODE_NONE) {  /* every other n-gram is one more in column 0 */
        size_t total = 0;
        for (unsigned n = nmin; n <= nmax; n++)
            total += tl.count >= n ? tl.count - n + 1 : 0;
        while (nh < total)
            s->hits[nh++] = v->oov_node;
    }
    size_t ncols = tc_termcount(tc_vocab_index_count_map(v->index), s->hits, nh, s->tmp, s->bk,
                                s->cols, s->counts);
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
    out->index = s->cols;
    out->value = s->vals;
    out->nnz = ncols;
    out->sum_descending = cfg->use_idf;
    return TC_OK;
}
