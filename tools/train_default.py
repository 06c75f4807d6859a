#!/usr/bin/env python3
"""Train textclf's default sentiment model (models/sentiment-en) reproducibly.

  train_default.py --data DIR --out models/sentiment-en [--bin build/textclf]

DIR holds imdb/train.tsv, imdb/test.tsv, sst2/train.tsv, sst2/dev.tsv (`label<TAB>text`,
labels `negative`/`positive`). The model is TF-IDF (unigrams + bigrams, min_df=2, max_df=0.9,
sublinear tf, the 200,000 most frequent terms) + LogisticRegression (lbfgs, C=8), fitted on
IMDB train + SST-2 train. The hyper-parameters were chosen on a 10% hold-out of the training
data, never on the test sets. Everything is deterministic: fixed data order, a deterministic
solver, Debian's reference BLAS/LAPACK (OpenBLAS picks its kernels by CPU), and the provenance date from SOURCE_DATE_EPOCH when set.

The fitted vectorizer and classifier are pickled to a temporary directory and exported with
tools/export_sklearn.py (--vectorizer/--classifier, its default golden samples). The script then
measures accuracy on IMDB test and SST-2 dev with scikit-learn, re-reads the exported files with
the reference reader (tools/textclf_common.RefModel) and writes OUT/README.md with the figures.
"""
import os

# Deterministic floating point: one BLAS thread, whatever the machine. Must precede numpy.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textclf_common as common  # noqa: E402

common.ensure_sklearn_python()
common.use_reference_blas()

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

CLASSES = ["negative", "positive"]
VEC_PARAMS = dict(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True,
                  max_features=200000, dtype=np.float64)
CLF_PARAMS = dict(C=8.0, solver="lbfgs", max_iter=2000, tol=1e-6, random_state=0)
SIZE_LIMIT = 15 * 1000 * 1000


def load(path):
    labels, texts = common.read_tsv(path)
    bad = sorted(set(labels) - set(CLASSES))
    if bad:
        sys.exit("train_default: %s has labels %r; expected %r" % (path, bad, CLASSES))
    return texts, np.array([CLASSES.index(x) for x in labels])


