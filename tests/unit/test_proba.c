/* test_proba.c - the probability math (tc_proba.h) against closed forms computed here a
 * different way (long double, no max subtraction), at ordinary and extreme decision
 * values, for every kind and row shape; Platt scaling in both of its branches; pairwise
 * coupling on pairwise probabilities made from a known distribution (its fixed point),
 * checked by its own stopping rule. Bit-exactness against libsvm: test_libsvm.c. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "tc_proba.h"
#include "tc_test.h"

static double expit_ld(double x) { return (double)(1.0L / (1.0L + expl(-(long double)x))); }

static void test_expit_argmax(void)
{
    static const double xs[] = {-30.0, -1.0, 0.5, 1.75, 30.0};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++)
        TC_CHECK_NEAR(tc_expit(xs[i]), expit_ld(xs[i]), 1e-15);
    TC_CHECK(tc_expit(0.0) == 0.5, "expit(0) = %.17g", tc_expit(0.0));
    TC_CHECK(tc_expit(-800.0) == 0.0 && tc_expit(800.0) == 1.0, "expit saturates");
    static const double v[] = {1.0, 3.0, -2.0, 3.0};
    TC_CHECK(tc_argmax(v, 4) == 1, "first maximum: %zu", tc_argmax(v, 4));
    TC_CHECK(tc_argmax(v, 1) == 0, "one value");
}

static void test_softmax(void)
{
    static const double d[] = {0.5, -1.25, 2.0};
    double p[3];
    tc_softmax(d, p, 3);
    long double z = expl(0.5L) + expl(-1.25L) + expl(2.0L);
    TC_CHECK_NEAR(p[0], (double)(expl(0.5L) / z), 1e-15);
    TC_CHECK_NEAR(p[1], (double)(expl(-1.25L) / z), 1e-15);
    TC_CHECK_NEAR(p[2], (double)(expl(2.0L) / z), 1e-15);
    /* far apart: no overflow (the maximum is subtracted first); in place */
    double e[] = {800.0, -900.0, 799.0};
    tc_softmax(e, e, 3);
    TC_CHECK_NEAR(e[0], expit_ld(1.0), 1e-15);
    TC_CHECK(e[1] == 0.0, "e[1] = %g", e[1]);
    TC_CHECK_NEAR(e[2], 1.0 - expit_ld(1.0), 1e-15);
}

/* Binary models with one row of decision values. */
static void test_one_row(void)
{
    const double d[1] = {1.75};
    double v[2];
    tc_proba_from_decision(TC_PROBA_NONE, d, 1, 2, v);
    TC_CHECK(v[0] == -1.75 && v[1] == 1.75, "scores %g %g", v[0], v[1]);
    tc_proba_from_decision(TC_PROBA_LOGISTIC_OVR, d, 1, 2, v);
    TC_CHECK_NEAR(v[1], expit_ld(1.75), 1e-15);
    TC_CHECK(v[0] == 1.0 - v[1], "p0 = 1 - p1");
    tc_proba_from_decision(TC_PROBA_SOFTMAX_BINARY, d, 1, 2, v);
    TC_CHECK_NEAR(v[1], expit_ld(3.5), 1e-15); /* softmax([-d, d]) = sigma(2d) */
    TC_CHECK_NEAR(v[0] + v[1], 1.0, 1e-15);
    tc_proba_from_decision(TC_PROBA_MODIFIED_HUBER, d, 1, 2, v);
    TC_CHECK(v[1] == 1.0 && v[0] == 0.0, "clipped at 1: %g %g", v[0], v[1]);
    const double inside[1] = {-0.5};
    tc_proba_from_decision(TC_PROBA_MODIFIED_HUBER, inside, 1, 2, v);
    TC_CHECK(v[1] == 0.25 && v[0] == 0.75, "(clip(d)+1)/2: %g %g", v[0], v[1]);
}

