/*
 * spark_vectorizer.c - Spark ML's stop words, NGram, HashingTF / CountVectorizerModel,
 * IDFModel and Normalizer for one document (tc_spark_vectorizer.h). Float operations in
 * Spark's order: a count is a double incremented by 1.0, idf multiplies once, the norm
 * sums in ascending column order and each value is divided by it.
 */
#include "tc_spark_vectorizer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc_buf.h"
#include "tc_murmur3.h"
#include "tc_spark_files.h"
#include "tc_spark_regex.h"

struct tc_spark_vectorizer {
    tc_spark_vectorizer_config cfg;
    tc_spark_terms *vocab;   /* count only */
    tc_spark_terms *stop;    /* NULL: no StopWordsRemover */
    double *idf;             /* NULL: no IDFModel */
    tc_spark_regex *regex;   /* TC_SPARK_REGEX_PCRE2 */
};

struct tc_spark_vectorizer_scratch {
    void *tok;
    tc_token *kept;          /* tokens after the stop words */
    size_t kept_cap;
    char *gram;              /* one bigram being built */
    size_t gram_cap;
    uint32_t *cols;          /* a column per term, sorted, then the distinct ones */
    size_t cap;
    double *vals;
    size_t vals_cap;
};


static tc_status check_config(const tc_spark_vectorizer_config *c, char *err)
{
    if (c->ngram != 1 && c->ngram != 2)
        return tc_fail(err, TC_EFORMAT, "NGram n = %u (supported: 1, 2)", c->ngram);
    if (c->tf != TC_SPARK_TF_HASHING && c->tf != TC_SPARK_TF_COUNT)
        return tc_fail(err, TC_EFORMAT, "unknown term-frequency stage %d", (int)c->tf);
    if (c->n_features == 0 || c->n_features > INT32_MAX)
        return tc_fail(err, TC_EFORMAT, "n_features %u outside 1..2^31-1", c->n_features);
    if (!(c->min_tf >= 0.0) || !isfinite(c->min_tf))
        return tc_fail(err, TC_EFORMAT, "minTF must be a finite number >= 0");
    if (c->norm_p > 2)
        return tc_fail(err, TC_EFORMAT, "Normalizer p = %u (supported: 1, 2)", c->norm_p);
    if (c->tokenizer.kind != TC_SPARK_TOKENIZER && c->tokenizer.kind != TC_SPARK_REGEX_GAPS &&
        c->tokenizer.kind != TC_SPARK_REGEX_PCRE2)
        return tc_fail(err, TC_EFORMAT, "unknown Spark tokenizer %d", (int)c->tokenizer.kind);
    if (c->tokenizer.kind == TC_SPARK_REGEX_PCRE2 && c->pattern == NULL)
        return tc_fail(err, TC_EFORMAT, "RegexTokenizer without a pattern");
    return TC_OK;
}

