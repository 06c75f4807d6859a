#!/usr/bin/python3
"""Parity of `textclf predict` with scikit-learn 1.2 on real exported models.

For every config below: fit a TF-IDF vectorizer + classifier on ../shared/data (TEXTCLF_DATA;
without it a synthetic corpus, and the output says so), export it with tools/export_sklearn.py
(pipeline or vectorizer/classifier pickles), run

    textclf predict --model DIR --input FILE --threads 2

over the whole IMDB test set + the whole SST-2 dev set + tests/parity/unicode_torture.txt +
the edge texts of parity_common.edge_texts() (empty, NUL, CR, 1 MB, ...), and compare with
sklearn's `predict` (labels: 100% identical) and `predict_proba` (or `decision_function` for
models without probabilities): max |delta| <= 1e-9 (scores: 1e-9 * max(1, |v|)). The config
default-model also checks that the committed models/sentiment-en is what a retrain gives.

Trained models and sklearn's outputs are cached under BUILD/parity-cache/, keyed by the config,
the data, scikit-learn/numpy versions and the source of the exporter, textclf_common.py and
train_default.py, so a re-run only re-runs textclf (--no-cache rebuilds). Without the cache
the sklearn side trains 41 models in two worker processes (--jobs).

    $PYTHON tests/parity/test_parity.py --bin build/textclf --build build [--only NAME,...]
        [--list] [--no-cache] [--jobs N]

Prints one PASS/FAIL line per config; exits 1 on any failure.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity_common as pc  # noqa: E402

pc.common.ensure_sklearn_python()
# The default model's retrain must reproduce models/sentiment-en on any CPU.
pc.common.use_reference_blas()

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.feature_extraction.text import (CountVectorizer, TfidfTransformer,  # noqa: E402
                                             TfidfVectorizer)
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.naive_bayes import MultinomialNB  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import SVC, LinearSVC  # noqa: E402

sys.path.insert(0, os.path.join(pc.ROOT, "tools"))
import export_sklearn as exporter  # noqa: E402

CACHE_VERSION = "1"
CUSTOM_STOP = ["the", "a", "and", "film", "movie", "is", "it's", "café", "ı", "straße", "ΣΟΦΟΣ"]

# ---------------------------------------------------------------- configurations
# task: which training labels (see training_data); train: which subset; vec: vectorizer params;
# pipe: "tfidf" (TfidfVectorizer) or "count" (CountVectorizer + TfidfTransformer, whose params
# go to the transformer where they belong); clf: (estimator, params); via: "pipeline" or "pair".

# liblinear fits these in a few seconds; lbfgs (binary) is covered by default-model,
# vec-bigram-min_df-sublinear and the multinomial configs.
LR = ("LogisticRegression", {"C": 4.0, "solver": "liblinear", "random_state": 0})
LR_LBFGS = ("LogisticRegression", {"C": 4.0, "max_iter": 1000})
BASE = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}


def cfg(name, vec, clf=LR, task="sent", train="small", pipe="tfidf", via="pipeline"):
    return {"name": name, "task": task, "train": train, "vec": vec, "pipe": pipe, "clf": clf,
            "via": via}


SVC_VEC = {"max_features": 2000, "min_df": 2}
CONFIGS = [
    # The default model's recipe (tools/train_default.py) on the full training data.
    cfg("default-model", "default", ("default", {}), train="full", via="pair"),
    # Vectorizer parameters, each with binary LogisticRegression.
    cfg("vec-defaults-unigram", {}),
    cfg("vec-bigram-min_df-sublinear", BASE, LR_LBFGS, via="pair"),
    cfg("vec-trigram-max_df-max_features", {"ngram_range": (1, 3), "min_df": 2, "max_df": 0.5,
                                            "max_features": 60000}),
    cfg("vec-ngram-2-2-only", {"ngram_range": (2, 2), "min_df": 3}),
    cfg("vec-lowercase-off", {"lowercase": False, "ngram_range": (1, 2), "min_df": 2}),
    cfg("vec-strip_accents-ascii", {"strip_accents": "ascii", "min_df": 1}),
    cfg("vec-strip_accents-unicode", {"strip_accents": "unicode", "ngram_range": (1, 2),
                                      "min_df": 2}),
    cfg("vec-lowercase-off-strip-unicode", {"lowercase": False, "strip_accents": "unicode"}),
    cfg("vec-stop_words-english", {"stop_words": "english", "ngram_range": (1, 2), "min_df": 2}),
    cfg("vec-stop_words-custom", {"stop_words": CUSTOM_STOP, "ngram_range": (1, 2),
                                  "min_df": 2}, via="pair"),
    cfg("vec-binary-norm-l1", {"binary": True, "norm": "l1", "min_df": 2}),
    cfg("vec-use_idf-off", {"use_idf": False, "ngram_range": (1, 2), "min_df": 2}),
    cfg("vec-smooth_idf-off", {"smooth_idf": False, "min_df": 2}),
    cfg("vec-norm-none-sublinear", {"norm": None, "sublinear_tf": True, "min_df": 2},
        ("LogisticRegression", {"C": 0.05, "solver": "liblinear", "random_state": 0})),
    cfg("vec-count-tfidftransformer", {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True,
                                       "smooth_idf": False}, pipe="count"),
    cfg("vec-count-tfidftransformer-binary-l1", {"binary": True, "norm": "l1"}, pipe="count",
        via="pair"),
    # Classifiers on the bigram vectorizer (binary sentiment).
    cfg("clf-logreg-multinomial-binary", BASE,
        ("LogisticRegression", {"C": 1.0, "multi_class": "multinomial", "max_iter": 1000})),
    cfg("clf-logreg-liblinear", BASE,
        ("LogisticRegression", {"C": 2.0, "solver": "liblinear", "random_state": 0}), via="pair"),
    cfg("clf-linearsvc", BASE, ("LinearSVC", {"C": 0.5, "random_state": 0})),
    cfg("clf-sgd-log_loss", BASE, ("SGDClassifier", {"loss": "log_loss", "alpha": 1e-5,
                                                     "random_state": 0})),
    cfg("clf-sgd-modified_huber", BASE, ("SGDClassifier", {"loss": "modified_huber",
                                                           "alpha": 1e-4, "random_state": 0})),
    cfg("clf-sgd-hinge", BASE, ("SGDClassifier", {"loss": "hinge", "alpha": 1e-5,
                                                  "random_state": 0}), via="pair"),
    cfg("clf-multinomialnb", BASE, ("MultinomialNB", {"alpha": 0.1})),
    cfg("clf-logreg-unicode-class-names", BASE, LR, task="sent-unicode"),
    # Multi-class: source of the text (imdb / rt / sst2) and domain x sentiment (int labels).
    cfg("multi3-logreg-multinomial", BASE,
        ("LogisticRegression", {"C": 1.0, "multi_class": "multinomial", "max_iter": 1000}),
        task="src3"),
    cfg("multi3-logreg-ovr", BASE,
        ("LogisticRegression", {"C": 1.0, "multi_class": "ovr", "max_iter": 1000}), task="src3"),
    cfg("multi3-linearsvc", BASE, ("LinearSVC", {"C": 0.5, "random_state": 0}), task="src3"),
    cfg("multi3-sgd-log_loss", BASE, ("SGDClassifier", {"loss": "log_loss", "alpha": 1e-5,
                                                        "random_state": 0}), task="src3"),
    cfg("multi3-sgd-modified_huber", BASE, ("SGDClassifier", {"loss": "modified_huber",
                                                              "alpha": 1e-4, "random_state": 0}),
        task="src3"),
    cfg("multi3-sgd-hinge", BASE, ("SGDClassifier", {"loss": "hinge", "alpha": 1e-5,
                                                     "random_state": 0}), task="src3"),
    cfg("multi3-multinomialnb", BASE, ("MultinomialNB", {"alpha": 0.1}), task="src3"),
    cfg("multi4-logreg-auto-int-labels", {"min_df": 2, "stop_words": "english"},
        ("LogisticRegression", {"C": 4.0, "max_iter": 1000}), task="dom4", via="pair"),
    cfg("multi4-logreg-liblinear-ovr", {"min_df": 2},
        ("LogisticRegression", {"C": 4.0, "solver": "liblinear", "random_state": 0}),
        task="dom4"),
    # SVC (scikit-learn's bundled libsvm) with probabilities, small training subsets.
    cfg("svc-linear-prob", SVC_VEC, ("SVC", {"kernel": "linear", "C": 1.0, "probability": True,
                                            "random_state": 0}), train="svc"),
    cfg("svc-rbf-prob", SVC_VEC, ("SVC", {"kernel": "rbf", "C": 2.0, "gamma": "scale",
                                         "probability": True, "random_state": 0}),
        train="svc", via="pair"),
    cfg("svc-poly-scores", SVC_VEC, ("SVC", {"kernel": "poly", "degree": 2, "coef0": 1.0,
                                            "C": 1.0, "random_state": 0}), train="svc"),
    cfg("svc-sigmoid-prob", SVC_VEC, ("SVC", {"kernel": "sigmoid", "gamma": 0.5, "coef0": 0.0,
                                             "C": 1.0, "probability": True, "random_state": 0}),
        train="svc"),
    cfg("multi3-svc-linear-prob", SVC_VEC, ("SVC", {"kernel": "linear", "C": 1.0,
                                                   "probability": True, "random_state": 0}),
        task="src3", train="svc"),
    cfg("multi3-svc-rbf-prob", SVC_VEC, ("SVC", {"kernel": "rbf", "C": 2.0, "probability": True,
                                                "random_state": 0}), task="src3", train="svc"),
    cfg("multi3-svc-rbf-scores", SVC_VEC, ("SVC", {"kernel": "rbf", "C": 2.0,
                                                  "random_state": 0}), task="src3", train="svc"),
]
ESTIMATORS = {"LogisticRegression": LogisticRegression, "LinearSVC": LinearSVC,
              "SGDClassifier": SGDClassifier, "MultinomialNB": MultinomialNB, "SVC": SVC}
TFIDF_KEYS = ("norm", "use_idf", "smooth_idf", "sublinear_tf")


# ---------------------------------------------------------------- training data

def _sample(rng, labels, texts, n):
    n = min(n, len(texts))
    idx = sorted(rng.choice(len(texts), n, replace=False).tolist())
    return [labels[i] for i in idx], [texts[i] for i in idx]


def training_data(corpus, task, train):
    """Returns (texts, labels) for a task/subset; deterministic (fixed seeds)."""
    s = corpus.sets
    rng = np.random.RandomState(20261125)
    if train == "full":
        li, ti = s["imdb/train.tsv"]
        ls, ts = s["sst2/train.tsv"]
        return ti + ts, li + ls
    small = train == "small"
    n_imdb, n_short = (5000, 15000) if small else (150, 150)
    li, ti = _sample(rng, *s["imdb/train.tsv"], n_imdb)
    ls, ts = _sample(rng, *s["sst2/train.tsv"], n_short)
    if task == "sent":
        return ti + ts, li + ls
    if task == "sent-unicode":
        names = {"negative": "négatif", "positive": 'posi"tif ✓'}
        return ti + ts, [names[x] for x in li + ls]
    if task == "src3":
        lr, tr = _sample(rng, *s["rt-polarity/all.tsv"], n_short)
        return ti + ts + tr, ["imdb"] * len(ti) + ["sst2"] * len(ts) + ["rt"] * len(tr)
    if task == "dom4":
        code = {("imdb", "negative"): 0, ("imdb", "positive"): 1, ("short", "negative"): 2,
                ("short", "positive"): 3}
        return ti + ts, [code[("imdb", x)] for x in li] + [code[("short", x)] for x in ls]
    raise ValueError(task)


def make_vectorizer(c):
    if c["vec"] == "default":
        return TfidfVectorizer(**train_default().VEC_PARAMS), None
    v = dict(c["vec"])
    if c["pipe"] == "count":
        tp = {k: v.pop(k) for k in TFIDF_KEYS if k in v}
        return CountVectorizer(**v), TfidfTransformer(**tp)
    return TfidfVectorizer(**v), None


def make_classifier(c):
    name, params = c["clf"]
    if name == "default":
        return LogisticRegression(**train_default().CLF_PARAMS)
    return ESTIMATORS[name](**params)


_TD = None
_CORPUS = None


def train_default():
    global _TD
    if _TD is None:
        sys.path.insert(0, os.path.join(pc.ROOT, "tools"))
        import train_default as td
        _TD = td
    return _TD


def group_key(c):
    return json.dumps([c["task"], c["train"], c["vec"], c["pipe"]], sort_keys=True)


def config_key(c, corpus):
    src = pc.file_hash(pc.EXPORTER, os.path.join(pc.ROOT, "tools", "textclf_common.py"),
                       os.path.join(pc.ROOT, "tools", "train_default.py"))
    h = hashlib.sha256(json.dumps([CACHE_VERSION, c, corpus.data_hash, corpus.eval_hash,
                                   sklearn.__version__, np.__version__, src],
                                  sort_keys=True).encode())
    return h.hexdigest()[:24]


# ---------------------------------------------------------------- building (sklearn side)

def build_group(args):
    """Fits one vectorizer and every classifier on it; exports each model and stores
    sklearn's outputs on the evaluation set. Runs in a worker process."""
    cfgs, cache, ckeys = args
    corpus = _CORPUS
    t0 = time.time()
    c0 = cfgs[0]
    texts, labels = training_data(corpus, c0["task"], c0["train"])
    vec, tfidf = make_vectorizer(c0)
    X = vec.fit_transform(texts)
    if tfidf is not None:
        X = tfidf.fit_transform(X)
    t_fit = time.time() - t0
    E = vec.transform(corpus.eval_texts)
    if tfidf is not None:
        E = tfidf.transform(E)
    t_eval = time.time() - t0 - t_fit
    done = []
    for c, key in zip(cfgs, ckeys):
        tc = [time.time()]
        d = os.path.join(cache, key)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        clf = make_classifier(c)
        y = np.array(labels)
        clf.fit(X, y)
        steps = [("vec", vec)] + ([("tfidf", tfidf)] if tfidf is not None else []) + \
            [("clf", clf)]
        if c["via"] == "pipeline":
            pp = os.path.join(d, "pipeline.pkl")
            joblib.dump(Pipeline(steps), pp)
            ex = ["--pipeline", pp]
        else:
            vp, cp = os.path.join(d, "vectorizer.pkl"), os.path.join(d, "classifier.pkl")
            joblib.dump(Pipeline(steps[:-1]) if tfidf is not None else vec, vp)
            joblib.dump(clf, cp)
            ex = ["--vectorizer", vp, "--classifier", cp]
        tc.append(time.time())
        # In-process (this worker has sklearn loaded already); same code path as the CLI,
        # which test_exporter.py runs as a subprocess.
        try:
            exporter.export(exporter.parse_args(ex + ["--out", os.path.join(d, "model"),
                                                      "--name", c["name"]]))
        except exporter.Refuse as e:
            with open(os.path.join(d, "export-error.txt"), "w") as f:
                f.write(str(e))
            done.append((c["name"], "export failed: %s" % e))
            continue
        tc.append(time.time())
        with open(os.path.join(d, "model", "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
        classes = m["classes"]
        prob = m["classifier"]["probability"]
        pred = clf.predict(E)
        pos = {cl: i for i, cl in enumerate(clf.classes_.tolist())}
        exp_labels = [classes[pos[p]] for p in pred.tolist()]
        if prob != "none":
            kind, vals = "probabilities", clf.predict_proba(E)
        else:
            dfn = np.asarray(clf.decision_function(E), dtype=np.float64)
            kind, vals = "scores", (np.c_[-dfn, dfn] if dfn.ndim == 1 else dfn)
        acc = None
        if c["task"] == "sent" and not corpus.synthetic:
            n_imdb = len(corpus.sets["imdb/test.tsv"][1])
            truth = corpus.sets["imdb/test.tsv"][0]
            acc = float(np.mean([a == b for a, b in zip(exp_labels[:n_imdb], truth)]))
        np.save(os.path.join(d, "values.npy"), np.asarray(vals, dtype=np.float64))
        with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
            json.dump({"labels": exp_labels, "classes": classes, "kind": kind,
                       "probability": prob, "imdb_acc": acc,
                       "estimator": m["classifier"]["estimator"],
                       "n_features": m["vectorizer"]["n_features"]}, f, ensure_ascii=False)
        tc.append(time.time())
        timing = "vectorizer fit %.1f s, eval transform %.1f s; classifier fit %.1f s, export " \
                 "%.1f s, sklearn outputs %.1f s" % (t_fit, t_eval, tc[1] - tc[0], tc[2] - tc[1],
                                                     tc[3] - tc[2])
        with open(os.path.join(d, "ok"), "w") as f:
            f.write(timing + "\n")
        print("NOTE built %s: %s" % (c["name"], timing), flush=True)
        done.append((c["name"], None))
    return done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("TEXTCLF_BIN", "build/textclf"))
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="comma-separated config names")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2, help="textclf predict --threads")
    args = ap.parse_args()
    if args.list:
        for c in CONFIGS:
            print(c["name"])
        return 0
    rep = pc.Reporter()
    t_start = time.time()
    binary = os.path.abspath(args.bin)
    build = os.path.abspath(args.build)
    cache = os.path.join(build, "parity-cache")
    os.makedirs(cache, exist_ok=True)
    cfgs = CONFIGS
    if args.only:
        want = set(args.only.split(","))
        cfgs = [c for c in CONFIGS if c["name"] in want]
        unknown = want - {c["name"] for c in cfgs}
        if unknown:
            print("FAIL parity/args: unknown config(s) %s" % sorted(unknown))
            return 1
    corpus = pc.Corpus(rep)
    if corpus.synthetic:
        # The default model's recipe needs the real corpora (min_df, 200k features).
        skipped = [c["name"] for c in cfgs if c["train"] == "full"]
        cfgs = [c for c in cfgs if c["train"] != "full"]
        # Each one a SKIP line (tests/run.sh counts them apart, and as failures in CI).
        for name in skipped:
            print("SKIP parity/%s: needs the real corpora (not under %s)" % (name, pc.data_dir()),
                  flush=True)

    keys = {c["name"]: config_key(c, corpus) for c in cfgs}
    todo = [c for c in cfgs if args.no_cache or
            not os.path.isfile(os.path.join(cache, keys[c["name"]], "ok"))]
    groups = {}
    for c in todo:
        groups.setdefault(group_key(c), []).append(c)
    build_err = {}
    if groups:
        rep.note("training %d configs in %d vectorizer groups (%d cached)" % (
            len(todo), len(groups), len(cfgs) - len(todo)))
        global _CORPUS
        _CORPUS = corpus  # inherited by the forked workers, not pickled
        work = [(g, cache, [keys[c["name"]] for c in g]) for g in groups.values()]
        # Largest groups first so the two workers finish together.
        work.sort(key=lambda w: (w[0][0]["train"] != "full", -len(w[0])))
        t0 = time.time()
        if args.jobs > 1 and len(work) > 1:
            import multiprocessing as mp
            with mp.get_context("fork").Pool(args.jobs) as pool:
                results = pool.map(build_group, work, chunksize=1)
        else:
            results = [build_group(w) for w in work]
        for res in results:
            for name, err in res:
                if err:
                    build_err[name] = err
        rep.note("sklearn side built in %.0f s" % (time.time() - t0))
    else:
        rep.note("all %d configs cached in %s" % (len(cfgs), cache))

    if not os.access(binary, os.X_OK):
        rep.check(False, "parity/binary", "%s is not an executable (run make)" % binary)
        return 1
    tmp = pc.mkdtemp(build, "parity-")
    try:
        evf = os.path.join(tmp, "eval.txt")
        corpus.write_eval_file(evf)
        n = len(corpus.eval_texts)
        for c in cfgs:
            name = "parity/" + c["name"]
            if c["name"] in build_err:
                rep.check(False, name, build_err[c["name"]])
                continue
            d = os.path.join(cache, keys[c["name"]])
            with open(os.path.join(d, "expected.json"), encoding="utf-8") as f:
                exp = json.load(f)
            vals = np.load(os.path.join(d, "values.npy"))
            t0 = time.time()
            rc, got, err = pc.run_predict(binary, os.path.join(d, "model"), evf, args.threads)
            dt = time.time() - t0
            if rc != 0:
                rep.check(False, name, "textclf predict exited %d: %s" % (rc, err.strip()[-300:]))
                continue
            ok, maxd, nlab, prob = pc.compare(got, exp["labels"], vals, exp["classes"],
                                              exp["kind"])
            extra = ""
            if exp.get("imdb_acc") is not None:
                extra = ", sklearn IMDB-test acc %.4f" % exp["imdb_acc"]
            detail = "%s/%s, %d classes, %d features: n=%d texts, max|d%s|=%.3g, labels %d/%d " \
                     "identical, predict %.2f s%s" % (
                         exp["estimator"], exp["probability"], len(exp["classes"]),
                         exp["n_features"], n, "p" if exp["kind"] == "probabilities" else "score",
                         maxd, n - nlab, n, dt, extra)
            if prob:
                detail += "; first problem: " + prob
            rep.check(ok, name, detail)
            if c["train"] == "full" and c["vec"] == "default":
                check_committed(rep, d, binary, evf, exp, vals)
        check_invalid_utf8(rep, binary, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("parity: %d passed, %d failed in %.0f s" % (rep.passes, rep.failures,
                                                     time.time() - t_start))
    return 1 if rep.failures else 0


def check_invalid_utf8(rep, binary, tmp):
    """Invalid UTF-8 is an error, as in scikit-learn (strict decoding): exactly the lines
    Python's utf-8 codec rejects get {"error": ...}, the others are predicted as when they
    stand alone, and the exit status is 1."""
    model = os.path.join(pc.ROOT, "models", "sentiment-en")
    lines = [b"a fine film", b"bad \xff byte", b"overlong \xc0\xaf slash", b"caf\xc3\xa9 ok",
             b"surrogate \xed\xa0\x80 half", b"truncated \xe2\x82", b"", b"\xf4\x90\x80\x80 > U+10FFFF",
             b"emoji \xf0\x9f\x98\x80 fine", b"lone continuation \x80", b"last line ok"]
    bad = []
    for b in lines:
        try:
            b.decode("utf-8")
            bad.append(False)
        except UnicodeDecodeError:
            bad.append(True)
    mixed = os.path.join(tmp, "mixed.txt")
    with open(mixed, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    clean = os.path.join(tmp, "clean.txt")
    with open(clean, "wb") as f:
        f.write(b"".join(b + b"\n" for b, isbad in zip(lines, bad) if not isbad))
    rc, got, err = pc.run_predict(binary, model, mixed)
    rc2, want, _ = pc.run_predict(binary, model, clean)
    problems = []
    if rc != 1:
        problems.append("exit %d (expected 1)" % rc)
    if rc2 != 0:
        problems.append("clean input exit %d" % rc2)
    if len(got) != len(lines):
        problems.append("%d output lines for %d inputs" % (len(got), len(lines)))
    else:
        it = iter(want)
        for i, (g, isbad) in enumerate(zip(got, bad)):
            if isbad:
                if set(g) != {"error"}:
                    problems.append("line %d (invalid UTF-8) gave %s" % (i + 1, json.dumps(g)))
            elif g != next(it, None):
                problems.append("line %d differs from the same text alone: %s" % (
                    i + 1, json.dumps(g)[:120]))
    rep.check(not problems, "parity/invalid-utf8-lines",
              "%d of %d lines invalid (Python strict utf-8); %s" % (
                  sum(bad), len(lines), "; ".join(problems) if problems else
                  "errors exactly there, others predicted, exit 1"))


def check_committed(rep, d, binary, evf, exp, vals):
    """The committed models/sentiment-en must be what tools/train_default.py produces (same
    vocabulary, weights and golden file), and textclf must reproduce sklearn on it."""
    committed = os.path.join(pc.ROOT, "models", "sentiment-en")
    if not os.path.isfile(os.path.join(committed, "manifest.json")):
        rep.check(False, "parity/committed-default-model", "%s missing" % committed)
        return
    diffs = [f for f in ("vocab.tsv", "linear.tsv", "golden.jsonl")
             if pc.file_hash(os.path.join(committed, f)) !=
             pc.file_hash(os.path.join(d, "model", f))]
    rep.check(not diffs, "parity/committed-default-model-reproducible",
              "retrained files identical to models/sentiment-en" if not diffs else
              "differ from a retrain: %s" % diffs)
    rc, got, err = pc.run_predict(binary, committed, evf)
    if rc != 0:
        rep.check(False, "parity/committed-default-model", "exit %d: %s" % (rc, err[-300:]))
        return
    ok, maxd, nlab, prob = pc.compare(got, exp["labels"], vals, exp["classes"], exp["kind"])
    rep.check(ok, "parity/committed-default-model", "models/sentiment-en vs sklearn: n=%d, "
              "max|dp|=%.3g, labels %d/%d identical%s" % (
                  len(got), maxd, len(got) - nlab, len(got), ("; " + prob) if prob else ""))


if __name__ == "__main__":
    sys.exit(main())
