/* test_classifier.c - the classifier entry point (tc_classifier.h) with the linear kind
 * behind it: each probability kind and label rule against values derived by hand from
 * the formulas in docs/model-format.md, computed here a different way (long double, no
 * max subtraction, closed forms); the refusals common to every kind (counts, unknown
 * type, kind/probability combinations, malformed rows); loading by path and from memory;
 * raw decision values. The libsvm kind: test_libsvm.c; linear.tsv itself: test_linear.c. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tc_classifier.h"
#include "tc_test.h"
#include "tc_tmpdir.h"


static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

static tc_classifier_config lin_cfg(tc_proba_kind kind, size_t k, size_t n)
{
    tc_classifier_config c;
    memset(&c, 0, sizeof c);
    c.type = TC_CLF_LINEAR;
    c.proba = kind;
    c.n_classes = k;
    c.n_features = n;
    return c;
}

static tc_classifier *load_text(const tc_classifier_config *cfg, const char *text, tc_status *st,
                                char *err)
{
    const char *p = tc_tmp_path("linear.tsv");
    write_file(p, text);
    tc_classifier *c = NULL;
    err[0] = '\0';
    *st = tc_classifier_load(cfg, p, &c, err);
    return c;
}

/* Binary model: w = (0.5, -1.25, 2.0), b = 0.25. */
static const char binary_tsv[] = "textclf-linear\t1\nrows\t1\nfeatures\t3\nintercept\t0.25\n"
                                 "weights\n0.5\n-1.25\n2.0\n";

static double predict1(const tc_classifier *c, const uint32_t *idx, const double *val,
                       size_t nnz, double *v, size_t *label)
{
    tc_classifier_scratch *s = tc_classifier_scratch_new(c);
    tc_sparse x = {idx, val, nnz, false};
    tc_status st = tc_classifier_predict(c, s, &x, v, label);
    TC_CHECK(st == TC_OK, "predict status %d", (int)st);
    double d[8];
    size_t nd = tc_classifier_decision_values(c, s, &x, d, 8);
    TC_CHECK(nd >= 1, "decision values: %zu", nd);
    tc_classifier_scratch_free(&s);
    return d[0];
}

static void test_binary_kinds(void)
{
    static const uint32_t idx[] = {0, 2};
    static const double val[] = {1.0, 0.5};
    /* d = 0.5*1 + 2*0.5 + 0.25 = 1.75 exactly */
    const double d = 1.75;
    struct {
        tc_proba_kind kind;
        double p1;
    } cases[] = {
        {TC_PROBA_LOGISTIC_OVR, (double)(1.0L / (1.0L + expl(-1.75L)))},
        {TC_PROBA_SOFTMAX_BINARY, (double)(expl(1.75L) / (expl(1.75L) + expl(-1.75L)))},
        {TC_PROBA_MODIFIED_HUBER, 1.0}, /* clip(1.75) = 1 -> (1+1)/2 */
    };
    char err[TC_ERR_LEN];
    tc_status st;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_classifier_config cfg = lin_cfg(cases[i].kind, 2, 3);
        tc_classifier *c = load_text(&cfg, binary_tsv, &st, err);
        TC_CHECK(st == TC_OK, "load: %s", err);
        if (c == NULL)
            continue;
        TC_CHECK(tc_classifier_output(c) == TC_OUTPUT_PROBABILITIES, "output kind");
        TC_CHECK(tc_classifier_n_classes(c) == 2, "classes");
        double v[2];
        size_t label = 9;
        double dv = predict1(c, idx, val, 2, v, &label);
        TC_CHECK(dv == d, "d = %.17g", dv);
        TC_CHECK_NEAR(v[1], cases[i].p1, 1e-15);
        TC_CHECK_NEAR(v[0] + v[1], 1.0, 1e-15);
        TC_CHECK(label == 1, "label %zu", label);
        tc_classifier_free(&c);
        TC_CHECK(c == NULL, "free clears");
    }
    /* modified huber inside the clip range: x = {1: 0.6} -> d = -0.75 + 0.25 = -0.5 */
    tc_classifier_config cfg = lin_cfg(TC_PROBA_MODIFIED_HUBER, 2, 3);
    tc_classifier *c = load_text(&cfg, binary_tsv, &st, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (c != NULL) {
        static const uint32_t i1[] = {1};
        static const double v1[] = {0.6};
        double v[2];
        size_t label = 9;
        double dv = predict1(c, i1, v1, 1, v, &label);
        TC_CHECK_NEAR(dv, -0.5, 1e-15);
        TC_CHECK_NEAR(v[1], 0.25, 1e-15);
        TC_CHECK_NEAR(v[0], 0.75, 1e-15);
        TC_CHECK(label == 0, "label %zu", label);
        tc_classifier_free(&c);
    }
}

