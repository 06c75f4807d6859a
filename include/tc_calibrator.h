/*
 * tc_calibrator.h - the calibration step of scikit-learn's CalibratedClassifierCV
 * (sklearn/calibration.py, 1.2 through 1.9): a base model's decision values -> one
 * fold's calibrated probabilities, each formula in scikit-learn's floating-point order.
 *
 *  - sigmoid (_SigmoidCalibration.predict): p = expit(-(a f + b));
 *  - isotonic (IsotonicRegression(out_of_bounds="clip").predict): f clipped to
 *    [x_min, x_max], then numpy.interp(f, x, y) (scipy's interp1d delegates float64
 *    linear interpolation to it); one threshold is the constant y[0];
 *  - a fold (_CalibratedClassifier.predict_proba): two classes, p1 = cal(d), p0 = 1 - p1;
 *    k > 2 classes, p_c = cal_c(d_c) divided by their sum, or 1/k each when the sum is 0;
 *    then any p in (1, 1 + 1e-5] becomes 1.
 * CalibratedClassifierCV.predict_proba is the mean of the folds' probabilities (summed
 * in fold order from 0, then divided by the number of folds), and predict its argmax.
 *
 * Pure functions; a calibrator is immutable once filled and owns its arrays.
 */
#ifndef TC_CALIBRATOR_H
#define TC_CALIBRATOR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum tc_calibration_method { TC_CAL_SIGMOID, TC_CAL_ISOTONIC } tc_calibration_method;

typedef struct tc_calibrator {
    tc_calibration_method method;
    double a, b;           /* sigmoid */
    size_t n;              /* isotonic: thresholds, >= 1 */
    double *x, *y;         /* isotonic: n each, x strictly ascending; owned */
    double x_min, x_max;   /* isotonic: the clip range, x_min <= x_max */
} tc_calibrator;

/* NULL when c is usable, else why not (for a message): non-finite numbers, isotonic
 * thresholds that do not ascend strictly, an empty table or x_min > x_max. */
const char *tc_calibrator_invalid(const tc_calibrator *c);

/* numpy.interp(x, xp, fp) for finite x and n >= 1 strictly ascending xp (left and right
 * default to fp[0] and fp[n-1]). */
double tc_np_interp(double x, const double *xp, const double *fp, size_t n);

/* The calibrated probability of decision value f. */
double tc_calibrator_apply(const tc_calibrator *c, double f);

/* One fold: d holds rows = (k == 2 ? 1 : k) decision values, cal as many calibrators;
 * p receives k probabilities. */
void tc_calibrated_fold(const tc_calibrator *cal, const double *d, size_t k, double *p);

/* Frees the isotonic arrays; the struct itself is the caller's. */
void tc_calibrator_release(tc_calibrator *c);

#endif
