/* libsvm.c - the libsvm classifier kind (see tc_libsvm.h).
 *
 * Decision values follow libsvm's order of operations: the sum of coef * K(x, sv) over
 * the support vectors, then minus rho. Probabilities and labels follow libsvm or
 * scikit-learn per the model's origin (noted where they differ).
 */
#include "tc_libsvm.h"

#include <libsvm/svm.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tc_proba.h"
#include "tc_svmfile.h"

#define NO_SLOT UINT32_MAX

struct tc_libsvm {
    struct svm_model *svm;
    tc_svm_kernel kernel;
    tc_proba_kind proba;
    tc_svm_origin origin;
    size_t k;           /* classes */
    size_t n_features;
    size_t pairs;       /* k(k-1)/2 */
    bool has_prob;
    /* linear kernel collapsed: feature j -> slot[j] (NO_SLOT if no SV uses it);
     * pair p's weight for that feature is wpair[slot * pairs + p]. */
    uint32_t *slot;
    double *wpair;
};

struct tc_libsvm_scratch {
    double *r;                  /* k x k pairwise probabilities */
    double *q;                  /* k x k coupling matrix */
    double *qp;                 /* k */
    size_t *votes;              /* k */
    struct svm_node *nodes;     /* nnz + 1, grown on demand */
    size_t nodes_cap;
};

/* ---- load ------------------------------------------------------------------------------ */

/* Pair index of classes i < j in libsvm's order (0,1),(0,2),...,(1,2),... */
static size_t pair_index(size_t k, size_t i, size_t j)
{
    return i * (2 * k - i - 1) / 2 + (j - i - 1);
}

/* Linear kernel: w_p = sum over the SVs of both classes of pair p of coef * sv, summed
 * in long double so the collapsed weights carry (almost) no rounding of their own;
 * the remaining difference to svm_predict_values is the changed summation order. */
static tc_status collapse_linear(tc_libsvm *m, const char *path, char *err)
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

/* What svm_load_model read is what tc_svmfile_validate checked (the file is read twice,
 * by us from memory and by libsvm from path). */
static bool same_as_validated(const tc_libsvm *m, const int *labels, const tc_svmfile_info *info)
{
    const struct svm_model *sm = m->svm;
    bool same = sm->param.svm_type == C_SVC && (size_t)sm->nr_class == m->k &&
                (size_t)sm->l == info->total_sv && sm->label != NULL && sm->nSV != NULL &&
                sm->rho != NULL && (sm->probA != NULL) == info->has_probability &&
                (sm->probB != NULL) == info->has_probability;
    size_t nsv_sum = 0;
    for (size_t i = 0; same && i < m->k; i++) {
        same = sm->label[i] == labels[i] && sm->nSV[i] >= 0;
        nsv_sum += same ? (size_t)sm->nSV[i] : 0;
    }
    return same && nsv_sum == info->total_sv;
}

static void libsvm_free(void *model)
{
    tc_libsvm *m = model;
    if (m == NULL)
        return;
    free(m->slot);
    free(m->wpair);
    if (m->svm != NULL)
        svm_free_and_destroy_model(&m->svm);
    free(m);
}

