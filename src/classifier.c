/* classifier.c - linear and libsvm scoring with scikit-learn's / libsvm's exact
 * semantics (see tc_classifier.h).
 *
 * Floating-point order matters for parity, so every formula below follows the order
 * of operations of the library it reproduces (noted per function):
 *  - linear decision values: scipy's CSR x dense product accumulates x_j * w[j][r] from
 *    0.0 in column order, then sklearn adds intercept_; we do the same.
 *  - libsvm: sum of coef * K(x, sv) over the SVs, then minus rho.
 * The build uses -std=c11 (not gnu11), so the compiler does not contract a*b+c into
 * FMAs, which would change roundings.
 */
#include "tc_classifier.h"

#include <libsvm/svm.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_numparse.h"
#include "tc_svmfile.h"
#include "tc_textfile.h"

/* Largest model file we read: far beyond any real model, small enough to refuse a
 * mistaken path to a disk image. */
#define MAX_MODEL_BYTES ((size_t)4 << 30)
#define MAX_CLASSES 65536u
#define NO_SLOT UINT32_MAX

struct tc_classifier {
    tc_classifier_type type;
    tc_proba_kind proba;
    tc_svm_origin origin;
    size_t k;           /* classes */
    size_t n_features;

    /* linear: d_r = (sum_j x_j w[j * rows + r]) + b_r */
    size_t rows;
    double *intercept;  /* rows */
    double *weights;    /* n_features x rows, feature-major */

    /* libsvm */
    struct svm_model *svm;
    tc_svm_kernel kernel;
    size_t pairs;       /* k(k-1)/2 */
    bool has_prob;
    /* linear kernel collapsed: feature j -> slot[j] (NO_SLOT if no SV uses it);
     * pair p's weight for that feature is wpair[slot * pairs + p]. */
    uint32_t *slot;
    double *wpair;
};

struct tc_classifier_scratch {
    double *dec;                /* max(rows, pairs) */
    double *r;                  /* k x k pairwise probabilities */
    double *q;                  /* k x k coupling matrix */
    double *qp;                 /* k */
    size_t *votes;              /* k */
    struct svm_node *nodes;     /* nnz + 1, grown on demand */
    size_t nodes_cap;
};

/* ---- small numeric helpers ------------------------------------------------------------ */

/* scipy.special.expit as scipy 1.10 computes it for float64: 1 / (1 + exp(-x)). */
static double expit(double x) { return 1.0 / (1.0 + exp(-x)); }

