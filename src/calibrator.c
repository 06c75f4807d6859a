/* calibrator.c - CalibratedClassifierCV's calibration step (see tc_calibrator.h).
 * -std=c11 keeps a*b+c from being contracted into an FMA, as numpy computes it. */
#include "tc_calibrator.h"

#include <math.h>
#include <stdlib.h>

#include "tc_proba.h"

const char *tc_calibrator_invalid(const tc_calibrator *c)
{
    if (c->method == TC_CAL_SIGMOID)
        return isfinite(c->a) && isfinite(c->b) ? NULL : "a non-finite sigmoid parameter";
    if (c->n == 0 || c->x == NULL || c->y == NULL)
        return "no isotonic thresholds";
    if (!isfinite(c->x_min) || !isfinite(c->x_max) || c->x_min > c->x_max)
        return "the clip range is not finite numbers with x_min <= x_max";
    for (size_t i = 0; i < c->n; i++) {
        if (!isfinite(c->x[i]) || !isfinite(c->y[i]))
            return "a non-finite threshold";
        if (i > 0 && !(c->x[i] > c->x[i - 1]))
            return "thresholds x that do not ascend strictly";
    }
    return NULL;
}

/* numpy's arr_interp (numpy/core/src/multiarray/compiled_base.c) for one value: the
 * largest j with xp[j] <= x, then the slope of its interval times the distance from
 * xp[j], plus fp[j]; exact hits on a threshold return its fp. */
double tc_np_interp(double x, const double *xp, const double *fp, size_t n)
{
    if (x < xp[0])
        return fp[0];  /* left; also the whole answer for one threshold */
    if (x >= xp[n - 1])
        return fp[n - 1];  /* right, or exactly the last threshold */
    size_t lo = 0, hi = n - 1;  /* xp[lo] <= x < xp[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (xp[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    const size_t j = lo;
    if (xp[j] == x)
        return fp[j];
    const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    double r = slope * (x - xp[j]) + fp[j];
    if (isnan(r)) {  /* numpy: "if we get nan in one direction, try the other" */
        r = slope * (x - xp[j + 1]) + fp[j + 1];
        if (isnan(r) && fp[j] == fp[j + 1])
            r = fp[j];
    }
    return r;
}

double tc_calibrator_apply(const tc_calibrator *c, double f)
{
    if (c->method == TC_CAL_SIGMOID) {
        double t = c->a * f;
        t = t + c->b;
        return tc_expit(-t);
    }
    /* np.clip(T, X_min_, X_max_), then f_(T); a single threshold is a constant */
    double x = f < c->x_min ? c->x_min : (f > c->x_max ? c->x_max : f);
    if (c->n == 1)
        return c->y[0];
    return tc_np_interp(x, c->x, c->y, c->n);
}

void tc_calibrated_fold(const tc_calibrator *cal, const double *d, size_t k, double *p)
{
    if (k == 2) {
        p[1] = tc_calibrator_apply(&cal[0], d[0]);
        p[0] = 1.0 - p[1];
    } else {
        double sum = 0.0;
        for (size_t c = 0; c < k; c++) {
            p[c] = tc_calibrator_apply(&cal[c], d[c]);
            sum += p[c];
        }
        for (size_t c = 0; c < k; c++)
            p[c] = sum != 0.0 ? p[c] / sum : 1.0 / (double)k;
    }
    for (size_t c = 0; c < k; c++)
        if (1.0 < p[c] && p[c] <= 1.0 + 1e-5)
            p[c] = 1.0;
}

void tc_calibrator_release(tc_calibrator *c)
{
    free(c->x);
    free(c->y);
    c->x = c->y = NULL;
}