static void test_rows_per_class(void)
{
    static const double d[3] = {0.5, -1.25, 2.0};
    double v[3];
    long double e[3], sum;

    tc_proba_from_decision(TC_PROBA_NONE, d, 3, 3, v);
    TC_CHECK(v[0] == d[0] && v[1] == d[1] && v[2] == d[2], "scores are d");

    tc_proba_from_decision(TC_PROBA_LOGISTIC_OVR, d, 3, 3, v);
    sum = 0;
    for (int i = 0; i < 3; i++)
        sum += e[i] = 1.0L / (1.0L + expl(-(long double)d[i]));
    for (int i = 0; i < 3; i++)
        TC_CHECK_NEAR(v[i], (double)(e[i] / sum), 1e-15);

    tc_proba_from_decision(TC_PROBA_SOFTMAX, d, 3, 3, v);
    sum = expl(0.5L) + expl(-1.25L) + expl(2.0L);
    TC_CHECK_NEAR(v[2], (double)(expl(2.0L) / sum), 1e-15);

    /* naive Bayes: the joint log likelihoods, normalised; a binary model keeps 2 rows */
    tc_proba_from_decision(TC_PROBA_NAIVE_BAYES, d, 3, 3, v);
    for (int i = 0; i < 3; i++)
        TC_CHECK_NEAR(v[i], (double)(expl((long double)d[i]) / sum), 1e-15);
    static const double jll[2] = {-904.5, -903.0};
    tc_proba_from_decision(TC_PROBA_NAIVE_BAYES, jll, 2, 2, v);
    TC_CHECK_NEAR(v[1], expit_ld(1.5), 5e-13); /* lse rounds at 903's ulp (1.1e-13) */
    TC_CHECK(isfinite(v[0]) && v[0] > 0, "no underflow to 0/0: %g", v[0]);

    /* modified huber: clip, shift, normalise; an all-zero row becomes uniform */
    tc_proba_from_decision(TC_PROBA_MODIFIED_HUBER, d, 3, 3, v);
    /* (0.75, 0, 1) / 1.75 */
    TC_CHECK_NEAR(v[0], 0.75 / 1.75, 1e-15);
    TC_CHECK(v[1] == 0.0, "v[1] = %g", v[1]);
    TC_CHECK_NEAR(v[2], 1.0 / 1.75, 1e-15);
    static const double low[3] = {-1.0, -2.5, -7.0};
    tc_proba_from_decision(TC_PROBA_MODIFIED_HUBER, low, 3, 3, v);
    for (int i = 0; i < 3; i++)
        TC_CHECK(v[i] == 1.0 / 3.0, "uniform: v[%d] = %.17g", i, v[i]);
    /* pairwise is not a decision-value kind: nothing is written */
    double untouched[3] = {7, 7, 7};
    tc_proba_from_decision(TC_PROBA_PAIRWISE, d, 3, 3, untouched);
    TC_CHECK(untouched[0] == 7 && untouched[1] == 7 && untouched[2] == 7, "pairwise wrote");
}

static void test_platt(void)
{
    /* 1 / (1 + exp(f a + b)), both branches (f a + b >= 0 and < 0) */
    static const double cases[][3] = {{1.5, -2.0, 0.25}, {-1.5, -2.0, 0.25}, {0.0, -1.0, 0.0},
                                      {3.0, 4.0, -1.0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double f = cases[i][0], a = cases[i][1], b = cases[i][2];
        double want = (double)(1.0L / (1.0L + expl((long double)f * a + b)));
        TC_CHECK_NEAR(tc_platt(f, a, b), want, 1e-15);
    }
    TC_CHECK(tc_platt(100.0, 10.0, 0.0) == 0.0, "f a + b = 1000: %g", tc_platt(100.0, 10.0, 0.0));
    TC_CHECK(tc_platt(-100.0, 10.0, 0.0) == 1.0, "saturates at 1");
}

/* r_ij = p_i / (p_i + p_j) for a known p: the coupling's fixed point is p itself. The
 * result must satisfy the stopping rule max_t |(Qp)_t - p'Qp| < 0.005/k, computed here
 * from r directly, sum to 1, and lie near p. */
static void test_pairwise_coupling(void)
{
    enum { K = 4 };
    static const double truth[K] = {0.4, 0.3, 0.2, 0.1};
    double r[K * K], q[K * K], qp[K], p[K];
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
            r[i * K + j] = i == j ? 0.0 : truth[i] / (truth[i] + truth[j]);
    tc_pairwise_coupling(K, r, q, qp, p);
    double sum = 0, qpt[K], pqp = 0;
    for (int t = 0; t < K; t++) {
        sum += p[t];
        TC_CHECK(p[t] > 0 && fabs(p[t] - truth[t]) < 1e-2, "p[%d] = %.17g, truth %g", t, p[t],
                 truth[t]);
        qpt[t] = 0;
        for (int j = 0; j < K; j++) {
            double qtj = 0;
            if (j == t)
                for (int o = 0; o < K; o++)
                    qtj += o == t ? 0.0 : r[o * K + t] * r[o * K + t];
            else
                qtj = -r[j * K + t] * r[t * K + j];
            qpt[t] += qtj * p[j];
        }
        pqp += p[t] * qpt[t];
    }
    TC_CHECK_NEAR(sum, 1.0, 1e-12);
    for (int t = 0; t < K; t++)
        TC_CHECK(fabs(qpt[t] - pqp) < 0.005 / K + 1e-12, "stopping rule: |Qp - pQp| = %g at %d",
                 fabs(qpt[t] - pqp), t);
}

TC_TESTS(TC_TEST(test_expit_argmax), TC_TEST(test_softmax), TC_TEST(test_one_row),
         TC_TEST(test_rows_per_class), TC_TEST(test_platt), TC_TEST(test_pairwise_coupling))