/* First index of the maximum (numpy argmax; NaN never occurs: inputs are finite). */
static size_t argmax(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static double clip1(double d) { return d < -1.0 ? -1.0 : (d > 1.0 ? 1.0 : d); }

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

static tc_status load_linear(tc_classifier *m, const char *path, const char *data, size_t len,
                             char *err)
{
    tc_status st = TC_OK;
    lcursor c = {path, data, len, 0, 0};
    const char *s;
    size_t n;
    uint64_t rows = 0, feats = 0;
    /* NB stores one row per class even for 2 classes; the other estimators store one. */
    size_t want_rows = (m->proba == TC_PROBA_NAIVE_BAYES || m->k > 2) ? m->k : 1;

    if ((st = lnext(&c, "the header", &s, &n, err)) != TC_OK)
        goto out;
    static const char magic[] = "textclf-linear\t";
    if (n < sizeof magic - 1 || memcmp(s, magic, sizeof magic - 1) != 0) {
        st = tc_fail(err, TC_EFORMAT, "%s:1: not a textclf-linear file (header \"%.*s\")", path,
                     (int)(n > 40 ? 40 : n), s);
        goto out;
    }
    uint64_t version;
    if (!tc_parse_u64(s + sizeof magic - 1, n - (sizeof magic - 1), &version) || version == 0) {
        st = tc_fail(err, TC_EFORMAT, "%s:1: bad format version \"%.*s\"", path,
                     (int)(n > 40 ? 40 : n), s);
        goto out;
    }
    if (version != 1) {
        st = tc_fail(err, TC_EFORMAT,
                     "%s:1: linear format version %llu is newer than this textclf supports (1)",
                     path, (unsigned long long)version);
        goto out;
    }
    if ((st = lnext(&c, "the rows line", &s, &n, err)) != TC_OK ||
        (st = parse_kv_count(&c, "rows", s, n, &rows, err)) != TC_OK)
        goto out;
    if (rows != want_rows) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: rows %llu, but a %zu-class model of this kind "
                     "needs %zu", path, c.lineno, (unsigned long long)rows, m->k, want_rows);
        goto out;
    }
    if ((st = lnext(&c, "the features line", &s, &n, err)) != TC_OK ||
        (st = parse_kv_count(&c, "features", s, n, &feats, err)) != TC_OK)
        goto out;
    if (feats != m->n_features) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: features %llu, but the vocabulary has %zu terms",
                     path, c.lineno, (unsigned long long)feats, m->n_features);
        goto out;
    }
    m->rows = want_rows;
    m->intercept = calloc(m->rows, sizeof *m->intercept);
    if (m->n_features > SIZE_MAX / sizeof(double) / m->rows) {
        st = tc_fail(err, TC_ENOMEM, "%s: weight matrix too large", path);
        goto out;
    }
    m->weights = malloc(m->n_features * m->rows * sizeof *m->weights);
    if (m->intercept == NULL || m->weights == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu x %zu weights", path,
                     m->n_features, m->rows);
        goto out;
    }
    if ((st = lnext(&c, "the intercept line", &s, &n, err)) != TC_OK)
        goto out;
    if (n < 10 || memcmp(s, "intercept\t", 10) != 0) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"intercept<TAB>values\"", path,
                     c.lineno);
        goto out;
    }
    if ((st = parse_row(&c, "intercept", s + 10, n - 10, m->rows, m->intercept, err)) != TC_OK)
        goto out;
    if ((st = lnext(&c, "the weights line", &s, &n, err)) != TC_OK)
        goto out;
    if (n != 7 || memcmp(s, "weights", 7) != 0) {
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: expected \"weights\"", path, c.lineno);
        goto out;
    }
    for (size_t j = 0; j < m->n_features; j++) {
        if ((st = lnext(&c, "a weight line", &s, &n, err)) != TC_OK)
            goto out;
        if ((st = parse_row(&c, "weight line", s, n, m->rows, m->weights + j * m->rows, err)) !=
            TC_OK)
            goto out;
    }
    if (c.pos < len)
        st = tc_fail(err, TC_EFORMAT, "%s:%zu: text after the %zu weight lines", path,
                     c.lineno + 1, m->n_features);
out:
    return st;
}

/* ---- libsvm model ------------------------------------------------------------------- */

/* Pair index of classes i < j in libsvm's order (0,1),(0,2),...,(1,2),... */
static size_t pair_index(size_t k, size_t i, size_t j)
{
    return i * (2 * k - i - 1) / 2 + (j - i - 1);
}

/* Linear kernel: w_p = sum over the SVs of both classes of pair p of coef * sv, summed
 * in long double so the collapsed weights carry (almost) no rounding of their own;
 * the remaining difference to svm_predict_values is the changed summation order. */
