"""scikit-learn's HashingVectorizer, alone or followed by a TfidfTransformer, as a textclf
"hashing" vectorizer (docs/model-format.md): the analyzer's parameters checked as for the
other vectorizers, the hashing parameters, and the TfidfTransformer's idf_ over every
hashed column (idf.txt)."""
import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from ._base import Refuse

MAX_FEATURES = 2**31 - 1  # tc_hash_vectorizer.h; scikit-learn's own limit too


def is_hashing(step):
    return type(step) is HashingVectorizer


def describe_hashing(vec, tfidf, check_common, check_tfidf):
    """Returns (params dict for the manifest, idf array or None, stop words or None).
    check_common / check_tfidf are _vectorizer.py's parameter checks."""
    from ._vectorizer import analysis_params, stop_word_list  # shared with the vocabularies
    who = "HashingVectorizer"
    p = vec.get_params()
    lo, hi = check_common(p, who)
    n = p["n_features"]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_FEATURES:
        raise Refuse("%s n_features=%r is not supported (an integer from 1 to %d)"
                     % (who, n, MAX_FEATURES))
    n = int(n)
    if not isinstance(p["alternate_sign"], (bool, np.bool_)):
        raise Refuse("%s alternate_sign=%r must be a bool" % (who, p["alternate_sign"]))
    if p["norm"] not in (None, "l1", "l2"):
        raise Refuse("%s norm=%r is not supported (None, 'l1' or 'l2')" % (who, p["norm"]))
    if np.dtype(p["dtype"]) != np.float64:
        raise Refuse("%s dtype=%s is not supported (only float64)" % (who, np.dtype(p["dtype"])))
    idf = None
    if tfidf is None:
        tp = {"use_idf": False, "smooth_idf": False, "sublinear_tf": False, "norm": p["norm"]}
        hashing_norm = None
    else:
        if type(tfidf) is not TfidfTransformer:
            raise Refuse("pipeline vectorizer steps are HashingVectorizer + %s; supported: "
                         "HashingVectorizer + TfidfTransformer" % type(tfidf).__name__)
        tp = tfidf.get_params()
        check_tfidf(tp, "TfidfTransformer")
        hashing_norm = p["norm"]
        if tp["sublinear_tf"] and p["alternate_sign"] and not p["binary"]:
            raise Refuse("TfidfTransformer sublinear_tf=True after HashingVectorizer "
                         "alternate_sign=True is not supported: scikit-learn takes the log of "
                         "negative and zero entries (NaN, -inf)")
        if tp["use_idf"]:
            try:
                check_is_fitted(tfidf, "idf_")
            except NotFittedError:
                raise Refuse("TfidfTransformer is not fitted")
            idf = np.asarray(tfidf.idf_, dtype=np.float64)
            if idf.shape != (n,):
                raise Refuse("TfidfTransformer idf_ has %d entries but HashingVectorizer "
                             "n_features=%d" % (idf.size, n))
            if not np.all(np.isfinite(idf)):
                raise Refuse("TfidfTransformer idf_ is infinite for %d of the %d hashed columns "
                             "(smooth_idf=False and no training document reached them): "
                             "scikit-learn's rows are NaN for texts that do"
                             % (int(np.sum(~np.isfinite(idf))), n))
            if not np.all(idf > 0):
                raise Refuse("TfidfTransformer idf_ holds a value <= 0")
    char = p["analyzer"] != "word"
    stop = None if char else stop_word_list(vec.get_stop_words(), who)
    params = dict(analysis_params("hashing", n, p, lo, hi, stop), **{
        "alternate_sign": bool(p["alternate_sign"]),
        "binary": bool(p["binary"]),
        "hashing_norm": hashing_norm,
        "sublinear_tf": bool(tp["sublinear_tf"]),
        "use_idf": bool(tp["use_idf"]),
        "smooth_idf": bool(tp["smooth_idf"]),
        "norm": tp["norm"],
        "idf": "idf.txt" if idf is not None else None,
        "dtype": "float64",
    })
    return params, idf, stop
