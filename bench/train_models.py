#!/usr/bin/python3
"""Train the two benchmark models the seed way and pickle them with joblib.

usage: train_models.py --data DIR --out DIR

Writes OUT/unigram/{tfidf_vectorizer.pkl,classifier.pkl} (TfidfVectorizer defaults) and
OUT/bigram/... (ngram_range=(1,2), min_df=2, sublinear_tf=True), both with a
LogisticRegression, trained on DATA/imdb/train.tsv. A model directory that already holds
both pickles is kept (the cache under bench/work/ makes reruns cheap).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tools"))
from textclf_common import read_tsv  # noqa: E402

import joblib  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

CONFIGS = {
    "unigram": dict(),
    "bigram": dict(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", choices=sorted(CONFIGS), action="append")
    args = ap.parse_args()
    names = args.only or list(CONFIGS)
    train = None
    for name in names:
        outdir = os.path.join(args.out, name)
        vec_path = os.path.join(outdir, "tfidf_vectorizer.pkl")
        clf_path = os.path.join(outdir, "classifier.pkl")
        if os.path.exists(vec_path) and os.path.exists(clf_path):
            print(f"train_models: {name}: cached in {outdir}", file=sys.stderr)
            continue
        if train is None:
            train = read_tsv(os.path.join(args.data, "imdb", "train.tsv"))
        labels, texts = train
        t0 = time.perf_counter()
        vec = TfidfVectorizer(**CONFIGS[name])
        x = vec.fit_transform(texts)
        clf = LogisticRegression(max_iter=1000)
        clf.fit(x, labels)
        os.makedirs(outdir, exist_ok=True)
        # Write to temporary names first so an interrupted run never leaves a half cache.
        joblib.dump(vec, vec_path + ".tmp")
        joblib.dump(clf, clf_path + ".tmp")
        os.replace(vec_path + ".tmp", vec_path)
        os.replace(clf_path + ".tmp", clf_path)
        print(f"train_models: {name}: {len(vec.vocabulary_)} terms, trained in "
              f"{time.perf_counter() - t0:.1f} s -> {outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