static tc_status collapse_linear(tc_classifier *m, const char *path, char *err)
{
    const struct svm_model *sm = m->svm;
    const size_t k = m->k, P = m->pairs, L = (size_t)sm->l;
    tc_status st = TC_OK;
    long double *acc = NULL;
    size_t *cls = NULL;
    m->slot = malloc(m->n_features * sizeof *m->slot);
    cls = malloc(L * sizeof *cls);
    if (m->slot == NULL || cls == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory collapsing the linear SVM", path);
        goto out;
    }
    for (size_t j = 0; j < m->n_features; j++)
        m->slot[j] = NO_SLOT;
    size_t used = 0;
    for (size_t s = 0, c = 0, left = (size_t)sm->nSV[0]; s < L; s++) {
        while (left == 0)
            left = (size_t)sm->nSV[++c];
        cls[s] = c;
        left--;
        for (const struct svm_node *nd = sm->SV[s]; nd->index != -1; nd++) {
            /* Validated already; rechecked because libsvm re-read the file by path. */
            if (nd->index < 1 || (size_t)nd->index > m->n_features) {
                st = tc_fail(err, TC_EFORMAT, "%s: support vector %zu has feature index %d "
                             "outside 1..%zu (file changed while loading?)", path, s + 1,
                             nd->index, m->n_features);
                goto out;
            }
            size_t j = (size_t)nd->index - 1;
            if (m->slot[j] == NO_SLOT)
                m->slot[j] = (uint32_t)used++;
        }
    }
    if (used > 0 && P > SIZE_MAX / sizeof(long double) / used) {
        st = tc_fail(err, TC_ENOMEM, "%s: collapsed SVM too large", path);
        goto out;
    }
    acc = calloc(used * P + 1, sizeof *acc);
    m->wpair = calloc(used * P + 1, sizeof *m->wpair);
    if (acc == NULL || m->wpair == NULL) {
        st = tc_fail(err, TC_ENOMEM, "%s: out of memory for %zu x %zu collapsed weights", path,
                     used, P);
        goto out;
    }
    for (size_t s = 0; s < L; s++) {
        const size_t c = cls[s];
        /* SV of class c enters pair (i, c), i < c, with sv_coef[i] and pair (c, j), j > c,
         * with sv_coef[j - 1] (libsvm's svm_predict_values). */
        for (size_t o = 0; o < k; o++) {
            if (o == c)
                continue;
            size_t p = o < c ? pair_index(k, o, c) : pair_index(k, c, o);
            long double coef = (long double)sm->sv_coef[o < c ? o : o - 1][s];
            for (const struct svm_node *nd = sm->SV[s]; nd->index != -1; nd++) {
                size_t slot = m->slot[(size_t)nd->index - 1];
                acc[slot * P + p] += coef * (long double)nd->value;
            }
        }
    }
    for (size_t i = 0; i < used * P; i++)
        m->wpair[i] = (double)acc[i];
out:
    free(acc);
    free(cls);
    return st;
}

static tc_status load_libsvm(tc_classifier *m, const tc_classifier_config *cfg, const char *path,
                             const char *data, size_t len, char *err)
{
    tc_status st = TC_OK;
    tc_svmfile_expect ex = {cfg->n_classes, cfg->n_features, cfg->libsvm_labels,
                            cfg->proba == TC_PROBA_PAIRWISE};
    tc_svmfile_info info;
    if (cfg->libsvm_labels == NULL) {
        st = tc_fail(err, TC_EFORMAT, "%s: the model gives no libsvm_labels", path);
        goto out;
    }
    /* Nothing unvalidated reaches svm_load_model's unchecked fscanf parser. */
    if ((st = tc_svmfile_validate(path, data, len, &ex, &info, err)) != TC_OK)
        goto out;
    /* svm_load_model (3.24) switches LC_ALL to "C" around its parse and restores it, so
     * numbers are read with '.' whatever the process locale; setlocale is not
     * thread-safe, so models are loaded before any worker thread starts (the daemon
     * never changes its locale from "C" anyway). The file is read a second time by
     * path; the checks below catch a file replaced in between. */
    m->svm = svm_load_model(path);
    if (m->svm == NULL) {
        st = tc_fail(err, TC_EFORMAT, "%s: libsvm's svm_load_model refused the file", path);
        goto out;
    }
    const struct svm_model *sm = m->svm;
    bool same = sm->param.svm_type == C_SVC && (size_t)sm->nr_class == m->k &&
                (size_t)sm->l == info.total_sv && sm->label != NULL && sm->nSV != NULL &&
                sm->rho != NULL && (sm->probA != NULL) == info.has_probability &&
                (sm->probB != NULL) == info.has_probability;
    size_t nsv_sum = 0;
    for (size_t i = 0; same && i < m->k; i++) {
        same = sm->label[i] == cfg->libsvm_labels[i] && sm->nSV[i] >= 0;
        nsv_sum += same ? (size_t)sm->nSV[i] : 0;
    }
    same = same && nsv_sum == info.total_sv;
    if (!same) {
        st = tc_fail(err, TC_EFORMAT,
                     "%s: libsvm read something other than the validated file (changed while "
                     "loading?)", path);
        goto out;
    }
    m->kernel = info.kernel;
    m->has_prob = info.has_probability;
    if (m->kernel == TC_SVM_KERNEL_LINEAR)
        st = collapse_linear(m, path, err);
out:
    return st;
}

