/* test_libsvm.c - the libsvm classifier kind (tc_libsvm.h, through tc_classifier) against
 * libsvm itself. Models are trained here with svm_train on random sparse data (linear,
 * polynomial, rbf and sigmoid kernels; 2 and 4 classes; with and without probabilities),
 * written with svm_save_model and loaded through tc_classifier_load. Checked: collapsed
 * linear decision values against svm_predict_values (1e-12 relative to the magnitude of
 * the terms), probabilities and labels against svm_predict_probability (origin libsvm),
 * the sklearn-origin coupling and scores, and refusal of malformed model files with
 * file:line messages. */
#include <libsvm/svm.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/strreplace.h"
#include "../lib/svm_data.h"
#include "tc_classifier.h"
#include "tc_test.h"
#include "tc_tmpdir.h"

static tc_classifier *load(const char *name, size_t k, size_t n, const int *labels,
                           tc_proba_kind proba, tc_svm_origin origin, tc_status *st, char *err)
{
    tc_classifier_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.type = TC_CLF_LIBSVM;
    cfg.proba = proba;
    cfg.origin = origin;
    cfg.n_classes = k;
    cfg.n_features = n;
    cfg.libsvm_labels = labels;
    tc_classifier *c = NULL;
    err[0] = '\0';
    *st = tc_classifier_load(&cfg, tc_tmp_path(name), &c, err);
    return c;
}

/* Sum of |coef * K(x, sv)| + |rho| for pair p: the magnitude the rounding error of
 * libsvm's own sum scales with (for the linear kernel). */
static double pair_scale(const struct svm_model *m, const struct svm_node *x, size_t p)
{
    size_t k = (size_t)m->nr_class, q = 0, si = 0;
    size_t start[16];
    for (size_t c = 0; c < k; c++) {
        start[c] = si;
        si += (size_t)m->nSV[c];
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, q++) {
            if (q != p)
                continue;
            double s = fabs(m->rho[p]);
            for (int side = 0; side < 2; side++) {
                size_t c = side ? j : i;
                const double *coef = m->sv_coef[side ? i : j - 1];
                for (size_t t = start[c]; t < start[c] + (size_t)m->nSV[c]; t++) {
                    double dot = 0;
                    const struct svm_node *a = x, *b = m->SV[t];
                    while (a->index != -1 && b->index != -1) {
                        if (a->index == b->index) {
                            dot += fabs(a->value * b->value);
                            a++;
                            b++;
                        } else if (a->index < b->index) {
                            a++;
                        } else {
                            b++;
                        }
                    }
                    s += fabs(coef[t]) * dot;
                }
            }
            return s;
        }
    return 1.0;
}

static void to_nodes(const row *r, struct svm_node *nd)
{
    for (size_t i = 0; i < r->nnz; i++) {
        nd[i].index = (int)r->idx[i] + 1;
        nd[i].value = r->val[i];
    }
    nd[r->nnz].index = -1;
}

