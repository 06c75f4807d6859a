/* test_linear.c - the linear classifier kind's file and arithmetic (tc_linear.h): strict
 * linear.tsv parsing (every refusal names file and line), decision values against a
 * straightforward long double sum, the summation order scikit-learn uses, and the rows a
 * model of each probability kind keeps. Probabilities: test_proba.c; the kind through
 * tc_classifier: test_classifier.c. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_linear.h"
#include "tc_test.h"

#define PATH "dir/linear.tsv"

static tc_status parse(const char *text, size_t rows, size_t n_features, tc_linear **out,
                       char *err)
{
    tc_linear_expect ex = {rows, n_features, rows == 1 ? 2 : rows};
    err[0] = '\0';
    return tc_linear_parse(PATH, text, strlen(text), &ex, out, err);
}

typedef struct bad_case {
    const char *name;
    const char *text;
    size_t line;
    const char *why; /* substring of the message */
} bad_case;

static void test_malformed(void)
{
#define HDR "textclf-linear\t1\nrows\t1\nfeatures\t2\n"
    static const bad_case cases[] = {
        {"empty file", "", 1, "file ends"},
        {"wrong magic", "textclf-linearx\t1\n", 1, "not a textclf-linear"},
        {"other magic", "textclf-vocab\t1\t3\n", 1, "not a textclf-linear"},
        {"newer version", "textclf-linear\t2\nrows\t1\n", 1, "newer"},
        {"bad version", "textclf-linear\t1.0\n", 1, "version"},
        {"version 0", "textclf-linear\t0\n", 1, "version"},
        {"rows missing", "textclf-linear\t1\n", 2, "file ends"},
        {"rows wrong key", "textclf-linear\t1\nrow\t1\n", 2, "rows"},
        {"rows space", "textclf-linear\t1\nrows 1\n", 2, "rows"},
        {"rows mismatch", "textclf-linear\t1\nrows\t3\n", 2, "rows 3"},
        {"rows leading zero", "textclf-linear\t1\nrows\t01\n", 2, "rows"},
        {"features mismatch", "textclf-linear\t1\nrows\t1\nfeatures\t3\n", 3, "features 3"},
        {"features negative", "textclf-linear\t1\nrows\t1\nfeatures\t-2\n", 3, "features"},
        {"intercept key", HDR "intercepts\t1.0\n", 4, "intercept"},
        {"intercept empty", HDR "intercept\t\nweights\n", 4, "not a finite number"},
        {"intercept extra", HDR "intercept\t1.0\t2.0\n", 4, "more than 1"},
        {"intercept nan", HDR "intercept\tnan\n", 4, "not a finite number"},
        {"intercept inf", HDR "intercept\tinf\n", 4, "not a finite number"},
        {"intercept overflow", HDR "intercept\t1e999\n", 4, "not a finite number"},
        {"no weights line", HDR "intercept\t1.0\n0.5\n", 5, "weights"},
        {"weights extra text", HDR "intercept\t1.0\nweights\t1\n", 5, "weights"},
        {"truncated weights", HDR "intercept\t1.0\nweights\n0.5\n", 7, "file ends"},
        {"no final newline", HDR "intercept\t1.0\nweights\n0.5\n0.25", 7, "newline"},
        {"bad number", HDR "intercept\t1.0\nweights\n0.5\n1.0x\n", 7, "not a finite number"},
        {"plus sign", HDR "intercept\t1.0\nweights\n+0.5\n1.0\n", 6, "not a finite number"},
        {"leading dot", HDR "intercept\t1.0\nweights\n.5\n1.0\n", 6, "not a finite number"},
        {"weight nan", HDR "intercept\t1.0\nweights\n0.5\nNaN\n", 7, "not a finite number"},
        {"weight -inf", HDR "intercept\t1.0\nweights\n-inf\n0.5\n", 6, "not a finite number"},
        {"too many values", HDR "intercept\t1.0\nweights\n0.5\t0.5\n1.0\n", 6, "more than 1"},
        {"trailing tab", HDR "intercept\t1.0\nweights\n0.5\t\n1.0\n", 6, "more than 1"},
        {"empty weight line", HDR "intercept\t1.0\nweights\n\n1.0\n", 6, "not a finite number"},
        {"crlf", HDR "intercept\t1.0\nweights\n0.5\r\n1.0\n", 6, "not a finite number"},
        {"extra line", HDR "intercept\t1.0\nweights\n0.5\n1.0\n2.0\n", 8, "after the 2 weight"},
        {"extra blank line", HDR "intercept\t1.0\nweights\n0.5\n1.0\n\n", 8, "after"},
        {"space separated", HDR "intercept 1.0\n", 4, "intercept"},
    };
#undef HDR
    char err[TC_ERR_LEN];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tc_linear *l = NULL;
        tc_status st = parse(cases[i].text, 1, 2, &l, err);
        char want[600];
        snprintf(want, sizeof want, "%s:%zu: ", PATH, cases[i].line);
        TC_CHECK(st == TC_EFORMAT && l == NULL, "%s: status %d (%s)", cases[i].name, (int)st,
                 err);
        TC_CHECK(strncmp(err, want, strlen(want)) == 0, "%s: message \"%.300s\" lacks \"%.300s\"",
                 cases[i].name, err, want);
        TC_CHECK(strstr(err, cases[i].why) != NULL, "%s: message \"%.300s\" lacks \"%.300s\"",
                 cases[i].name, err, cases[i].why);
        tc_linear_free(&l);
    }
}