static void test_binary_scores_and_empty_row(void)
{
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier_config cfg = lin_cfg(TC_PROBA_NONE, 2, 3);
    tc_classifier *c = load_text(&cfg, binary_tsv, &st, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (c == NULL)
        return;
    TC_CHECK(tc_classifier_output(c) == TC_OUTPUT_SCORES, "scores");
    double v[2];
    size_t label = 9;
    /* empty row: d = intercept = 0.25 */
    predict1(c, NULL, NULL, 0, v, &label);
    TC_CHECK(v[0] == -0.25 && v[1] == 0.25, "scores %g %g", v[0], v[1]);
    TC_CHECK(label == 1, "label %zu", label);
    /* d exactly 0 predicts class 0 (sklearn: d > 0 -> classes_[1]) */
    static const uint32_t i1[] = {0};
    static const double v1[] = {-0.5};
    predict1(c, i1, v1, 1, v, &label);
    TC_CHECK(v[1] == 0.0 && label == 0, "d=0: %g label %zu", v[1], label);
    /* index out of range / not ascending refused as client input */
    tc_classifier_scratch *s = tc_classifier_scratch_new(c);
    static const uint32_t bad[] = {3};
    static const uint32_t unsorted[] = {2, 1};
    static const double two[] = {1.0, 1.0};
    tc_sparse x = {bad, two, 1, false};
    TC_CHECK(tc_classifier_predict(c, s, &x, v, &label) == TC_EINPUT, "index 3 of 3 accepted");
    tc_sparse y = {unsorted, two, 2, false};
    TC_CHECK(tc_classifier_predict(c, s, &y, v, &label) == TC_EINPUT, "unsorted accepted");
    double lab;
    TC_CHECK(!tc_classifier_libsvm_reference(c, s, &y, v, NULL, &lab), "reference on linear");
    tc_classifier_scratch_free(&s);
    tc_classifier_free(&c);
}

/* 3 classes, 2 features: W rows per feature, b per class. */
static const char multi_tsv[] = "textclf-linear\t1\nrows\t3\nfeatures\t2\n"
                                "intercept\t0.5\t-0.25\t0.0\n"
                                "weights\n1.5\t-0.5\t0.75\n-2.0\t1.0\t0.125\n";

static void multi_expected(const double *x, long double *d)
{
    static const long double b[3] = {0.5L, -0.25L, 0.0L};
    static const long double w[2][3] = {{1.5L, -0.5L, 0.75L}, {-2.0L, 1.0L, 0.125L}};
    for (int r = 0; r < 3; r++)
        d[r] = b[r] + (long double)x[0] * w[0][r] + (long double)x[1] * w[1][r];
}

static void test_multiclass_kinds(void)
{
    static const double xs[][2] = {{0.6, 0.8}, {1.0, 0.0}, {0.0, 1.0}, {0.3, 0.1}, {0.0, 0.0}};
    static const tc_proba_kind kinds[] = {TC_PROBA_LOGISTIC_OVR, TC_PROBA_SOFTMAX,
                                          TC_PROBA_MODIFIED_HUBER, TC_PROBA_NAIVE_BAYES,
                                          TC_PROBA_NONE};
    char err[TC_ERR_LEN];
    tc_status st;
    for (size_t kk = 0; kk < sizeof kinds / sizeof *kinds; kk++) {
        tc_classifier_config cfg = lin_cfg(kinds[kk], 3, 2);
        tc_classifier *c = load_text(&cfg, multi_tsv, &st, err);
        TC_CHECK(st == TC_OK, "load kind %zu: %s", kk, err);
        if (c == NULL)
            continue;
        for (size_t t = 0; t < sizeof xs / sizeof *xs; t++) {
            static const uint32_t idx[] = {0, 1};
            double v[3];
            size_t label = 9;
            predict1(c, idx, xs[t], 2, v, &label);
            long double d[3], e[3], sum = 0;
            multi_expected(xs[t], d);
            size_t best = 0;
            for (size_t r = 1; r < 3; r++)
                if (d[r] > d[best])
                    best = r;
            TC_CHECK(label == best, "kind %zu x%zu: label %zu, expected %zu", kk, t, label, best);
            for (size_t r = 0; r < 3; r++) {
                switch (kinds[kk]) {
                case TC_PROBA_LOGISTIC_OVR: e[r] = 1.0L / (1.0L + expl(-d[r])); break;
                case TC_PROBA_SOFTMAX:
                case TC_PROBA_NAIVE_BAYES: e[r] = expl(d[r]); break;
                case TC_PROBA_MODIFIED_HUBER:
                    e[r] = (fminl(fmaxl(d[r], -1.0L), 1.0L) + 1.0L) / 2.0L;
                    break;
                default: e[r] = d[r]; break;
                }
                sum += e[r];
            }
            double vs = 0;
            for (size_t r = 0; r < 3; r++) {
                double want = (double)(kinds[kk] == TC_PROBA_NONE ? e[r] : e[r] / sum);
                TC_CHECK(fabs(v[r] - want) <= 1e-15, "kind %zu x%zu r%zu: %.17g vs %.17g", kk, t,
                         r, v[r], want);
                vs += v[r];
            }
            if (kinds[kk] != TC_PROBA_NONE)
                TC_CHECK_NEAR(vs, 1.0, 1e-15);
        }
        tc_classifier_free(&c);
    }
}

/* Decision values far apart: softmax/NB must not overflow (max subtraction). */
static void test_extreme_values(void)
{
    const char *tsv = "textclf-linear\t1\nrows\t3\nfeatures\t1\nintercept\t800.0\t-900.0\t799.0\n"
                      "weights\n0.0\t0.0\t0.0\n";
    char err[TC_ERR_LEN];
    tc_status st;
    static const tc_proba_kind kinds[] = {TC_PROBA_SOFTMAX, TC_PROBA_NAIVE_BAYES,
                                          TC_PROBA_LOGISTIC_OVR};
    for (size_t kk = 0; kk < 3; kk++) {
        tc_classifier_config cfg = lin_cfg(kinds[kk], 3, 1);
        tc_classifier *c = load_text(&cfg, tsv, &st, err);
        TC_CHECK(st == TC_OK, "load: %s", err);
        if (c == NULL)
            continue;
        double v[3];
        size_t label = 9;
        predict1(c, NULL, NULL, 0, v, &label);
        TC_CHECK(label == 0, "label %zu", label);
        for (int r = 0; r < 3; r++)
            TC_CHECK(isfinite(v[r]) && v[r] >= 0 && v[r] <= 1, "kind %zu v[%d] = %g", kk, r, v[r]);
        if (kinds[kk] != TC_PROBA_LOGISTIC_OVR) {
            /* 2 classes at 800 vs 799. NB goes through lse = log(sum) + 800 as scipy's
             * logsumexp does, which rounds at 800's ulp (1.1e-13). */
            double e1 = 1.0 / (1.0 + exp(-1.0));
            double tol = kinds[kk] == TC_PROBA_NAIVE_BAYES ? 5e-13 : 1e-15;
            TC_CHECK_NEAR(v[0], e1, tol);
            TC_CHECK_NEAR(v[2], 1.0 - e1, tol);
            TC_CHECK(v[1] == 0.0, "v[1] = %g", v[1]);
        } else {
            TC_CHECK_NEAR(v[0], 0.5, 1e-15); /* expit(800) = expit(799) = 1, expit(-900) = 0 */
            TC_CHECK_NEAR(v[2], 0.5, 1e-15);
        }
        tc_classifier_free(&c);
    }
    /* modified huber: every d <= -1 -> all-zero row -> uniform 1/3 */
    tc_classifier_config cfg = lin_cfg(TC_PROBA_MODIFIED_HUBER, 3, 1);
    const char *neg = "textclf-linear\t1\nrows\t3\nfeatures\t1\nintercept\t-1.0\t-2.5\t-7.0\n"
                      "weights\n0.0\t0.0\t0.0\n";
    tc_classifier *c = load_text(&cfg, neg, &st, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (c != NULL) {
        double v[3];
        size_t label = 9;
        predict1(c, NULL, NULL, 0, v, &label);
        for (int r = 0; r < 3; r++)
            TC_CHECK(v[r] == 1.0 / 3.0, "uniform: v[%d] = %.17g", r, v[r]);
        TC_CHECK(label == 0, "label %zu", label);
        tc_classifier_free(&c);
    }
}

/* Ties: argmax takes the first maximum. */
static void test_ties(void)
{
    const char *tsv = "textclf-linear\t1\nrows\t4\nfeatures\t1\nintercept\t0.0\t1.0\t0.5\t1.0\n"
                      "weights\n0.0\t0.0\t0.0\t0.0\n";
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier_config cfg = lin_cfg(TC_PROBA_NONE, 4, 1);
    tc_classifier *c = load_text(&cfg, tsv, &st, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (c == NULL)
        return;
    double v[4];
    size_t label = 9;
    predict1(c, NULL, NULL, 0, v, &label);
    TC_CHECK(label == 1, "label %zu", label);
    tc_classifier_free(&c);
}

/* Naive Bayes keeps one row per class even for 2 classes. */
static void test_nb_binary_rows(void)
{
    const char *tsv = "textclf-linear\t1\nrows\t2\nfeatures\t2\n"
                      "intercept\t-0.6931471805599453\t-0.6931471805599453\n"
                      "weights\n-1.0\t-2.0\n-3.0\t-0.5\n";
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier_config cfg = lin_cfg(TC_PROBA_NAIVE_BAYES, 2, 2);
    tc_classifier *c = load_text(&cfg, tsv, &st, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (c == NULL)
        return;
    static const uint32_t idx[] = {0, 1};
    static const double val[] = {1.0, 1.0};
    double v[2];
    size_t label = 9;
    predict1(c, idx, val, 2, v, &label);
    /* jll = (-4 + b, -2.5 + b): p1 = 1/(1+exp(-1.5)) */
    TC_CHECK_NEAR(v[1], (double)(1.0L / (1.0L + expl(-1.5L))), 1e-15);
    TC_CHECK(label == 1, "label %zu", label);
    tc_classifier_free(&c);
    /* the same file as a one-row logistic model is refused at the rows line */
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 2, 2);
    c = load_text(&cfg, tsv, &st, err);
    TC_CHECK(st == TC_EFORMAT && c == NULL, "rows 2 for binary logistic accepted");
}

static void test_config_refusals(void)
{
    char err[TC_ERR_LEN] = "";
    tc_classifier *c = NULL;
    tc_classifier_config cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 2, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("missing.tsv"), &c, err) == TC_EIO && c == NULL,
             "missing file");
    TC_CHECK(strstr(err, "missing.tsv") != NULL, "message names the file: %s", err);
    write_file(tc_tmp_path("ok.tsv"), binary_tsv);
    cfg = lin_cfg(TC_PROBA_PAIRWISE, 2, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EUNSUPPORTED,
             "pairwise linear accepted");
    cfg = lin_cfg(TC_PROBA_SOFTMAX, 2, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EUNSUPPORTED,
             "softmax with 2 classes accepted");
    cfg = lin_cfg(TC_PROBA_SOFTMAX_BINARY, 3, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EUNSUPPORTED,
             "softmax_binary with 3 classes accepted");
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 1, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EFORMAT &&
                 strstr(err, "model needs 2..65536 classes and 1..4294967294 features (has 1 "
                             "classes, 3 features)") != NULL,
             "1 class: %s", err);
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 2, 0);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EFORMAT,
             "0 features accepted");
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 2, (size_t)UINT32_MAX);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EFORMAT,
             "2^32-1 features accepted");
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 65537, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EFORMAT,
             "65537 classes accepted");
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 2, 3);
    cfg.type = (tc_classifier_type)7;
    TC_CHECK(tc_classifier_load(&cfg, tc_tmp_path("ok.tsv"), &c, err) == TC_EUNSUPPORTED &&
                 strstr(err, "unsupported classifier/probability combination") != NULL,
             "unknown type: %s", err);
    cfg = lin_cfg(TC_PROBA_LOGISTIC_OVR, 1, 3);
    TC_CHECK(tc_classifier_load(&cfg, tc_tmpdir, &c, err) != TC_OK, "directory accepted");
    TC_CHECK(c == NULL, "out written on failure");
    tc_classifier_free(NULL);
    tc_classifier_scratch_free(NULL);
}

