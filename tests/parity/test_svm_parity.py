#!/usr/bin/python3
"""Parity of textclf with models trained by libsvm's own tools (Debian libsvm-tools 3.24).

For each config: fit a TfidfVectorizer on a training subset of ../shared/data (TEXTCLF_DATA;
a synthetic corpus when absent, and the output says so), write the tf-idf features in libsvm's
text format (index = column + 1, values as Python repr, exact), train with `svm-train`, export
with `tools/export_sklearn.py --vectorizer vec.pkl --libsvm-model M --labels ...`, then run
`textclf predict` on the raw texts (whole IMDB test + SST-2 dev + unicode_torture.txt + the
edge texts of parity_common.edge_texts()) and compare with:

  svm-predict   `svm-predict [-b 1]` on the same texts' sklearn features: labels identical,
                probabilities equal within svm-predict's printed precision (%g, 6 digits);
  libsvm        the same Debian libsvm (libsvm.so.3) through ctypes, full precision:
                svm_predict_probability -> max |dp| <= 1e-9 and identical labels; for models
                without probabilities svm_predict_values -> scores (binary: classes[0] gets
                f01, classes[1] gets -f01; multiclass: scikit-learn's ovr shape). Linear
                kernels, which textclf collapses into weight vectors, must equal libsvm within
                1e-12 relative (|d| <= 1e-12 * max(1, |v|)).

    $PYTHON tests/parity/test_svm_parity.py --bin build/textclf --build build

Prints PASS/FAIL lines; exits 1 on any failure.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity_common as pc  # noqa: E402

pc.common.ensure_sklearn_python()

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

sys.path.insert(0, os.path.join(pc.ROOT, "tools"))
import export_sklearn  # noqa: E402  (its LibSVM ctypes wrapper around Debian's libsvm.so.3)

# name, task, svm-train options, linear kernel?
CONFIGS = [
    ("libsvm-linear-b1", "sent", ["-t", "0", "-c", "1", "-b", "1"], True),
    ("libsvm-rbf-b1", "sent", ["-t", "2", "-g", "0.5", "-c", "4", "-b", "1"], False),
    ("libsvm-linear-scores", "sent", ["-t", "0", "-c", "1"], True),
    ("libsvm-poly-scores", "sent", ["-t", "1", "-d", "2", "-r", "1", "-g", "1", "-c", "1"],
     False),
    ("libsvm-multi3-linear-b1", "src3", ["-t", "0", "-c", "1", "-b", "1"], True),
    ("libsvm-multi3-rbf-b1", "src3", ["-t", "2", "-g", "0.5", "-c", "4", "-b", "1"], False),
    ("libsvm-multi3-linear-scores", "src3", ["-t", "0", "-c", "1"], True),
]
LABELS = {"sent": {"positive": 1, "negative": -1},
          "src3": {"imdb": 1, "sst2": 2, "rt": 3}}

rep = pc.Reporter()


def training(corpus, task, rng):
    s = corpus.sets

    def sample(key, n):
        labs, texts = s[key]
        idx = sorted(rng.choice(len(texts), min(n, len(texts)), replace=False).tolist())
        return [labs[i] for i in idx], [texts[i] for i in idx]
    li, ti = sample("imdb/train.tsv", 300)
    ls, ts = sample("sst2/train.tsv", 300)
    if task == "sent":
        labels, texts = li + ls, ti + ts
    else:
        lr, tr = sample("rt-polarity/all.tsv", 300)
        labels = ["imdb"] * len(ti) + ["sst2"] * len(ts) + ["rt"] * len(tr)
        texts = ti + ts + tr
    # Shuffle: svm-train orders classes by first occurrence, as users' files do.
    perm = rng.permutation(len(texts)).tolist()
    return [labels[i] for i in perm], [texts[i] for i in perm]


def write_libsvm(path, X, ys):
    X = X.tocsr()
    X.sort_indices()
    with open(path, "w", encoding="ascii") as f:
        for i in range(X.shape[0]):
            a, b = X.indptr[i], X.indptr[i + 1]
            feats = " ".join("%d:%r" % (j + 1, float(v)) for j, v in
                             zip(X.indices[a:b].tolist(), X.data[a:b].tolist()))
            f.write("%d %s\n" % (ys[i], feats))


def read_svm_predict(path, prob):
    with open(path, encoding="ascii") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    order = None
    if prob:
        head = lines.pop(0).split()
        if head[0] != "labels":
            raise ValueError("svm-predict output: no labels header: %r" % head)
        order = [int(x) for x in head[1:]]
    labs, probs = [], []
    for ln in lines:
        parts = ln.split()
        labs.append(int(float(parts[0])))
        if prob:
            probs.append([float(x) for x in parts[1:]])
    return labs, order, probs


def printed_tol(v):
    """Half a unit in the 6th significant digit of %g output (plus slack for the binary
    rounding of the printed decimal)."""
    v = abs(v)
    if v == 0.0:
        return 1e-300
    return 0.5e-5 * 10.0 ** math.floor(math.log10(v)) * 1.001


def ovr_scores(dec, k):
    from sklearn.utils.multiclass import _ovr_decision_function
    d = np.asarray(dec, dtype=np.float64).reshape(1, -1)
    return _ovr_decision_function(d < 0, -d, k)[0].tolist()


def predict_all(lsvm, E, prob):
    """Yields (label, probabilities or None, decision values or None) for every row of E
    through Debian's libsvm: all rows as one svm_node array (-1 terminated each), so the
    per-row cost is one libsvm call."""
    ct = lsvm.ct
    E = E.tocsr()
    E.sort_indices()
    n = E.shape[0]
    total = E.nnz + n
    nodes = (lsvm.Node * total)()
    view = np.frombuffer(nodes, dtype=np.dtype({"names": ["index", "value"],
                                                "formats": ["<i4", "<f8"],
                                                "offsets": [0, 8], "itemsize": 16}))
    starts = E.indptr[:-1] + np.arange(n)  # each row followed by its terminator
    rows = np.repeat(np.arange(n), np.diff(E.indptr))
    pos = E.indptr[:-1][rows]
    slot = starts[rows] + (np.arange(E.nnz) - pos)
    view["index"][slot] = E.indices + 1
    view["value"][slot] = E.data
    view["index"][starts + np.diff(E.indptr)] = -1
    k = lsvm.k
    size = ct.sizeof(lsvm.Node)
    out = (ct.c_double * max(k, k * (k - 1) // 2))()
    fn = lsvm.lib.svm_predict_probability if prob else lsvm.lib.svm_predict_values
    for i in range(n):
        ptr = ct.cast(ct.byref(nodes, int(starts[i]) * size), ct.POINTER(lsvm.Node))
        lab = int(fn(lsvm.model, ptr, out))
        if prob:
            yield lab, list(out)[:k], None
        else:
            yield lab, None, list(out)[: k * (k - 1) // 2]


def run_config(name, task, opts, linear, corpus, vec_cache, tmp, binary, evf, rng_seed):
    t0 = time.time()
    if task not in vec_cache:
        # One training sample and vectorizer per task, shared by its configs.
        labels, texts = training(corpus, task, np.random.RandomState(rng_seed))
        vec = TfidfVectorizer(min_df=2, max_features=3000, sublinear_tf=True)
        X = vec.fit_transform(texts)
        E = vec.transform(corpus.eval_texts).tocsr()
        E.sort_indices()
        vp = os.path.join(tmp, task + "-vec.pkl")
        joblib.dump(vec, vp)
        ef = os.path.join(tmp, task + "-eval.svm")
        write_libsvm(ef, E, [0] * E.shape[0])
        vec_cache[task] = (labels, X, E, vp, ef)
    labels, X, E, vp, ef = vec_cache[task]
    codes = LABELS[task]
    names = {v: k for k, v in codes.items()}
    trf = os.path.join(tmp, name + ".train")
    write_libsvm(trf, X, [codes[lab] for lab in labels])
    mf = os.path.join(tmp, name + ".model")
    r = subprocess.run(["svm-train", "-q"] + opts + [trf, mf], capture_output=True, text=True)
    if r.returncode != 0:
        rep.check(False, "svm/" + name, "svm-train failed: %s" % r.stderr[-300:])
        return
    md = os.path.join(tmp, name + "-model")
    spec = ",".join("%d=%s" % (v, k) for k, v in codes.items())
    r = pc.export(["--vectorizer", vp, "--libsvm-model", mf, "--labels", spec, "--out", md])
    if r.returncode != 0:
        rep.check(False, "svm/" + name, "export failed: %s" % r.stderr.strip()[-300:])
        return
    with open(os.path.join(md, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    classes = m["classes"]
    prob = "-b" in opts
    kind = "probabilities" if prob else "scores"
    n = len(corpus.eval_texts)

    # textclf on the raw texts.
    rc, got, err = pc.run_predict(binary, md, evf)
    if rc != 0 or len(got) != n:
        rep.check(False, "svm/" + name, "textclf predict exit %d, %d lines for %d texts: %s" % (
            rc, len(got), n, err.strip()[-300:]))
        return

    # 1. svm-predict's own output on sklearn's features.
    of = os.path.join(tmp, name + ".out")
    r = subprocess.run(["svm-predict", "-b", "1" if prob else "0", ef, mf, of],
                       capture_output=True, text=True)
    if r.returncode != 0:
        rep.check(False, "svm/" + name + "/svm-predict", "svm-predict failed: %s" % r.stderr[-300:])
        return
    sp_labs, order, sp_probs = read_svm_predict(of, prob)
    nlab = 0
    nval = 0
    maxd = 0.0
    first = ""
    for i, g in enumerate(got):
        want = names[sp_labs[i]]
        if g.get("label") != want:
            nlab += 1
            first = first or "text %d: label %r, svm-predict %r" % (i, g.get("label"), want)
        if prob:
            for lab, pv in zip(order, sp_probs[i]):
                v = g.get("probabilities", {}).get(names[lab])
                d = abs(v - pv) if isinstance(v, float) else float("inf")
                maxd = max(maxd, d)
                if not d <= printed_tol(pv):
                    nval += 1
                    first = first or "text %d: p[%s] %r, svm-predict %r" % (i, names[lab], v, pv)
    rep.check(nlab == 0 and nval == 0, "svm/" + name + "/svm-predict",
              "n=%d texts, labels %d/%d identical%s%s" % (
                  n, n - nlab, n, ", max|dp| %.3g vs %%g-printed values" % maxd if prob else
                  " (svm-predict prints no values without -b 1)",
                  "; first problem: " + first if first else ""))

    # 2. libsvm at full precision through ctypes.
    lsvm = export_sklearn.LibSVM(mf)
    try:
        k = len(classes)
        pos = {lab: i for i, lab in enumerate(m["classifier"]["libsvm_labels"])}
        exp_labels, exp_vals = [], []
        for lab, pr, dec in predict_all(lsvm, E, prob):
            exp_labels.append(classes[pos[lab]])
            if prob:
                exp_vals.append(pr)  # libsvm returns them in its label order = classes order
            elif k == 2:
                exp_vals.append([dec[0], -dec[0]])
            else:
                exp_vals.append(ovr_scores(dec, k))
    finally:
        lsvm.close()
    ok, maxd, nlab, problem = pc.compare(got, exp_labels, exp_vals, classes, kind)
    rep.check(ok, "svm/" + name + "/libsvm", "svm-train %s, %d classes: n=%d texts, max|d%s|="
              "%.3g, labels %d/%d identical%s" % (
                  " ".join(opts), k, n, "p" if prob else "score", maxd,
                  n - nlab, n, "; first problem: " + problem if problem else ""))
    if linear and not prob:
        # Collapsed linear kernel vs libsvm's svm_predict_values: 1e-12 relative.
        worst = 0.0
        bad = 0
        for g, row in zip(got, exp_vals):
            for c, want in zip(classes, row):
                v = g["scores"][c]
                rel = abs(v - want) / max(1.0, abs(want))
                worst = max(worst, rel)
                if rel > 1e-12:
                    bad += 1
        rep.check(bad == 0, "svm/" + name + "/linear-collapse-1e-12",
                  "max |d|/max(1,|v|) = %.3g over %d texts (%d values over 1e-12)" % (
                      worst, n, bad))
    print("NOTE %s done in %.1f s" % (name, time.time() - t0), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("TEXTCLF_BIN", "build/textclf"))
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="comma-separated config names")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    for tool in ("svm-train", "svm-predict"):
        if shutil.which(tool) is None:
            print("FAIL svm/tools: %s not found (apt-get install libsvm-tools)" % tool)
            return 1
    if not os.access(binary, os.X_OK):
        print("FAIL svm/binary: %s is not an executable (run make)" % binary)
        return 1
    corpus = pc.Corpus(rep)
    tmp = pc.mkdtemp(os.path.abspath(args.build), "svm-")
    t0 = time.time()
    try:
        evf = os.path.join(tmp, "eval.txt")
        corpus.write_eval_file(evf)
        vec_cache = {}
        for name, task, opts, linear in CONFIGS:
            if args.only and name not in args.only.split(","):
                continue
            run_config(name, task, opts, linear, corpus, vec_cache, tmp, binary, evf,
                       {"sent": 7, "src3": 11}[task])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("svm parity: %d passed, %d failed in %.0f s" % (rep.passes, rep.failures,
                                                         time.time() - t0))
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
