/* test_calibrator.c - CalibratedClassifierCV's calibration step (tc_calibrator.h): numpy.interp
 * at and between thresholds and outside them, the isotonic clip, the sigmoid formula, one
 * fold's combination for two and three classes (the uniform fallback, the > 1 rule) and
 * validity checks. Expected values are written as numpy computes them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc_calibrator.h"
#include "tc_proba.h"
#include "tc_test.h"

static void test_np_interp(void)
{
    const double xp[] = {-1.0, 0.0, 2.0, 3.0};
    const double fp[] = {0.0, 0.25, 0.75, 1.0};
    TC_CHECK(tc_np_interp(-5.0, xp, fp, 4) == 0.0, "left of the table: fp[0]");
    TC_CHECK(tc_np_interp(9.0, xp, fp, 4) == 1.0, "right of the table: fp[n-1]");
    TC_CHECK(tc_np_interp(3.0, xp, fp, 4) == 1.0, "the last threshold: fp[n-1]");
    TC_CHECK(tc_np_interp(0.0, xp, fp, 4) == 0.25, "a threshold: its fp");
    double want = (0.75 - 0.25) / (2.0 - 0.0) * (0.5 - 0.0) + 0.25;
    TC_CHECK(tc_np_interp(0.5, xp, fp, 4) == want, "between: slope * dx + fp[j]");
    want = (0.25 - 0.0) / (0.0 - -1.0) * (-0.3 - -1.0) + 0.0;
    TC_CHECK(tc_np_interp(-0.3, xp, fp, 4) == want, "first interval");
    const double one_x[] = {1.5}, one_y[] = {0.4};
    TC_CHECK(tc_np_interp(0.0, one_x, one_y, 1) == 0.4 && tc_np_interp(7.0, one_x, one_y, 1) == 0.4,
             "one threshold: constant");
}

static void test_apply(void)
{
    tc_calibrator s = {.method = TC_CAL_SIGMOID, .a = -2.5, .b = 0.25};
    double t = -2.5 * 0.7;
    t = t + 0.25;
    TC_CHECK(tc_calibrator_apply(&s, 0.7) == 1.0 / (1.0 + exp(t)), "expit(-(a f + b))");
    double x[] = {-1.0, 1.0}, y[] = {0.1, 0.9};
    tc_calibrator iso = {.method = TC_CAL_ISOTONIC, .n = 2, .x = x, .y = y, .x_min = -1.0,
                         .x_max = 1.0};
    TC_CHECK(tc_calibrator_apply(&iso, -4.0) == 0.1 && tc_calibrator_apply(&iso, 4.0) == 0.9,
             "clipped to [x_min, x_max]");
    TC_CHECK(tc_calibrator_apply(&iso, 0.0) == (0.9 - 0.1) / 2.0 * 1.0 + 0.1, "interpolated");
    TC_CHECK(tc_calibrator_invalid(&s) == NULL && tc_calibrator_invalid(&iso) == NULL, "valid");
}

static void test_fold(void)
{
    double x[] = {0.0, 1.0}, y1[] = {0.0, 1.0}, y0[] = {0.0, 0.0};
    tc_calibrator two = {.method = TC_CAL_ISOTONIC, .n = 2, .x = x, .y = y1, .x_min = 0.0,
                         .x_max = 1.0};
    double d = 0.25, p[3];
    tc_calibrated_fold(&two, &d, 2, p);
    TC_CHECK(p[1] == 0.25 && p[0] == 0.75, "binary: p0 = 1 - p1 (%g %g)", p[0], p[1]);
    tc_calibrator zero = {.method = TC_CAL_ISOTONIC, .n = 2, .x = x, .y = y0, .x_min = 0.0,
                          .x_max = 1.0};
    tc_calibrator three[3] = {zero, zero, zero};
    double d3[3] = {0.5, 0.1, 0.9};
    tc_calibrated_fold(three, d3, 3, p);
    TC_CHECK(p[0] == 1.0 / 3.0 && p[1] == 1.0 / 3.0 && p[2] == 1.0 / 3.0,
             "all-zero row: uniform");
    three[1] = two;
    tc_calibrated_fold(three, d3, 3, p);
    TC_CHECK(p[0] == 0.0 && p[1] == 1.0 && p[2] == 0.0, "normalised by the sum");
    /* a sigmoid cannot exceed 1; an isotonic table may (y beyond 1 by rounding) */
    double yb[] = {1.0 + 1e-6, 1.0 + 1e-6};
    tc_calibrator over = {.method = TC_CAL_ISOTONIC, .n = 2, .x = x, .y = yb, .x_min = 0.0,
                          .x_max = 1.0};
    tc_calibrated_fold(&over, &d, 2, p);
    TC_CHECK(p[1] == 1.0, "(1, 1 + 1e-5] becomes 1: %.17g", p[1]);
}

static void test_invalid(void)
{
    double x[] = {0.0, 0.0}, y[] = {0.0, 1.0};
    tc_calibrator c = {.method = TC_CAL_ISOTONIC, .n = 2, .x = x, .y = y, .x_min = 0.0,
                       .x_max = 1.0};
    TC_CHECK(tc_calibrator_invalid(&c) != NULL, "repeated threshold refused");
    x[1] = 1.0;
    c.x_min = 2.0;
    TC_CHECK(tc_calibrator_invalid(&c) != NULL, "x_min > x_max refused");
    c.x_min = 0.0;
    y[0] = NAN;
    TC_CHECK(tc_calibrator_invalid(&c) != NULL, "NaN refused");
    tc_calibrator s = {.method = TC_CAL_SIGMOID, .a = INFINITY};
    TC_CHECK(tc_calibrator_invalid(&s) != NULL, "infinite a refused");
    c.n = 0;
    TC_CHECK(tc_calibrator_invalid(&c) != NULL, "empty table refused");
}

TC_TESTS(TC_TEST(test_np_interp), TC_TEST(test_apply), TC_TEST(test_fold), TC_TEST(test_invalid))