/* ---- load / free ------------------------------------------------------------------- */

tc_status tc_classifier_load(const tc_classifier_config *cfg, const char *path,
                             tc_classifier **out, char *err)
{
    char *data = NULL;
    size_t len = 0;
    tc_status st = tc_read_file(path, MAX_MODEL_BYTES, &data, &len, err);
    if (st == TC_OK)
        st = tc_classifier_load_mem(cfg, path, data, len, out, err);
    tc_file_free(data);
    return st;
}

tc_status tc_classifier_load_mem(const tc_classifier_config *cfg, const char *path,
                                 const char *data, size_t len, tc_classifier **out, char *err)
{
    if (cfg->n_classes < 2 || cfg->n_classes > MAX_CLASSES || cfg->n_features == 0 ||
        cfg->n_features >= NO_SLOT)
        return tc_fail(err, TC_EFORMAT, "%s: model needs 2..%u classes and 1..%u features (has "
                       "%zu classes, %zu features)", path, MAX_CLASSES, NO_SLOT - 1,
                       cfg->n_classes, cfg->n_features);
    bool ok;
    if (cfg->type == TC_CLF_LINEAR)
        ok = cfg->proba != TC_PROBA_PAIRWISE &&
             (cfg->proba != TC_PROBA_SOFTMAX || cfg->n_classes >= 3) &&
             (cfg->proba != TC_PROBA_SOFTMAX_BINARY || cfg->n_classes == 2);
    else
        ok = cfg->type == TC_CLF_LIBSVM &&
             (cfg->proba == TC_PROBA_PAIRWISE || cfg->proba == TC_PROBA_NONE) &&
             (cfg->origin == TC_SVM_SKLEARN || cfg->origin == TC_SVM_LIBSVM);
    if (!ok)
        return tc_fail(err, TC_EUNSUPPORTED,
                       "%s: unsupported classifier/probability combination for %zu classes",
                       path, cfg->n_classes);
    tc_classifier *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    m->type = cfg->type;
    m->proba = cfg->proba;
    m->origin = cfg->origin;
    m->k = cfg->n_classes;
    m->n_features = cfg->n_features;
    m->pairs = m->k * (m->k - 1) / 2;
    tc_status st = cfg->type == TC_CLF_LINEAR ? load_linear(m, path, data, len, err)
                                              : load_libsvm(m, cfg, path, data, len, err);
    if (st != TC_OK) {
        tc_classifier_free(&m);
        return st;
    }
    *out = m;
    return TC_OK;
}

void tc_classifier_free(tc_classifier **c)
{
    if (c == NULL || *c == NULL)
        return;
    tc_classifier *m = *c;
    free(m->intercept);
    free(m->weights);
    free(m->slot);
    free(m->wpair);
    if (m->svm != NULL)
        svm_free_and_destroy_model(&m->svm);
    free(m);
    *c = NULL;
}

tc_output_kind tc_classifier_output(const tc_classifier *c)
{
    return c->proba == TC_PROBA_NONE ? TC_OUTPUT_SCORES : TC_OUTPUT_PROBABILITIES;
}

