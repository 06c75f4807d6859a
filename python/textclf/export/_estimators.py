"""scikit-learn classifiers as textclf classifiers: one function per estimator family,
registered by estimator class.

A *linear* family gives the weights of d = W x + b and how d becomes probabilities
(docs/model-format.md, "probability"); textclf writes them to linear.tsv. SVC is
exported as a libsvm model file instead (_libsvm.py). The estimator must be exactly the
registered class: a subclass may change predict_proba, so it is refused.

Each family reads the fitted attributes that scikit-learn 1.2 through the newest
release keep, and chooses the probability formula the way that release's predict_proba
does; the exporter then re-predicts its golden samples from the written files and
refuses the model if any differs from scikit-learn's own output.
"""
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import (LogisticRegression, LogisticRegressionCV, Perceptron,
                                  RidgeClassifier, RidgeClassifierCV, SGDClassifier)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import BernoulliNB, ComplementNB, MultinomialNB
from sklearn.svm import SVC, LinearSVC

try:  # deprecated in scikit-learn 1.8, removed in 1.10
    from sklearn.linear_model import PassiveAggressiveClassifier
except ImportError:  # pragma: no cover - newer scikit-learn
    PassiveAggressiveClassifier = None

from ._base import Refuse

LINEAR = {}  # estimator class -> fn(clf) -> (probability kind, W (rows, features), b (rows,))
CALIBRATED = []  # classes exported by _calibrated.py (registered there)


def linear_family(cls):
    def register(fn):
        LINEAR[cls] = fn
        return fn
    return register


def supported_names():
    return sorted(c.__name__ for c in list(LINEAR) + [SVC] + CALIBRATED)


def is_supported(clf):
    return type(clf) in LINEAR or type(clf) is SVC or type(clf) in CALIBRATED


def class_names(classes):
    if np.ndim(classes) != 1:
        raise Refuse("classes_ must be one-dimensional (multi-output classifiers are not supported)")
    names = [str(c) for c in classes]
    if len(names) < 2:
        raise Refuse("classifier has %d class(es); at least 2 are needed" % len(names))
    if len(set(names)) != len(names) or "" in names:
        raise Refuse("class labels %r are not distinct non-empty strings after str()" % names)
    return names


def _coef(clf):
    w = clf.coef_
    if sp.issparse(w):
        w = w.toarray()
    # RidgeClassifier(CV) with two classes keeps a 1-D coef_ in scikit-learn >= 1.x;
    # decision_function is then X @ coef_, the same sums as with one row.
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 1:
        w = w.reshape(1, -1)
    return (w,
            np.asarray(clf.intercept_, dtype=np.float64).reshape(-1))


def lr_is_ovr(clf):
    """Whether LogisticRegression.predict_proba takes its one-vs-rest branch (logistic
    per row, normalised) rather than softmax. scikit-learn <= 1.4: multi_class 'ovr', or
    'auto' with two classes or liblinear. 1.5-1.7: the same, multi_class defaulting to
    'deprecated' (= 'auto'). 1.8 and later have no multi_class: one-vs-rest exactly for
    two classes (liblinear refuses more)."""
    k = len(clf.classes_)
    mc = getattr(clf, "multi_class", None)
    if mc is None:
        return k <= 2
    if mc in ("ovr", "warn"):
        return True
    if mc in ("auto", "deprecated"):
        return k <= 2 or clf.solver == "liblinear"
    return False  # "multinomial"


def _logistic(clf):
    w, b = _coef(clf)
    if lr_is_ovr(clf):
        return "logistic_ovr", w, b
    return ("softmax_binary" if len(clf.classes_) == 2 else "softmax"), w, b


# LogisticRegressionCV keeps the refitted model's coef_/intercept_ and predicts through
# LogisticRegression's predict_proba (the same multi_class rules).
LINEAR[LogisticRegression] = _logistic
LINEAR[LogisticRegressionCV] = _logistic


def _scores_only(clf):
    """Linear models without predict_proba: decision_function = X coef_.T + intercept_,
    predict = d > 0 (binary) or argmax (LinearClassifierMixin)."""
    w, b = _coef(clf)
    return "none", w, b


