/* linear.c - linear.tsv and the linear classifier kind (see tc_linear.h).
 *
 * Decision values reproduce scikit-learn's order of operations: scipy's CSR x dense
 * product accumulates x_j * w[j][r] from 0.0 in the row's stored order, then sklearn
 * adds intercept_. The build uses -std=c11 (not gnu11), so the compiler does not
 * contract a*b+c into FMAs, which would change roundings.
 */
#include "tc_linear.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_numparse.h"

struct tc_linear {
    size_t rows, n_features;
    double *intercept;  /* rows */
    double *weights;    /* n_features x rows, feature-major: w[j][r] = weights[j * rows + r] */
};

/* ---- linear.tsv ----------------------------------------------------------------------- */

typedef struct lcursor {
    const char *path;
    const char *data;
    size_t len;
    size_t pos;
    size_t lineno;
} lcursor;

/* Next '\n'-terminated line. A final line without '\n' counts as truncation. */
static tc_status lnext(lcursor *c, const char *what, const char **s, size_t *n, char *err)
{
    if (c->pos >= c->len)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: file ends where %s was expected", c->path,
                       c->lineno + 1, what);
    const char *start = c->data + c->pos;
    const char *nl = memchr(start, '\n', c->len - c->pos);
    c->lineno++;
    if (nl == NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: last line has no newline (truncated file?)",
                       c->path, c->lineno);
    *s = start;
    *n = (size_t)(nl - start);
    c->pos += *n + 1;
    return TC_OK;
}

/* Parses exactly `count` tab-separated doubles filling [s, s+n). */
static tc_status parse_row(const lcursor *c, const char *what, const char *s, size_t n,
                           size_t count, double *out, char *err)
{
    const char *p = s, *end = s + n;
    for (size_t i = 0; i < count; i++) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *fe = tab ? tab : end;
        if (!tc_parse_double(p, (size_t)(fe - p), &out[i]))
            return tc_fail(err, TC_EFORMAT,
                           "%s:%zu: %s value %zu is not a finite number: \"%.*s\"", c->path,
                           c->lineno, what, i + 1, (int)((size_t)(fe - p) > 40 ? 40 : fe - p), p);
        if (tab == NULL) {
            if (i + 1 < count)
                return tc_fail(err, TC_EFORMAT, "%s:%zu: %s has %zu values, expected %zu",
                               c->path, c->lineno, what, i + 1, count);
            p = end + 1;
        } else {
            if (i + 1 == count)
                return tc_fail(err, TC_EFORMAT, "%s:%zu: %s has more than %zu values",
                               c->path, c->lineno, what, count);
            p = tab + 1;
        }
    }
    return TC_OK;
}

/* "key<TAB>unsigned" line. */
static tc_status parse_kv_count(const lcursor *c, const char *key, const char *s, size_t n,
                                uint64_t *out, char *err)
{
    size_t kn = strlen(key);
    if (n <= kn || memcmp(s, key, kn) != 0 || s[kn] != '\t' ||
        !tc_parse_u64(s + kn + 1, n - kn - 1, out))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"%s<TAB><count>\"", c->path,
                       c->lineno, key);
    return TC_OK;
}