size_t tc_classifier_n_classes(const tc_classifier *c) { return c->k; }
tc_classifier_type tc_classifier_backend(const tc_classifier *c) { return c->type; }
tc_proba_kind tc_classifier_proba(const tc_classifier *c) { return c->proba; }

tc_classifier_scratch *tc_classifier_scratch_new(const tc_classifier *c)
{
    tc_classifier_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    size_t nd = c->rows > c->pairs ? c->rows : c->pairs;
    s->dec = calloc(nd + 1, sizeof *s->dec);
    s->r = calloc(c->k * c->k, sizeof *s->r);
    s->q = calloc(c->k * c->k, sizeof *s->q);
    s->qp = calloc(c->k, sizeof *s->qp);
    s->votes = calloc(c->k, sizeof *s->votes);
    if (s->dec == NULL || s->r == NULL || s->q == NULL || s->qp == NULL || s->votes == NULL)
        tc_classifier_scratch_free(&s);
    return s;
}

void tc_classifier_scratch_free(tc_classifier_scratch **s)
{
    if (s == NULL || *s == NULL)
        return;
    free((*s)->dec);
    free((*s)->r);
    free((*s)->q);
    free((*s)->qp);
    free((*s)->votes);
    free((*s)->nodes);
    free(*s);
    *s = NULL;
}

/* ---- decision values ------------------------------------------------------------------ */

static bool indices_ok(const tc_classifier *c, const tc_sparse *x)
{
    for (size_t i = 0; i < x->nnz; i++)
        if (x->index[i] >= c->n_features || (i > 0 && x->index[i] <= x->index[i - 1]))
            return false;
    return true;
}

static void linear_decision(const tc_classifier *c, const tc_sparse *x, double *d)
{
    const size_t R = c->rows, n = x->nnz;
    /* entry t of the sum is x's entry at(t): scikit-learn's order (tc_sparse.h) */
    const bool rev = x->sum_descending;
#define AT(t) (rev ? n - 1 - (t) : (t))
    if (R == 1) {
        /* binary models: the same sums in the same order, in a register */
        double acc = 0.0;
        /* 48 columns ahead: the add chain takes ~3 cycles a column, so 16 ahead (~50
         * cycles) was less than an L3 hit and the weight reads waited */
        for (size_t t = 0; t < n && t < 48; t++)
            __builtin_prefetch(c->weights + x->index[AT(t)]);
        for (size_t t = 0; t < n; t++) {
            if (t + 48 < n)
                __builtin_prefetch(c->weights + x->index[AT(t + 48)]);
            const size_t i = AT(t);
            acc += x->value[i] * c->weights[x->index[i]];
        }
        d[0] = acc + c->intercept[0];
        return;
    }
    for (size_t r = 0; r < R; r++)
        d[r] = 0.0;
    for (size_t t = 0; t < n; t++) {
        /* the rows are scattered over a large matrix: fetch a few columns ahead */
        if (t + 16 < n)
            __builtin_prefetch(c->weights + (size_t)x->index[AT(t + 16)] * R);
        const size_t i = AT(t);
        const double v = x->value[i];
        const double *w = c->weights + (size_t)x->index[i] * R;
        for (size_t r = 0; r < R; r++)
            d[r] += v * w[r];
    }
#undef AT
    for (size_t r = 0; r < R; r++)
        d[r] += c->intercept[r];
}

