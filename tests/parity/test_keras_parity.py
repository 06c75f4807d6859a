#!/usr/bin/python3
"""Parity of `textclf predict` with Keras's own model.predict on Keras models exported by
tools/export_keras.py (TextVectorization + Dense, float32).

For every config below: train a Keras model (TensorFlow backend) on a subset of
../shared/data (TEXTCLF_DATA; without it the synthetic corpus of parity_common, and the
output says so), save it as .keras (the vectorizer apart from the classifier for one
config), export it with tools/export_keras.py, run

    textclf check --model DIR ; textclf predict --model DIR --input FILE --threads 2

over the whole IMDB test set + SST-2 dev + tests/parity/unicode_torture.txt + the edge
texts of parity_common, and compare with model.predict of the re-loaded .keras files:
labels identical except where Keras's float32 outputs tie within 1e-5 (counted and
reported), max |delta p| <= 1e-5 (scores: 1e-5 * max(1, |v|)). Then the exporter's
refusals, each naming the layer and the option.

Keras is not in Debian: this script runs under the Python of `make keras-venv`
(python/requirements-keras.txt), found as TEXTCLF_KERAS_PYTHON or BUILD/keras-venv/bin/python,
and re-executes itself there. Without one it prints SKIP (a failure under TEXTCLF_CI=1).

    $PYTHON tests/parity/test_keras_parity.py --bin build/textclf --build build [--only NAME,...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOL = 1e-5


def ensure_keras_python(args):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
        return
    except ImportError:
        pass
    cand = os.environ.get("TEXTCLF_KERAS_PYTHON") or os.path.join(
        ROOT, args.build, "keras-venv", "bin", "python")
    if os.environ.get("TEXTCLF_KERAS_REEXEC") != "1" and os.access(cand, os.X_OK):
        os.environ["TEXTCLF_KERAS_REEXEC"] = "1"
        os.execv(cand, [cand] + sys.argv)
    print("SKIP keras-parity: no Python with Keras and TensorFlow (tried %s; run make "
          "keras-venv)" % cand, flush=True)
    sys.exit(0)


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "textclf"))
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="comma-separated config names")
    return ap.parse_args()


# name: corpus, classes, TextVectorization options, head, how it is saved
CONFIGS = [
    ("tfidf-bigram-sigmoid", "imdb", {"output_mode": "tf_idf", "ngrams": 2,
                                      "standardize": "lower_and_strip_punctuation",
                                      "max_tokens": 20000}, ("dense", 1, "sigmoid"), "one"),
    ("count-lower-trigram-softmax2-split", "imdb", {"output_mode": "count", "ngrams": 3,
                                                    "standardize": "lower", "max_tokens": 10000},
     ("dense", 2, "softmax"), "two"),
    ("multihot-strip-linear", "imdb", {"output_mode": "multi_hot", "ngrams": (1, 2),
                                       "standardize": "strip_punctuation",
                                       "max_tokens": 15000}, ("dense", 1, "linear"), "one"),
    ("tfidf-none-softmax3", "three", {"output_mode": "tf_idf", "standardize": None,
                                      "max_tokens": 12000}, ("dense", 3, "softmax"), "one"),
    ("tfidf-bigrams-only-activation", "sst2", {"output_mode": "tf_idf", "ngrams": (2,),
                                               "max_tokens": 30000},
     ("activation", 1, "sigmoid"), "functional"),
    # pad_to_max_tokens: Keras 3.15 cannot reload a tf_idf layer saved with it (its own
    # set_vocabulary refuses the padded idf_weights), so a count layer carries it
    ("count-pad-linear3", "three", {"output_mode": "count", "max_tokens": 150000,
                                    "pad_to_max_tokens": True},
     ("dense", 3, "linear"), "one"),
]


def training_data(corpus, which, n, rng):
    """(texts, integer labels, class names) for a config."""
    import numpy as np

    def take(key, m):
        labs, texts = corpus.sets[key]
        idx = rng.permutation(len(texts))[:m]
        return [texts[i] for i in idx], [labs[i] for i in idx]
    if which == "three":  # a 3-class task from the shared corpora: IMDB neg / IMDB pos / SST-2
        t1, l1 = take("imdb/train.tsv", n)
        t2, _ = take("sst2/train.tsv", n // 2)
        classes = ["imdb-negative", "imdb-positive", "sst2"]
        y = [0 if lab == "negative" else 1 for lab in l1] + [2] * len(t2)
        return t1 + t2, np.array(y), classes
    key = "imdb/train.tsv" if which == "imdb" else "sst2/train.tsv"
    t, l = take(key, n)
    return t, np.array([1 if lab == "positive" else 0 for lab in l]), ["negative", "positive"]


def train(cfg, corpus, workdir):
    """Trains and saves a config; returns (paths for the exporter, class names)."""
    import keras
    import numpy as np
    import tensorflow as tf
    name, which, tv_opts, head, saving = cfg
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    texts, y, classes = training_data(corpus, which, 4000, rng)
    tv = keras.layers.TextVectorization(**tv_opts)
    tv.adapt(tf.constant(texts), batch_size=512)
    kind, units, act = head
    x = tf.constant(texts)
    y_fit = y.astype("float32") if units == 1 else keras.utils.to_categorical(y, units)
    loss = {"sigmoid": "binary_crossentropy", "softmax": "categorical_crossentropy"}.get(act)
    if act == "linear":
        loss = "mse"
        y_fit = (y * 2.0 - 1.0).astype("float32") if units == 1 else y_fit
    dense = keras.layers.Dense(units, activation=act if kind == "dense" else None)
    paths = []
    if saving == "two":  # the tutorials' tf.data pipeline: vectorize, then train on vectors
        vec_model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), tv])
        clf = keras.Sequential([keras.Input(shape=(tv.vocabulary_size(),)),
                                keras.layers.Dropout(0.3), dense])
        clf.compile("adam", loss)
        clf.fit(vec_model.predict(tf.reshape(x, (-1, 1)), verbose=0, batch_size=512), y_fit,
                epochs=3, batch_size=64, verbose=0)
        p1, p2 = os.path.join(workdir, name + ".vec.keras"), os.path.join(workdir, name + ".keras")
        vec_model.save(p1)
        clf.save(p2)
        return ["--vectorizer", p1, "--model", p2], classes
    if saving == "functional":
        inp = keras.Input(shape=(), dtype="string")
        h = keras.layers.Dropout(0.2)(tv(inp))
        out = keras.layers.Activation(act)(dense(h))
        model = keras.Model(inp, out)
        xin = x
    else:
        # count and multi_hot come out as int64 in Keras 3.15, which Dropout refuses
        drop = [keras.layers.Dropout(0.2)] if tv_opts["output_mode"] == "tf_idf" else []
        model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), tv] + drop + [dense])
        xin = tf.reshape(x, (-1, 1))
    model.compile("adam", loss)
    model.fit(xin, y_fit, epochs=3, batch_size=64, verbose=0)
    p = os.path.join(workdir, name + ".keras")
    model.save(p)
    return ["--model", p], classes


def keras_predict(argv):
    """Keras's values for the evaluation texts, from the saved files reloaded."""
    import keras
    from textclf.export.keras import _predictor
    d = dict(zip(argv[::2], argv[1::2]))
    model = keras.saving.load_model(d["--model"], compile=False)
    vec = keras.saving.load_model(d["--vectorizer"], compile=False) if "--vectorizer" in d else None
    return _predictor(model, vec), model