def file_sha(path):
    return common.sha256_file(path)


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)
               if os.path.isfile(os.path.join(d, f)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="corpus directory (../shared/data)")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--bin", default=os.path.join(common.ROOT, "build", "textclf"),
                    help="textclf binary for the README's textclf figures (default build/textclf;"
                         " skipped with a note when it is missing)")
    args = ap.parse_args()
    root = common.ROOT
    paths = {k: os.path.join(args.data, k) for k in
             ("imdb/train.tsv", "sst2/train.tsv", "imdb/test.tsv", "sst2/dev.tsv")}
    for p in paths.values():
        if not os.path.isfile(p):
            sys.exit("train_default: %s not found (set --data / TEXTCLF_DATA)" % p)

    t0 = time.time()
    xi, yi = load(paths["imdb/train.tsv"])
    xs, ys = load(paths["sst2/train.tsv"])
    xtr = xi + xs
    ytr = np.concatenate([yi, ys])
    vec = TfidfVectorizer(**VEC_PARAMS)
    Xtr = vec.fit_transform(xtr)
    clf = LogisticRegression(**CLF_PARAMS)
    clf.fit(Xtr, np.array(CLASSES, dtype=object)[ytr])
    t_train = time.time() - t0
    sys.stderr.write("train_default: fitted %d docs, %d features in %.1f s (converged in %d "
                     "iterations)\n" % (len(xtr), len(vec.vocabulary_), t_train, clf.n_iter_[0]))

    acc = {}
    test_sets = {}
    for key, name in (("imdb/test.tsv", "IMDB test"), ("sst2/dev.tsv", "SST-2 dev")):
        x, y = load(paths[key])
        Xt = vec.transform(x)
        pred = clf.predict(Xt)
        acc[name] = (float(np.mean(pred == np.array(CLASSES, dtype=object)[y])), len(x))
        test_sets[name] = (x, y, clf.predict_proba(Xt))
        sys.stderr.write("train_default: %s accuracy %.4f (%d texts)\n" % (name, acc[name][0], len(x)))

    with tempfile.TemporaryDirectory(prefix="textclf-train-") as tmp:
        vp, cp = os.path.join(tmp, "tfidf_vectorizer.pkl"), os.path.join(tmp, "classifier.pkl")
        joblib.dump(vec, vp)
        joblib.dump(clf, cp)
        out = os.path.normpath(args.out)
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        cmd = [sys.executable, os.path.join(root, "tools", "export_sklearn.py"),
               "--vectorizer", vp, "--classifier", cp, "--out", out, "--name", "sentiment-en",
               "--description", "English sentiment (negative/positive): TF-IDF unigrams+bigrams "
               "+ LogisticRegression, trained on IMDB train + SST-2 train"]
        subprocess.run(cmd, check=True)

    # Cross-check: the exported files alone (reference reader) give sklearn's labels on a sample.
    ref = common.RefModel(out)
    problems = ref.check_golden()
    if problems:
        sys.exit("train_default: golden samples do not reproduce: %s" % problems[:3])
    sample, _, want = test_sets["SST-2 dev"]
    maxd = 0.0
    for t, w in zip(sample, want):
        _, _, got = ref.predict(t)
        maxd = max(maxd, max(abs(a - b) for a, b in zip(got, w)))
    if maxd > 1e-9:
        sys.exit("train_default: reference reader differs from sklearn by %g on SST-2 dev" % maxd)
    sys.stderr.write("train_default: reference reader matches sklearn on SST-2 dev "
                     "(max |dp| %.3g)\n" % maxd)

    size = dir_bytes(out)
    if size > SIZE_LIMIT:
        sys.exit("train_default: model directory is %d bytes, over the %d limit" % (size, SIZE_LIMIT))
    manifest = ref.manifest
    files = "\n".join("| `%s` | %d | `%s` |" % (f, m["bytes"], m["sha256"])
                      for f, m in sorted(manifest["files"].items()))
    data_rows = "\n".join("| `%s` | %d | `%s` |" % (k, os.path.getsize(p), file_sha(p))
                          for k, p in paths.items())
    vp_txt = ", ".join("%s=%r" % (k, v) for k, v in VEC_PARAMS.items() if k != "dtype")
    cp_txt = ", ".join("%s=%r" % (k, v) for k, v in CLF_PARAMS.items())
    engine = textclf_figures(args.bin, out, test_sets)
    readme = README.format(engine=engine,
        imdb=acc["IMDB test"][0], imdb_n=acc["IMDB test"][1],
        sst=acc["SST-2 dev"][0], sst_n=acc["SST-2 dev"][1],
        n_train=len(xtr), n_imdb=len(xi), n_sst=len(xs), n_feat=len(vec.vocabulary_),
        size=size, size_mb=size / 1e6, t_train=t_train, vec=vp_txt, clf=cp_txt,
        sk=sklearn.__version__, np=np.__version__, py=sys.version.split()[0],
        created=manifest["provenance"]["created"], files=files, data_rows=data_rows,
        iters=int(clf.n_iter_[0]))
    readme_path = os.path.join(out, "README.md")
    with open(readme_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    sys.stderr.write("train_default: wrote %s (%d bytes in the directory, %.1f s in all)\n"
                     % (out, dir_bytes(out), time.time() - t0))
    return 0


def textclf_figures(binary, out, test_sets):
    """Accuracy and max |p - sklearn| of `textclf predict` itself on the test sets."""
    if not os.access(binary, os.X_OK):
        sys.stderr.write("train_default: %s not built; the README gets no textclf figures\n"
                         % binary)
        return "(not measured: %s was not built when the model was trained)" % binary
    rows = []
    with tempfile.TemporaryDirectory(prefix="textclf-train-") as tmp:
        for name, (x, y, want) in test_sets.items():
            inp = os.path.join(tmp, "in.txt")
            with open(inp, "w", encoding="utf-8", newline="") as f:
                f.write("".join(t + "\n" for t in x))
            p = subprocess.run([binary, "predict", "--model", out, "--input", inp],
                               capture_output=True, check=True)
            got = [json.loads(ln) for ln in p.stdout.decode("utf-8").splitlines()]
            if len(got) != len(x):
                sys.exit("train_default: textclf gave %d lines for %d texts" % (len(got), len(x)))
            correct = sum(g["label"] == CLASSES[t] for g, t in zip(got, y))
            maxd = max(abs(g["probabilities"][c] - w[i]) for g, w in zip(got, want)
                       for i, c in enumerate(CLASSES))
            rows.append("| %s | %.4f | %.3g |" % (name, correct / len(x), maxd))
    return ("| set | textclf accuracy | max abs(p - sklearn p) |\n|---|---|---|\n" +
            "\n".join(rows))


README = """# sentiment-en: textclf's default model

English sentiment, classes `negative` and `positive`: TF-IDF (unigrams + bigrams) +
LogisticRegression, trained with scikit-learn {sk} on IMDB train + SST-2 train.
This file is written by `tools/train_default.py`; do not edit it by hand.

## Figures

| | value |
|---|---|
| IMDB test accuracy ({imdb_n} reviews) | **{imdb:.4f}** (target >= 0.89) |
| SST-2 dev accuracy ({sst_n} sentences) | **{sst:.4f}** (target >= 0.80) |
| size of the model files (all but this README) | {size} bytes ({size_mb:.1f} MB; limit for the directory: 15 MB) |
| features (vocabulary terms) | {n_feat} |
| training documents | {n_train} ({n_imdb} IMDB train + {n_sst} SST-2 train) |
| training time (vectorize + fit, one BLAS thread) | {t_train:.0f} s |
| lbfgs iterations | {iters} |

Accuracies are scikit-learn's `predict` on the fitted pipeline. The same figures from
`textclf predict` on the exported directory:

{engine}

textclf reproduces
`predict_proba` of this model to 1e-9 on the same texts (`tests/parity/test_parity.py`, config
`default-model`; the exporter's golden samples are checked at every load).

## Rebuilding

```sh
make model          # = $(PYTHON) tools/train_default.py --data $(TEXTCLF_DATA) --out models/sentiment-en
                    #   then build/textclf check --model models/sentiment-en
```

Deterministic: the data are read in file order, lbfgs has no randomness, BLAS runs on one thread
(set by the script), so a rebuild on the same package versions writes the same `vocab.tsv`,
`linear.tsv` and `golden.jsonl`. The manifest's `created` date is the build time unless
`SOURCE_DATE_EPOCH` is set.

- Vectorizer: `TfidfVectorizer({vec})`, defaults otherwise (lowercase, word analyzer,
  token pattern `(?u)\\b\\w\\w+\\b`, smooth idf, l2 norm, float64).
- Classifier: `LogisticRegression({clf})`.
- Hyper-parameters (C among 4/8/16, 120k/200k features) were chosen on a 10% random hold-out of
  the training data; the test sets were used only for the figures above.
- Text is used as in the corpora (IMDB's `<br />` markup included): the daemon sees raw text too.

## Provenance

- Built {created} with Python {py}, scikit-learn {sk}, numpy {np} (Debian 12 packages).
- Exported by `tools/export_sklearn.py` (see `manifest.json`, `provenance`).
- Corpora (not committed; from `../shared/data`): Large Movie Review Dataset (Maas et al.,
  ACL 2011) and the Stanford Sentiment Treebank, GLUE SST-2 split (Socher et al., EMNLP 2013).

| corpus file | bytes | sha256 |
|---|---|---|
{data_rows}

## Files

| file | bytes | sha256 |
|---|---|---|
{files}
"""

if __name__ == "__main__":
    sys.exit(main())