/* tc_classifier_load_mem parses the bytes it is given, never the file at path (the
 * model loader hashes those bytes): a path with other contents, or none, changes
 * nothing, and a malformed buffer is refused under the path's name. */
static void test_load_from_memory(void)
{
    char err[TC_ERR_LEN] = "";
    tc_classifier *c = NULL;
    tc_classifier_config cfg = lin_cfg(TC_PROBA_NONE, 2, 3);
    write_file(tc_tmp_path("other.tsv"), "not a model at all\n");
    TC_CHECK(tc_classifier_load_mem(&cfg, tc_tmp_path("other.tsv"), binary_tsv,
                                    sizeof binary_tsv - 1, &c, err) == TC_OK && c != NULL,
             "from memory: %s", err);
    if (c != NULL) {
        uint32_t idx[] = {0, 2};
        double val[] = {1.0, 1.0}, v[2];
        size_t label;
        double d = predict1(c, idx, val, 2, v, &label);
        TC_CHECK(d == 0.25 + 0.5 + 2.0, "decision %.17g", d);
        tc_classifier_free(&c);
    }
    static const char bad[] = "textclf-linear\t1\nrows\t1\nfeatures\t3\nintercept\t0.25\n"
                              "weights\n0.5\n-1.25\n";
    TC_CHECK(tc_classifier_load_mem(&cfg, tc_tmp_path("missing.tsv"), bad, sizeof bad - 1, &c,
                                    err) == TC_EFORMAT && c == NULL,
             "short buffer accepted");
    TC_CHECK(strstr(err, "missing.tsv:") != NULL, "message names the file: %s", err);
}