def compare_one(rep, name, got, texts, predict, act, units, classes):
    import numpy as np
    from textclf.export.keras import keras_outputs
    t0 = time.time()
    labs, vals, margins = keras_outputs(predict, texts, act, units)
    t_keras = time.time() - t0
    kind = "scores" if act == "linear" else "probabilities"
    if len(got) != len(texts):
        return rep.check(False, name, "%d textclf outputs for %d texts" % (len(got), len(texts)))
    maxd, mism, ties, worst = 0.0, 0, 0, ""
    for i, g in enumerate(got):
        if kind not in g:
            return rep.check(False, name, "text %d: textclf gave %r" % (i, str(g)[:200]))
        v = np.array([g[kind][c] for c in classes])
        scale = np.maximum(1.0, np.abs(vals[i])) if kind == "scores" else 1.0
        d = float(np.max(np.abs(v - vals[i]) / scale))
        if d > maxd:
            maxd, worst = d, "text %d" % i
        if g["label"] != classes[int(labs[i])]:
            if margins[i] <= TOL:
                ties += 1
            else:
                mism += 1
    ok = maxd <= TOL and mism == 0
    return rep.check(ok, name, "%d texts: labels %d differ (%d more at Keras float32 ties "
                               "within %g), max |delta %s| %.3g (%s; tolerance %g); Keras "
                               "predict %.1f s" % (
                                   len(texts), mism, ties, TOL,
                                   "p" if kind == "probabilities" else "score/max(1,|v|)", maxd,
                                   worst, TOL, t_keras)), maxd


