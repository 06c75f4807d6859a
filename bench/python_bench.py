#!/usr/bin/python3
"""bench/python_bench.py - textclf.Model in-process against scikit-learn in the same
process, and against `textclf predict` (the binding's overhead), on the bench bigram model
(bench/train_models.py: TfidfVectorizer(ngram_range=(1,2), min_df=2, sublinear_tf=True) +
LogisticRegression on IMDB train, pickled by Debian's scikit-learn) over IMDB test.

    make bench-python              # = PYTHONPATH=python TEXTCLF_LIB=build/libtextclf.so.1 \\
                                   #   $(PYTHON) bench/python_bench.py
    bench/python_bench.py --rounds 5 --data ../shared/data --bin build/textclf

Per round, in alternating order: scikit-learn `clf.predict_proba(vec.transform(texts))`
once, then --repeat times each: `Model.predict_proba(texts)` on str and on UTF-8 bytes,
one thread, and with threads=2; the C call alone on texts packed beforehand;
`textclf predict --threads 1 --input FILE >/dev/null` (its load time, measured on an empty
input each time, subtracted); two Python threads calling Model.predict_proba on half the
texts each (the GIL is released in C, so they run at once). Medians over rounds of docs/s
(wall) and docs per CPU-second (steadier on a shared machine). Model and sklearn are
also compared on all texts (max |dp|). Writes Markdown to stdout and to
bench/results/python-latest.md (--out).

Targets (issue 14): Model >= 20x scikit-learn's docs/s; Model's time <= 1.10x textclf
predict's.
"""
import argparse
import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import textclf_common as common  # noqa: E402  (also puts python/ on sys.path)

common.ensure_sklearn_python()

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import textclf  # noqa: E402
import textclf._lib  # noqa: E402


def log(msg):
    print("python_bench: " + msg, file=sys.stderr, flush=True)


def ensure_model(data, work):
    """The bench bigram model's pickles (bench/train_models.py, cached in bench/work as
    `make bench` does) and its export."""
    d = os.path.join(work, "models", "bigram")
    vp, cp = os.path.join(d, "tfidf_vectorizer.pkl"), os.path.join(d, "classifier.pkl")
    if not (os.path.exists(vp) and os.path.exists(cp)):
        log("training the bigram model (bench/train_models.py)")
        subprocess.run([sys.executable, os.path.join(HERE, "train_models.py"), "--data", data,
                        "--out", os.path.join(work, "models"), "--only", "bigram"], check=True)
    tdir = os.path.join(d, "textclf")
    manifest = os.path.join(tdir, "manifest.json")
    if not os.path.exists(manifest) or os.path.getmtime(manifest) < os.path.getmtime(cp):
        log("exporting the bigram model")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_sklearn.py"),
                        "--vectorizer", vp, "--classifier", cp, "--out", tdir], check=True)
    return vp, cp, tdir


def timed(fn):
    """(result, wall seconds, CPU seconds of this process)."""
    c0, t0 = time.process_time(), time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t0, time.process_time() - c0


def timed_cli(argv):
    """(wall seconds, CPU seconds) of a child process, its output to /dev/null."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as null:
        subprocess.run(argv, stdout=null, check=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def c_only(model, texts):
    """textclf_predict on texts already packed: the engine in-process, without the
    binding's Python work (encoding, packing, arrays). Returns (wall, CPU) of the call."""
    import ctypes
    from textclf.model import _encode, _text_array
    buf, lens = _encode(texts)
    arr = _text_array(buf, lens)
    n = len(texts)
    labels, values = np.empty(n, dtype=np.int32), np.empty((n, 2))
    status, err = np.zeros(n, dtype=np.int32), ctypes.create_string_buffer(512)
    _, wall, cpu = timed(lambda: model._lib.textclf_predict(
        model._h, arr.ctypes.data, n, 1, labels.ctypes.data, values.ctypes.data,
        status.ctypes.data, err))
    return wall, cpu