/* Compares one model in every mode against libsvm on `trials` random rows. */
static void check_model(const char *what, const dataset *ds, int kernel, int probability,
                        size_t trials, double *worst_rel_dec, double *worst_prob)
{
    int labels[8];
    char name[64];
    snprintf(name, sizeof name, "%s.svm", what);
    struct svm_model *ref = train(ds, kernel, probability, name, labels);
    const size_t k = ds->k, P = k * (k - 1) / 2;
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier *cl = load(name, k, ds->n, labels,
                             probability ? TC_PROBA_PAIRWISE : TC_PROBA_NONE, TC_SVM_LIBSVM, &st,
                             err);
    tc_classifier *cs = load(name, k, ds->n, labels,
                             probability ? TC_PROBA_PAIRWISE : TC_PROBA_NONE, TC_SVM_SKLEARN, &st,
                             err);
    TC_CHECK(cl != NULL && cs != NULL, "%s: load: %s", what, err);
    if (cl == NULL || cs == NULL) {
        tc_classifier_free(&cl);
        tc_classifier_free(&cs);
        svm_free_and_destroy_model(&ref);
        return;
    }
    TC_CHECK(tc_classifier_output(cl) ==
                 (probability ? TC_OUTPUT_PROBABILITIES : TC_OUTPUT_SCORES),
             "%s: output kind", what);
    tc_classifier_scratch *sl = tc_classifier_scratch_new(cl);
    tc_classifier_scratch *ss = tc_classifier_scratch_new(cs);
    struct svm_node *nodes = malloc(513 * sizeof *nodes);
    for (size_t t = 0; t < trials; t++) {
        row r;
        /* mostly fresh rows; some training rows (near the margin); one empty row */
        if (t == 0)
            r.nnz = 0;
        else if (t % 5 == 0)
            r = ds->rows[t % ds->l];
        else
            random_row(&r, ds->n, t % 3 == 0 ? 0.3 : 0.05);
        tc_sparse x = {r.idx, r.val, r.nnz, false};
        to_nodes(&r, nodes);
        double dref[64], dgot[64], pref[8];
        size_t nd = tc_classifier_decision_values(cl, sl, &x, dgot, 64);
        TC_CHECK(nd == P, "%s: %zu decision values", what, nd);
        /* libsvm as loaded from the same file (what the reference call uses) */
        double dloaded[64], ploaded[8], lab_loaded = 0;
        TC_CHECK(tc_classifier_libsvm_reference(cl, sl, &x, dloaded, probability ? ploaded : NULL,
                                                &lab_loaded),
                 "%s: reference", what);
        double vlab = svm_predict_values(ref, nodes, dref);
        for (size_t p = 0; p < P; p++) {
            double scale = pair_scale(ref, nodes, p);
            double rel = fabs(dgot[p] - dloaded[p]) / (scale > 0 ? scale : 1);
            if (rel > *worst_rel_dec)
                *worst_rel_dec = rel;
            TC_CHECK(rel <= 1e-12, "%s row %zu pair %zu: %.17g vs libsvm %.17g (scale %g)", what,
                     t, p, dgot[p], dloaded[p], scale);
            if (kernel != LINEAR)
                TC_CHECK(dgot[p] == dloaded[p], "%s: non-linear kernels call libsvm", what);
            /* the saved file writes SV values with %.8g, so the in-memory trained model
             * differs from the loaded one slightly; still the same classifier */
            TC_CHECK(fabs(dref[p] - dloaded[p]) <= 1e-6 * (1 + scale), "%s: file vs memory %g",
                     what, fabs(dref[p] - dloaded[p]));
        }
        (void)vlab;
        double v[8], vs[8];
        size_t label = 99, label_s = 99;
        TC_CHECK(tc_classifier_predict(cl, sl, &x, v, &label) == TC_OK, "%s: predict", what);
        TC_CHECK(tc_classifier_predict(cs, ss, &x, vs, &label_s) == TC_OK, "%s: predict", what);
        /* votes, computed here from libsvm's own decision values */
        size_t votes[8] = {0}, vote_best = 0;
        for (size_t i = 0, p = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++, p++)
                votes[dloaded[p] > 0 ? i : j]++;
        for (size_t i = 1; i < k; i++)
            if (votes[i] > votes[vote_best])
                vote_best = i;
        TC_CHECK(label_s == vote_best, "%s: sklearn label %zu, votes say %zu", what, label_s,
                 vote_best);
        if (probability) {
            (void)pref;
            double sum = 0, sum_s = 0;
            for (size_t i = 0; i < k; i++) {
                double diff = fabs(v[i] - ploaded[i]);
                if (diff > *worst_prob)
                    *worst_prob = diff;
                TC_CHECK(diff <= (kernel == LINEAR ? 1e-12 : 0.0),
                         "%s row %zu class %zu: p %.17g vs libsvm %.17g", what, t, i, v[i],
                         ploaded[i]);
                sum += v[i];
                sum_s += vs[i];
                TC_CHECK(vs[i] > 0 && vs[i] < 1, "%s: sklearn p out of range", what);
            }
            TC_CHECK_NEAR(sum, 1.0, 1e-12);
            TC_CHECK_NEAR(sum_s, 1.0, 1e-12);
            TC_CHECK(labels[label] == (int)lab_loaded, "%s: label %d vs libsvm %g", what,
                     labels[label], lab_loaded);
            if (k > 2)
                for (size_t i = 0; i < k; i++)
                    TC_CHECK(vs[i] == v[i], "%s: k>2 coupling differs by origin", what);
            else {
                /* sklearn couples iteratively for k = 2: its fixed point is the closed
                 * form r01, but it stops once |Qp - pQp| < 0.0025, which leaves p a few
                 * 1e-3 away (seen: 3.8e-3) */
                TC_CHECK(fabs(vs[0] - v[0]) < 1e-2, "%s: sklearn 2-class %g vs %g", what, vs[0],
                         v[0]);
            }
        } else {
            TC_CHECK(labels[label] == (int)lab_loaded, "%s: label %d vs libsvm %g", what,
                     labels[label], lab_loaded);
            if (k == 2) {
                TC_CHECK(v[0] == dgot[0] && v[1] == -dgot[0], "%s: binary scores", what);
            } else {
                /* sklearn ovr shape, written out differently: votes from dec >= 0,
                 * confidence of class c = sum of dec where c is first minus where second */
                for (size_t c = 0; c < k; c++) {
                    double conf = 0, vt = 0;
                    for (size_t i = 0, p = 0; i < k; i++)
                        for (size_t j = i + 1; j < k; j++, p++) {
                            if (i == c) {
                                conf += dgot[p];
                                vt += dgot[p] >= 0;
                            }
                            if (j == c) {
                                conf -= dgot[p];
                                vt += dgot[p] < 0;
                            }
                        }
                    double want = vt + conf / (3 * (fabs(conf) + 1));
                    TC_CHECK(fabs(v[c] - want) <= 1e-12, "%s: ovr score %zu: %.17g vs %.17g",
                             what, c, v[c], want);
                }
            }
        }
    }
    free(nodes);
    tc_classifier_scratch_free(&sl);
    tc_classifier_scratch_free(&ss);
    tc_classifier_free(&cl);
    tc_classifier_free(&cs);
    svm_free_and_destroy_model(&ref);
    unlink(tc_tmp_path(name));
}