/* x as a libsvm node array (index = column + 1, terminated by -1) in the scratch. */
static tc_status to_nodes(tc_classifier_scratch *s, const tc_sparse *x)
{
    if (s->nodes_cap < x->nnz + 1) {
        size_t cap = x->nnz + 1 < 64 ? 64 : x->nnz + 1;
        if (cap < s->nodes_cap * 2)
            cap = s->nodes_cap * 2;
        struct svm_node *nn = realloc(s->nodes, cap * sizeof *nn);
        if (nn == NULL)
            return TC_ENOMEM;
        s->nodes = nn;
        s->nodes_cap = cap;
    }
    for (size_t i = 0; i < x->nnz; i++) {
        s->nodes[i].index = (int)(x->index[i] + 1);
        s->nodes[i].value = x->value[i];
    }
    s->nodes[x->nnz].index = -1;
    s->nodes[x->nnz].value = 0.0;
    return TC_OK;
}

static tc_status svm_decision(const tc_classifier *c, tc_classifier_scratch *s,
                              const tc_sparse *x, double *d)
{
    const size_t P = c->pairs;
    if (c->kernel == TC_SVM_KERNEL_LINEAR) {
        for (size_t p = 0; p < P; p++)
            d[p] = 0.0;
        for (size_t i = 0; i < x->nnz; i++) {
            uint32_t slot = c->slot[x->index[i]];
            if (slot == NO_SLOT)
                continue;
            const double v = x->value[i];
            const double *w = c->wpair + (size_t)slot * P;
            for (size_t p = 0; p < P; p++)
                d[p] += v * w[p];
        }
        for (size_t p = 0; p < P; p++)
            d[p] -= c->svm->rho[p];
        return TC_OK;
    }
    tc_status st = to_nodes(s, x);
    if (st != TC_OK)
        return st;
    svm_predict_values(c->svm, s->nodes, d);
    return TC_OK;
}

size_t tc_classifier_decision_values(const tc_classifier *c, tc_classifier_scratch *s,
                                     const tc_sparse *x, double *out, size_t cap)
{
    if (!indices_ok(c, x))
        return 0;
    size_t n = c->type == TC_CLF_LINEAR ? c->rows : c->pairs;
    if (c->type == TC_CLF_LINEAR)
        linear_decision(c, x, s->dec);
    else if (svm_decision(c, s, x, s->dec) != TC_OK)
        return 0;
    if (n > cap)
        n = cap;
    memcpy(out, s->dec, n * sizeof *out);
    return n;
}

/* ---- linear probabilities ------------------------------------------------------------- */

/* Normalises v[0..k) by its sum (sklearn: prob /= prob.sum(axis=1)). */
static void normalise(double *v, size_t k)
{
    double sum = 0.0;
    for (size_t i = 0; i < k; i++)
        sum += v[i];
    for (size_t i = 0; i < k; i++)
        v[i] /= sum;
}

/* sklearn.utils.extmath.softmax: subtract the row max, exp, divide by the sum. */
static void softmax(const double *d, double *p, size_t k)
{
    double mx = d[argmax(d, k)];
    for (size_t i = 0; i < k; i++)
        p[i] = exp(d[i] - mx);
    normalise(p, k);
}

static void linear_values(const tc_classifier *c, const double *d, double *v)
{
    const size_t k = c->k;
    switch (c->proba) {
    case TC_PROBA_NONE:
        if (c->rows == 1) {
            v[0] = -d[0];
            v[1] = d[0];
        } else {
            memcpy(v, d, k * sizeof *v);
        }
        return;
    case TC_PROBA_LOGISTIC_OVR: /* sklearn _predict_proba_lr */
        if (c->rows == 1) {
            v[1] = expit(d[0]);
            v[0] = 1.0 - v[1];
        } else {
            for (size_t i = 0; i < k; i++)
                v[i] = expit(d[i]);
            normalise(v, k);
        }
        return;
    case TC_PROBA_SOFTMAX:
        softmax(d, v, k);
        return;
    case TC_PROBA_SOFTMAX_BINARY: {
        double two[2] = {-d[0], d[0]};
        softmax(two, v, 2);
        return;
    }
    case TC_PROBA_MODIFIED_HUBER: /* SGDClassifier._predict_proba */
        if (c->rows == 1) {
            v[1] = (clip1(d[0]) + 1.0) / 2.0;
            v[0] = 1.0 - v[1];
        } else {
            double sum = 0.0;
            for (size_t i = 0; i < k; i++) {
                v[i] = (clip1(d[i]) + 1.0) / 2.0;
                sum += v[i];
            }
            if (sum == 0.0) {
                for (size_t i = 0; i < k; i++)
                    v[i] = 1.0;
                sum = (double)k;
            }
            for (size_t i = 0; i < k; i++)
                v[i] /= sum;
        }
        return;
    case TC_PROBA_NAIVE_BAYES: { /* exp(jll - logsumexp(jll)), scipy's logsumexp */
        double mx = d[argmax(d, k)];
        double sum = 0.0;
        for (size_t i = 0; i < k; i++)
            sum += exp(d[i] - mx);
        double lse = log(sum) + mx;
        for (size_t i = 0; i < k; i++)
            v[i] = exp(d[i] - lse);
        return;
    }
    case TC_PROBA_PAIRWISE:
        break;
    }
}

