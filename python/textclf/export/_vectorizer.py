"""scikit-learn's text vectorizers (TfidfVectorizer; CountVectorizer + TfidfTransformer) as
a textclf vectorizer: parameters checked against what the C engine reproduces exactly,
vocabulary, idf and stop words extracted."""
import codecs

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ._base import Refuse
from ._common import TOKEN_PATTERN
from ._hashing import describe_hashing, is_hashing
from ._token_pattern import check_token_pattern

MAX_NGRAM = 8
MAX_CHAR_NGRAM = 32  # tc_char_ngrams.h


def escape_char_term(t):
    """A character n-gram as vocab.tsv holds it (docs/model-format.md): 0x01 doubled, then
    space, TAB, LF and CR as 0x01 followed by s, t, n, r, so the term has no space (the
    vocabulary index reads it as one word) and no TAB/CR/LF."""
    return (t.replace("\x01", "\x01\x01").replace(" ", "\x01s").replace("\t", "\x01t")
            .replace("\n", "\x01n").replace("\r", "\x01r"))


def _check_common_vec_params(p, who):
    """Checks the CountVectorizer-level parameters that affect transform()."""
    if p["input"] != "content":
        raise Refuse("%s input=%r is not supported (only 'content')" % (who, p["input"]))
    enc = p["encoding"]
    try:
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
        raise Refuse("%s analyzer is a callable; only 'word', 'char' and 'char_wb' are "
                     "supported" % who)
    if p["analyzer"] not in ("word", "char", "char_wb"):
        raise Refuse("%s analyzer=%r is not supported ('word', 'char' or 'char_wb')"
                     % (who, p["analyzer"]))
    # scikit-learn uses token_pattern with the word analyzer only; a custom one is
    # checked by the C engine when the written model is verified (_token_pattern.py)
    if p["analyzer"] == "word" and p["token_pattern"] != TOKEN_PATTERN:
        check_token_pattern(p["token_pattern"], who)
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
    limit = MAX_NGRAM if p["analyzer"] == "word" else MAX_CHAR_NGRAM
    if not okng or not (1 <= lo <= hi <= limit):
        raise Refuse("%s ngram_range=%r is not supported (1 <= min <= max <= %d with analyzer=%r)"
                     % (who, ng, limit, p["analyzer"]))
    if not isinstance(p["binary"], (bool, np.bool_)):
        raise Refuse("%s binary=%r must be a bool" % (who, p["binary"]))
    return lo, hi


def _check_tfidf_params(p, who):
    for key in ("use_idf", "smooth_idf", "sublinear_tf"):
        if not isinstance(p[key], (bool, np.bool_)):
            raise Refuse("%s %s=%r must be a bool" % (who, key, p[key]))
    if p["norm"] not in (None, "l1", "l2"):
        raise Refuse("%s norm=%r is not supported (None, 'l1' or 'l2')" % (who, p["norm"]))


def analysis_params(kind, n, p, lo, hi, stop):
    """The manifest members every scikit-learn vectorizer section has: its type, column
    count and analyzer (p: the vectorizer's get_params())."""
    return {
        "type": kind,
        "n_features": n,
        "lowercase": bool(p["lowercase"]),
        "strip_accents": p["strip_accents"],
        "token_pattern": None if p["analyzer"] != "word" else p["token_pattern"],
        "analyzer": p["analyzer"],
        "ngram_range": [lo, hi],
        "stop_words": "stopwords.txt" if stop is not None else None,
    }


def stop_word_list(stop, who):
    """The effective stop words (get_stop_words()) sorted, or None when there are none."""
    if stop is None:
        return None
    stop = sorted(set(stop))
    for w in stop:
        if not isinstance(w, str) or w == "" or "\t" in w or "\n" in w or "\r" in w:
            raise Refuse("%s stop_words entry %r is empty, not a str or contains a tab/CR/"
                         "newline" % (who, w))
    return stop or None