def run_config(rep, args, cfg, corpus, eval_path, workdir):
    name, _, _, head, _ = cfg
    t0 = time.time()
    argv, classes = train(cfg, corpus, workdir)
    t_train = time.time() - t0
    out = os.path.join(workdir, name)
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_keras.py")] + argv +
                       ["--out", out, "--labels", ",".join(classes)], capture_output=True,
                       text=True)
    if not rep.check(p.returncode == 0, name + "/export", p.stderr.strip().splitlines()[-1]
                     if p.stderr.strip() else "exit %d" % p.returncode):
        return None
    c = subprocess.run([args.bin, "check", "--model", out], capture_output=True, text=True)
    rep.check(c.returncode == 0 and "(|diff| <= 1e-5)" in c.stdout, name + "/check",
              (c.stdout + c.stderr).strip().replace("\n", "; ")[-300:])
    from parity_common import run_predict
    t1 = time.time()
    rc, got, err = run_predict(args.bin, out, eval_path)
    t_textclf = time.time() - t1
    if not rep.check(rc == 0, name + "/predict", "exit %d %s" % (rc, err.strip()[:200])):
        return None
    predict, _ = keras_predict(argv)
    kind, units, act = head
    res = compare_one(rep, name, got, corpus.eval_texts, predict, act, units, classes)
    rep.note("%s: train %.1f s, textclf predict %.1f s" % (name, t_train, t_textclf))
    return res[1] if isinstance(res, tuple) else None


# ---- the exporter's refusals ------------------------------------------------------------

