/* test_calibrated.c - calibrated.tsv (tc_calibrated.h) through tc_classifier: a two-fold
 * sigmoid model and a three-class isotonic one predicted by hand, and every refusal of
 * the grammar with the file and line it names. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strreplace.h"
#include "tc_calibrated.h"
#include "tc_classifier.h"
#include "tc_test.h"

#define PATH "m/calibrated.tsv"

/* Two folds, two classes, two features. */
static const char SIGMOID2[] =
    "textclf-calibrated\t1\nmethod\tsigmoid\nfolds\t2\n"
    "fold\t1\tlines\t7\n"
    "textclf-linear\t1\nrows\t1\nfeatures\t2\nintercept\t0.5\nweights\n1.0\n-2.0\n"
    "calibrators\t1\nsigmoid\t-1.5\t0.25\n"
    "fold\t2\tlines\t7\n"
    "textclf-linear\t1\nrows\t1\nfeatures\t2\nintercept\t-0.25\nweights\n0.5\n3.0\n"
    "calibrators\t1\nsigmoid\t-2.0\t-0.5\n";

/* One fold, three classes, two features, isotonic. */
static const char ISO3[] =
    "textclf-calibrated\t1\nmethod\tisotonic\nfolds\t1\n"
    "fold\t1\tlines\t7\n"
    "textclf-linear\t1\nrows\t3\nfeatures\t2\nintercept\t0.0\t0.0\t0.0\nweights\n"
    "1.0\t0.0\t-1.0\n0.0\t1.0\t0.5\n"
    "calibrators\t3\n"
    "isotonic\t2\t-1.0\t1.0\nx\t-1.0\t1.0\ny\t0.0\t1.0\n"
    "isotonic\t1\t0.0\t0.0\nx\t0.0\ny\t0.5\n"
    "isotonic\t3\t-2.0\t2.0\nx\t-2.0\t0.0\t2.0\ny\t0.0\t0.2\t0.4\n";

static tc_status load(const char *text, size_t k, tc_calibration_method method,
                      tc_classifier **c, char *err)
{
    tc_classifier_config cfg = {.type = TC_CLF_CALIBRATED, .proba = TC_PROBA_CALIBRATED,
                                .n_classes = k, .n_features = 2, .calibration = method};
    return tc_classifier_load_mem(&cfg, PATH, text, strlen(text), c, err);
}

static double sig(double a, double b, double f)
{
    double t = a * f;
    t = t + b;
    return 1.0 / (1.0 + exp(t));
}

static void test_sigmoid_two_folds(void)
{
    char err[TC_ERR_LEN];
    tc_classifier *c = NULL;
    TC_CHECK(load(SIGMOID2, 2, TC_CAL_SIGMOID, &c, err) == TC_OK, "%s", err);
    if (c == NULL)
        return;
    TC_CHECK(tc_classifier_output(c) == TC_OUTPUT_PROBABILITIES, "probabilities");
    tc_classifier_scratch *s = tc_classifier_scratch_new(c);
    uint32_t idx[] = {0, 1};
    double val[] = {0.5, 0.25}, v[2];
    tc_sparse x = {idx, val, 2, false};
    size_t label = 9;
    TC_CHECK(tc_classifier_predict(c, s, &x, v, &label) == TC_OK, "predict");
    double d1 = 0.0;
    d1 += 0.5 * 1.0;
    d1 += 0.25 * -2.0;
    d1 += 0.5;
    double d2 = 0.0;
    d2 += 0.5 * 0.5;
    d2 += 0.25 * 3.0;
    d2 += -0.25;
    double p1a = sig(-1.5, 0.25, d1), p1b = sig(-2.0, -0.5, d2);
    double m1 = (0.0 + p1a) + p1b, m0 = (0.0 + (1.0 - p1a)) + (1.0 - p1b);
    m1 /= 2.0;
    m0 /= 2.0;
    TC_CHECK(v[0] == m0 && v[1] == m1, "mean of folds: %.17g %.17g vs %.17g %.17g", v[0], v[1],
             m0, m1);
    TC_CHECK(label == (m1 > m0 ? 1u : 0u), "label argmax");
    double raw[4];
    TC_CHECK(tc_classifier_decision_values(c, s, &x, raw, 4) == 2 && raw[0] == d1 &&
                 raw[1] == d2, "raw values fold-major");
    tc_classifier_scratch_free(&s);
    tc_classifier_free(&c);
}

