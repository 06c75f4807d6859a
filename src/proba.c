/* proba.c - decision values -> probabilities (see tc_proba.h).
 *
 * Floating-point order matters for parity: each formula follows the order of operations
 * of the library it reproduces (noted per function). The build uses -std=c11 (not
 * gnu11), so the compiler does not contract a*b+c into FMAs, which would change
 * roundings.
 */
#include "tc_proba.h"

#include <math.h>
#include <string.h>

double tc_expit(double x) { return 1.0 / (1.0 + exp(-x)); }

size_t tc_argmax(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static double clip1(double d) { return d < -1.0 ? -1.0 : (d > 1.0 ? 1.0 : d); }

/* sklearn: prob /= prob.sum(axis=1) */
static void normalise(double *v, size_t k)
{
    double sum = 0.0;
    for (size_t i = 0; i < k; i++)
        sum += v[i];
    for (size_t i = 0; i < k; i++)
        v[i] /= sum;
}

void tc_softmax(const double *d, double *p, size_t k)
{
    double mx = d[tc_argmax(d, k)];
    for (size_t i = 0; i < k; i++)
        p[i] = exp(d[i] - mx);
    normalise(p, k);
}

/* SGDClassifier._predict_proba for modified_huber. */
static void modified_huber(const double *d, size_t rows, size_t k, double *v)
{
    if (rows == 1) {
        v[1] = (clip1(d[0]) + 1.0) / 2.0;
        v[0] = 1.0 - v[1];
        return;
    }
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

/* exp(jll - logsumexp(jll)), with scipy's logsumexp: log(sum exp(d - max)) + max. */
static void naive_bayes(const double *d, size_t k, double *v)
{
    double mx = d[tc_argmax(d, k)];
    double sum = 0.0;
    for (size_t i = 0; i < k; i++)
        sum += exp(d[i] - mx);
    double lse = log(sum) + mx;
    for (size_t i = 0; i < k; i++)
        v[i] = exp(d[i] - lse);
}

void tc_proba_from_decision(tc_proba_kind kind, const double *d, size_t rows, size_t k,
                            double *v)
{
    switch (kind) {
    case TC_PROBA_NONE:
        if (rows == 1) {
            v[0] = -d[0];
            v[1] = d[0];
        } else {
            memcpy(v, d, k * sizeof *v);
        }
        return;
    case TC_PROBA_LOGISTIC_OVR: /* sklearn _predict_proba_lr */
        if (rows == 1) {
            v[1] = tc_expit(d[0]);
            v[0] = 1.0 - v[1];
        } else {
            for (size_t i = 0; i < k; i++)
                v[i] = tc_expit(d[i]);
            normalise(v, k);
        }
        return;
    case TC_PROBA_SOFTMAX:
        tc_softmax(d, v, k);
        return;
    case TC_PROBA_SOFTMAX_BINARY: {
        double two[2] = {-d[0], d[0]};
        tc_softmax(two, v, 2);
        return;
    }
    case TC_PROBA_MODIFIED_HUBER:
        modified_huber(d, rows, k, v);
        return;
    case TC_PROBA_NAIVE_BAYES:
        naive_bayes(d, k, v);
        return;
    case TC_PROBA_PAIRWISE:
    case TC_PROBA_CALIBRATED:
        break;
    }
}

double tc_platt(double f, double a, double b)
{
    double fApB = f * a + b;
    if (fApB >= 0)
        return exp(-fApB) / (1.0 + exp(-fApB));
    return 1.0 / (1.0 + exp(fApB));
}

/* Minimises p'Qp subject to sum p = 1 by cyclic coordinate updates, starting from
 * uniform p, stopping when max_t |(Qp)_t - p'Qp| < 0.005/k or after max(100, k) sweeps.
 * Q_tt = sum_{j != t} r_jt^2, Q_tj = -r_jt r_tj. */
void tc_pairwise_coupling(size_t k, const double *r, double *q, double *qp, double *p)
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