/* A larger random model: decision values against a straightforward long double sum. */
static void test_random_model(void)
{
    enum { N = 300, R = 5, T = 200 };
    uint64_t seed = 0x9e3779b97f4a7c15u;
    size_t cap = 64 + (size_t)N * R * 26;
    char *text = malloc(cap);
    static double w[N][R], b[R];
    size_t len = (size_t)snprintf(text, cap, "textclf-linear\t1\nrows\t%d\nfeatures\t%d\nintercept",
                                  R, N);
    for (int r = 0; r < R; r++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        b[r] = (double)(int64_t)(seed >> 11) / 9007199254740992.0 / 512.0;
        len += (size_t)snprintf(text + len, cap - len, "\t%.17g", b[r]);
    }
    len += (size_t)snprintf(text + len, cap - len, "\nweights\n");
    for (int j = 0; j < N; j++)
        for (int r = 0; r < R; r++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            w[j][r] = (double)(int64_t)(seed >> 11) / 9007199254740992.0 / 700.0;
            len += (size_t)snprintf(text + len, cap - len, "%.17g%s", w[j][r],
                                    r + 1 < R ? "\t" : "\n");
        }
    char err[TC_ERR_LEN];
    tc_linear *l = NULL;
    tc_status st = parse(text, R, N, &l, err);
    free(text);
    TC_CHECK(st == TC_OK, "parse: %s", err);
    if (l == NULL)
        return;
    TC_CHECK(tc_linear_rows(l) == R, "rows %zu", tc_linear_rows(l));
    double worst = 0;
    for (int t = 0; t < T; t++) {
        uint32_t idx[40];
        double val[40];
        size_t nnz = 0;
        for (uint32_t j = 0; j < N && nnz < 40; j++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            if ((seed >> 33) % 10 == 0) {
                idx[nnz] = j;
                val[nnz++] = (double)((seed >> 20) % 1000) / 1000.0;
            }
        }
        tc_sparse x = {idx, val, nnz, false};
        double d[R];
        tc_linear_decision(l, &x, d);
        for (int r = 0; r < R; r++) {
            long double e = 0;
            for (size_t i = 0; i < nnz; i++)
                e += (long double)val[i] * (long double)w[idx[i]][r];
            e += b[r];
            double diff = fabs(d[r] - (double)e);
            if (diff > worst)
                worst = diff;
        }
    }
    TC_CHECK(worst <= 1e-14, "max |d - exact| = %g", worst);
    tc_linear_free(&l);
}

/* The sum over a row runs in scikit-learn's order (tc_sparse.h): with these values,
 * ascending order gives 1 + 1e16 - 1e16 = 0 (1e16 + 1 rounds to 1e16), descending gives
 * -1e16 + 1e16 + 1 = 1. Binary and multi-row models. */
static void test_summation_order(void)
{
    static const char tsv1[] = "textclf-linear\t1\nrows\t1\nfeatures\t3\nintercept\t0\n"
                               "weights\n1\n1\n1\n";
    static const char tsv3[] = "textclf-linear\t1\nrows\t3\nfeatures\t3\n"
                               "intercept\t0\t0\t0\nweights\n1\t1\t0\n1\t1\t0\n1\t1\t0\n";
    static const uint32_t idx[] = {0, 1, 2};
    static const double val[] = {1.0, 1e16, -1e16};
    struct {
        const char *tsv;
        size_t rows;
    } models[] = {{tsv1, 1}, {tsv3, 3}};
    for (size_t m = 0; m < 2; m++) {
        char err[TC_ERR_LEN];
        tc_linear *l = NULL;
        tc_status st = parse(models[m].tsv, models[m].rows, 3, &l, err);
        TC_CHECK(st == TC_OK, "parse: %s", err);
        if (l == NULL)
            continue;
        for (int desc = 0; desc < 2; desc++) {
            tc_sparse x = {idx, val, 3, desc != 0};
            double d[3] = {-1, -1, -1};
            tc_linear_decision(l, &x, d);
            for (size_t r = models[m].rows; r < 3; r++)
                TC_CHECK(d[r] == -1, "rows %zu: d[%zu] written", models[m].rows, r);
            TC_CHECK(d[0] == (desc ? 1.0 : 0.0), "rows %zu, %s sum: d[0] = %.17g", models[m].rows,
                     desc ? "descending" : "ascending", d[0]);
        }
        tc_linear_free(&l);
    }
}

/* A weight matrix whose size overflows is refused before anything is allocated. */
static void test_too_large(void)
{
    char err[TC_ERR_LEN];
    char text[128];
    size_t n = SIZE_MAX / sizeof(double) / 2 + 1;
    snprintf(text, sizeof text, "textclf-linear\t1\nrows\t2\nfeatures\t%zu\n", n);
    tc_linear *l = NULL;
    tc_linear_expect ex = {2, n, 2};
    tc_status st = tc_linear_parse(PATH, text, strlen(text), &ex, &l, err);
    TC_CHECK(st == TC_ENOMEM && l == NULL && strstr(err, "weight matrix too large") != NULL,
             "status %d: %s", (int)st, err);
}

static void test_rows_for(void)
{
    TC_CHECK(tc_linear_rows_for(TC_PROBA_LOGISTIC_OVR, 2) == 1, "binary: one row");
    TC_CHECK(tc_linear_rows_for(TC_PROBA_NONE, 2) == 1, "binary scores: one row");
    TC_CHECK(tc_linear_rows_for(TC_PROBA_NAIVE_BAYES, 2) == 2, "binary NB: a row per class");
    TC_CHECK(tc_linear_rows_for(TC_PROBA_SOFTMAX, 3) == 3, "multiclass: a row per class");
    TC_CHECK(tc_linear_rows_for(TC_PROBA_MODIFIED_HUBER, 7) == 7, "multiclass: a row per class");
}

TC_TESTS(TC_TEST(test_malformed), TC_TEST(test_random_model), TC_TEST(test_summation_order),
         TC_TEST(test_too_large), TC_TEST(test_rows_for))