static void test_isotonic_three(void)
{
    char err[TC_ERR_LEN];
    tc_classifier *c = NULL;
    TC_CHECK(load(ISO3, 3, TC_CAL_ISOTONIC, &c, err) == TC_OK, "%s", err);
    if (c == NULL)
        return;
    tc_classifier_scratch *s = tc_classifier_scratch_new(c);
    uint32_t idx[] = {0};
    double val[] = {0.5}, v[3];
    tc_sparse x = {idx, val, 1, false};
    size_t label = 9;
    TC_CHECK(tc_classifier_predict(c, s, &x, v, &label) == TC_OK, "predict");
    /* d = (0.5, 0, -0.5): p = (0.75, 0.5, 0.15) / 1.4 */
    double p0 = (1.0 - 0.0) / 2.0 * (0.5 - -1.0) + 0.0, p1 = 0.5;
    double p2 = (0.2 - 0.0) / 2.0 * (-0.5 - -2.0) + 0.0;
    double sum = p0 + p1 + p2;
    TC_CHECK(v[0] == p0 / sum && v[1] == p1 / sum && v[2] == p2 / sum,
             "%.17g %.17g %.17g", v[0], v[1], v[2]);
    TC_CHECK(label == 0, "label %zu", label);
    tc_classifier_scratch_free(&s);
    tc_classifier_free(&c);
}

