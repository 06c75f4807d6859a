"""scikit-learn's FeatureUnion of text vectorizers as a textclf "union" vectorizer: each
part a "tfidf" section with its own vocabulary (vocab-<i>.tsv) and stop words
(stopwords-<i>.txt), columns concatenated in the union's order (sparse.hstack)."""
from sklearn.pipeline import FeatureUnion, Pipeline

from ._base import Refuse
from ._vectorizer import describe_vectorizer

MAX_PARTS = 8  # tc_vec_union.h


def is_union(step):
    return type(step) is FeatureUnion


def describe_union(union):
    """Returns (vectorizer manifest dict, [(vocab or idf file, terms, idf, stop file,
    stop)], n); terms is None for a HashingVectorizer part."""
    if union.transformer_weights:
        raise Refuse("FeatureUnion transformer_weights=%r is not supported (only None)"
                     % (union.transformer_weights,))
    parts = [(name, t) for name, t in union.transformer_list if t != "drop"]
    if any(t == "passthrough" for _, t in parts):
        raise Refuse("FeatureUnion part 'passthrough' is not supported (vectorizers only)")
    if not 2 <= len(parts) <= MAX_PARTS:
        raise Refuse("FeatureUnion has %d parts; supported: 2 to %d vectorizers"
                     % (len(parts), MAX_PARTS))
    metas, files, total = [], [], 0
    for i, (name, t) in enumerate(parts, start=1):
        tfidf = None
        if isinstance(t, Pipeline):
            steps = [s for _, s in t.steps if s not in (None, "passthrough")]
            if len(steps) != 2:
                raise Refuse("FeatureUnion part %r is a Pipeline of %d steps; supported: "
                             "CountVectorizer or HashingVectorizer + TfidfTransformer"
                             % (name, len(steps)))
            t, tfidf = steps
        try:
            meta, terms, idf, stop = describe_vectorizer(t, tfidf)
        except Refuse as e:
            raise Refuse("FeatureUnion part %r: %s" % (name, e)) from None
        if terms is None:  # a HashingVectorizer: its idf file, if any
            main = meta["idf"] = "idf-%d.txt" % i if idf is not None else None
        else:
            main = meta["vocabulary"] = "vocab-%d.tsv" % i
        if stop is not None:
            meta["stop_words"] = "stopwords-%d.txt" % i
        metas.append(meta)
        files.append((main, terms, idf, meta["stop_words"], stop))
        total += meta["n_features"]
    return {"type": "union", "n_features": total, "parts": metas}, files, total
