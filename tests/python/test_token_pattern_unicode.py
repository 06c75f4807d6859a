"""Custom token patterns against scikit-learn on Unicode text: the code points of every
block (every third one above U+0800, all below), in texts mixed with combining marks,
Python's whitespace and punctuation, and tests/parity/unicode_torture.txt. The model is
fitted on the same texts, so every token is in the vocabulary and a token textclf cut
differently would change the row: predictions and probabilities must match to 1e-9.
No corpora needed."""
import os
import random
import warnings

import numpy as np
import pytest
import textclf
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from textclf.export.sklearn import export_pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\u3000"]


def unicode_texts():
    rnd = random.Random(18)
    cps = [c for c in range(1, 0x110000)
           if not 0xD800 <= c <= 0xDFFF and (c < 0x800 or c % 3 == 0)]
    texts = []
    for i in range(0, len(cps), 400):
        out = []
        for c in cps[i:i + 400]:
            out.append(chr(c))
            r = rnd.random()
            if r < 0.15:
                out.append(rnd.choice(SPACES))
            elif r < 0.2:
                out.append(rnd.choice(["\u0301", "'", "-", "_", "ǅ", "İ", "ẞ", "Σ", "1"]))
        texts.append("".join(out))
    with open(os.path.join(HERE, "..", "parity", "unicode_torture.txt"), encoding="utf-8") as f:
        texts += [t for t in f.read().split("\n") if t]
    return texts


PATTERNS = [
    ("word", r"(?u)\b\w+\b", dict()),
    ("classes", r"[^\W\d_]+|\d+|[^\w\s]", dict(lowercase=False)),
    ("ascii", r"(?a)\w+|[^\x00-\x7f]", dict(strip_accents="unicode")),
    ("group", r"(?<!\w)(\w)\w*", dict()),
    ("anchors", r"(?m)^\S+|\S+$", dict(lowercase=False)),
]


@pytest.mark.parametrize("name,pattern,kw", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_unicode_token_patterns(tmp_path, name, pattern, kw):
    texts = unicode_texts()
    y = np.array(["a", "b"])[np.arange(len(texts)) % 2]
    vec = (TfidfVectorizer if name != "classes" else CountVectorizer)(token_pattern=pattern,
                                                                     **kw)
    clf = LogisticRegression(C=10.0, max_iter=200) if name != "classes" else MultinomialNB()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = Pipeline([("v", vec), ("c", clf)]).fit(texts, y)
    out = str(tmp_path / "m")
    export_pipeline(p, out)
    with textclf.Model(out) as m:
        got = m.predict_proba(texts)
        want = p.predict_proba(texts)
        d = np.abs(got - want).max()
        assert d <= 1e-9, "%s: max |d| %.3g" % (pattern, d)
        assert m.predict(texts).tolist() == p.predict(texts).tolist()
    print("NOTE token_pattern %s: %d texts, %d terms, predict_proba max |d| %.3g"
          % (name, len(texts), len(p[0].vocabulary_), d))