def describe_vectorizer(vec, tfidf=None, tfidf_cols=None, keep=None):
    """Returns (params dict for the manifest, terms list, idf list, stop words or None).
    vec is a TfidfVectorizer, a CountVectorizer alone (tfidf None), or a CountVectorizer
    followed by TfidfTransformer tfidf. With feature selection (_selection.py): tfidf_cols,
    the vectorizer's columns the TfidfTransformer sees (its idf_ is over those), and keep,
    the vectorizer's columns the model's vocabulary holds, in order (None: all).
    A HashingVectorizer (alone or + TfidfTransformer) has no terms: (params, None, idf
    array or None, stop words or None)."""
    if is_hashing(vec):
        if tfidf_cols is not None or keep is not None:
            raise Refuse("feature selection after a HashingVectorizer is not supported (select "
                         "with a CountVectorizer or TfidfVectorizer vocabulary instead)")
        params, idf, stop = describe_hashing(vec, tfidf, _check_common_vec_params,
                                             _check_tfidf_params)
        return params, None, idf, stop
    counts_only = tfidf is None and type(vec) is CountVectorizer
    if counts_only:
        # CountVectorizer alone: raw counts (or 1 with binary=True), rows in ascending
        # column order: the tf-idf row with no idf, no sublinear tf and no norm.
        who = "CountVectorizer"
        tp = {"use_idf": False, "smooth_idf": False, "sublinear_tf": False, "norm": None}
    elif tfidf is None:
        if type(vec) is not TfidfVectorizer:
            raise Refuse("vectorizer is %s; supported: TfidfVectorizer, CountVectorizer, or a "
                         "Pipeline of CountVectorizer + TfidfTransformer" % type(vec).__name__)
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
    if tfidf is None and not counts_only:
        if dt != np.float64:
            raise Refuse("TfidfVectorizer dtype=%s is not supported (only float64)" % dt.name)
    else:
        # TfidfTransformer (and a classifier's X @ coef_.T) converts integer counts to
        # float64 exactly; float32 counts would keep float32 through the arithmetic.
        if not (np.issubdtype(dt, np.integer) or dt == np.float64):
            raise Refuse("CountVectorizer dtype=%s is not supported (an integer type or float64)"
                         % dt.name)
    if counts_only and np.issubdtype(dt, np.integer) and np.iinfo(dt).bits < 32:
        raise Refuse("CountVectorizer dtype=%s is not supported (counts may wrap around; "
                     "int32, int64 or float64)" % dt.name)
    try:
        check_is_fitted(vec, "vocabulary_")
        if tp["use_idf"]:
            check_is_fitted(tfidf if tfidf is not None else vec, "idf_")
    except NotFittedError:
        raise Refuse("%s is not fitted" % (who if tfidf is None or not tp["use_idf"] else
                                          "TfidfTransformer"))
    vocab = vec.vocabulary_
    char = p["analyzer"] != "word"
    if char:
        vocab = {escape_char_term(t) if isinstance(t, str) else t: j for t, j in vocab.items()}
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
            custom = not char and p["token_pattern"] != TOKEN_PATTERN
            raise Refuse("%s vocabulary_ term %r contains a tab, CR or newline or is empty; "
                         "vocab.tsv cannot hold it%s" % (who, t, " (token_pattern=%r made it)"
                                                         % p["token_pattern"] if custom else ""))
        try:
            t.encode("utf-8")
        except UnicodeEncodeError:
            raise Refuse("%s vocabulary_ term %r is not valid Unicode (lone surrogate)" % (who, t))
        terms[j] = t
    if tp["use_idf"]:
        idf = np.asarray((tfidf if tfidf is not None else vec).idf_, dtype=np.float64)
        seen = n if tfidf_cols is None else len(tfidf_cols)
        if idf.shape != (seen,):
            raise Refuse("idf_ has %d entries but %d columns reach it" % (idf.size, seen))
        if not np.all(np.isfinite(idf)) or not np.all(idf > 0):
            raise Refuse("idf_ holds a non-finite or non-positive value")
        if tfidf_cols is not None:  # idf over the vectorizer's columns; 1 where unseen
            full = np.ones(n)
            full[np.asarray(tfidf_cols)] = idf
            idf = full
        idf = [float(x) for x in idf]
    else:
        idf = [1.0] * n
    if keep is not None:
        keep = [int(j) for j in keep]
        if not keep:
            raise Refuse("feature selection keeps no column")
        terms = [terms[j] for j in keep]
        idf = [idf[j] for j in keep]
        n = len(terms)
    # char analyzers ignore stop words
    stop = None if char else stop_word_list(vec.get_stop_words(), who)
    params = dict(analysis_params("tfidf", n, p, lo, hi, stop), **{
        "vocabulary": "vocab.tsv",
        "binary": bool(p["binary"]),
        "sublinear_tf": bool(tp["sublinear_tf"]),
        "use_idf": bool(tp["use_idf"]),
        "smooth_idf": bool(tp["smooth_idf"]),
        "norm": tp["norm"],
        "dtype": "float64",
    })
    return params, terms, idf, stop