static void run_kernels(size_t k, size_t n, size_t l, double density)
{
    static const int kernels[] = {LINEAR, POLY, RBF, SIGMOID};
    static const char *names[] = {"linear", "poly", "rbf", "sigmoid"};
    dataset ds;
    make_data(&ds, l, n, k, density);
    for (size_t i = 0; i < 4; i++)
        for (int prob = 0; prob < 2; prob++) {
            char what[64];
            snprintf(what, sizeof what, "%s_k%zu_p%d", names[i], k, prob);
            double wd = 0, wp = 0;
            check_model(what, &ds, kernels[i], prob, 150, &wd, &wp);
            printf("# %s: max relative |dec - svm_predict_values| %.3g, max |dp| %.3g\n", what,
                   wd, wp);
        }
    free_data(&ds);
}

static void test_two_classes(void) { run_kernels(2, 60, 120, 0.15); }
static void test_four_classes(void) { run_kernels(4, 80, 200, 0.12); }

/* Bigger sparse linear model: many features, few used per SV, 5 classes. */
static void test_linear_collapse_large(void)
{
    dataset ds;
    make_data(&ds, 400, 3000, 5, 0.01);
    double wd = 0, wp = 0;
    check_model("linear_large", &ds, LINEAR, 1, 400, &wd, &wp);
    printf("# linear_large: max relative |dec - svm_predict_values| %.3g, max |dp| %.3g\n", wd,
           wp);
    free_data(&ds);
}

