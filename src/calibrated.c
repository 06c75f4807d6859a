/* calibrated.c - calibrated.tsv and the calibrated classifier kind (see tc_calibrated.h).
 *
 *   textclf-calibrated<TAB>1
 *   method<TAB>sigmoid|isotonic
 *   folds<TAB>F
 *   then F times:
 *   fold<TAB>i<TAB>lines<TAB>L        i = 1..F; the next L lines are a linear.tsv
 *   <L lines>
 *   calibrators<TAB>R                 R = the fold's rows
 *   sigmoid<TAB>a<TAB>b               R times, or for isotonic R times the three lines
 *   isotonic<TAB>n<TAB>x_min<TAB>x_max
 *   x<TAB>x_0 ... x_n-1
 *   y<TAB>y_0 ... y_n-1
 */
#include "tc_calibrated.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_linear.h"
#include "tc_numparse.h"

#define MAX_FOLDS 1000u
#define MAX_THRESHOLDS ((size_t)1 << 26)

typedef struct fold {
    tc_linear *lin;
    tc_calibrator *cal;  /* rows */
} fold;

struct tc_calibrated {
    size_t k, rows, n_folds;
    fold *folds;
};

typedef struct cursor {
    const char *path, *data;
    size_t len, pos, lineno;
} cursor;

static tc_status next_line(cursor *c, const char *what, const char **s, size_t *n, char *err)
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

/* Splits s[0..n) at tabs into at most max fields; returns the count (max + 1 if more). */
static size_t split(const char *s, size_t n, const char **f, size_t *fl, size_t max)
{
    size_t k = 0;
    const char *p = s, *end = s + n;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *fe = tab ? tab : end;
        if (k == max)
            return max + 1;
        f[k] = p;
        fl[k] = (size_t)(fe - p);
        k++;
        if (tab == NULL)
            return k;
        p = tab + 1;
    }
}

static bool is(const char *f, size_t fl, const char *word)
{
    return fl == strlen(word) && memcmp(f, word, fl) == 0;
}

/* A line "key<TAB>count". */
static tc_status key_count(cursor *c, const char *key, uint64_t max, uint64_t *out, char *err)
{
    const char *s, *f[3];
    size_t n, fl[3];
    tc_status st = next_line(c, key, &s, &n, err);
    if (st != TC_OK)
        return st;
    if (split(s, n, f, fl, 2) != 2 || !is(f[0], fl[0], key) ||
        !tc_parse_u64(f[1], fl[1], out) || *out > max)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"%s<TAB><count>\" (at most %llu)",
                       c->path, c->lineno, key, (unsigned long long)max);
    return TC_OK;
}

/* A line "<tag><TAB>v_1 ... v_n" into out[0..n). */
static tc_status values_line(cursor *c, const char *tag, size_t n, double *out, char *err)
{
    const char *s;
    size_t len;
    tc_status st = next_line(c, tag, &s, &len, err);
    if (st != TC_OK)
        return st;
    size_t tl = strlen(tag);
    if (len < tl + 1 || memcmp(s, tag, tl) != 0 || s[tl] != '\t')
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"%s<TAB>values\"", c->path,
                       c->lineno, tag);
    const char *p = s + tl + 1, *end = s + len;
    for (size_t i = 0; i < n; i++) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *fe = tab ? tab : end;
        if (!tc_parse_double(p, (size_t)(fe - p), &out[i]))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: %s value %zu is not a finite number",
                           c->path, c->lineno, tag, i + 1);
        if ((tab == NULL) != (i + 1 == n))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: %s must have exactly %zu values", c->path,
                           c->lineno, tag, n);
        p = tab ? tab + 1 : end;
    }
    return TC_OK;
}