static tc_status libsvm_load(const tc_classifier_config *cfg, const char *path, const char *data,
                             size_t len, void **model, char *err)
{
    tc_svmfile_expect ex = {cfg->n_classes, cfg->n_features, cfg->libsvm_labels,
                            cfg->proba == TC_PROBA_PAIRWISE};
    tc_svmfile_info info;
    if (cfg->libsvm_labels == NULL)
        return tc_fail(err, TC_EFORMAT, "%s: the model gives no libsvm_labels", path);
    /* Nothing unvalidated reaches svm_load_model's unchecked fscanf parser. */
    tc_status st = tc_svmfile_validate(path, data, len, &ex, &info, err);
    if (st != TC_OK)
        return st;
    tc_libsvm *m = calloc(1, sizeof *m);
    if (m == NULL)
        return tc_fail(err, TC_ENOMEM, "out of memory");
    m->proba = cfg->proba;
    m->origin = cfg->origin;
    m->k = cfg->n_classes;
    m->n_features = cfg->n_features;
    m->pairs = m->k * (m->k - 1) / 2;
    /* svm_load_model (3.24) switches LC_ALL to "C" around its parse and restores it, so
     * numbers are read with '.' whatever the process locale; setlocale is not
     * thread-safe, so models are loaded before any worker thread starts (the daemon
     * never changes its locale from "C" anyway). The file is read a second time by
     * path; same_as_validated catches a file replaced in between. */
    m->svm = svm_load_model(path);
    if (m->svm == NULL) {
        st = tc_fail(err, TC_EFORMAT, "%s: libsvm's svm_load_model refused the file", path);
        goto out;
    }
    if (!same_as_validated(m, cfg->libsvm_labels, &info)) {
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
    if (st != TC_OK)
        libsvm_free(m);
    else
        *model = m;
    return st;
}

static bool libsvm_accepts(const tc_classifier_config *cfg)
{
    return (cfg->proba == TC_PROBA_PAIRWISE || cfg->proba == TC_PROBA_NONE) &&
           (cfg->origin == TC_SVM_SKLEARN || cfg->origin == TC_SVM_LIBSVM);
}

static void libsvm_scratch_free(void *scratch)
{
    tc_libsvm_scratch *s = scratch;
    if (s == NULL)
        return;
    free(s->r);
    free(s->q);
    free(s->qp);
    free(s->votes);
    free(s->nodes);
    free(s);
}

static void *libsvm_scratch_new(const void *model)
{
    const tc_libsvm *m = model;
    tc_libsvm_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->r = calloc(m->k * m->k, sizeof *s->r);
    s->q = calloc(m->k * m->k, sizeof *s->q);
    s->qp = calloc(m->k, sizeof *s->qp);
    s->votes = calloc(m->k, sizeof *s->votes);
    if (s->r == NULL || s->q == NULL || s->qp == NULL || s->votes == NULL) {
        libsvm_scratch_free(s);
        return NULL;
    }
    return s;
}

static size_t libsvm_n_decision(const void *model) { return ((const tc_libsvm *)model)->pairs; }

/* ---- decision values ------------------------------------------------------------------- */

/* x as a libsvm node array (index = column + 1, terminated by -1) in the scratch. */
static tc_status to_nodes(tc_libsvm_scratch *s, const tc_sparse *x)
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

static tc_status libsvm_decision(const void *model, void *scratch, const tc_sparse *x, double *d)
{
    const tc_libsvm *m = model;
    const size_t P = m->pairs;
    if (m->kernel == TC_SVM_KERNEL_LINEAR) {
        for (size_t p = 0; p < P; p++)
            d[p] = 0.0;
        for (size_t i = 0; i < x->nnz; i++) {
            uint32_t slot = m->slot[x->index[i]];
            if (slot == NO_SLOT)
                continue;
            const double v = x->value[i];
            const double *w = m->wpair + (size_t)slot * P;
            for (size_t p = 0; p < P; p++)
                d[p] += v * w[p];
        }
        for (size_t p = 0; p < P; p++)
            d[p] -= m->svm->rho[p];
        return TC_OK;
    }
    tc_status st = to_nodes(scratch, x);
    if (st != TC_OK)
        return st;
    svm_predict_values(m->svm, ((tc_libsvm_scratch *)scratch)->nodes, d);
    return TC_OK;
}

/* ---- values and label ------------------------------------------------------------------ */

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

/* Scores without probabilities, as scikit-learn's SVC.decision_function. */
static void ovr_scores(size_t k, const double *d, double *conf, double *v)
{
    if (k == 2) {
        /* sklearn: decision_function = -f01 (the "d" of class 1); class 0 gets f01. */
        v[0] = d[0];
        v[1] = -d[0];
        return;
    }
    /* sklearn _ovr_decision_function(dec < 0, -dec, k): pair (i, j) adds dec to i's
     * confidence and -dec to j's, and votes i when dec >= 0 (note: libsvm votes j at
     * dec == 0; the label still follows libsvm/SVC.predict). Then votes + conf / (3
     * (|conf| + 1)). */
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

static void libsvm_finish(const void *model, void *scratch, const double *d, double *v,
                          size_t *label)
{
    const tc_libsvm *m = model;
    tc_libsvm_scratch *s = scratch;
    const size_t k = m->k;
    const size_t vote = ovo_vote(k, d, s->votes);
    if (m->proba == TC_PROBA_NONE) {
        ovr_scores(k, d, s->qp, v);
        *label = vote;
        return;
    }
    const double min_prob = 1e-7;
    for (size_t i = 0, p = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p++) {
            double r = tc_platt(d[p], m->svm->probA[p], m->svm->probB[p]);
            r = fmin(fmax(r, min_prob), 1 - min_prob);
            s->r[i * k + j] = r;
            s->r[j * k + i] = 1 - r;
        }
    if (k == 2 && m->origin == TC_SVM_LIBSVM) {
        /* libsvm >= 3.22 closed form for two classes. */
        v[0] = s->r[1];
        v[1] = s->r[2];
    } else {
        /* sklearn's bundled libsvm couples iteratively even for two classes. */
        tc_pairwise_coupling(k, s->r, s->q, s->qp, v);
    }
    *label = m->origin == TC_SVM_LIBSVM ? tc_argmax(v, k) : vote;
}

bool tc_libsvm_reference(const tc_libsvm *m, tc_libsvm_scratch *s, const tc_sparse *x,
                         double *dec_out, double *prob_out, double *label_out)
{
    if (to_nodes(s, x) != TC_OK)
        return false;
    double lab = svm_predict_values(m->svm, s->nodes, dec_out);
    if (prob_out != NULL && m->has_prob)
        lab = svm_predict_probability(m->svm, s->nodes, prob_out);
    if (label_out != NULL)
        *label_out = lab;
    return true;
}

const tc_clf_backend tc_libsvm_backend = {
    .accepts = libsvm_accepts,
    .load = libsvm_load,
    .free = libsvm_free,
    .scratch_new = libsvm_scratch_new,
    .scratch_free = libsvm_scratch_free,
    .n_decision = libsvm_n_decision,
    .decision = libsvm_decision,
    .finish = libsvm_finish,
};