for _cls in (LinearSVC, RidgeClassifier, RidgeClassifierCV, Perceptron,
             PassiveAggressiveClassifier):
    if _cls is not None:
        LINEAR[_cls] = _scores_only


@linear_family(SGDClassifier)
def _sgd(clf):
    w, b = _coef(clf)
    if clf.loss in ("log_loss", "log"):
        return "logistic_ovr", w, b
    if clf.loss == "modified_huber":
        return "modified_huber", w, b
    return "none", w, b


@linear_family(MultinomialNB)
def _naive_bayes(clf):
    # The joint log-likelihood is X @ feature_log_prob_.T + class_log_prior_: one row
    # per class, even for two classes.
    return ("naive_bayes", np.asarray(clf.feature_log_prob_, dtype=np.float64),
            np.asarray(clf.class_log_prior_, dtype=np.float64).reshape(-1))


@linear_family(ComplementNB)
def _complement_nb(clf):
    # ComplementNB._joint_log_likelihood is X @ feature_log_prob_.T alone (the prior is
    # added only for a single class, which class_names refuses): intercept 0, and
    # x + 0.0 == x.
    w = np.asarray(clf.feature_log_prob_, dtype=np.float64)
    return "naive_bayes", w, np.zeros(w.shape[0])


@linear_family(BernoulliNB)
def _bernoulli_nb(clf):
    """BernoulliNB._joint_log_likelihood: with neg_prob = log(1 - exp(feature_log_prob_)),
    jll = X @ (feature_log_prob_ - neg_prob).T, then += class_log_prior_ +
    neg_prob.sum(axis=1): the absent features' term is a constant per class, folded into
    the intercept, computed here with the same numpy operations as scikit-learn. X is
    binarize(X, threshold=binarize) first (values > threshold become 1, the rest are
    dropped): the "binarized_linear" classifier does that step (see bernoulli_threshold)."""
    flp = np.asarray(clf.feature_log_prob_, dtype=np.float64)
    neg_prob = np.log(1 - np.exp(flp))
    w = flp - neg_prob
    b = np.asarray(clf.class_log_prior_, dtype=np.float64) + neg_prob.sum(axis=1)
    return "naive_bayes", w, b


def bernoulli_threshold(clf):
    """BernoulliNB's binarize threshold as a float, None for binarize=None; refuses what
    scikit-learn itself cannot apply to a sparse row (a negative threshold)."""
    t = clf.binarize
    if t is None:
        return None
    try:
        t = float(t)
    except (TypeError, ValueError):
        raise Refuse("BernoulliNB binarize=%r is not a number" % (clf.binarize,))
    if not np.isfinite(t) or t < 0:
        raise Refuse("BernoulliNB binarize=%r is not supported: scikit-learn cannot binarize "
                     "a sparse matrix with a negative threshold (and a non-finite one is "
                     "meaningless)" % (clf.binarize,))
    return t


# Binary estimators OneVsRestClassifier may hold, each with a decision_function that is
# X coef_.T + intercept_ (OneVsRestClassifier's predict takes the argmax of those).
OVR_BASES = (LogisticRegression, LogisticRegressionCV, LinearSVC, SGDClassifier,
             RidgeClassifier, RidgeClassifierCV, Perceptron) + (
                 (PassiveAggressiveClassifier,) if PassiveAggressiveClassifier else ())


