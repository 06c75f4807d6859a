"""Feature selection between the vectorizer and the classifier (SelectKBest,
SelectPercentile, SelectFromModel, ...: any SelectorMixin that keeps the columns
get_support() names, X[:, support], in the row's order), folded into the exported
vocabulary and weights.

Which vocabulary: a column's value depends on the others only through the row's norm.
When the norm is computed on the selected columns (no norm, or a TfidfTransformer after
the selection), the vocabulary is the selected columns. When it is computed before the
selection (TfidfVectorizer or TfidfTransformer with norm='l1'/'l2', then the selector),
the vocabulary keeps every column the norm saw and the classifier gets weight 0 for the
dropped ones: x * 0.0 adds +0.0 to the sum, so the decision values are the same."""
import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.feature_selection import (GenericUnivariateSelect, SelectFdr, SelectFpr,
                                       SelectFromModel, SelectFwe, SelectKBest,
                                       SelectPercentile, VarianceThreshold)

from ._base import Refuse

SELECTORS = (SelectKBest, SelectPercentile, SelectFromModel, SelectFpr, SelectFdr, SelectFwe,
             GenericUnivariateSelect, VarianceThreshold)


def is_selector(step):
    return type(step) in SELECTORS


class Plan:
    """How a chain vec [, TfidfTransformer and selectors in any order] is exported.
    tfidf: the TfidfTransformer or None; tfidf_cols: vectorizer columns it sees (None:
    all); keep: vectorizer columns of the exported vocabulary (None: all); expand: for
    each classifier input column, its index in the exported vocabulary (None: identity)."""

    def __init__(self, chain):
        vec, rest = chain[0], list(chain[1:])
        self.tfidf = None
        self.tfidf_cols = None
        self.keep = None
        self.expand = None
        n = len(getattr(vec, "vocabulary_", {}) or {})
        cols = np.arange(n)          # vectorizer columns present at this point
        norm_cols = None             # columns present when the row is normalised
        if type(vec) is TfidfVectorizer and vec.norm is not None:
            norm_cols = cols
        selected = False
        for s in rest:
            if type(s) is TfidfTransformer:
                if self.tfidf is not None:
                    raise Refuse("pipeline has two TfidfTransformer steps")
                if type(vec) is TfidfVectorizer:
                    raise Refuse("pipeline has a TfidfTransformer after a TfidfVectorizer")
                self.tfidf = s
                self.tfidf_cols = cols if selected else None
                if s.norm is not None:
                    norm_cols = cols
            elif is_selector(s):
                try:
                    support = np.asarray(s.get_support(), dtype=bool)
                except Exception as e:  # not fitted, or inconsistent
                    raise Refuse("%s: get_support() failed: %s" % (type(s).__name__, e))
                if support.shape != cols.shape:
                    raise Refuse("%s selects among %d columns but %d reach it"
                                 % (type(s).__name__, support.size, cols.size))
                cols = cols[support]
                selected = True
            else:
                raise Refuse("pipeline step %s is not supported between the vectorizer and the "
                             "classifier (TfidfTransformer or a feature selector: %s)"
                             % (type(s).__name__, ", ".join(c.__name__ for c in SELECTORS)))
        self.selected = selected
        if not selected:
            return
        if cols.size == 0:
            raise Refuse("feature selection keeps no column")
        if norm_cols is None or norm_cols.size == cols.size:
            self.keep = cols
        else:
            self.keep = norm_cols
            self.expand = np.searchsorted(norm_cols, cols)


def expand_weights(w, expand, n_vocab):
    """w (rows, classifier columns) -> (rows, n_vocab) with zeros where nothing maps."""
    if expand is None:
        return w
    full = np.zeros((w.shape[0], n_vocab))
    full[:, expand] = w
    return full
