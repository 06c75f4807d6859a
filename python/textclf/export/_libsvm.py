"""libsvm models: scikit-learn's SVC written as a libsvm model file, models trained with
libsvm's own svm-train checked and labelled, and Debian's libsvm (libsvm.so.3, the library
the C engine links) through ctypes for the golden values of both."""
import numpy as np
import scipy.sparse as sp

from ._base import Refuse, g17
from ._estimators import svc_has_probability


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
    # _probA/_probB: what probA_/probB_ return (1.2) without 1.9's deprecation warning.
    probA = np.asarray(clf._probA, dtype=np.float64)
    probB = np.asarray(clf._probB, dtype=np.float64)
    probability = svc_has_probability(clf)
    if not probability:
        probA = probB = np.zeros(0)
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
    if probability:
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
