#!/usr/bin/python3
"""bench/offline.py - the scikit-learn side of the offline benchmark, run in a fresh process
per measurement so that its timings and peak RSS are not disturbed by the driver.

  offline.py load    --model PKLDIR
      joblib.load of tfidf_vectorizer.pkl + classifier.pkl; prints one JSON line
      {"load_s", "import_s", "maxrss_kb"} (load_s excludes the interpreter and the
      sklearn/joblib imports, import_s is those imports).
  offline.py predict --model PKLDIR --input TEXTS --out PROBS
      the seed's path: load, then VECTORIZER.transform + CLASSIFIER.predict_proba over all
      lines of TEXTS (one document a line) in one call; writes one line per document,
      `label<TAB>p_class0<TAB>p_class1...` (repr floats, classes in classes_ order) and
      prints {"load_s", "predict_s", "docs", "bytes", "maxrss_kb", "classes"}.
"""
import argparse
import json
import os
import resource
import sys
import time


def maxrss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load(model_dir):
    t0 = time.perf_counter()
    import joblib  # noqa: F401  (timed separately: the seed pays it at every start)
    import sklearn  # noqa: F401
    t1 = time.perf_counter()
    vec = joblib.load(os.path.join(model_dir, "tfidf_vectorizer.pkl"))
    clf = joblib.load(os.path.join(model_dir, "classifier.pkl"))
    t2 = time.perf_counter()
    return vec, clf, t1 - t0, t2 - t1


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [l.decode("utf-8") for l in lines], len(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["load", "predict"])
    ap.add_argument("--model", required=True)
    ap.add_argument("--input")
    ap.add_argument("--out")
    args = ap.parse_args()
    vec, clf, import_s, load_s = load(args.model)
    if args.cmd == "load":
        print(json.dumps({"load_s": load_s, "import_s": import_s, "maxrss_kb": maxrss_kb()}))
        return 0
    if not args.input or not args.out:
        ap.error("predict needs --input and --out")
    texts, nbytes = read_lines(args.input)
    t0, c0 = time.perf_counter(), time.process_time()
    proba = clf.predict_proba(vec.transform(texts))
    predict_s, predict_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    classes = [str(c) for c in clf.classes_]
    with open(args.out, "w", encoding="utf-8") as f:
        for row in proba:
            best = max(range(len(row)), key=lambda i: row[i])
            f.write(classes[best] + "\t" + "\t".join(repr(float(p)) for p in row) + "\n")
    print(json.dumps({"load_s": load_s, "import_s": import_s, "predict_s": predict_s,
                      "predict_cpu_s": predict_cpu_s,
                      "docs": len(texts), "bytes": nbytes, "maxrss_kb": maxrss_kb(),
                      "classes": classes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
