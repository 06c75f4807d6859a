#!/usr/bin/python3
"""tools/export_sklearn.py: refusals, both input paths, manifest checksums, and
`textclf check` on good and tampered model directories.

Models are fitted on the small synthetic corpus of parity_common (the exporter's behaviour
does not depend on the data), so this runs in seconds.

    $PYTHON tests/parity/test_exporter.py --bin build/textclf --build build

Prints PASS/FAIL lines; exits 1 on any failure.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parity_common as pc  # noqa: E402

pc.common.ensure_sklearn_python()

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.feature_extraction.text import (CountVectorizer, TfidfTransformer,  # noqa: E402
                                             TfidfVectorizer)
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

rep = pc.Reporter()


def run_check(binary, d):
    p = subprocess.run([binary, "check", "--model", d], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def data():
    c = pc.synthetic_corpus()
    labels, texts = c["sst2/train.tsv"]
    li, ti = c["imdb/train.tsv"]
    return texts + ti[:300], labels + li[:300]


def fitted(vec, clf, texts, labels):
    X = vec.fit_transform(texts)
    clf.fit(X, labels)
    return vec, clf


def dump(tmp, name, obj):
    p = os.path.join(tmp, name)
    joblib.dump(obj, p)
    return p


def refusals(tmp, texts, labels):
    y = labels

    def vec_case(name, vec, param, clf=None):
        """Fits vec (+ LogisticRegression) and expects the exporter to refuse, naming param."""
        try:
            v, c = fitted(vec, clf or LogisticRegression(max_iter=500), texts, y)
        except Exception as e:  # sklearn itself refused the setting
            rep.check(False, "exporter/refuse-" + name, "sklearn could not fit: %s" % e)
            return
        vp, cp = dump(tmp, name + "-v.pkl", v), dump(tmp, name + "-c.pkl", c)
        expect_refusal(name, ["--vectorizer", vp, "--classifier", cp], param)

    # custom patterns are exported (tests/python/test_sklearn_coverage.py) unless the
    # engine cannot reproduce them: (?i) is one of those
    vec_case("token_pattern", TfidfVectorizer(token_pattern=r"(?i)\b\w+\b"), "token_pattern")
    # char analyzers are exported (tests/python/test_sklearn_coverage.py) up to 32 chars
    vec_case("analyzer-char-ngram_range-33", TfidfVectorizer(analyzer="char", ngram_range=(33, 33)),
             "ngram_range")
    vec_case("analyzer-callable", TfidfVectorizer(analyzer=str.split), "analyzer")
    vec_case("tokenizer-callable", TfidfVectorizer(tokenizer=str.split, token_pattern=None),
             "tokenizer")
    vec_case("preprocessor-callable", TfidfVectorizer(preprocessor=str.upper), "preprocessor")
    vec_case("strip_accents-callable", TfidfVectorizer(strip_accents=str.lower), "strip_accents")
    vec_case("dtype-float32", TfidfVectorizer(dtype=np.float32), "dtype")
    vec_case("ngram_range-9", TfidfVectorizer(ngram_range=(1, 9), max_features=2000),
             "ngram_range")

    # Parameters that cannot be fitted on these texts are set on a fitted vectorizer.
    for pname, value in (("input", "filename"), ("encoding", "latin-1"),
                         ("decode_error", "replace"), ("lowercase", "yes")):
        v, c = fitted(TfidfVectorizer(), LogisticRegression(max_iter=500), texts, y)
        setattr(v, pname, value)
        vp, cp = dump(tmp, pname + "-v.pkl", v), dump(tmp, pname + "-c.pkl", c)
        expect_refusal(pname + "-" + str(value), ["--vectorizer", vp, "--classifier", cp], pname)

    # CountVectorizer float32 counts through a TfidfTransformer.
    pipe = Pipeline([("c", CountVectorizer(dtype=np.float32)), ("t", TfidfTransformer()),
                     ("m", LogisticRegression(max_iter=500))]).fit(texts, y)
    expect_refusal("count-dtype-float32", ["--pipeline", dump(tmp, "cf32.pkl", pipe)], "dtype")

    # A vocabulary_ term that is not a str, and one that vocab.tsv cannot hold.
    v, c = fitted(TfidfVectorizer(), LogisticRegression(max_iter=500), texts, y)
    voc = dict(v.vocabulary_)
    k0 = next(iter(voc))
    voc[b"bytes-term"] = voc.pop(k0)
    v.vocabulary_ = voc
    expect_refusal("vocabulary-non-str", ["--vectorizer", dump(tmp, "vb.pkl", v),
                                          "--classifier", dump(tmp, "vbc.pkl", c)], "vocabulary_")
    v = TfidfVectorizer(vocabulary=["good", "bad", "tab\tterm", "film"]).fit(texts)
    c = LogisticRegression().fit(v.transform(texts), y)
    expect_refusal("vocabulary-tab", ["--vectorizer", dump(tmp, "vt.pkl", v),
                                      "--classifier", dump(tmp, "vtc.pkl", c)], "vocabulary_")

    # Unsupported or inconsistent classifiers.
    v = TfidfVectorizer(min_df=2).fit(texts)
    X = v.transform(texts)
    vp = dump(tmp, "v.pkl", v)
    rf = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    expect_refusal("classifier-randomforest", ["--vectorizer", vp, "--classifier",
                                               dump(tmp, "rf.pkl", rf)], "RandomForestClassifier")
    other = TfidfVectorizer(ngram_range=(1, 2)).fit(texts)
    lr_other = LogisticRegression(max_iter=500).fit(other.transform(texts), y)
    expect_refusal("n_features-mismatch", ["--vectorizer", vp, "--classifier",
                                           dump(tmp, "lro.pkl", lr_other)], "n_features")
    y3 = [("a" if i % 3 == 0 else "b" if i % 3 == 1 else "c") for i in range(len(y))]
    svc = SVC(kernel="linear", decision_function_shape="ovo").fit(X[:300], y3[:300])
    expect_refusal("svc-ovo", ["--vectorizer", vp, "--classifier", dump(tmp, "ovo.pkl", svc)],
                   "decision_function_shape")
    svc = SVC(kernel="linear", break_ties=True).fit(X[:300], y3[:300])
    expect_refusal("svc-break_ties", ["--vectorizer", vp, "--classifier",
                                      dump(tmp, "bt.pkl", svc)], "break_ties")
    svc = SVC(kernel="precomputed")
    K = (X[:200] @ X[:200].T).toarray()
    svc.fit(K, y[:200])
    expect_refusal("svc-precomputed", ["--vectorizer", vp, "--classifier",
                                       dump(tmp, "pc.pkl", svc)], "kernel")
    unfit = LogisticRegression()
    expect_refusal("classifier-unfitted", ["--vectorizer", vp, "--classifier",
                                           dump(tmp, "unfit.pkl", unfit)], "not fitted")
    expect_refusal("vectorizer-unfitted", ["--vectorizer", dump(tmp, "vu.pkl", TfidfVectorizer()),
                                           "--classifier", dump(tmp, "lr.pkl", LogisticRegression(
                                               max_iter=500).fit(X, y))], "not fitted")
    pipe4 = Pipeline([("c", CountVectorizer()), ("t", TfidfTransformer()),
                      ("t2", TfidfTransformer()), ("m", LogisticRegression())]).fit(texts, y)
    expect_refusal("pipeline-4-steps", ["--pipeline", dump(tmp, "p4.pkl", pipe4)], "steps")
    expect_refusal("missing-file", ["--vectorizer", os.path.join(tmp, "nope.pkl"),
                                    "--classifier", vp], "nope.pkl")
    with open(os.path.join(tmp, "garbage.pkl"), "wb") as f:
        f.write(b"not a pickle at all\n")
    expect_refusal("garbage-pickle", ["--pipeline", os.path.join(tmp, "garbage.pkl")],
                   "garbage.pkl")
    # --out that is a non-empty directory that is not a model is never replaced.
    od = os.path.join(tmp, "precious")
    os.makedirs(od, exist_ok=True)
    with open(os.path.join(od, "keep.txt"), "w") as f:
        f.write("user data\n")
    lr = dump(tmp, "lr2.pkl", LogisticRegression(max_iter=500).fit(X, y))
    r = pc.export(["--vectorizer", vp, "--classifier", lr, "--out", od])
    rep.check(r.returncode != 0 and os.path.isfile(os.path.join(od, "keep.txt")) and
              not os.path.exists(os.path.join(od, "manifest.json")),
              "exporter/refuse-out-not-a-model-dir", r.stderr.strip()[:200])


def expect_refusal(name, exargs, param):
    out = os.path.join(TMP, "out-" + name)
    r = pc.export(exargs + ["--out", out])
    msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    ok = (r.returncode != 0 and param in msg and "Traceback" not in r.stderr and
          not os.path.exists(out))
    rep.check(ok, "exporter/refuse-" + name, "exit %d, message: %s" % (r.returncode, msg[:240]))


def manifest_checks(d, name):
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    files = m["files"]
    problems = []
    on_disk = sorted(f for f in os.listdir(d) if f != "manifest.json")
    if sorted(files) != on_disk:
        problems.append("files listed %s, on disk %s" % (sorted(files), on_disk))
    for fn, meta in files.items():
        p = os.path.join(d, fn)
        if not os.path.isfile(p):
            problems.append("%s missing" % fn)
            continue
        if os.path.getsize(p) != meta["bytes"]:
            problems.append("%s size" % fn)
        if pc.common.sha256_file(p) != meta["sha256"]:
            problems.append("%s sha256" % fn)
    for ref in (m["vectorizer"]["vocabulary"], m["classifier"]["file"], m["golden"]):
        if ref not in files:
            problems.append("%s not in files" % ref)
    rep.check(not problems, "exporter/manifest-checksums-" + name,
              "; ".join(problems) if problems else "%d files, sizes and sha256 verified"
              % len(files))
    return m


def paths_and_checks(tmp, texts, labels, binary):
    """--pipeline and --vectorizer/--classifier give identical models; check accepts them."""
    stop = ["the", "a", "film", "ΣΟΦΟΣ", "café"]
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words=stop,
                          strip_accents="unicode", lowercase=True)
    clf = LogisticRegression(C=2.0, max_iter=1000)
    pipe = Pipeline([("tfidf", vec), ("clf", clf)]).fit(texts, labels)
    pp = dump(tmp, "pipe.pkl", pipe)
    vp = dump(tmp, "pv.pkl", pipe.named_steps["tfidf"])
    cp = dump(tmp, "pc.pkl", pipe.named_steps["clf"])
    golden = os.path.join(tmp, "golden.txt")
    gtexts = ["custom golden one: superb film", "ΣΟΦΟΣ café É", "", "awful\rwith CR"]
    with open(golden, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(gtexts) + "\n")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    outs = {}
    for label, ex in (("pipeline", ["--pipeline", pp]),
                      ("pair", ["--vectorizer", vp, "--classifier", cp])):
        out = os.path.join(tmp, "model-" + label)
        r = subprocess.run([sys.executable, pc.EXPORTER] + ex + ["--out", out], env=env,
                           capture_output=True, text=True)
        rep.check(r.returncode == 0, "exporter/path-" + label,
                  (r.stderr.strip().splitlines() or [""])[-1][-300:])
        if r.returncode != 0:
            return None
        outs[label] = out
        m = manifest_checks(out, label)
        rc, txt = run_check(binary, out)
        rep.check(rc == 0, "exporter/textclf-check-accepts-" + label,
                  txt.strip().splitlines()[-1] if txt.strip() else "")
    a, b = outs["pipeline"], outs["pair"]
    same = [f for f in ("vocab.tsv", "stopwords.txt", "linear.tsv", "golden.jsonl")
            if pc.file_hash(os.path.join(a, f)) == pc.file_hash(os.path.join(b, f))]
    rep.check(len(same) == 4, "exporter/pipeline-equals-pair",
              "identical: %s" % same)
    # Manifest content reflects the sklearn parameters.
    v = m["vectorizer"]
    want = {"lowercase": True, "strip_accents": "unicode", "ngram_range": [1, 2],
            "sublinear_tf": True, "use_idf": True, "smooth_idf": True, "norm": "l2",
            "binary": False, "stop_words": "stopwords.txt",
            "n_features": len(pipe.named_steps["tfidf"].vocabulary_)}
    bad = {k: v.get(k) for k in want if v.get(k) != want[k]}
    with open(os.path.join(b, "stopwords.txt"), encoding="utf-8") as f:
        sw = f.read().split("\n")
    sw_ok = sw[0] == "textclf-stopwords\t1\t%d" % len(stop) and sw[1:-1] == sorted(stop)
    rep.check(not bad and sw_ok and m["provenance"]["created"] == "2023-11-14T22:13:20Z",
              "exporter/manifest-params", "mismatches %s, stopwords %s, created %s" % (
                  bad, "ok" if sw_ok else sw[:3], m["provenance"]["created"]))
    # --golden: the custom texts (incl. empty and CR) are the golden samples.
    out = os.path.join(tmp, "model-golden")
    r = pc.export(["--pipeline", pp, "--golden", golden, "--out", out])
    ok = r.returncode == 0
    if ok:
        with open(os.path.join(out, "golden.jsonl"), encoding="utf-8") as f:
            recs = [json.loads(ln) for ln in f]
        ok = [g["text"] for g in recs][:len(gtexts)] == gtexts and len(recs) >= 20
        rc, txt = run_check(binary, out)
        ok = ok and rc == 0
    rep.check(ok, "exporter/golden-option", "custom golden texts stored first (then the "
              "built-in ones) and verified by textclf check" if ok else r.stderr.strip()[-300:])
    # CountVectorizer + TfidfTransformer given as --vectorizer pipeline.
    cv = Pipeline([("c", CountVectorizer(min_df=2, binary=True)),
                   ("t", TfidfTransformer(norm="l1", use_idf=False))])
    X = cv.fit_transform(texts)
    sgd = SGDClassifier(loss="hinge", random_state=0).fit(X, labels)
    out = os.path.join(tmp, "model-count")
    r = pc.export(["--vectorizer", dump(tmp, "cv.pkl", cv), "--classifier",
                   dump(tmp, "sgd.pkl", sgd), "--out", out])
    ok = r.returncode == 0
    detail = r.stderr.strip()[-300:]
    if ok:
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            mm = json.load(f)
        mv = mm["vectorizer"]
        ok = (mv["binary"] is True and mv["norm"] == "l1" and mv["use_idf"] is False and
              mm["classifier"]["probability"] == "none")
        rc, txt = run_check(binary, out)
        ok = ok and rc == 0
        detail = "binary/l1/use_idf=False/scores; check exit %d" % rc
    rep.check(ok, "exporter/vectorizer-count-tfidf-pipeline", detail)
    return b


def tamper(tmp, good, binary):
    """Every tampered copy must be refused by `textclf check` (and by predict), with a
    message naming the file."""
    with open(os.path.join(good, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)

    def copy(name):
        d = os.path.join(tmp, "tamper-" + name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(good, d)
        return d

    def rewrite_manifest(d, fn=None, edit=None):
        m = json.loads(json.dumps(manifest))
        if fn:
            p = os.path.join(d, fn)
            m["files"][fn] = {"sha256": pc.common.sha256_file(p), "bytes": os.path.getsize(p)}
        if edit:
            edit(m)
        with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(m, f, indent=2, ensure_ascii=False)

    def expect(name, d, *needles):
        rc, txt = run_check(binary, d)
        p = subprocess.run([binary, "predict", "--model", d], input=b"good film\n",
                           capture_output=True)
        low = txt.lower()
        ok = rc != 0 and p.returncode != 0 and all(n.lower() in low for n in needles) and \
            "AddressSanitizer" not in txt
        first = " | ".join(ln for ln in txt.strip().splitlines() if ln.strip())[-300:]
        rep.check(ok, "exporter/check-refuses-" + name,
                  "check exit %d, predict exit %d: %s" % (rc, p.returncode, first))

    def flip(path, offset_from_end=None, offset=None):
        with open(path, "rb") as f:
            b = bytearray(f.read())
        i = offset if offset is not None else len(b) - offset_from_end
        b[i] ^= 0x01
        with open(path, "wb") as f:
            f.write(b)

    d = copy("vocab-byte")
    flip(os.path.join(d, "vocab.tsv"), offset=len("textclf-vocab\t1\t") + 40)
    expect("vocab-flipped-byte", d, "vocab.tsv")
    d = copy("linear-byte")
    flip(os.path.join(d, "linear.tsv"), offset_from_end=3)
    expect("linear-flipped-byte", d, "linear.tsv")
    d = copy("golden-checksum")
    gp = os.path.join(d, "golden.jsonl")
    with open(gp, encoding="utf-8") as f:
        lines = f.read().split("\n")
    g = json.loads(lines[0])
    g["label"] = [c for c in manifest["classes"] if c != g["label"]][0]
    lines[0] = json.dumps(g, ensure_ascii=False)
    with open(gp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    expect("golden-edited-checksum", d, "golden.jsonl")
    # Same edit with a matching checksum: only the self-verification can catch it.
    rewrite_manifest(d, "golden.jsonl")
    expect("golden-label-edited", d, "golden")
    d = copy("golden-prob")
    gp = os.path.join(d, "golden.jsonl")
    with open(gp, encoding="utf-8") as f:
        lines = f.read().split("\n")
    g = json.loads(lines[1])
    c0 = manifest["classes"][0]
    g["probabilities"][c0] = g["probabilities"][c0] + 1e-7
    lines[1] = json.dumps(g, ensure_ascii=False)
    with open(gp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    rewrite_manifest(d, "golden.jsonl")
    expect("golden-probability-off-by-1e-7", d, "golden")
    # A weight changed with a matching checksum: the golden samples catch it.
    d = copy("weight")
    lp = os.path.join(d, "linear.tsv")
    with open(lp, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[3] = "intercept\t%r" % (float(lines[3].split("\t")[1]) + 0.5)
    with open(lp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    rewrite_manifest(d, "linear.tsv")
    expect("intercept-edited-rechecksummed", d, "golden")
    d = copy("missing")
    os.remove(os.path.join(d, "stopwords.txt"))
    expect("missing-stopwords", d, "stopwords.txt")
    d = copy("truncated")
    vp = os.path.join(d, "vocab.tsv")
    with open(vp, "rb") as f:
        b = f.read()
    with open(vp, "wb") as f:
        f.write(b[: len(b) // 2])
    rewrite_manifest(d, "vocab.tsv")
    expect("vocab-truncated-rechecksummed", d, "vocab.tsv")
    d = copy("dup")
    with open(os.path.join(d, "vocab.tsv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[3] = lines[3].split("\t")[0] + "\t" + lines[2].split("\t")[1]
    with open(os.path.join(d, "vocab.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    rewrite_manifest(d, "vocab.tsv")
    expect("vocab-duplicate-term", d, "vocab.tsv", "4")
    d = copy("version")
    rewrite_manifest(d, edit=lambda m: m.update(format_version=2))
    expect("format-version-2", d, "version")
    d = copy("kind")
    rewrite_manifest(d, edit=lambda m: m["classifier"].update(type="tree"))
    expect("classifier-kind-unknown", d, "tree")
    d = copy("pattern")
    # a pattern the engine refuses (a valid other pattern is a legal model, checked by
    # its golden samples)
    rewrite_manifest(d, edit=lambda m: m["vectorizer"].update(token_pattern=r"(?i)\w+"))
    expect("token-pattern-changed", d, "token_pattern")
    d = copy("path")
    rewrite_manifest(d, edit=lambda m: m["files"].update({"../x": m["files"]["vocab.tsv"]}))
    expect("file-name-with-slash", d, "../x")


def libsvm_mode(tmp, texts, labels, binary):
    """--libsvm-model: refusals (labels, n_features, svm_type, exclusive options) and a
    model that textclf check accepts."""
    if shutil.which("svm-train") is None:
        rep.check(False, "exporter/libsvm-tools", "svm-train not found (apt-get install "
                  "libsvm-tools)")
        return
    vec = TfidfVectorizer(min_df=2).fit(texts)
    X = vec.transform(texts[:400]).tocsr()
    X.sort_indices()
    ys = [1 if lab == "positive" else -1 for lab in labels[:400]]
    trf = os.path.join(tmp, "svm.train")
    with open(trf, "w") as f:
        for i in range(X.shape[0]):
            a, b = X.indptr[i], X.indptr[i + 1]
            f.write("%d %s\n" % (ys[i], " ".join("%d:%r" % (j + 1, v) for j, v in zip(
                X.indices[a:b].tolist(), X.data[a:b].tolist()))))
    mf = os.path.join(tmp, "svm.model")
    oc = os.path.join(tmp, "oneclass.model")
    subprocess.run(["svm-train", "-q", "-t", "0", "-b", "1", trf, mf], check=True)
    subprocess.run(["svm-train", "-q", "-s", "2", "-t", "0", trf, oc], check=True)
    vp = dump(tmp, "svm-vec.pkl", vec)
    small = TfidfVectorizer(max_features=10).fit(texts)
    sp = dump(tmp, "svm-small-vec.pkl", small)
    lr = dump(tmp, "svm-lr.pkl", LogisticRegression(max_iter=300).fit(vec.transform(texts),
                                                                         labels))
    good = "1=positive,-1=negative"
    expect_refusal("libsvm-no-labels", ["--vectorizer", vp, "--libsvm-model", mf], "--labels")
    expect_refusal("libsvm-wrong-labels", ["--vectorizer", vp, "--libsvm-model", mf,
                                           "--labels", "1=positive,2=negative"], "labels")
    expect_refusal("libsvm-bad-labels-spec", ["--vectorizer", vp, "--libsvm-model", mf,
                                              "--labels", "positive,negative"], "--labels")
    expect_refusal("libsvm-n_features", ["--vectorizer", sp, "--libsvm-model", mf,
                                         "--labels", good], "n_features")
    expect_refusal("libsvm-one-class", ["--vectorizer", vp, "--libsvm-model", oc,
                                        "--labels", good], "svm_type")
    expect_refusal("libsvm-and-classifier", ["--vectorizer", vp, "--libsvm-model", mf,
                                             "--classifier", lr, "--labels", good], "exclusive")
    out = os.path.join(tmp, "model-libsvm")
    r = pc.export(["--vectorizer", vp, "--libsvm-model", mf, "--labels", good, "--out", out])
    ok = r.returncode == 0
    detail = (r.stderr.strip().splitlines() or [""])[-1]
    if ok:
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
        c = m["classifier"]
        ok = (c["type"] == "libsvm" and c["origin"] == "libsvm" and
              c["probability"] == "pairwise_coupling" and
              [dict(zip(c["libsvm_labels"], m["classes"]))[k] for k in (1, -1)] ==
              ["positive", "negative"])
        with open(mf, "rb") as f1, open(os.path.join(out, "model.svm"), "rb") as f2:
            ok = ok and f1.read() == f2.read()
        rc, txt = run_check(binary, out)
        ok = ok and rc == 0
        detail = "labels %s -> %s, model.svm byte-identical to svm-train's, check exit %d" % (
            c["libsvm_labels"], m["classes"], rc)
    rep.check(ok, "exporter/libsvm-model-accepted", detail)


def main():
    global TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("TEXTCLF_BIN", "build/textclf"))
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    TMP = pc.mkdtemp(os.path.abspath(args.build), "exporter-")
    try:
        texts, labels = data()
        refusals(TMP, texts, labels)
        if not os.access(binary, os.X_OK):
            rep.check(False, "exporter/binary", "%s is not an executable (run make)" % binary)
        else:
            libsvm_mode(TMP, texts, labels, binary)
            good = paths_and_checks(TMP, texts, labels, binary)
            if good:
                tamper(TMP, good, binary)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("exporter: %d passed, %d failed" % (rep.passes, rep.failures))
    return 1 if rep.failures else 0


TMP = None

if __name__ == "__main__":
    sys.exit(main())
