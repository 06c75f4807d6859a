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
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import SVC, LinearSVC

from ._base import Refuse

LINEAR = {}  # estimator class -> fn(clf) -> (probability kind, W (rows, features), b (rows,))


def linear_family(cls):
    def register(fn):
        LINEAR[cls] = fn
        return fn
    return register


def supported_names():
    return sorted(c.__name__ for c in list(LINEAR) + [SVC])


def is_supported(clf):
    return type(clf) in LINEAR or type(clf) is SVC


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
    return (np.asarray(w, dtype=np.float64),
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


@linear_family(LogisticRegression)
def _logistic(clf):
    w, b = _coef(clf)
    if lr_is_ovr(clf):
        return "logistic_ovr", w, b
    return ("softmax_binary" if len(clf.classes_) == 2 else "softmax"), w, b


@linear_family(LinearSVC)
def _linear_svc(clf):
    w, b = _coef(clf)
    return "none", w, b


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


def describe_linear(clf, n_features):
    """Returns (classifier manifest dict, intercept list, weights (n_features x R) array)."""
    name = type(clf).__name__
    k = len(clf.classes_)
    prob, w, b = LINEAR[type(clf)](clf)
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
    return meta, [float(x) for x in b], w.T


def svc_has_probability(clf):
    """SVC(probability=True) as fitted: scikit-learn 1.9 deprecates the parameter (its
    default becomes the string 'deprecated') and records the effective choice."""
    eff = getattr(clf, "_effective_probability", None)
    if eff is not None:
        return bool(eff)
    return clf.probability is True or (clf.probability not in ("deprecated",) and
                                       bool(clf.probability))