tc_status tc_spark_vectorizer_load(const tc_spark_vectorizer_config *cfg, const char *vocab_name,
                                   const char *vocab, size_t vocab_len, const char *stop_name,
                                   const char *stop, size_t stop_len, const char *idf_name,
                                   const char *idf, size_t idf_len, tc_spark_vectorizer **out,
                                   char *err)
{
    tc_status st = check_config(cfg, err);
    if (st != TC_OK)
        return st;
    if ((cfg->tf == TC_SPARK_TF_COUNT) != (vocab != NULL))
        return tc_fail(err, TC_EFORMAT, "a vocabulary goes with CountVectorizer and only with it");
    tc_spark_vectorizer *v = calloc(1, sizeof *v);
    if (v == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    v->cfg = *cfg;
    v->cfg.pattern = NULL;
    v->cfg.tokenizer.regex = NULL;
    if (cfg->tokenizer.kind == TC_SPARK_REGEX_PCRE2) {
        st = tc_spark_regex_compile(cfg->pattern, strlen(cfg->pattern), &v->regex, err);
        v->cfg.tokenizer.regex = v->regex;
    }
    if (st == TC_OK && vocab != NULL) {
        st = tc_spark_terms_parse(vocab_name, vocab, vocab_len, &v->vocab, err);
        if (st == TC_OK && tc_spark_terms_count(v->vocab) != cfg->n_features)
            st = tc_fail(err, TC_EFORMAT, "%s has %zu terms but n_features is %u", vocab_name,
                         tc_spark_terms_count(v->vocab), cfg->n_features);
    }
    if (st == TC_OK && stop != NULL)
        st = tc_spark_terms_parse(stop_name, stop, stop_len, &v->stop, err);
    if (st == TC_OK && idf != NULL)
        st = tc_spark_idf_parse(idf_name, idf, idf_len, cfg->n_features, &v->idf, err);
    if (st != TC_OK) {
        tc_spark_vectorizer_free(&v);
        return st;
    }
    *out = v;
    return TC_OK;
}

void tc_spark_vectorizer_free(tc_spark_vectorizer **v)
{
    if (v == NULL || *v == NULL)
        return;
    tc_spark_terms_free(&(*v)->vocab);
    tc_spark_terms_free(&(*v)->stop);
    free((*v)->idf);
    tc_spark_regex_free(&(*v)->regex);
    free(*v);
    *v = NULL;
}

size_t tc_spark_vectorizer_n_features(const tc_spark_vectorizer *v) { return v->cfg.n_features; }

tc_spark_vectorizer_scratch *tc_spark_vectorizer_scratch_new(void)
{
    tc_spark_vectorizer_scratch *s = calloc(1, sizeof *s);
    if (s != NULL && (s->tok = tc_spark_tokenizer.scratch_new()) == NULL) {
        free(s);
        s = NULL;
    }
    return s;
}

void tc_spark_vectorizer_scratch_free(tc_spark_vectorizer_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    tc_spark_tokenizer.scratch_free((*s)->tok);
    free((*s)->kept);
    free((*s)->gram);
    free((*s)->cols);
    free((*s)->vals);
    free(*s);
    *s = NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The column of one term, or -1 (not in the vocabulary). */
static int64_t column_of(const tc_spark_vectorizer *v, const char *t, size_t n)
{
    if (v->cfg.tf == TC_SPARK_TF_COUNT)
        return tc_spark_terms_find(v->vocab, t, n);
    int sign = 1;
    return tc_hash_feature(TC_HASH_SPARK, t, n, v->cfg.n_features, 0, &sign);
}

/* The columns of the document's terms into s->cols; returns how many, and the number of
 * terms (the token count minTF is relative to) in *n_terms; SIZE_MAX when out of memory. */
static size_t columns(const tc_spark_vectorizer *v, tc_spark_vectorizer_scratch *s,
                      const tc_token_list *tl, size_t *n_terms)
{
    size_t nk = 0, nc = 0;
    if (!tc_array_reserve((void **)&s->kept, &s->kept_cap, tl->count + 1, sizeof *s->kept))
        return SIZE_MAX;
    for (size_t i = 0; i < tl->count; i++) {
        const tc_token *k = &tl->tokens[i];
        if (v->stop == NULL || tc_spark_terms_find(v->stop, tl->text + k->off, k->len) < 0)
            s->kept[nk++] = *k;
    }
    const size_t nt = v->cfg.ngram == 2 ? (nk > 0 ? nk - 1 : 0) : nk;
    if (!tc_array_reserve((void **)&s->cols, &s->cap, nt + 1, sizeof *s->cols) ||
        !tc_array_reserve((void **)&s->vals, &s->vals_cap, nt + 1, sizeof *s->vals))
        return SIZE_MAX;
    for (size_t i = 0; i < nt; i++) {
        const tc_token *a = &s->kept[i];
        const char *t = tl->text + a->off;
        size_t n = a->len;
        if (v->cfg.ngram == 2) {
            const tc_token *b = &s->kept[i + 1];
            n = (size_t)a->len + 1 + b->len;
            if (!tc_array_reserve((void **)&s->gram, &s->gram_cap, n, 1))
                return SIZE_MAX;
            memcpy(s->gram, t, a->len);
            s->gram[a->len] = ' ';
            memcpy(s->gram + a->len + 1, tl->text + b->off, b->len);
            t = s->gram;
        }
        const int64_t c = column_of(v, t, n);
        if (c >= 0)
            s->cols[nc++] = (uint32_t)c;
    }
    *n_terms = nt;
    return nc;
}

tc_status tc_spark_vectorizer_transform(const tc_spark_vectorizer *v,
                                        tc_spark_vectorizer_scratch *s, const char *text,
                                        size_t len, tc_sparse *out, char *err)
{
    tc_token_list tl;
    tc_status st = tc_spark_tokenizer.tokenize(&v->cfg.tokenizer, s->tok, text, len, &tl, err);
    if (st != TC_OK)
        return st;
    size_t n_terms = 0;
    const size_t nc = columns(v, s, &tl, &n_terms);
    if (nc == SIZE_MAX)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    qsort(s->cols, nc, sizeof *s->cols, cmp_u32);
    const tc_spark_vectorizer_config *c = &v->cfg;
    double min_tf = 0.0;
    if (c->tf == TC_SPARK_TF_COUNT)
        min_tf = c->min_tf >= 1.0 ? c->min_tf : (double)n_terms * c->min_tf;
    size_t nnz = 0;
    for (size_t i = 0; i < nc;) {
        const uint32_t col = s->cols[i];
        double count = 0.0;
        for (; i < nc && s->cols[i] == col; i++)
            count += 1.0;
        if (c->tf == TC_SPARK_TF_COUNT && count < min_tf)
            continue;
        double x = c->binary ? 1.0 : count;
        if (v->idf != NULL)
            x *= v->idf[col];
        s->cols[nnz] = col;
        s->vals[nnz++] = x;
    }
    if (c->norm_p != 0) {
        double norm = 0.0;
        for (size_t i = 0; i < nnz; i++)
            norm += c->norm_p == 2 ? s->vals[i] * s->vals[i] : fabs(s->vals[i]);
        if (c->norm_p == 2)
            norm = sqrt(norm);
        if (norm != 0.0)
            for (size_t i = 0; i < nnz; i++)
                s->vals[i] /= norm;
    }
    out->index = s->cols;
    out->value = s->vals;
    out->nnz = nnz;
    out->sum_descending = false;
    return TC_OK;
}