def refusals(rep, workdir):
    import keras
    import tensorflow as tf
    from textclf.export.keras import Refuse, write_model
    docs = tf.constant(["a good film", "a bad film", "good good"])

    def tv(**kw):
        layer = keras.layers.TextVectorization(**kw)
        layer.adapt(docs)
        return layer

    def seq(*layers):
        return keras.Sequential([keras.Input(shape=(1,), dtype="string")] + list(layers))

    cases = [
        ("split-character", lambda: seq(tv(split="character", output_mode="count"),
                                        keras.layers.Dense(1, activation="sigmoid")),
         ["split", "character"]),
        ("output-int", lambda: seq(tv(output_mode="int", output_sequence_length=4),
                                   keras.layers.Embedding(10, 2), keras.layers.Flatten(),
                                   keras.layers.Dense(1)),
         ["output_mode", "int"]),
        ("ngrams-gap", lambda: seq(tv(output_mode="count", ngrams=(1, 3)),
                                   keras.layers.Dense(1, activation="sigmoid")),
         ["ngrams", "(1, 3)"]),
        ("sigmoid-multilabel", lambda: seq(tv(output_mode="count"),
                                           keras.layers.Dense(3, activation="sigmoid",
                                                              name="multi")),
         ["multi", "sigmoid with 3 units"]),
        ("relu", lambda: seq(tv(output_mode="count"),
                             keras.layers.Dense(1, activation="relu", name="reluhead")),
         ["reluhead", "relu"]),
        ("two-dense", lambda: seq(tv(output_mode="count"), keras.layers.Dense(4, name="hidden"),
                                  keras.layers.Dense(1, activation="sigmoid", name="second")),
         ["second", "Dense"]),
        ("linear-2-units", lambda: seq(tv(output_mode="count"), keras.layers.Dense(2)),
         ["Dense(2)", "linear"]),
        ("sparse", lambda: seq(tv(output_mode="count", sparse=True),
                               keras.layers.Dense(1, activation="sigmoid")),
         ["sparse"]),
        ("callable-standardize", lambda: seq(
            keras.layers.TextVectorization(output_mode="count", standardize=tf.strings.lower,
                                           vocabulary=["a", "b"]),
            keras.layers.Dense(1, activation="sigmoid")), ["standardize"]),
        ("no-vectorization", lambda: keras.Sequential([keras.Input(shape=(3,)),
                                                       keras.layers.Dense(1)]),
         ["first layer must be TextVectorization"]),
    ]
    for name, make, words in cases:
        try:
            model = make()
        except Exception as e:  # Keras refusing the config itself is no test of ours
            rep.check(False, "refuse/" + name, "could not build the model: %s" % e)
            continue
        try:
            write_model(model, os.path.join(workdir, "refused-" + name), labels=None)
            rep.check(False, "refuse/" + name, "exported without a refusal")
        except Refuse as e:
            msg = str(e)
            rep.check(all(w in msg for w in words), "refuse/" + name, msg)
        if os.path.exists(os.path.join(workdir, "refused-" + name)):
            rep.check(False, "refuse/" + name + "/no-output", "a directory was written")
    # the command line: a missing file and a wrong --labels count
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_keras.py"),
                        "--model", os.path.join(workdir, "missing.keras"), "--out",
                        os.path.join(workdir, "x")], capture_output=True, text=True)
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    rep.check(p.returncode == 1 and "missing.keras: no such file" in last,
              "refuse/cli-missing-file", last)
    m = seq(tv(output_mode="count"), keras.layers.Dense(1, activation="sigmoid"))
    try:
        write_model(m, os.path.join(workdir, "labels"), labels="a,b,c")
        rep.check(False, "refuse/labels-count", "exported")
    except Refuse as e:
        rep.check("--labels" in str(e) and "2" in str(e), "refuse/labels-count", str(e))


def main():
    args = parse_args()
    ensure_keras_python(args)
    sys.path.insert(0, HERE)
    sys.path.insert(0, os.path.join(ROOT, "python"))
    from parity_common import Corpus, Reporter
    import keras
    import tensorflow as tf
    rep = Reporter()
    rep.note("keras %s, tensorflow %s, python %s" % (keras.__version__, tf.__version__,
                                                     sys.version.split()[0]))
    corpus = Corpus(rep)
    only = set(args.only.split(",")) if args.only else None
    t0 = time.time()
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="keras-parity-") as wd:
        eval_path = os.path.join(wd, "eval.txt")
        corpus.write_eval_file(eval_path)
        for cfg in CONFIGS:
            if only and cfg[0] not in only:
                continue
            d = run_config(rep, args, cfg, corpus, eval_path, wd)
            if d is not None:
                worst = max(worst, d)
        if not only or "refusals" in only:
            refusals(rep, wd)
    rep.note("max |delta| over all configs: %.3g; suite time %.0f s" % (worst, time.time() - t0))
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