static void test_refusals(void)
{
    static const struct {
        const char *from, *to;
        const char *want;
    } cases[] = {
        {"textclf-calibrated\t1", "textclf-calibrated\t2", PATH ":1: calibrated format version"},
        {"textclf-calibrated", "textclf-linear", PATH ":1: not a textclf-calibrated file"},
        {"method\tsigmoid", "method\tisotonic", PATH ":2: expected \"method<TAB>sigmoid\""},
        {"folds\t2", "folds\t0", PATH ":3: folds must be at least 1"},
        {"folds\t2", "folds\t1001", PATH ":3: expected \"folds<TAB><count>\""},
        {"folds\t2", "folds\t3", PATH ":24: file ends where a fold line was expected"},
        {"folds\t2", "folds\t1", PATH ":14: text after the last fold"},
        {"fold\t2\tlines", "fold\t3\tlines", PATH ":14: expected \"fold<TAB>2<TAB>lines<TAB>7\""},
        {"fold\t1\tlines\t7", "fold\t1\tlines\t8", PATH ":4: expected \"fold<TAB>1"},
        {"intercept\t0.5", "intercept\tnan", PATH " (fold 1, whose lines count from line 5):4: "
                                             "intercept value 1 is not a finite number"},
        {"rows\t1\nfeatures\t2\nintercept\t0.5", "rows\t2\nfeatures\t2\nintercept\t0.5",
         PATH " (fold 1, whose lines count from line 5):2: rows 2"},
        {"calibrators\t1\nsigmoid\t-1.5", "calibrators\t0\nsigmoid\t-1.5",
         PATH ":12: 0 calibrators for 1 decision rows"},
        {"calibrators\t1\nsigmoid\t-1.5", "calibrators\t2\nsigmoid\t-1.5",
         PATH ":12: expected \"calibrators<TAB><count>\""},
        {"sigmoid\t-1.5\t0.25", "sigmoid\t-1.5", PATH ":13: expected \"sigmoid<TAB>a<TAB>b\""},
        {"sigmoid\t-1.5\t0.25", "sigmoid\t-1.5\tinf", PATH ":13: expected \"sigmoid<TAB>a"},
        {"sigmoid\t-2.0\t-0.5\n", "sigmoid\t-2.0\t-0.5", PATH ":23: last line has no newline"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = str_replace(SIGMOID2, cases[i].from, cases[i].to);
        TC_CHECK(text != NULL, "stale pattern %zu", i);
        if (text == NULL)
            continue;
        char err[TC_ERR_LEN] = "";
        tc_classifier *c = NULL;
        tc_status st = load(text, 2, TC_CAL_SIGMOID, &c, err);
        free(text);
        TC_CHECK(st == TC_EFORMAT && c == NULL && strncmp(err, cases[i].want,
                                                           strlen(cases[i].want)) == 0,
                 "case %zu: %d \"%s\"", i, (int)st, err);
        tc_classifier_free(&c);
    }
    static const struct {
        const char *from, *to;
        const char *want;
    } iso[] = {
        {"x\t-1.0\t1.0", "x\t1.0\t-1.0", PATH ":13: isotonic calibrator with thresholds x"},
        {"isotonic\t2\t-1.0\t1.0", "isotonic\t2\t1.0\t-1.0", PATH ":13: isotonic calibrator with "
                                                             "the clip range"},
        {"y\t0.0\t1.0", "y\t0.0", PATH ":15: y must have exactly 2 values"},
        {"y\t0.0\t1.0", "y\t0.0\t1.0\t2.0", PATH ":15: y must have exactly 2 values"},
        {"isotonic\t2\t-1.0", "isotonic\t0\t-1.0", PATH ":13: expected \"isotonic<TAB>n"},
        {"x\t-1.0\t1.0\n", "z\t-1.0\t1.0\n", PATH ":14: expected \"x<TAB>values\""},
    };
    for (size_t i = 0; i < sizeof iso / sizeof *iso; i++) {
        char *text = str_replace(ISO3, iso[i].from, iso[i].to);
        TC_CHECK(text != NULL, "stale pattern iso %zu", i);
        if (text == NULL)
            continue;
        char err[TC_ERR_LEN] = "";
        tc_classifier *c = NULL;
        tc_status st = load(text, 3, TC_CAL_ISOTONIC, &c, err);
        free(text);
        TC_CHECK(st == TC_EFORMAT && c == NULL && strncmp(err, iso[i].want,
                                                           strlen(iso[i].want)) == 0,
                 "iso case %zu: %d \"%s\"", i, (int)st, err);
        tc_classifier_free(&c);
    }
}

static void test_binarized(void)
{
    static const char lin[] = "textclf-linear\t1\nrows\t2\nfeatures\t2\nintercept\t-1.0\t-2.0\n"
                              "weights\n1.0\t3.0\n2.0\t0.5\n";
    tc_classifier_config cfg = {.type = TC_CLF_BINARIZED, .proba = TC_PROBA_NAIVE_BAYES,
                                .n_classes = 2, .n_features = 2, .binarize = 0.3};
    char err[TC_ERR_LEN];
    tc_classifier *c = NULL;
    TC_CHECK(tc_classifier_load_mem(&cfg, "m/linear.tsv", lin, strlen(lin), &c, err) == TC_OK,
             "%s", err);
    if (c == NULL)
        return;
    tc_classifier_scratch *s = tc_classifier_scratch_new(c);
    uint32_t idx[] = {0, 1};
    double val[] = {0.9, 0.3}, raw[2];  /* 0.3 is not > 0.3: dropped */
    tc_sparse x = {idx, val, 2, true};
    TC_CHECK(tc_classifier_decision_values(c, s, &x, raw, 2) == 2 && raw[0] == 0.0 &&
                 raw[1] == 1.0, "binarized: %g %g", raw[0], raw[1]);
    tc_classifier_scratch_free(&s);
    tc_classifier_free(&c);
    cfg.binarize = -1.0;
    TC_CHECK(tc_classifier_load_mem(&cfg, "m/linear.tsv", lin, strlen(lin), &c, err) ==
                 TC_EUNSUPPORTED, "negative threshold refused");
    cfg.binarize = 0.0;
    cfg.proba = TC_PROBA_LOGISTIC_OVR;
    TC_CHECK(tc_classifier_load_mem(&cfg, "m/linear.tsv", lin, strlen(lin), &c, err) ==
                 TC_EUNSUPPORTED, "only naive_bayes");
}

TC_TESTS(TC_TEST(test_sigmoid_two_folds), TC_TEST(test_isotonic_three), TC_TEST(test_refusals),
         TC_TEST(test_binarized))