static tc_status parse_calibrator(cursor *c, tc_calibration_method method, tc_calibrator *cal,
                                  char *err)
{
    const char *s, *f[5];
    size_t n, fl[5];
    tc_status st = next_line(c, "a calibrator", &s, &n, err);
    if (st != TC_OK)
        return st;
    size_t nf = split(s, n, f, fl, 4);
    cal->method = method;
    if (method == TC_CAL_SIGMOID) {
        if (nf != 3 || !is(f[0], fl[0], "sigmoid") || !tc_parse_double(f[1], fl[1], &cal->a) ||
            !tc_parse_double(f[2], fl[2], &cal->b))
            return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"sigmoid<TAB>a<TAB>b\" with "
                           "finite numbers", c->path, c->lineno);
        return TC_OK;
    }
    uint64_t cnt = 0;
    if (nf != 4 || !is(f[0], fl[0], "isotonic") || !tc_parse_u64(f[1], fl[1], &cnt) ||
        cnt == 0 || cnt > MAX_THRESHOLDS || !tc_parse_double(f[2], fl[2], &cal->x_min) ||
        !tc_parse_double(f[3], fl[3], &cal->x_max))
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"isotonic<TAB>n<TAB>x_min<TAB>x_max\" "
                       "(1 <= n <= %zu, finite numbers)", c->path, c->lineno, MAX_THRESHOLDS);
    size_t at = c->lineno;
    cal->n = (size_t)cnt;
    cal->x = malloc(cal->n * sizeof *cal->x);
    cal->y = malloc(cal->n * sizeof *cal->y);
    if (cal->x == NULL || cal->y == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    if ((st = values_line(c, "x", cal->n, cal->x, err)) != TC_OK ||
        (st = values_line(c, "y", cal->n, cal->y, err)) != TC_OK)
        return st;
    const char *why = tc_calibrator_invalid(cal);
    if (why != NULL)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: isotonic calibrator with %s", c->path, at, why);
    return TC_OK;
}

/* "fold i lines L", the embedded linear.tsv, the calibrators. */
static tc_status parse_fold(cursor *c, const tc_classifier_config *cfg, size_t i,
                            tc_calibration_method method, fold *fd, size_t rows, char *err)
{
    const char *s, *f[5];
    size_t n, fl[5];
    uint64_t num = 0, lines = 0;
    tc_status st = next_line(c, "a fold line", &s, &n, err);
    if (st != TC_OK)
        return st;
    if (split(s, n, f, fl, 4) != 4 || !is(f[0], fl[0], "fold") || !is(f[2], fl[2], "lines") ||
        !tc_parse_u64(f[1], fl[1], &num) || num != i + 1 || !tc_parse_u64(f[3], fl[3], &lines) ||
        lines != 5 + (uint64_t)cfg->n_features)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"fold<TAB>%zu<TAB>lines<TAB>%zu\"",
                       c->path, c->lineno, i + 1, cfg->n_features + 5);
    size_t start = c->pos, first = c->lineno + 1;
    for (uint64_t l = 0; l < lines; l++) {
        const char *ls;
        size_t ln;
        if ((st = next_line(c, "a line of the fold's linear model", &ls, &ln, err)) != TC_OK)
            return st;
    }
    char label[TC_ERR_LEN / 2];
    snprintf(label, sizeof label, "%s (fold %zu, whose lines count from line %zu)", c->path,
             i + 1, first);
    tc_linear_expect ex = {rows, cfg->n_features, cfg->n_classes};
    if ((st = tc_linear_parse(label, c->data + start, c->pos - start, &ex, &fd->lin, err)) !=
        TC_OK)
        return st;
    uint64_t ncal = 0;
    if ((st = key_count(c, "calibrators", rows, &ncal, err)) != TC_OK)
        return st;
    if (ncal != rows)
        return tc_fail(err, TC_EFORMAT, "%s:%zu: %llu calibrators for %zu decision rows",
                       c->path, c->lineno, (unsigned long long)ncal, rows);
    if ((fd->cal = calloc(rows, sizeof *fd->cal)) == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    for (size_t r = 0; r < rows; r++)
        if ((st = parse_calibrator(c, method, &fd->cal[r], err)) != TC_OK)
            return st;
    return TC_OK;
}

static tc_status parse_header(cursor *c, const tc_classifier_config *cfg, uint64_t *folds,
                              char *err)
{
    const char *s, *f[3];
    size_t n, fl[3];
    tc_status st = next_line(c, "the header", &s, &n, err);
    if (st != TC_OK)
        return st;
    if (split(s, n, f, fl, 2) != 2 || !is(f[0], fl[0], "textclf-calibrated"))
        return tc_fail(err, TC_EFORMAT, "%s:1: not a textclf-calibrated file", c->path);
    if (!is(f[1], fl[1], "1"))
        return tc_fail(err, TC_EFORMAT, "%s:1: calibrated format version \"%.*s\" is not "
                       "supported (1)", c->path, (int)(fl[1] > 20 ? 20 : fl[1]), f[1]);
    const char *want = cfg->calibration == TC_CAL_SIGMOID ? "sigmoid" : "isotonic";
    if ((st = next_line(c, "the method line", &s, &n, err)) != TC_OK)
        return st;
    if (split(s, n, f, fl, 2) != 2 || !is(f[0], fl[0], "method") || !is(f[1], fl[1], want))
        return tc_fail(err, TC_EFORMAT, "%s:2: expected \"method<TAB>%s\" (the manifest's "
                       "classifier.method)", c->path, want);
    if ((st = key_count(c, "folds", MAX_FOLDS, folds, err)) != TC_OK)
        return st;
    if (*folds == 0)
        return tc_fail(err, TC_EFORMAT, "%s:3: folds must be at least 1", c->path);
    return TC_OK;
}

