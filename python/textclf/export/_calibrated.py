"""CalibratedClassifierCV over a linear base model as a textclf "calibrated" classifier
(calibrated.tsv, docs/model-format.md): every fold's base model as linear weights and its
calibrators (sigmoid a, b; isotonic thresholds and clip range), which textclf combines as
sklearn/calibration.py does (_CalibratedClassifier.predict_proba per fold, the mean over
folds in CalibratedClassifierCV.predict_proba). ensemble=True keeps one entry per CV fold,
ensemble=False (and a prefit base) one: the file has as many folds as
calibrated_classifiers_."""
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.isotonic import IsotonicRegression

from ._base import Refuse, fmt
from ._estimators import CALIBRATED, LINEAR, OVR_BASES

CALIBRATED.append(CalibratedClassifierCV)

try:  # scikit-learn >= 1.6: cv="prefit" is replaced by FrozenEstimator
    from sklearn.frozen import FrozenEstimator
except ImportError:
    FrozenEstimator = None


def _base_of(cc):
    est = getattr(cc, "estimator", None)
    if est is None:
        est = getattr(cc, "base_estimator", None)
    if FrozenEstimator is not None and type(est) is FrozenEstimator:
        est = est.estimator
    return est


def _linear_text(intercept, wt):
    """linear.tsv's text (the format of _write.write_linear)."""
    n, r = wt.shape
    out = ["textclf-linear\t1\nrows\t%d\nfeatures\t%d\n" % (r, n),
           "intercept\t" + "\t".join(fmt(x) for x in intercept) + "\n", "weights\n"]
    out.extend("\t".join(map(repr, row)) + "\n" for row in wt.tolist())
    return "".join(out)


def _calibrator_text(cal, method):
    if method == "sigmoid":
        if type(cal).__name__ != "_SigmoidCalibration":
            raise Refuse("CalibratedClassifierCV calibrator is %s, expected _SigmoidCalibration "
                         "for method='sigmoid'" % type(cal).__name__)
        return "sigmoid\t%s\t%s\n" % (fmt(cal.a_), fmt(cal.b_))
    if type(cal) is not IsotonicRegression:
        raise Refuse("CalibratedClassifierCV calibrator is %s, expected IsotonicRegression for "
                     "method='isotonic'" % type(cal).__name__)
    if cal.out_of_bounds != "clip":
        raise Refuse("IsotonicRegression out_of_bounds=%r is not supported (CalibratedClassifierCV "
                     "uses 'clip')" % cal.out_of_bounds)
    x, y = cal.X_thresholds_, cal.y_thresholds_
    if x.dtype != np.float64 or y.dtype != np.float64 or x.ndim != 1 or x.shape != y.shape \
            or x.size == 0:
        raise Refuse("IsotonicRegression thresholds are not two float64 vectors of one length")
    if x.size > 1 and not np.all(np.diff(x) > 0):
        raise Refuse("IsotonicRegression X_thresholds_ do not ascend strictly")
    if not float(cal.X_min_) <= float(cal.X_max_):
        raise Refuse("IsotonicRegression X_min_ > X_max_")
    return "isotonic\t%d\t%s\t%s\nx\t%s\ny\t%s\n" % (
        x.size, fmt(cal.X_min_), fmt(cal.X_max_), "\t".join(fmt(v) for v in x.tolist()),
        "\t".join(fmt(v) for v in y.tolist()))


def describe_calibrated(clf, n_features, expand=None):
    """Returns (classifier manifest dict, calibrated.tsv text)."""
    method = clf.method
    if method not in ("sigmoid", "isotonic"):
        raise Refuse("CalibratedClassifierCV method=%r is not supported ('sigmoid' or "
                     "'isotonic')" % (method,))
    classes = np.asarray(clf.classes_)
    k = len(classes)
    rows = 1 if k == 2 else k
    ccs = list(clf.calibrated_classifiers_)
    if not ccs:
        raise Refuse("CalibratedClassifierCV has no calibrated_classifiers_")
    parts = ["textclf-calibrated\t1\nmethod\t%s\nfolds\t%d\n" % (method, len(ccs))]
    base_name = None
    for i, cc in enumerate(ccs, start=1):
        if getattr(cc, "method", method) != method:
            raise Refuse("CalibratedClassifierCV fold %d has method %r, not %r"
                         % (i, cc.method, method))
        est = _base_of(cc)
        if est is None or type(est) not in OVR_BASES:
            raise Refuse("CalibratedClassifierCV estimator %s is not supported: textclf "
                         "calibrates linear models with a decision_function (%s)" % (
                             type(est).__name__, ", ".join(c.__name__ for c in OVR_BASES)))
        base_name = type(est).__name__
        if not np.array_equal(np.asarray(est.classes_), classes):
            raise Refuse("CalibratedClassifierCV fold %d's %s saw classes %r, not all of %r "
                         "(a fold without some class is not supported)"
                         % (i, base_name, list(est.classes_), list(classes)))
        _, w, b = LINEAR[type(est)](est)
        if expand is not None and w.shape == (rows, len(expand)):
            full = np.zeros((rows, n_features))
            full[:, expand] = w
            w = full
        if w.shape != (rows, n_features) or b.shape != (rows,):
            raise Refuse("CalibratedClassifierCV fold %d's %s has weights of shape %r "
                         "(expected %r)" % (i, base_name, w.shape, (rows, n_features)))
        if not np.all(np.isfinite(w)) or not np.all(np.isfinite(b)):
            raise Refuse("CalibratedClassifierCV fold %d has non-finite weights" % i)
        cals = list(cc.calibrators)
        if len(cals) != rows:
            raise Refuse("CalibratedClassifierCV fold %d has %d calibrators for %d decision "
                         "values" % (i, len(cals), rows))
        lin = _linear_text([float(x) for x in b], w.T)
        parts.append("fold\t%d\tlines\t%d\n" % (i, lin.count("\n")))
        parts.append(lin)
        parts.append("calibrators\t%d\n" % rows)
        parts.extend(_calibrator_text(c, method) for c in cals)
    meta = {"type": "calibrated", "file": "calibrated.tsv",
            "estimator": "CalibratedClassifierCV(%s)" % base_name,
            "probability": "calibrated", "method": method, "folds": len(ccs)}
    return meta, "".join(parts)