/* The three header lines: magic and version, rows, features. */
static tc_status parse_header(lcursor *c, const tc_linear_expect *ex, char *err)
{
    const char *s;
    size_t n;
    uint64_t rows = 0, feats = 0, version = 0;
    tc_status st = lnext(c, "the header", &s, &n, err);
    if (st != TC_OK)
        return st;
    static const char magic[] = "textclf-linear\t";
    if (n < sizeof magic - 1 || memcmp(s, magic, sizeof magic - 1) != 0)
        return tc_fail(err, TC_EFORMAT, "%s:1: not a textclf-linear file (header \"%.*s\")",
                       c->path, (int)(n > 40 ? 40 : n), s);
    if (!tc_parse_u64(s + sizeof magic - 1, n - (sizeof magic - 1), &version) || version == 0)
        return tc_fail(err, TC_EFORMAT, "%s:1: bad format version \"%.*s\"", c->path,
                       (int)(n > 40 ? 40 : n), s);
    if (version != 1)
        return tc_fail(err, TC_EFORMAT,
                       "%s:1: linear format version %llu is newer than this textclf supports (1)",
                       c->path, (unsigned long long)version);
    if ((st = lnext(c, "the rows line", &s, &n, err)) != TC_OK ||
        (st = parse_kv_count(c, "rows", s, n, &rows, err)) != TC_OK)
        return st;
    if (rows != ex->rows)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: rows %llu, but a %zu-class model of this kind "
                       "needs %zu", c->path, c->lineno, (unsigned long long)rows, ex->n_classes,
                       ex->rows);
    if ((st = lnext(c, "the features line", &s, &n, err)) != TC_OK ||
        (st = parse_kv_count(c, "features", s, n, &feats, err)) != TC_OK)
        return st;
    if (feats != ex->n_features)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: features %llu, but the vocabulary has %zu terms",
                       c->path, c->lineno, (unsigned long long)feats, ex->n_features);
    return TC_OK;
}

/* The intercept line, the "weights" line and one line per feature. */
static tc_status parse_body(lcursor *c, tc_linear *m, char *err)
{
    const char *s;
    size_t n;
    tc_status st = lnext(c, "the intercept line", &s, &n, err);
    if (st != TC_OK)
        return st;
    if (n < 10 || memcmp(s, "intercept\t", 10) != 0)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"intercept<TAB>values\"", c->path,
                       c->lineno);
    if ((st = parse_row(c, "intercept", s + 10, n - 10, m->rows, m->intercept, err)) != TC_OK)
        return st;
    if ((st = lnext(c, "the weights line", &s, &n, err)) != TC_OK)
        return st;
    if (n != 7 || memcmp(s, "weights", 7) != 0)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"weights\"", c->path, c->lineno);
    for (size_t j = 0; j < m->n_features; j++) {
        if ((st = lnext(c, "a weight line", &s, &n, err)) != TC_OK)
            return st;
        if ((st = parse_row(c, "weight line", s, n, m->rows, m->weights + j * m->rows, err)) !=
            TC_OK)
            return st;
    }
    if (c->pos < c->len)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: text after the %zu weight lines", c->path,
                       c->lineno + 1, m->n_features);
    return TC_OK;
}

tc_status tc_linear_parse(const char *path, const char *data, size_t len,
                          const tc_linear_expect *expect, tc_linear **out, char *err)
{
    lcursor c = {path, data, len, 0, 0};
    tc_status st = parse_header(&c, expect, err);
    if (st != TC_OK)
        return st;
    tc_linear *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    m->rows = expect->rows;
    m->n_features = expect->n_features;
    if (m->n_features > SIZE_MAX / sizeof(double) / m->rows) {
        st = tc_fail(err, TC_ENOMEM, "%s: weight matrix too large", path);
        goto out;
    }
    m->intercept = calloc(m->rows, sizeof *m->intercept);
    m->weights = malloc(m->n_features * m->rows * sizeof *m->weights);
    if (m->intercept == NULL || m->weights == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu x %zu weights", path,
                     m->n_features, m->rows);
        goto out;
    }
    st = parse_body(&c, m, err);
out:
    if (st != TC_OK)
        tc_linear_free(&m);
    else
        *out = m;
    return st;
}

void tc_linear_free(tc_linear **l)
{
    if (l == NULL || *l == NULL)
        return;
    free((*l)->intercept);
    free((*l)->weights);
    free(*l);
    *l = NULL;
}

size_t tc_linear_rows(const tc_linear *l) { return l->rows; }

size_t tc_linear_rows_for(tc_proba_kind proba, size_t n_classes)
{
    return (proba == TC_PROBA_NAIVE_BAYES || n_classes > 2) ? n_classes : 1;
}

/* ---- decision values ------------------------------------------------------------------ */