tc_status tc_calibrated_parse(const tc_classifier_config *cfg, const char *path,
                              const char *data, size_t len, tc_calibrated **out, char *err)
{
    cursor c = {path, data, len, 0, 0};
    uint64_t folds = 0;
    tc_status st = parse_header(&c, cfg, &folds, err);
    if (st != TC_OK)
        return st;
    tc_calibrated *m = calloc(1, sizeof *m);
    if (m == NULL || (m->folds = calloc((size_t)folds, sizeof *m->folds)) == NULL) {
        free(m);
        return tc_fail(err, TC_ENOMEM, "out of memory");
    }
    m->k = cfg->n_classes;
    m->rows = cfg->n_classes == 2 ? 1 : cfg->n_classes;
    m->n_folds = (size_t)folds;
    for (size_t i = 0; i < m->n_folds && st == TC_OK; i++)
        st = parse_fold(&c, cfg, i, cfg->calibration, &m->folds[i], m->rows, err);
    if (st == TC_OK && c.pos < c.len)
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: text after the last fold", path, c.lineno + 1);
    if (st != TC_OK)
        tc_calibrated_free(&m);
    else
        *out = m;
    return st;
}

void tc_calibrated_free(tc_calibrated **mp)
{
    if (mp == NULL || *mp == NULL)
        return;
    tc_calibrated *m = *mp;
    for (size_t i = 0; i < m->n_folds; i++) {
        tc_linear_free(&m->folds[i].lin);
        for (size_t r = 0; m->folds[i].cal != NULL && r < m->rows; r++)
            tc_calibrator_release(&m->folds[i].cal[r]);
        free(m->folds[i].cal);
    }
    free(m->folds);
    free(m);
    *mp = NULL;
}

size_t tc_calibrated_folds(const tc_calibrated *m) { return m->n_folds; }

/* ---- the classifier kind -------------------------------------------------------------- */

static bool calibrated_accepts(const tc_classifier_config *cfg)
{
    return cfg->proba == TC_PROBA_CALIBRATED &&
           (cfg->calibration == TC_CAL_SIGMOID || cfg->calibration == TC_CAL_ISOTONIC);
}

static tc_status calibrated_load(const tc_classifier_config *cfg, const char *path,
                                 const char *data, size_t len, void **model, char *err)
{
    tc_calibrated *m = NULL;
    tc_status st = tc_calibrated_parse(cfg, path, data, len, &m, err);
    if (st == TC_OK)
        *model = m;
    return st;
}

static void calibrated_free(void *model)
{
    tc_calibrated *m = model;
    tc_calibrated_free(&m);
}

/* One fold's probabilities (k doubles). */
static void *calibrated_scratch_new(const void *model)
{
    return calloc(((const tc_calibrated *)model)->k, sizeof(double));
}

static void calibrated_scratch_free(void *scratch) { free(scratch); }

static size_t calibrated_n_decision(const void *model)
{
    const tc_calibrated *m = model;
    return m->n_folds * m->rows;
}

static tc_status calibrated_decision(const void *model, void *scratch, const tc_sparse *x,
                                     double *d)
{
    (void)scratch;
    const tc_calibrated *m = model;
    for (size_t i = 0; i < m->n_folds; i++)
        tc_linear_decision(m->folds[i].lin, x, d + i * m->rows);
    return TC_OK;
}

/* CalibratedClassifierCV.predict_proba: mean_proba = zeros; += each fold's; /= folds. */
static void calibrated_finish(const void *model, void *scratch, const double *d, double *values,
                              size_t *label)
{
    const tc_calibrated *m = model;
    double *p = scratch;
    for (size_t c = 0; c < m->k; c++)
        values[c] = 0.0;
    for (size_t i = 0; i < m->n_folds; i++) {
        tc_calibrated_fold(m->folds[i].cal, d + i * m->rows, m->k, p);
        for (size_t c = 0; c < m->k; c++)
            values[c] += p[c];
    }
    for (size_t c = 0; c < m->k; c++)
        values[c] /= (double)m->n_folds;
    *label = tc_argmax(values, m->k);
}

const tc_clf_backend tc_calibrated_backend = {
    .accepts = calibrated_accepts,
    .load = calibrated_load,
    .free = calibrated_free,
    .scratch_new = calibrated_scratch_new,
    .scratch_free = calibrated_scratch_free,
    .n_decision = calibrated_n_decision,
    .decision = calibrated_decision,
    .finish = calibrated_finish,
};