/* Raw decision values: R of them, cut at cap; none for a malformed row. */
static void test_decision_values(void)
{
    char err[TC_ERR_LEN];
    tc_status st;
    tc_classifier_config cfg = lin_cfg(TC_PROBA_SOFTMAX, 3, 2);
    tc_classifier *c = load_text(&cfg, multi_tsv, &st, err);
    TC_CHECK(st == TC_OK, "load: %s", err);
    if (c == NULL)
        return;
    tc_classifier_scratch *s = tc_classifier_scratch_new(c);
    static const uint32_t idx[] = {0, 1};
    static const double val[] = {1.0, 0.5};
    tc_sparse x = {idx, val, 2, false};
    double d[3] = {0, 0, 0};
    /* b + x0 w0 + x1 w1 = (0.5 + 1.5 - 1.0, -0.25 - 0.5 + 0.5, 0 + 0.75 + 0.0625), exactly */
    TC_CHECK(tc_classifier_decision_values(c, s, &x, d, 3) == 3, "count");
    TC_CHECK(d[0] == 1.0 && d[1] == -0.25 && d[2] == 0.8125, "d = %g %g %g", d[0], d[1], d[2]);
    double two[3] = {9, 9, 9};
    TC_CHECK(tc_classifier_decision_values(c, s, &x, two, 2) == 2 && two[2] == 9,
             "cap 2 not honoured");
    static const uint32_t dup[] = {1, 1};
    tc_sparse y = {dup, val, 2, false};
    TC_CHECK(tc_classifier_decision_values(c, s, &y, d, 3) == 0, "repeated index accepted");
    tc_classifier_scratch_free(&s);
    tc_classifier_free(&c);
}

static void cleanup(void)
{
    static const char *names[] = {"linear.tsv", "ok.tsv", "other.tsv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(tc_tmp_path(names[i]));
    rmdir(tc_tmpdir);
}

static void test_zz_cleanup(void)
{
    cleanup();
    TC_CHECK(access(tc_tmpdir, F_OK) != 0, "temp dir %s left behind", tc_tmpdir);
}

TC_TESTS(TC_TEST(test_binary_kinds), TC_TEST(test_binary_scores_and_empty_row),
         TC_TEST(test_multiclass_kinds), TC_TEST(test_extreme_values), TC_TEST(test_ties),
         TC_TEST(test_nb_binary_rows), TC_TEST(test_config_refusals),
         TC_TEST(test_load_from_memory), TC_TEST(test_decision_values), TC_TEST(test_zz_cleanup))