/* ---- libsvm probabilities ------------------------------------------------------------- */

/* libsvm's sigmoid_predict: 1 / (1 + exp(f A + B)), evaluated in the branch that cannot
 * overflow and that keeps 1 - p accurate. */
static double sigmoid_predict(double f, double a, double b)
{
    double fApB = f * a + b;
    if (fApB >= 0)
        return exp(-fApB) / (1.0 + exp(-fApB));
    return 1.0 / (1.0 + exp(fApB));
}

/* Wu, Lin and Weng (2004), method 2, as libsvm's multiclass_probability: minimise
 * p'Qp subject to sum p = 1 by cyclic coordinate updates, starting from uniform p,
 * stopping when max_t |(Qp)_t - p'Qp| < 0.005/k or after max(100, k) sweeps. Q is
 * Q_tt = sum_{j != t} r_jt^2, Q_tj = -r_jt r_tj. r is k x k row-major, r[i*k+j] =
 * P(class i | i or j). The update order and formulas follow libsvm so the result
 * matches it to the last bits. */
static void couple(size_t k, const double *r, double *q, double *qp, double *p)
{
    const size_t max_iter = k > 100 ? k : 100;
    const double eps = 0.005 / (double)k;
    for (size_t t = 0; t < k; t++) {
        p[t] = 1.0 / (double)k;
        q[t * k + t] = 0.0;
        for (size_t j = 0; j < t; j++) {
            q[t * k + t] += r[j * k + t] * r[j * k + t];
            q[t * k + j] = q[j * k + t];
        }
        for (size_t j = t + 1; j < k; j++) {
            q[t * k + t] += r[j * k + t] * r[j * k + t];
            q[t * k + j] = -r[j * k + t] * r[t * k + j];
        }
    }
    for (size_t iter = 0; iter < max_iter; iter++) {
        /* Recompute Qp and p'Qp from scratch each sweep (libsvm does, for accuracy). */
        double pqp = 0.0;
        for (size_t t = 0; t < k; t++) {
            qp[t] = 0.0;
            for (size_t j = 0; j < k; j++)
                qp[t] += q[t * k + j] * p[j];
            pqp += p[t] * qp[t];
        }
        double max_err = 0.0;
        for (size_t t = 0; t < k; t++) {
            double e = fabs(qp[t] - pqp);
            if (e > max_err)
                max_err = e;
        }
        if (max_err < eps)
            break;
        for (size_t t = 0; t < k; t++) {
            double diff = (-qp[t] + pqp) / q[t * k + t];
            p[t] += diff;
            /* p is renormalised by 1 + diff; pQp and Qp are updated to match. */
            pqp = (pqp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
            for (size_t j = 0; j < k; j++) {
                qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff);
                p[j] /= (1 + diff);
            }
        }
    }
}

/* One-vs-one votes as svm_predict_values: f > 0 votes for i, else j; most votes wins,
 * lowest index on ties. */
