#!/usr/bin/env python3
"""Export a fitted scikit-learn text classifier to a textclf model directory (format v1,
docs/model-format.md).

  export_sklearn.py --vectorizer tfidf_vectorizer.pkl --classifier classifier.pkl --out DIR
  export_sklearn.py --pipeline pipeline.pkl --out DIR
  export_sklearn.py --vectorizer vec.pkl --libsvm-model m.svm --labels 1=positive,-1=negative --out DIR
  options: --name NAME --description TEXT --golden FILE (one text per line; used first, then
           the built-in samples)

Only what textclf reproduces exactly is exported; anything else is refused with a message
naming the parameter. The directory is written next to DIR under a temporary name, verified
(re-read, checksums, golden samples re-predicted where a reference implementation exists)
and renamed into place.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textclf_common as common  # noqa: E402

common.ensure_sklearn_python()

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.feature_extraction.text import (CountVectorizer, TfidfTransformer,  # noqa: E402
                                             TfidfVectorizer)
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.naive_bayes import MultinomialNB  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import SVC, LinearSVC  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

EXPORTER = "textclf tools/export_sklearn.py 1"
TOKEN_PATTERN = common.TOKEN_PATTERN
MAX_NGRAM = 8

# Default golden texts: plain sentiment, punctuation, and the Unicode cases the C tokenizer
# must get right (special casing, accents both ways, ligatures, full-width, other scripts).
DEFAULT_GOLDEN = [
    "I loved this movie, it was wonderful and moving.",
    "awful film, a complete waste of time",
    "The acting was fine but the plot made no sense at all.",
    "Not bad. Not good either.",
    "one of the best films of the year , a real triumph .",
    "boring , predictable and far too long .",
    "",
    "!!! ???",
    "I don't think I've ever laughed so hard — brilliant!",
    "It's a 10/10 for me: superb_cast and great direction",
    "Café crème, naïve résumé, coöperate and piñata",
    "Cafe\u0301 cre\u0300me (decomposed accents) was e\u0301tonnant",
    "ΟΔΥΣΣΕΥΣ ήταν υπέροχη ταινία ΣΟΦΟΣ",
    "İSTANBUL'da ılık bir akşam, IŞIK ve ışık",
    "Die Straße war groß, STRASSE und Maße",
    "ﬁne ﬂowers, ﬀ ligatures in the ﬁlm",
    "ＦＵＬＬ　ＷＩＤＴＨ ｇｒｅａｔ ｍｏｖｉｅ １２３",
    "这部电影非常好看 映画はとても良かった 영화가 좋았어요",
    "الفيلم كان رائعا جدا",
    "फ़िल्म ९८ अच्छी थी २०२४",
    "great movie 😀👍🏽 terrible ending 😡",
    "a\u0308b\u0301c e\u0327a and ̃tilde combining marks",
    "__init__ snake_case_words _ __ and under_score",
    "rock'n'roll o'clock ’tis the season, l’amour",
    "MiXeD CaSe WORDS And DIGITS 42 007",
]


class Refuse(Exception):
    """An unsupported or inconsistent input; the message names the parameter."""


def die(msg):
    sys.stderr.write("export_sklearn: %s\n" % msg)
    sys.exit(1)


def load_pickle(path, what):
    try:
        return joblib.load(path)
    except FileNotFoundError:
        raise Refuse("%s: no such file (%s)" % (path, what))
    except Exception as e:  # joblib raises many types for a corrupt/foreign file
        raise Refuse("%s: cannot load %s with joblib: %s: %s" % (path, what, type(e).__name__, e))


# ---------------------------------------------------------------- vectorizer

def _check_common_vec_params(p, who):
    """Checks the CountVectorizer-level parameters that affect transform()."""
    if p["input"] != "content":
        raise Refuse("%s input=%r is not supported (only 'content')" % (who, p["input"]))
    enc = p["encoding"]
    try:
        import codecs
        encname = codecs.lookup(enc).name if isinstance(enc, str) else None
    except LookupError:
        encname = None
    if encname != "utf-8":
        raise Refuse("%s encoding=%r is not supported (only 'utf-8')" % (who, enc))
    if p["decode_error"] != "strict":
        raise Refuse("%s decode_error=%r is not supported (only 'strict')" % (who, p["decode_error"]))
    if p["preprocessor"] is not None:
        raise Refuse("%s preprocessor=%r is not supported (only None)" % (who, p["preprocessor"]))
    if p["tokenizer"] is not None:
        raise Refuse("%s tokenizer=%r is not supported (only None)" % (who, p["tokenizer"]))
    if callable(p["analyzer"]):
        raise Refuse("%s analyzer is a callable; only analyzer='word' is supported" % who)
    if p["analyzer"] != "word":
        raise Refuse("%s analyzer=%r is not supported (only 'word')" % (who, p["analyzer"]))
    if p["token_pattern"] != TOKEN_PATTERN:
        raise Refuse("%s token_pattern=%r is not supported (only the default %r)"
                     % (who, p["token_pattern"], TOKEN_PATTERN))
    sa = p["strip_accents"]
    if callable(sa) or sa not in (None, "ascii", "unicode"):
        raise Refuse("%s strip_accents=%r is not supported (None, 'ascii' or 'unicode')" % (who, sa))
    if not isinstance(p["lowercase"], (bool, np.bool_)):
        raise Refuse("%s lowercase=%r must be a bool" % (who, p["lowercase"]))
    ng = p["ngram_range"]
    try:
        lo, hi = int(ng[0]), int(ng[1])
        okng = len(ng) == 2 and lo == ng[0] and hi == ng[1]
    except (TypeError, ValueError, IndexError):
        okng = False
    if not okng or not (1 <= lo <= hi <= MAX_NGRAM):
        raise Refuse("%s ngram_range=%r is not supported (1 <= min <= max <= %d)" % (who, ng, MAX_NGRAM))
    if not isinstance(p["binary"], (bool, np.bool_)):
        raise Refuse("%s binary=%r must be a bool" % (who, p["binary"]))
    return lo, hi


def _check_tfidf_params(p, who):
    for key in ("use_idf", "smooth_idf", "sublinear_tf"):
        if not isinstance(p[key], (bool, np.bool_)):
            raise Refuse("%s %s=%r must be a bool" % (who, key, p[key]))
    if p["norm"] not in (None, "l1", "l2"):
        raise Refuse("%s norm=%r is not supported (None, 'l1' or 'l2')" % (who, p["norm"]))


def describe_vectorizer(vec, tfidf=None):
    """Returns (params dict for the manifest, terms list, idf list, stop words or None).
    vec is a TfidfVectorizer, or a CountVectorizer followed by TfidfTransformer tfidf."""
    if tfidf is None:
        if type(vec) is not TfidfVectorizer:
            raise Refuse("vectorizer is %s; supported: TfidfVectorizer, or a Pipeline of "
                         "CountVectorizer + TfidfTransformer" % type(vec).__name__)
        who = "TfidfVectorizer"
        tp = vec.get_params()
    else:
        if type(vec) is not CountVectorizer or type(tfidf) is not TfidfTransformer:
            raise Refuse("pipeline vectorizer steps are %s + %s; supported: CountVectorizer + "
                         "TfidfTransformer" % (type(vec).__name__, type(tfidf).__name__))
        who = "CountVectorizer"
        tp = tfidf.get_params()
    p = vec.get_params()
    lo, hi = _check_common_vec_params(p, who)
    _check_tfidf_params(tp, "TfidfTransformer" if tfidf is not None else who)
    dt = np.dtype(p["dtype"])
    if tfidf is None:
        if dt != np.float64:
            raise Refuse("TfidfVectorizer dtype=%s is not supported (only float64)" % dt.name)
    else:
        # TfidfTransformer converts integer counts to float64 exactly; float32 counts would
        # keep float32 through the tf-idf arithmetic.
        if not (np.issubdtype(dt, np.integer) or dt == np.float64):
            raise Refuse("CountVectorizer dtype=%s is not supported (an integer type or float64)"
                         % dt.name)
    try:
        check_is_fitted(vec, "vocabulary_")
        if tp["use_idf"]:
            check_is_fitted(tfidf if tfidf is not None else vec, "idf_")
    except NotFittedError:
        raise Refuse("%s is not fitted" % (who if tfidf is None or not tp["use_idf"] else
                                          "TfidfTransformer"))
    vocab = vec.vocabulary_
    n = len(vocab)
    if n == 0:
        raise Refuse("%s vocabulary_ is empty" % who)
    terms = [None] * n
    for t, j in vocab.items():
        j = int(j)
        if not isinstance(t, str):
            raise Refuse("%s vocabulary_ term %r is not a str" % (who, t))
        if not 0 <= j < n or terms[j] is not None:
            raise Refuse("%s vocabulary_ indices are not a permutation of 0..%d (term %r)"
                         % (who, n - 1, t))
        if t == "" or "\t" in t or "\n" in t or "\r" in t:
            raise Refuse("%s vocabulary_ term %r contains a tab, CR or newline or is empty; "
                         "vocab.tsv cannot hold it" % (who, t))
        try:
            t.encode("utf-8")
        except UnicodeEncodeError:
            raise Refuse("%s vocabulary_ term %r is not valid Unicode (lone surrogate)" % (who, t))
        terms[j] = t
    if tp["use_idf"]:
        idf = np.asarray((tfidf if tfidf is not None else vec).idf_, dtype=np.float64)
        if idf.shape != (n,):
            raise Refuse("idf_ has %d entries but vocabulary_ has %d terms" % (idf.size, n))
        if not np.all(np.isfinite(idf)) or not np.all(idf > 0):
            raise Refuse("idf_ holds a non-finite or non-positive value")
        idf = [float(x) for x in idf]
    else:
        idf = [1.0] * n
    stop = vec.get_stop_words()
    if stop is not None:
        stop = sorted(set(stop))
        for w in stop:
            if not isinstance(w, str) or w == "" or "\t" in w or "\n" in w or "\r" in w:
                raise Refuse("%s stop_words entry %r is empty, not a str or contains a tab/CR/"
                             "newline" % (who, w))
        if not stop:
            stop = None
    params = {
        "type": "tfidf",
        "vocabulary": "vocab.tsv",
        "n_features": n,
        "lowercase": bool(p["lowercase"]),
        "strip_accents": p["strip_accents"],
        "token_pattern": TOKEN_PATTERN,
        "analyzer": "word",
        "ngram_range": [lo, hi],
        "stop_words": "stopwords.txt" if stop is not None else None,
        "binary": bool(p["binary"]),
        "sublinear_tf": bool(tp["sublinear_tf"]),
        "use_idf": bool(tp["use_idf"]),
        "smooth_idf": bool(tp["smooth_idf"]),
        "norm": tp["norm"],
        "dtype": "float64",
    }
    return params, terms, idf, stop


# ---------------------------------------------------------------- classifiers

def class_names(classes):
    if np.ndim(classes) != 1:
        raise Refuse("classes_ must be one-dimensional (multi-output classifiers are not supported)")
    names = [str(c) for c in classes]
    if len(names) < 2:
        raise Refuse("classifier has %d class(es); at least 2 are needed" % len(names))
    if len(set(names)) != len(names) or "" in names:
        raise Refuse("class labels %r are not distinct non-empty strings after str()" % names)
    return names


def lr_is_ovr(clf):
    """The branch LogisticRegression.predict_proba takes in scikit-learn 1.2."""
    mc = clf.multi_class
    return mc in ["ovr", "warn"] or (mc == "auto" and (clf.classes_.size <= 2 or
                                                       clf.solver == "liblinear"))


def describe_linear(clf, n_features):
    """Returns (classifier manifest dict, intercept list, weights (n_features x R) array)."""
    name = type(clf).__name__
    k = len(clf.classes_)
    if type(clf) is MultinomialNB:
        w = np.asarray(clf.feature_log_prob_, dtype=np.float64)
        b = np.asarray(clf.class_log_prior_, dtype=np.float64)
        prob = "naive_bayes"
        if w.shape != (k, w.shape[1]):
            raise Refuse("MultinomialNB feature_log_prob_ has shape %r" % (w.shape,))
    else:
        w = clf.coef_
        if sp.issparse(w):
            w = w.toarray()
        w = np.asarray(w, dtype=np.float64)
        b = np.asarray(clf.intercept_, dtype=np.float64).reshape(-1)
        if type(clf) is LogisticRegression:
            if lr_is_ovr(clf):
                prob = "logistic_ovr"
            else:
                prob = "softmax_binary" if k == 2 else "softmax"
        elif type(clf) is LinearSVC:
            prob = "none"
        elif type(clf) is SGDClassifier:
            if clf.loss in ("log_loss", "log"):
                prob = "logistic_ovr"
            elif clf.loss == "modified_huber":
                prob = "modified_huber"
            else:
                prob = "none"
        else:
            raise AssertionError(name)
        want_rows = 1 if k == 2 else k
        if w.shape[0] != want_rows:
            raise Refuse("%s coef_ has %d rows for %d classes" % (name, w.shape[0], k))
    if b.shape[0] != w.shape[0]:
        raise Refuse("%s intercept has %d values for %d rows" % (name, b.shape[0], w.shape[0]))
    if w.shape[1] != n_features:
        raise Refuse("n_features mismatch: the vectorizer has %d terms but %s was fitted on %d "
                     "features" % (n_features, name, w.shape[1]))
    if not np.all(np.isfinite(w)) or not np.all(np.isfinite(b)):
        raise Refuse("%s has non-finite weights or intercepts" % name)
    meta = {"type": "linear", "file": "linear.tsv", "estimator": name, "probability": prob}
    return meta, [float(x) for x in b], w.T


def g17(x):
    return "%.17g" % float(x)


def svc_model_text(clf, n_features):
    """Returns libsvm's model file text for a fitted sklearn SVC, as svm_save_model writes it
    but with 17 significant digits for every number."""
    kernel = clf.kernel
    if callable(kernel) or kernel not in ("linear", "poly", "rbf", "sigmoid"):
        raise Refuse("SVC kernel=%r is not supported (linear, poly, rbf, sigmoid)" % (kernel,))
    k = len(clf.classes_)
    if clf.break_ties and clf.decision_function_shape == "ovr" and k > 2:
        raise Refuse("SVC break_ties=True is not supported (predict would not use the votes)")
    if clf.decision_function_shape != "ovr" and k > 2:
        raise Refuse("SVC decision_function_shape=%r is not supported (only 'ovr')"
                     % clf.decision_function_shape)
    if clf.shape_fit_[1] != n_features:
        raise Refuse("n_features mismatch: the vectorizer has %d terms but SVC was fitted on %d "
                     "features" % (n_features, clf.shape_fit_[1]))
    svs = clf.support_vectors_
    svs = sp.csr_matrix(svs) if not sp.issparse(svs) else svs.tocsr()
    svs.sort_indices()
    dual = clf._dual_coef_
    dual = dual.toarray() if sp.issparse(dual) else np.asarray(dual)
    nsv = [int(x) for x in clf.n_support_]
    total = svs.shape[0]
    if sum(nsv) != total or dual.shape != (k - 1, total):
        raise Refuse("SVC support vector counts are inconsistent (n_support_=%r, %d SVs, "
                     "dual_coef_ %r)" % (nsv, total, dual.shape))
    rho = -np.asarray(clf._intercept_, dtype=np.float64)
    probA = np.asarray(clf.probA_, dtype=np.float64)
    probB = np.asarray(clf.probB_, dtype=np.float64)
    # libsvm's names (svm.cpp kernel_type_table): sklearn's 'poly' is 'polynomial' there.
    out = ["svm_type c_svc", "kernel_type %s" % {"poly": "polynomial"}.get(kernel, kernel)]
    if kernel == "poly":
        out.append("degree %d" % int(clf.degree))
    if kernel in ("poly", "rbf", "sigmoid"):
        out.append("gamma %s" % g17(clf._gamma))
    if kernel in ("poly", "sigmoid"):
        out.append("coef0 %s" % g17(clf.coef0))
    out.append("nr_class %d" % k)
    out.append("total_sv %d" % total)
    out.append("rho " + " ".join(g17(x) for x in rho))
    out.append("label " + " ".join(str(i) for i in range(k)))
    if clf.probability:
        npairs = k * (k - 1) // 2
        if probA.size != npairs or probB.size != npairs:
            raise Refuse("SVC probability=True but probA_/probB_ have %d/%d values (expected %d)"
                         % (probA.size, probB.size, npairs))
        out.append("probA " + " ".join(g17(x) for x in probA))
        out.append("probB " + " ".join(g17(x) for x in probB))
    out.append("nr_sv " + " ".join(str(x) for x in nsv))
    out.append("SV")
    body = []
    indptr, indices, data = svs.indptr, svs.indices, svs.data
    for i in range(total):
        parts = [g17(dual[r, i]) + " " for r in range(k - 1)]
        for p in range(indptr[i], indptr[i + 1]):
            parts.append("%d:%s " % (indices[p] + 1, g17(data[p])))
        body.append("".join(parts))
    vals = np.concatenate([rho, probA, probB, dual.ravel(), svs.data])
    if not np.all(np.isfinite(vals)):
        raise Refuse("SVC holds non-finite numbers")
    return "\n".join(out + body) + "\n"


# ---------------------------------------------------------------- libsvm (ctypes)

class LibSVM:
    """Debian's libsvm (libsvm.so.3) through ctypes: golden values for models trained by
    svm-train come from the library that textclf itself links."""

    def __init__(self, model_path):
        import ctypes
        import ctypes.util
        name = ctypes.util.find_library("svm") or "libsvm.so.3"
        try:
            self.lib = ctypes.CDLL(name)
        except OSError as e:
            raise Refuse("cannot load libsvm (%s): %s; install libsvm3" % (name, e))
        self.ct = ctypes

        class Node(ctypes.Structure):
            _fields_ = [("index", ctypes.c_int), ("value", ctypes.c_double)]
        self.Node = Node
        lib = self.lib
        lib.svm_load_model.restype = ctypes.c_void_p
        lib.svm_load_model.argtypes = [ctypes.c_char_p]
        lib.svm_predict_probability.restype = ctypes.c_double
        lib.svm_predict_probability.argtypes = [ctypes.c_void_p, ctypes.POINTER(Node),
                                                ctypes.POINTER(ctypes.c_double)]
        lib.svm_predict_values.restype = ctypes.c_double
        lib.svm_predict_values.argtypes = [ctypes.c_void_p, ctypes.POINTER(Node),
                                           ctypes.POINTER(ctypes.c_double)]
        lib.svm_check_probability_model.argtypes = [ctypes.c_void_p]
        lib.svm_get_nr_class.argtypes = [ctypes.c_void_p]
        lib.svm_get_labels.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
        lib.svm_free_and_destroy_model.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        self.model = lib.svm_load_model(model_path.encode())
        if not self.model:
            raise Refuse("%s: libsvm's svm_load_model refused the file" % model_path)
        self.k = lib.svm_get_nr_class(self.model)
        labs = (ctypes.c_int * self.k)()
        lib.svm_get_labels(self.model, labs)
        self.labels = list(labs)
        self.has_prob = bool(lib.svm_check_probability_model(self.model))

    def close(self):
        if self.model:
            m = self.ct.c_void_p(self.model)
            self.lib.svm_free_and_destroy_model(self.ct.byref(m))
            self.model = None

    def _nodes(self, row):
        row = row.tocsr()
        row.sort_indices()
        nnz = row.nnz
        arr = (self.Node * (nnz + 1))()
        for p in range(nnz):
            arr[p].index = int(row.indices[p]) + 1
            arr[p].value = float(row.data[p])
        arr[nnz].index = -1
        return arr

    def predict(self, row):
        """Returns (label int, probabilities in label order or None, decision values)."""
        nodes = self._nodes(row)
        if self.has_prob:
            pr = (self.ct.c_double * self.k)()
            lab = self.lib.svm_predict_probability(self.model, nodes, pr)
            return int(lab), list(pr), None
        dec = (self.ct.c_double * max(1, self.k * (self.k - 1) // 2))()
        lab = self.lib.svm_predict_values(self.model, nodes, dec)
        return int(lab), None, list(dec)[: self.k * (self.k - 1) // 2]


def check_svc_with_libsvm(lsvm, clf, vectorize, texts):
    """The written model.svm must load in Debian's libsvm and give scikit-learn's decision
    values (sklearn's bundled libsvm computes the same sums) on the golden texts."""
    k = len(clf.classes_)
    if lsvm.k != k or lsvm.labels != list(range(k)):
        raise Refuse("libsvm reads %d classes with labels %r from the written model.svm; "
                     "expected 0..%d" % (lsvm.k, lsvm.labels, k - 1))
    X = vectorize(texts).tocsr()
    X.sort_indices()
    # BaseSVC._decision_function: libsvm's pairwise values, sign-flipped for two classes
    # (the public decision_function also applies the ovr reshaping).
    want = clf._decision_function(X if clf._sparse else X.toarray())
    want = np.asarray(want, dtype=np.float64).reshape(X.shape[0], -1)
    if k == 2:
        want = -want
    saved = lsvm.has_prob
    lsvm.has_prob = False  # decision values, not probabilities
    try:
        for i in range(X.shape[0]):
            _, _, dec = lsvm.predict(X[i])
            for a, b in zip(dec, want[i]):
                if abs(a - b) > 1e-9 * max(1.0, abs(b)):
                    raise Refuse("verification of the written model.svm failed: libsvm's "
                                 "decision value %r != scikit-learn's %r on golden text %d"
                                 % (a, b, i + 1))
    finally:
        lsvm.has_prob = saved


def check_libsvm_file(path, n_features):
    """Reads the header of a model file written by svm-train and checks what textclf needs.
    Returns (labels, has_probability, max feature index)."""
    try:
        with open(path, encoding="ascii") as f:
            lines = f.read().split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise Refuse("%s: cannot read libsvm model: %s" % (path, e))
    head = {}
    i = 0
    while i < len(lines) and lines[i].strip() != "SV":
        parts = lines[i].split()
        if parts:
            head[parts[0]] = parts[1:]
        i += 1
    if i == len(lines):
        raise Refuse("%s: no 'SV' line; not a libsvm model file" % path)
    if head.get("svm_type") != ["c_svc"]:
        raise Refuse("%s: svm_type %r is not supported (only c_svc)" % (path, head.get("svm_type")))
    if not head.get("label"):
        raise Refuse("%s: no label line" % path)
    try:
        labels = [int(x) for x in head["label"]]
    except ValueError:
        raise Refuse("%s: label line %r holds a non-integer" % (path, " ".join(head["label"])))
    if len(set(labels)) != len(labels):
        raise Refuse("%s: label line has duplicate labels %r" % (path, labels))
    maxidx = 0
    for lineno, line in enumerate(lines[i + 1:], start=i + 2):
        for tok in line.split():
            if ":" in tok:
                try:
                    idx = int(tok.split(":", 1)[0])
                except ValueError:
                    raise Refuse("%s:%d: bad feature index in %r" % (path, lineno, tok))
                if idx < 1:
                    raise Refuse("%s:%d: feature index %d < 1" % (path, lineno, idx))
                maxidx = max(maxidx, idx)
    if maxidx > n_features:
        raise Refuse("n_features mismatch: %s uses feature index %d but the vectorizer has %d "
                     "terms (index = column + 1)" % (path, maxidx, n_features))
    return labels, "probA" in head, maxidx


def parse_labels(spec):
    out = {}
    for item in spec.split(","):
        num, sep, name = item.partition("=")
        if not sep or not name:
            raise Refuse("--labels item %r is not INT=NAME" % item)
        try:
            out[int(num)] = name
        except ValueError:
            raise Refuse("--labels item %r: %r is not an integer" % (item, num))
    return out


# ---------------------------------------------------------------- writing

def fmt(x):
    x = float(x)
    if not np.isfinite(x):
        raise Refuse("non-finite number %r" % x)
    return repr(x)


def write_vocab(path, terms, idf):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-vocab\t1\t%d\n" % len(terms))
        f.writelines("%s\t%s\n" % (fmt(v), t) for v, t in zip(idf, terms))


def write_stopwords(path, words):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-stopwords\t1\t%d\n" % len(words))
        f.writelines(w + "\n" for w in words)


def write_linear(path, intercept, wt):
    n, r = wt.shape
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-linear\t1\nrows\t%d\nfeatures\t%d\n" % (r, n))
        f.write("intercept\t" + "\t".join(fmt(x) for x in intercept) + "\n")
        f.write("weights\n")
        rows = wt.tolist()
        if not np.all(np.isfinite(wt)):
            raise Refuse("non-finite weight")
        f.writelines("\t".join(map(repr, row)) + "\n" for row in rows)


def golden_records(texts, classes, kind, rows_fn):
    """rows_fn(texts) -> (labels, matrix of values) in `classes` order."""
    labels, vals = rows_fn(texts)
    out = []
    for t, lab, v in zip(texts, labels, vals):
        out.append({"text": t, "label": lab,
                    kind: {c: float(x) for c, x in zip(classes, v)}})
    return out


def sklearn_outputs(vectorize, clf, classes, prob):
    """Returns rows_fn computing scikit-learn's own outputs for the golden file."""
    def rows(texts):
        X = vectorize(texts)
        if type(clf) is SVC and not clf._sparse:
            X = X.toarray()
        pred = clf.predict(X)
        idx = {c: i for i, c in enumerate(clf.classes_.tolist())}
        labels = [classes[idx[p]] for p in pred.tolist()]
        if prob != "none":
            v = clf.predict_proba(X)
        else:
            d = np.asarray(clf.decision_function(X), dtype=np.float64)
            v = np.c_[-d, d] if d.ndim == 1 else d
        return labels, v
    return rows


def libsvm_outputs(vectorize, lsvm, classes, labels_in_order):
    from sklearn.utils.multiclass import _ovr_decision_function
    pos = {lab: i for i, lab in enumerate(labels_in_order)}
    k = len(classes)

    def rows(texts):
        X = vectorize(texts).tocsr()
        labs, vals = [], []
        for i in range(X.shape[0]):
            lab, pr, dec = lsvm.predict(X[i])
            labs.append(classes[pos[lab]])
            if pr is not None:
                vals.append(pr)
            elif k == 2:
                vals.append([dec[0], -dec[0]])
            else:
                d = np.asarray(dec).reshape(1, -1)
                vals.append(_ovr_decision_function(d < 0, -d, k)[0].tolist())
        return labs, vals
    return rows


def created_stamp():
    """UTC build time, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde is not None:
        try:
            t = datetime.datetime.fromtimestamp(int(sde), datetime.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise Refuse("SOURCE_DATE_EPOCH=%r is not a Unix time" % sde)
    else:
        t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(name, description, classes, vec_meta, clf_meta, files, sources):
    return {
        "format": "textclf-model",
        "format_version": 1,
        "name": name,
        "description": description,
        "classes": classes,
        "vectorizer": vec_meta,
        "classifier": clf_meta,
        "golden": "golden.jsonl",
        "files": files,
        "provenance": {
            "exporter": EXPORTER,
            "sklearn_version": sklearn.__version__,
            "python_version": platform.python_version(),
            "unicode_version": unicodedata.unidata_version,
            "created": created_stamp(),
            "sources": sources,
        },
    }


def verify_dir(d, check_golden):
    """Re-reads the written directory with the reference reader (checksums, counts, numbers)
    and, for linear models, re-predicts the golden samples from the files alone."""
    try:
        ref = common.RefModel(d)
    except (common.FormatError, KeyError, ValueError) as e:
        raise Refuse("verification of the written model failed: %s" % e)
    if check_golden and ref.clf["type"] == "linear":
        problems = ref.check_golden()
        if problems:
            raise Refuse("verification of the written model failed: golden samples do not "
                         "reproduce from the files: %s" % "; ".join(problems[:3]))


def install_dir(tmp, out):
    """Moves the finished tmp directory to out. An existing out must be a model directory
    (manifest.json) or empty; it is replaced."""
    if os.path.lexists(out):
        if not os.path.isdir(out) or os.path.islink(out):
            raise Refuse("--out %s exists and is not a directory" % out)
        if os.listdir(out) and not os.path.isfile(os.path.join(out, "manifest.json")):
            raise Refuse("--out %s exists, is not empty and is not a textclf model directory; "
                         "refusing to replace it" % out)
        old = tempfile.mkdtemp(prefix=".%s.old-" % os.path.basename(out),
                               dir=os.path.dirname(out) or ".")
        os.rmdir(old)
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old)
    else:
        os.rename(tmp, out)


def export(args):
    if args.pipeline and (args.vectorizer or args.classifier or args.libsvm_model):
        raise Refuse("--pipeline excludes --vectorizer/--classifier/--libsvm-model")
    tfidf = None
    if args.pipeline:
        pipe = load_pickle(args.pipeline, "pipeline")
        if not isinstance(pipe, Pipeline):
            raise Refuse("%s holds a %s, not a sklearn Pipeline" % (args.pipeline, type(pipe).__name__))
        steps = [s for _, s in pipe.steps if s not in (None, "passthrough")]
        if len(steps) == 2:
            vec, clf = steps
        elif len(steps) == 3:
            vec, tfidf, clf = steps
        else:
            raise Refuse("pipeline has %d steps; supported: TfidfVectorizer + classifier or "
                         "CountVectorizer + TfidfTransformer + classifier" % len(steps))
        sources = [os.path.basename(args.pipeline)]
    else:
        if not args.vectorizer or not (args.classifier or args.libsvm_model):
            raise Refuse("need --pipeline, or --vectorizer with --classifier or --libsvm-model")
        if args.classifier and args.libsvm_model:
            raise Refuse("--classifier and --libsvm-model are exclusive")
        vec = load_pickle(args.vectorizer, "vectorizer")
        if isinstance(vec, Pipeline):
            steps = [s for _, s in vec.steps if s not in (None, "passthrough")]
            if len(steps) != 2:
                raise Refuse("--vectorizer pipeline must be CountVectorizer + TfidfTransformer")
            vec, tfidf = steps
        clf = load_pickle(args.classifier, "classifier") if args.classifier else None
        sources = [os.path.basename(args.vectorizer),
                   os.path.basename(args.classifier or args.libsvm_model)]
    vec_meta, terms, idf, stop = describe_vectorizer(vec, tfidf)
    n = len(terms)

    def vectorize(texts):
        X = vec.transform(texts)
        return tfidf.transform(X) if tfidf is not None else X

    golden_texts = list(DEFAULT_GOLDEN)
    if args.golden:
        # The user's texts come first; the defaults follow, so every model carries 20+
        # samples including the Unicode cases.
        try:
            with open(args.golden, encoding="utf-8", newline="\n") as f:
                mine = [ln[:-1] if ln.endswith("\n") else ln for ln in f]
        except (OSError, UnicodeDecodeError) as e:
            raise Refuse("--golden %s: cannot read UTF-8 text: %s" % (args.golden, e))
        if not mine:
            raise Refuse("--golden %s holds no texts" % args.golden)
        golden_texts = mine + [t for t in DEFAULT_GOLDEN if t not in set(mine)]

    out = os.path.normpath(args.out)
    parent = os.path.dirname(out) or "."
    if not os.path.isdir(parent):
        raise Refuse("--out parent directory %s does not exist" % parent)
    tmp = tempfile.mkdtemp(prefix=".%s.tmp-" % os.path.basename(out), dir=parent)
    lsvm = None
    try:
        write_vocab(os.path.join(tmp, "vocab.tsv"), terms, idf)
        if stop is not None:
            write_stopwords(os.path.join(tmp, "stopwords.txt"), stop)
        if clf is None:  # libsvm-trained model
            if not args.labels:
                raise Refuse("--libsvm-model needs --labels INT=NAME,...")
            names = parse_labels(args.labels)
            labels, has_prob, _ = check_libsvm_file(args.libsvm_model, n)
            if set(labels) != set(names):
                raise Refuse("--labels gives %s but %s has labels %s" % (
                    sorted(names), args.libsvm_model, labels))
            classes = [names[lab] for lab in labels]
            class_names(classes)
            shutil.copyfile(args.libsvm_model, os.path.join(tmp, "model.svm"))
            lsvm = LibSVM(os.path.join(tmp, "model.svm"))
            if lsvm.labels != labels:
                raise Refuse("libsvm reads labels %r, header says %r" % (lsvm.labels, labels))
            clf_meta = {"type": "libsvm", "file": "model.svm", "estimator": "svm-train",
                        "probability": "pairwise_coupling" if has_prob else "none",
                        "origin": "libsvm", "libsvm_labels": labels}
            rows_fn = libsvm_outputs(vectorize, lsvm, classes, labels)
            kind = "probabilities" if has_prob else "scores"
        else:
            supported = (LogisticRegression, LinearSVC, SGDClassifier, MultinomialNB, SVC)
            if type(clf) not in supported:
                raise Refuse("classifier %s is not supported (LogisticRegression, LinearSVC, "
                             "SGDClassifier, MultinomialNB, SVC)" % type(clf).__name__)
            try:
                check_is_fitted(clf)
            except NotFittedError:
                raise Refuse("classifier %s is not fitted" % type(clf).__name__)
            classes = class_names(clf.classes_)
            if type(clf) is SVC:
                text = svc_model_text(clf, n)
                with open(os.path.join(tmp, "model.svm"), "w", encoding="ascii", newline="\n") as f:
                    f.write(text)
                k = len(classes)
                lsvm = LibSVM(os.path.join(tmp, "model.svm"))
                check_svc_with_libsvm(lsvm, clf, vectorize, golden_texts)
                clf_meta = {"type": "libsvm", "file": "model.svm", "estimator": "SVC",
                            "probability": "pairwise_coupling" if clf.probability else "none",
                            "origin": "sklearn", "libsvm_labels": list(range(k))}
                prob = clf_meta["probability"]
            else:
                clf_meta, b, wt = describe_linear(clf, n)
                write_linear(os.path.join(tmp, "linear.tsv"), b, wt)
                prob = clf_meta["probability"]
            rows_fn = sklearn_outputs(vectorize, clf, classes, prob)
            kind = "probabilities" if prob != "none" else "scores"
        recs = golden_records(golden_texts, classes, kind, rows_fn)
        with open(os.path.join(tmp, "golden.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n")
        files = {}
        for fn in sorted(os.listdir(tmp)):
            p = os.path.join(tmp, fn)
            files[fn] = {"sha256": common.sha256_file(p), "bytes": os.path.getsize(p)}
        name = args.name or os.path.basename(out)
        desc = args.description if args.description is not None else \
            "%s on %s" % (clf_meta["estimator"], "TF-IDF")
        manifest = build_manifest(name, desc, classes, vec_meta, clf_meta, files, sources)
        with open(os.path.join(tmp, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        os.chmod(tmp, 0o755)
        verify_dir(tmp, check_golden=True)
        install_dir(tmp, out)
        tmp = None
    finally:
        if lsvm is not None:
            lsvm.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out, manifest


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vectorizer", help="joblib pickle of a fitted TfidfVectorizer")
    ap.add_argument("--classifier", help="joblib pickle of a fitted classifier")
    ap.add_argument("--pipeline", help="joblib pickle of a fitted Pipeline")
    ap.add_argument("--libsvm-model", help="model file written by libsvm's svm-train")
    ap.add_argument("--labels", help="for --libsvm-model: INT=NAME,... (e.g. 1=positive,-1=negative)")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--name", help="model name (default: basename of --out)")
    ap.add_argument("--description", help="free text for the manifest")
    ap.add_argument("--golden", help="texts for the golden samples, one per line")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        out, m = export(args)
    except Refuse as e:
        die(str(e))
    sys.stderr.write("export_sklearn: wrote %s (%s, %s, %d classes, %d features)\n" % (
        out, m["classifier"]["estimator"], m["classifier"]["probability"], len(m["classes"]),
        m["vectorizer"]["n_features"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