def two_threads(model, texts):
    half = len(texts) // 2
    parts, out = [texts[:half], texts[half:]], [None, None]

    def run(i):
        out[i] = model.predict_proba(parts[i], threads=1)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return np.vstack(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.environ.get("TEXTCLF_DATA", os.path.join(ROOT, "..",
                                                                                  "shared", "data")))
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "textclf"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each textclf measurement per round (scikit-learn: one)")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "python-latest.md"))
    args = ap.parse_args()
    data = args.data if os.path.isabs(args.data) else os.path.join(ROOT, args.data)
    os.makedirs(args.work, exist_ok=True)
    vp, cp, tdir = ensure_model(data, args.work)
    _, texts = common.read_tsv(os.path.join(data, "imdb", "test.tsv"))
    n = len(texts)
    inp = os.path.join(args.work, "imdb-test-%d.txt" % n)
    if not os.path.exists(inp):
        with open(inp, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(t + "\n" for t in texts))
    empty = os.path.join(args.work, "empty.txt")
    open(empty, "w").close()
    encoded = [t.encode("utf-8") for t in texts]

    vec, clf = joblib.load(vp), joblib.load(cp)
    model = textclf.Model(tdir)
    lib = textclf._lib.path()
    log("textclf %s (%s), scikit-learn %s, %d texts, %d rounds" % (
        textclf.__version__, lib, sklearn.__version__, n, args.rounds))

    cli = [args.bin, "predict", "--model", tdir, "--threads", "1", "--input"]
    res = {k: [] for k in ("sklearn", "model", "model_bytes", "model_c", "model_t2", "cli",
                           "two_threads")}
    maxd = 0.0
    for r in range(args.rounds):
        order = ["sklearn"] + ["model", "cli", "model_c", "model_bytes", "model_t2",
                               "two_threads"] * args.repeat
        if r % 2:
            order.reverse()
        for what in order:
            if what == "sklearn":
                p, wall, cpu = timed(lambda: clf.predict_proba(vec.transform(texts)))
                sk = p
            elif what == "model":
                p, wall, cpu = timed(lambda: model.predict_proba(texts, threads=1))
                mine = p
            elif what == "model_bytes":
                _, wall, cpu = timed(lambda: model.predict_proba(encoded, threads=1))
            elif what == "model_c":
                wall, cpu = c_only(model, texts)
            elif what == "model_t2":
                _, wall, cpu = timed(lambda: model.predict_proba(texts, threads=2))
            elif what == "two_threads":
                p, wall, cpu = timed(lambda: two_threads(model, texts))
                assert p.tobytes() == model.predict_proba(texts).tobytes()
            else:
                load_wall, load_cpu = timed_cli(cli + [empty])
                wall, cpu = timed_cli(cli + [inp])
                wall, cpu = wall - load_wall, cpu - load_cpu
            res[what].append((wall, cpu))
        maxd = max(maxd, float(np.abs(sk - mine).max()))
        log("round %d: " % (r + 1) + ", ".join("%s %.3f s" % (k, v[-1][0]) for k, v in res.items()))

    def med(key, i):
        return statistics.median(v[i] for v in res[key])

    rows = [("scikit-learn `predict_proba(vec.transform(texts))`", "sklearn"),
            ("`textclf.Model.predict_proba(texts)`, str, threads=1", "model"),
            ("`textclf.Model.predict_proba(texts)`, UTF-8 bytes, threads=1", "model_bytes"),
            ("the C call alone (`textclf_predict` on texts packed beforehand), threads=1",
             "model_c"),
            ("`textclf predict --threads 1` (load time subtracted)", "cli"),
            ("`textclf.Model.predict_proba(texts, threads=2)`", "model_t2"),
            ("two Python threads, each `predict_proba` on half, threads=1", "two_threads")]
    lines = ["# textclf.Model (Python) vs scikit-learn and `textclf predict`", "",
             "%s UTC, textclf %s, scikit-learn %s, Python %s, numpy %s, %s, %d CPUs, load "
             "average %.2f at the end." % (
                 datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                 git_rev(), sklearn.__version__, platform.python_version(), np.__version__,
                 platform.machine(), os.cpu_count(), os.getloadavg()[0]),
             "Bench bigram model (%d features), IMDB test (%d reviews, %.1f MB), medians of %d "
             "rounds (textclf rows: %d runs a round) in alternating order; `%s`." % (
                 model.info["vectorizer"]["n_features"], n,
                 os.path.getsize(inp) / 1e6, args.rounds, args.repeat,
                 "make bench-python"), "",
             "| what | s (wall) | docs/s | docs per CPU-second |", "|---|---:|---:|---:|"]
    for label, key in rows:
        w, c = med(key, 0), med(key, 1)
        lines.append("| %s | %.3f | %s | %s |" % (label, w, "{:,.0f}".format(n / w),
                                                  "{:,.0f}".format(n / c)))
    sk_w, m_w, cli_w, c_w = med("sklearn", 0), med("model", 0), med("cli", 0), med("model_c", 0)
    sk_c, m_c, cli_c = med("sklearn", 1), med("model", 1), med("cli", 1)
    lines += ["",
              "- Model vs scikit-learn, same process: **%.1f×** docs/s (%.1f× per CPU-second); "
              "target ≥ 20×." % (sk_w / m_w, sk_c / m_c),
              "- Model vs `textclf predict`: Model takes **%+.1f%%** time (%+.1f%% CPU); "
              "target ≤ +10%%." % (100 * (m_w / cli_w - 1), 100 * (m_c / cli_c - 1)),
              "- Model %.0f ms, the C call alone on the same texts packed beforehand %.0f ms: "
              "the binding's Python work (UTF-8 encoding, packing) overlaps the C calls of a "
              "large batch." % (1e3 * m_w, 1e3 * c_w),
              "- max |Model − scikit-learn| over all %d texts: %.3g." % (n, maxd)]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    model.close()
    return 0


def git_rev():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