void tc_linear_decision(const tc_linear *l, const tc_sparse *x, double *d)
{
    const size_t R = l->rows, n = x->nnz;
    const double *weights = l->weights;
    /* entry t of the sum is x's entry at(t): scikit-learn's order (tc_sparse.h) */
    const bool rev = x->sum_descending;
#define AT(t) (rev ? n - 1 - (t) : (t))
    if (R == 1) {
        /* binary models: the same sums in the same order, in a register */
        double acc = 0.0;
        /* 48 columns ahead: the add chain takes ~3 cycles a column, so 16 ahead (~50
         * cycles) was less than an L3 hit and the weight reads waited */
        for (size_t t = 0; t < n && t < 48; t++)
            __builtin_prefetch(weights + x->index[AT(t)]);
        for (size_t t = 0; t < n; t++) {
            if (t + 48 < n)
                __builtin_prefetch(weights + x->index[AT(t + 48)]);
            const size_t i = AT(t);
            acc += x->value[i] * weights[x->index[i]];
        }
        d[0] = acc + l->intercept[0];
        return;
    }
    for (size_t r = 0; r < R; r++)
        d[r] = 0.0;
    for (size_t t = 0; t < n; t++) {
        /* the rows are scattered over a large matrix: fetch a few columns ahead */
        if (t + 16 < n)
            __builtin_prefetch(weights + (size_t)x->index[AT(t + 16)] * R);
        const size_t i = AT(t);
        const double v = x->value[i];
        const double *w = weights + (size_t)x->index[i] * R;
        for (size_t r = 0; r < R; r++)
            d[r] += v * w[r];
    }
#undef AT
    for (size_t r = 0; r < R; r++)
        d[r] += l->intercept[r];
}

/* ---- the classifier kind -------------------------------------------------------------- */

typedef struct linear_model {
    tc_linear *lin;
    tc_proba_kind proba;
    size_t k;
} linear_model;

static bool linear_accepts(const tc_classifier_config *cfg)
{
    return cfg->proba != TC_PROBA_PAIRWISE &&
           (cfg->proba != TC_PROBA_SOFTMAX || cfg->n_classes >= 3) &&
           (cfg->proba != TC_PROBA_SOFTMAX_BINARY || cfg->n_classes == 2);
}

static void linear_free(void *model)
{
    linear_model *m = model;
    if (m == NULL)
        return;
    tc_linear_free(&m->lin);
    free(m);
}

static tc_status linear_load(const tc_classifier_config *cfg, const char *path, const char *data,
                             size_t len, void **model, char *err)
{
    linear_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    m->proba = cfg->proba;
    m->k = cfg->n_classes;
    tc_linear_expect ex = {tc_linear_rows_for(cfg->proba, cfg->n_classes), cfg->n_features,
                           cfg->n_classes};
    tc_status st = tc_linear_parse(path, data, len, &ex, &m->lin, err);
    if (st != TC_OK) {
        linear_free(m);
        return st;
    }
    *model = m;
    return TC_OK;
}

static size_t linear_n_decision(const void *model)
{
    return tc_linear_rows(((const linear_model *)model)->lin);
}

static tc_status linear_decision(const void *model, void *scratch, const tc_sparse *x, double *d)
{
    (void)scratch;
    tc_linear_decision(((const linear_model *)model)->lin, x, d);
    return TC_OK;
}

static void linear_finish(const void *model, void *scratch, const double *d, double *values,
                          size_t *label)
{
    (void)scratch;
    const linear_model *m = model;
    const size_t rows = tc_linear_rows(m->lin);
    tc_proba_from_decision(m->proba, d, rows, m->k, values);
    *label = rows == 1 ? (d[0] > 0 ? 1 : 0) : tc_argmax(d, rows);
}

const tc_clf_backend tc_linear_backend = {
    .accepts = linear_accepts,
    .load = linear_load,
    .free = linear_free,
    .scratch_new = NULL, /* no scratch */
    .scratch_free = NULL,
    .n_decision = linear_n_decision,
    .decision = linear_decision,
    .finish = linear_finish,
};
