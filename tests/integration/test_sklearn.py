"""/invocations compared with scikit-learn itself, not with textclf's own CLI: pipelines
fitted here with scikit-learn (TfidfVectorizer + LogisticRegression, binary and
3-class multinomial), exported with tools/export_sklearn.py, served by the real daemon;
every answer's label must be the pipeline's predict() and every probability its
predict_proba() within 1e-9, in JSON and CSV responses, on real sentences (SST-2 dev,
IMDB, RT when $TEXTCLF_DATA has them), the Unicode torture lines and the HTTP suite's
texts. Runs under a python3 with scikit-learn (tools/find-python.sh; Debian's
/usr/bin/python3 has python3-sklearn); without one it fails, it does not skip.

    /usr/bin/python3 tests/integration/test_sklearn.py --bin build/textclf --build build
"""
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402
from common import check  # noqa: E402
import test_http as H  # noqa: E402

TOL = 1e-9
TORTURE = os.path.join(C.REPO, "tests", "parity", "unicode_torture.txt")


def data_root():
    root = os.environ.get("TEXTCLF_DATA", os.path.join(C.REPO, "..", "shared", "data"))
    return root if os.path.isabs(root) else os.path.join(C.REPO, root)


def read_tsv(name, n, rnd):
    """Up to n (label, text) rows of $TEXTCLF_DATA/name, a random sample; [] if absent."""
    path = os.path.join(data_root(), name)
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        next(f)
        rows = [tuple(line.rstrip("\n").split("\t", 1)) for line in f]
    rows = [r for r in rows if len(r) == 2]
    return rnd.sample(rows, min(n, len(rows)))


def corpora(rnd):
    """(train, eval): lists of (label, text, source). Synthetic when the corpora are
    missing (said so), so the check still compares with scikit-learn."""
    parts = {"sst2": read_tsv("sst2/train.tsv", 1500, rnd), "imdb": read_tsv("imdb/train.tsv", 600, rnd),
             "rt": read_tsv("rt-polarity/all.tsv", 900, rnd)}
    if not all(parts.values()):
        print("(no corpora under %s: synthetic texts)" % data_root(), flush=True)
        words = ["good", "bad", "great", "awful", "movie", "plot", "boring", "fun", "acting", "not",
                 "café", "naïve", "Straße", "ǅemal"]
        for k, src in enumerate(("sst2", "imdb", "rt")):
            parts[src] = [("positive" if rnd.random() < 0.5 else "negative",
                           " ".join(rnd.choice(words[k:] + words[:k]) for _ in range(rnd.randint(3, 30))))
                          for _ in range(600)]
    rows = [(lab, text, src) for src, rs in parts.items() for lab, text in rs]
    rnd.shuffle(rows)
    cut = len(rows) * 4 // 5
    return rows[:cut], rows[cut:]


def eval_texts(held_out):
    texts = [t for _, t, _ in held_out[:400]] + list(H.TEXTS)
    with open(TORTURE, encoding="utf-8", newline="") as f:
        texts += [t for t in f.read().split("\n") if t]
    return texts


def serve_and_compare(binary, name, model_dir, texts, labels, proba, classes):
    try:
        proc, port, _ = C.start_daemon(binary, model_dir)
    except RuntimeError as e:
        check("sklearn/%s: daemon starts" % name, False, str(e))
        return
    try:
        body = json.dumps({"instances": texts})
        for accept in ("application/json", "text/csv"):
            st, hdr, data = C.invoke(port, body, "application/json", accept)
            why = "" if st == 200 else "status %d %r" % (st, data[:200])
            got = []
            if not why and accept == "application/json":
                for p in json.loads(data)["predictions"]:
                    got.append((p["label"], [p["probabilities"][c] for c in classes],
                                list(p["probabilities"])))
            elif not why:
                for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
                    got.append((row[0], [float(v) for v in row[1:]], classes))
            if not why and len(got) != len(texts):
                why = "%d predictions for %d texts" % (len(got), len(texts))
            worst = 0.0
            for i, (label, probs, order) in enumerate(got):
                if why:
                    break
                if order != classes:
                    why = "text %d: classes %r, scikit-learn's %r" % (i, order, classes)
                elif label != labels[i]:
                    why = "text %d %r: label %r, predict() %r" % (i, texts[i], label, labels[i])
                else:
                    d = max(abs(a - b) for a, b in zip(probs, proba[i]))
                    worst = max(worst, d)
                    if d > TOL:
                        why = "text %d %r: %r, predict_proba %r" % (i, texts[i], probs, proba[i])
            check("sklearn/%s: %d answers (%s) = predict / predict_proba (max |diff| %.1e)"
                  % (name, len(texts), accept, worst), not why, why)
    finally:
        proc.cleanup()


def main():
    args = C.parse_args()
    try:
        import joblib
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
    except ImportError as e:
        check("sklearn/scikit-learn importable by %s" % sys.executable, False,
              "%s (run with tools/find-python.sh's python, or apt-get install python3-sklearn)" % e)
        C.finish()
    rnd = random.Random(13)
    train, held_out = corpora(rnd)
    texts = eval_texts(held_out)
    tmp = tempfile.mkdtemp(prefix="textclf-sklearn-")
    try:
        golden = os.path.join(tmp, "golden.txt")
        with open(golden, "w", encoding="utf-8") as f:
            f.write("".join(t + "\n" for t in texts[:20] if "\n" not in t and "\r" not in t))
        cases = [
            ("binary LogisticRegression, word 1-2-grams, sublinear tf",
             [lab for lab, _, _ in train],
             Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
                       ("clf", LogisticRegression(C=4.0, max_iter=2000))])),
            ("3-class multinomial LogisticRegression (which corpus), max_df, no idf smoothing",
             [src for _, _, src in train],
             Pipeline([("tfidf", TfidfVectorizer(max_df=0.5, smooth_idf=False, norm="l2")),
                       ("clf", LogisticRegression(C=10.0, max_iter=3000))])),
        ]
        for k, (name, y, pipe) in enumerate(cases):
            pipe.fit([t for _, t, _ in train], y)
            pkl = os.path.join(tmp, "pipe%d.joblib" % k)
            joblib.dump(pipe, pkl)
            out = os.path.join(tmp, "model%d" % k)
            r = subprocess.run([sys.executable, os.path.join(C.REPO, "tools", "export_sklearn.py"),
                                "--pipeline", pkl, "--out", out, "--golden", golden],
                               capture_output=True, text=True)
            if not check("sklearn/%s: exported" % name, r.returncode == 0, r.stderr[-400:]):
                continue
            classes = [str(c) for c in pipe.classes_]
            labels = [str(c) for c in pipe.predict(texts)]
            proba = pipe.predict_proba(texts).tolist()
            serve_and_compare(args.bin, name, out, texts, labels, proba, classes)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


if __name__ == "__main__":
    main()
