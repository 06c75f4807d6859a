#!/usr/bin/python3
"""bench/vectorizers_bench.py - issue 18's vectorizers offline, textclf against scikit-learn
(not part of `make bench`; about 3 minutes): char_wb n-grams, char n-grams, the
word + char_wb FeatureUnion, and HashingVectorizer (words; char_wb + TfidfTransformer),
each + LogisticRegression fitted here on 10,000
IMDB + SST-2 training texts with Debian's scikit-learn, exported, and run over the first
5,000 IMDB test reviews.

Per model and round, in alternating order: scikit-learn's pipeline.predict_proba(texts),
and textclf.Model(model, threads=1).predict_proba(texts) (the C engine in-process, one
thread). Reports median docs/s of each, their ratio and max |dp| over all texts.

    PYTHONPATH=python TEXTCLF_LIB=build/libtextclf.so.1 /usr/bin/python3 \\
        bench/vectorizers_bench.py [--rounds 3] [--docs 5000] [--work DIR] [--only SUBSTRING]
"""
import argparse
import os
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import numpy as np  # noqa: E402
import textclf  # noqa: E402
import textclf_common as common  # noqa: E402
from sklearn.feature_extraction.text import (HashingVectorizer, TfidfTransformer,  # noqa: E402
                                             TfidfVectorizer)
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: E402
from textclf.export.sklearn import export_pipeline  # noqa: E402


def models():
    tf = dict(min_df=3, sublinear_tf=True)
    return {
        "char_wb (2, 5)": [("v", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), **tf))],
        "char (1, 4)": [("v", TfidfVectorizer(analyzer="char", ngram_range=(1, 4), **tf))],
        "word (1, 2) + char_wb (2, 4)": [("u", FeatureUnion([
            ("w", TfidfVectorizer(ngram_range=(1, 2), **tf)),
            ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), **tf))]))],
        "hashing word (1, 2), 2^18": [("v", HashingVectorizer(ngram_range=(1, 2),
                                                              n_features=2 ** 18))],
        "hashing char_wb (2, 4), 2^18 + tf-idf": [
            ("v", HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=2 ** 18,
                                    alternate_sign=False, norm=None)),
            ("t", TfidfTransformer(sublinear_tf=True))],
    }


def n_features(step):
    if hasattr(step, "vocabulary_"):
        return len(step.vocabulary_)
    if hasattr(step, "transformer_list"):
        return sum(n_features(t) for _, t in step.transformer_list)
    return step.n_features


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--work")
    ap.add_argument("--only", help="run the models whose name contains this")
    args = ap.parse_args()
    data = os.environ.get("TEXTCLF_DATA") or os.path.join(ROOT, "..", "shared", "data")
    li, ti = common.read_tsv(os.path.join(data, "imdb/train.tsv"), limit=5000)
    ls, ts = common.read_tsv(os.path.join(data, "sst2/train.tsv"), limit=5000)
    _, test = common.read_tsv(os.path.join(data, "imdb/test.tsv"), limit=args.docs)
    work = args.work or tempfile.mkdtemp(prefix="vectorizers-bench-")
    load = os.getloadavg()[0]
    rows = []
    for name, steps in models().items():
        if args.only and args.only not in name:
            continue
        pipe = Pipeline(steps + [("c", LogisticRegression(C=4.0, max_iter=1000))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipe.fit(ti + ts, np.asarray(li + ls))
        out = os.path.join(work, name.replace(" ", "_").replace(",", "").replace("(", "")
                           .replace(")", "").replace("+", "plus"))
        export_pipeline(pipe, out)
        sk_s, tc_s = [], []
        with textclf.Model(out, threads=1) as m:
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                want = pipe.predict_proba(test)
                t1 = time.perf_counter()
                got = m.predict_proba(test)
                t2 = time.perf_counter()
                sk_s.append(t1 - t0)
                tc_s.append(t2 - t1)
        d = float(np.abs(got - want).max())
        sk, tc = len(test) / np.median(sk_s), len(test) / np.median(tc_s)
        rows.append((name, n_features(pipe.steps[0][1]), sk, tc, tc / sk, d))
    print("%d IMDB test reviews, %d rounds, median; load average %.1f -> %.1f" % (
        len(test), args.rounds, load, os.getloadavg()[0]))
    print()
    print("| model | features | scikit-learn docs/s | textclf docs/s (1 thread) | × | max |Δp| |")
    print("|---|---|---|---|---|---|")
    for name, nf, sk, tc, x, d in rows:
        print("| %s | %d | %.0f | %.0f | %.1f× | %.2g |" % (name, nf, sk, tc, x, d))


if __name__ == "__main__":
    main()