@linear_family(OneVsRestClassifier)
def _one_vs_rest(clf):
    """OneVsRestClassifier of binary linear models: one decision row per class (stacked
    decision_function values, argmax), or with two classes the single estimator itself.
    predict_proba exists when the estimators have it: each class's positive-class
    probability, divided by their sum. For logistic estimators that is exactly
    "logistic_ovr"; two classes give [1 - p, p] / ((1 - p) + p), which differs from
    [1 - p, p] by an ulp at most."""
    if getattr(clf, "multilabel_", False):
        raise Refuse("OneVsRestClassifier was fitted on multilabel targets; only multiclass "
                     "(one label per text) is supported")
    ests = list(clf.estimators_)
    k = len(clf.classes_)
    for e in ests:
        if type(e) not in OVR_BASES:
            raise Refuse("OneVsRestClassifier estimator %s is not supported (one of %s); a "
                         "class seen in every or no training text gives a constant predictor"
                         % (type(e).__name__, ", ".join(c.__name__ for c in OVR_BASES)))
        if len(e.classes_) != 2:
            raise Refuse("OneVsRestClassifier estimator has %d classes, expected 2"
                         % len(e.classes_))
    if len(ests) != (1 if k == 2 else k):
        raise Refuse("OneVsRestClassifier has %d estimators for %d classes" % (len(ests), k))
    kinds, ws, bs = [], [], []
    for e in ests:
        kind, w, b = LINEAR[type(e)](e)
        if w.shape[0] != 1:
            raise Refuse("OneVsRestClassifier estimator %s has %d weight rows, expected 1"
                         % (type(e).__name__, w.shape[0]))
        kinds.append(kind)
        ws.append(w)
        bs.append(b)
    has_proba = hasattr(clf, "predict_proba")
    kind = kinds[0]
    if len(set(kinds)) != 1:
        raise Refuse("OneVsRestClassifier estimators compute probabilities differently (%s)"
                     % ", ".join(sorted(set(kinds))))
    if not has_proba:
        kind = "none"
    elif k > 2 and kind != "logistic_ovr":
        raise Refuse("OneVsRestClassifier over %s with %d classes: predict_proba normalises "
                     "per-class %s probabilities in a way textclf does not reproduce (only "
                     "logistic estimators: LogisticRegression, SGDClassifier(loss='log_loss'))"
                     % (type(ests[0]).__name__, k, kind))
    return kind, np.vstack(ws), np.concatenate(bs)


def describe_linear(clf, n_features, expand=None):
    """Returns (classifier manifest dict, intercept list, weights (n_features x R) array).
    expand: the vocabulary index of each column clf was fitted on, after feature
    selection (_selection.py); the other vocabulary columns get weight 0."""
    name = type(clf).__name__
    k = len(clf.classes_)
    prob, w, b = LINEAR[type(clf)](clf)
    if expand is not None:
        if w.ndim != 2 or w.shape[1] != len(expand):
            raise Refuse("n_features mismatch: feature selection keeps %d columns but %s was "
                         "fitted on %d features" % (len(expand), name, w.shape[-1]))
        full = np.zeros((w.shape[0], n_features))
        full[:, expand] = w
        w = full
    want_rows = k if prob == "naive_bayes" or k > 2 else 1
    if w.ndim != 2 or w.shape[0] != want_rows:
        raise Refuse("%s has weights of shape %r for %d classes (expected %d rows)"
                     % (name, w.shape, k, want_rows))
    if b.shape[0] != w.shape[0]:
        raise Refuse("%s intercept has %d values for %d rows" % (name, b.shape[0], w.shape[0]))
    if w.shape[1] != n_features:
        raise Refuse("n_features mismatch: the vectorizer has %d terms but %s was fitted on %d "
                     "features" % (n_features, name, w.shape[1]))
    if not np.all(np.isfinite(w)) or not np.all(np.isfinite(b)):
        raise Refuse("%s has non-finite weights or intercepts" % name)
    meta = {"type": "linear", "file": "linear.tsv", "estimator": name, "probability": prob}
    if type(clf) is BernoulliNB:
        t = bernoulli_threshold(clf)
        if t is not None:
            meta = {"type": "binarized_linear", "file": "linear.tsv", "estimator": name,
                    "probability": prob, "binarize": t}
    return meta, [float(x) for x in b], w.T


def svc_has_probability(clf):
    """SVC(probability=True) as fitted: scikit-learn 1.9 deprecates the parameter (its
    default becomes the string 'deprecated') and records the effective choice."""
    eff = getattr(clf, "_effective_probability", None)
    if eff is not None:
        return bool(eff)
    return clf.probability is True or (clf.probability not in ("deprecated",) and
                                       bool(clf.probability))