/* ---- malformed files ---------------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

static size_t line_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    size_t line = 1;
    for (const char *p = text; at && p < at; p++)
        line += *p == '\n';
    return line;
}

static void test_malformed(void)
{
    dataset ds;
    make_data(&ds, 60, 20, 3, 0.3);
    int labels[8];
    struct svm_model *m = train(&ds, RBF, 1, "good.svm", labels);
    svm_free_and_destroy_model(&m);
    char *good = slurp(tc_tmp_path("good.svm"));
    TC_CHECK(good != NULL, "read back");
    if (good == NULL)
        return;
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier *c = load("good.svm", 3, 20, labels, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
    TC_CHECK(st == TC_OK, "good model: %s", err);
    tc_classifier_free(&c);
    /* the SV section starts after "SV\n" */
    /* line_of finds the '\n' ending the line before "SV"; the first SV follows "SV" */
    size_t sv_line = line_of(good, "\nSV\n") + 2;
    const char *first_sv = strstr(good, "\nSV\n") + 4;
    char first_tok[64];
    sscanf(first_sv, "%63s", first_tok);
    char label_line[128];
    snprintf(label_line, sizeof label_line, "label %d %d %d", labels[0], labels[1], labels[2]);
    char wrong_labels[128];
    snprintf(wrong_labels, sizeof wrong_labels, "label %d %d %d", labels[1], labels[0],
             labels[2]);
    struct {
        const char *name, *from, *to;
        size_t line; /* 0: compute from `from` */
    } cases[] = {
        {"svm_type", "svm_type c_svc", "svm_type nu_svc", 0},
        {"kernel", "kernel_type rbf", "kernel_type precomputed", 0},
        {"gamma nan", "gamma ", "gamma nan ", 0},
        {"nr_class", "nr_class 3", "nr_class 4", 0},
        {"labels order", label_line, wrong_labels, 0},
        {"rho count", "rho ", "rho 1 ", 0},
        {"probA missing", "probA", "probX", 0},
        {"coef nan", first_tok, "nan", 0},
        {"index 0", "\nSV\n", "\nSV\n0 0 0:1 ", sv_line},
        {"index too big", "\nSV\n", "\nSV\n0 0 21:1 ", sv_line},
        {"index order", "\nSV\n", "\nSV\n0 0 3:1 2:1 ", sv_line},
        {"trailing junk", "\nSV\n", "\nSV\n0 0 3:1x ", sv_line},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *bad = str_replace(good, cases[i].from, cases[i].to);
        TC_CHECK(bad != NULL, "%s: pattern not found", cases[i].name);
        if (bad == NULL)
            continue;
        size_t line = cases[i].line ? cases[i].line : line_of(good, cases[i].from);
        FILE *f = fopen(tc_tmp_path("bad.svm"), "wb");
        fputs(bad, f);
        fclose(f);
        free(bad);
        c = load("bad.svm", 3, 20, labels, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
        char want[600];
        snprintf(want, sizeof want, "%s:%zu: ", tc_tmp_path("bad.svm"), line);
        TC_CHECK(st == TC_EFORMAT && c == NULL, "%s: status %d: %s", cases[i].name, (int)st, err);
        TC_CHECK(strncmp(err, want, strlen(want)) == 0, "%s: \"%.300s\" does not start \"%.300s\"",
                 cases[i].name, err, want);
        tc_classifier_free(&c);
    }
    /* truncated: drop the last SV line */
    size_t len = strlen(good);
    char *trunc = strdup(good);
    trunc[len - 1] = '\0';
    char *last_nl = strrchr(trunc, '\n');
    last_nl[1] = '\0';
    FILE *f = fopen(tc_tmp_path("bad.svm"), "wb");
    fputs(trunc, f);
    fclose(f);
    c = load("bad.svm", 3, 20, labels, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, "file ends") != NULL, "truncated: %s", err);
    free(trunc);
    /* extra line after the SVs */
    char *extra = malloc(len + 16);
    snprintf(extra, len + 16, "%s1 2 1:1\n", good);
    f = fopen(tc_tmp_path("bad.svm"), "wb");
    fputs(extra, f);
    fclose(f);
    free(extra);
    c = load("bad.svm", 3, 20, labels, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, "after the last") != NULL, "extra line: %s", err);
    /* probabilities requested from a model trained without them */
    m = train(&ds, LINEAR, 0, "noprob.svm", labels);
    svm_free_and_destroy_model(&m);
    c = load("noprob.svm", 3, 20, labels, TC_PROBA_PAIRWISE, TC_SVM_SKLEARN, &st, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, "probA") != NULL, "no probA: %s", err);
    /* features fewer than the SVs use */
    c = load("good.svm", 3, 2, labels, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
    TC_CHECK(st == TC_EFORMAT && strstr(err, "outside 1..2") != NULL, "n_features: %s", err);
    /* no labels */
    c = load("good.svm", 3, 20, NULL, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
    TC_CHECK(st != TC_OK && c == NULL, "no labels accepted");
    /* linear-only probability kind refused for libsvm */
    c = load("good.svm", 3, 20, labels, TC_PROBA_SOFTMAX, TC_SVM_LIBSVM, &st, err);
    TC_CHECK(st == TC_EUNSUPPORTED && c == NULL, "softmax libsvm accepted");
    free(good);
    free_data(&ds);
    unlink(tc_tmp_path("bad.svm"));
    unlink(tc_tmp_path("good.svm"));
    unlink(tc_tmp_path("noprob.svm"));
}

/* Pairwise coupling on hand-set models: a 2-class model with A = -1, B = 0 gives
 * r01 = sigmoid(f); libsvm origin returns exactly (r01, 1 - r01); clipping at 1e-7. */
static void test_two_class_closed_form(void)
{
    const char *text = "svm_type c_svc\nkernel_type linear\nnr_class 2\ntotal_sv 2\nrho 0.5\n"
                       "label 1 0\nprobA -1\nprobB 0\nnr_sv 1 1\nSV\n1 1:1 \n-1 2:1 \n";
    FILE *f = fopen(tc_tmp_path("hand.svm"), "wb");
    fputs(text, f);
    fclose(f);
    static const int labels[] = {1, 0};
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier *c = load("hand.svm", 2, 3, labels, TC_PROBA_PAIRWISE, TC_SVM_LIBSVM, &st, err);
    tc_classifier *s = load("hand.svm", 2, 3, labels, TC_PROBA_PAIRWISE, TC_SVM_SKLEARN, &st, err);
    TC_CHECK(c != NULL && s != NULL, "load: %s", err);
    if (c == NULL || s == NULL)
        return;
    tc_classifier_scratch *cs = tc_classifier_scratch_new(c);
    tc_classifier_scratch *ss = tc_classifier_scratch_new(s);
    /* w = (1, -1, 0), rho = 0.5: f = x0 - x1 - 0.5 */
    static const uint32_t idx[] = {0, 1};
    const double xs[][2] = {{1.5, 0.0}, {0.0, 0.3}, {40.0, 0.0}, {0.0, 40.0}, {0.5, 0.0}};
    for (size_t t = 0; t < 5; t++) {
        tc_sparse x = {idx, xs[t], 2, false};
        double fv = xs[t][0] - xs[t][1] - 0.5;
        double r = 1.0 / (1.0 + exp(-fv));
        r = fmin(fmax(r, 1e-7), 1 - 1e-7);
        double v[2], vs[2];
        size_t lab, labs;
        TC_CHECK(tc_classifier_predict(c, cs, &x, v, &lab) == TC_OK, "predict");
        TC_CHECK(tc_classifier_predict(s, ss, &x, vs, &labs) == TC_OK, "predict");
        TC_CHECK_NEAR(v[0], r, 1e-15);
        TC_CHECK_NEAR(v[1], 1 - r, 1e-15);
        TC_CHECK(lab == (v[1] > v[0] ? 1u : 0u), "libsvm label = argmax p");
        TC_CHECK(labs == (fv > 0 ? 0u : 1u), "sklearn label = vote (f > 0 -> class 0)");
        TC_CHECK(fabs(vs[0] - r) < 1e-2 && fabs(vs[0] + vs[1] - 1) < 1e-15,
                 "sklearn 2-class coupling %g vs %g", vs[0], r);
        double pr[2], dec[1], labd;
        TC_CHECK(tc_classifier_libsvm_reference(c, cs, &x, dec, pr, &labd), "reference");
        TC_CHECK(v[0] == pr[0] && v[1] == pr[1], "t%zu: %.17g %.17g vs libsvm %.17g %.17g", t,
                 v[0], v[1], pr[0], pr[1]);
        TC_CHECK(labels[lab] == (int)labd, "label vs libsvm");
    }
    /* f = 0 exactly: libsvm votes class 1 (j) */
    static const double half[] = {0.5, 0.0};
    tc_sparse x0 = {idx, half, 2, false};
    double v[2];
    size_t lab;
    TC_CHECK(tc_classifier_predict(s, ss, &x0, v, &lab) == TC_OK && lab == 1, "f=0 vote");
    tc_classifier_scratch_free(&cs);
    tc_classifier_scratch_free(&ss);
    tc_classifier_free(&c);
    tc_classifier_free(&s);
    unlink(tc_tmp_path("hand.svm"));
}

static void test_zz_cleanup(void)
{
    rmdir(tc_tmpdir);
    TC_CHECK(access(tc_tmpdir, F_OK) != 0, "temp dir %s left behind", tc_tmpdir);
}

static void quiet(const char *s) { (void)s; }
static void setup(void) { svm_set_print_string_function(quiet); }

static void test_aa_setup(void)
{
    setup();
    TC_CHECK(libsvm_version >= 322, "libsvm %d", libsvm_version);
}

TC_TESTS(TC_TEST(test_aa_setup), TC_TEST(test_two_class_closed_form), TC_TEST(test_two_classes),
         TC_TEST(test_four_classes), TC_TEST(test_linear_collapse_large), TC_TEST(test_malformed),
         TC_TEST(test_zz_cleanup))