static size_t ovo_vote(size_t k, const double *d, size_t *votes)
{
    for (size_t i = 0; i < k; i++)
        votes[i] = 0;
    for (size_t i = 0, p = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p++)
            votes[d[p] > 0 ? i : j]++;
    size_t best = 0;
    for (size_t i = 1; i < k; i++)
        if (votes[i] > votes[best])
            best = i;
    return best;
}

static void svm_values(const tc_classifier *c, tc_classifier_scratch *s, const double *d,
                       double *v, size_t *label)
{
    const size_t k = c->k;
    const size_t vote = ovo_vote(k, d, s->votes);
    if (c->proba == TC_PROBA_NONE) {
        if (k == 2) {
            /* sklearn: decision_function = -f01 (the "d" of class 1); class 0 gets f01. */
            v[0] = d[0];
            v[1] = -d[0];
        } else {
            /* sklearn _ovr_decision_function(dec < 0, -dec, k): pair (i, j) adds dec to
             * i's confidence and -dec to j's, and votes i when dec >= 0 (note: libsvm
             * votes j at dec == 0; the label below still follows libsvm/SVC.predict).
             * Then votes + conf / (3 (|conf| + 1)). */
            double *conf = s->qp;
            for (size_t i = 0; i < k; i++) {
                v[i] = 0.0;
                conf[i] = 0.0;
            }
            for (size_t i = 0, p = 0; i < k; i++)
                for (size_t j = i + 1; j < k; j++, p++) {
                    conf[i] -= -d[p];
                    conf[j] += -d[p];
                    v[d[p] < 0 ? j : i] += 1.0;
                }
            for (size_t i = 0; i < k; i++)
                v[i] += conf[i] / (3 * (fabs(conf[i]) + 1));
        }
        *label = vote;
        return;
    }
    const double min_prob = 1e-7;
    for (size_t i = 0, p = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p++) {
            double r = sigmoid_predict(d[p], c->svm->probA[p], c->svm->probB[p]);
            r = fmin(fmax(r, min_prob), 1 - min_prob);
            s->r[i * k + j] = r;
            s->r[j * k + i] = 1 - r;
        }
    if (k == 2 && c->origin == TC_SVM_LIBSVM) {
        /* libsvm >= 3.22 closed form for two classes. */
        v[0] = s->r[1];
        v[1] = s->r[2];
    } else {
        /* sklearn's bundled libsvm couples iteratively even for two classes. */
        couple(k, s->r, s->q, s->qp, v);
    }
    *label = c->origin == TC_SVM_LIBSVM ? argmax(v, k) : vote;
}

tc_status tc_classifier_predict(const tc_classifier *c, tc_classifier_scratch *s,
                                const tc_sparse *x, double *values, size_t *label)
{
    if (!indices_ok(c, x))
        return TC_EINPUT;
    if (c->type == TC_CLF_LINEAR) {
        linear_decision(c, x, s->dec);
        linear_values(c, s->dec, values);
        *label = c->rows == 1 ? (s->dec[0] > 0 ? 1 : 0) : argmax(s->dec, c->rows);
        return TC_OK;
    }
    tc_status st = svm_decision(c, s, x, s->dec);
    if (st != TC_OK)
        return st;
    svm_values(c, s, s->dec, values, label);
    return TC_OK;
}

bool tc_classifier_libsvm_reference(const tc_classifier *c, tc_classifier_scratch *s,
                                    const tc_sparse *x, double *dec_out, double *prob_out,
                                    double *label_out)
{
    if (c->type != TC_CLF_LIBSVM || !indices_ok(c, x) || to_nodes(s, x) != TC_OK)
        return false;
    double lab = svm_predict_values(c->svm, s->nodes, dec_out);
    if (prob_out != NULL && c->has_prob)
        lab = svm_predict_probability(c->svm, s->nodes, prob_out);
    if (label_out != NULL)
        *label_out = lab;
    return true;
}
