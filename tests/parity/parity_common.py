"""Helpers shared by tests/parity/test_{parity,svm_parity,exporter}.py (plain scripts, no pytest).

- Reporter: prints `PASS name: detail` / `FAIL name: detail` lines and counts failures.
- Corpus: the texts the parity suites compare on: the whole IMDB test set, the whole SST-2
  dev set, tests/parity/unicode_torture.txt and a few edge texts (edge_texts()), or a
  synthetic corpus generated here when TEXTCLF_DATA is absent (and the output says so).
- run_predict(): runs `textclf predict --model DIR --input FILE` and parses its JSON lines.
- compare(): label identity and max |delta| between textclf's outputs and expected values.
"""
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import textclf_common as common  # noqa: E402

TORTURE = os.path.join(ROOT, "tests", "parity", "unicode_torture.txt")
EXPORTER = os.path.join(ROOT, "tools", "export_sklearn.py")
PROB_TOL = 1e-9


class Reporter:
    def __init__(self):
        self.failures = 0
        self.passes = 0

    def check(self, ok, name, detail=""):
        line = ("PASS " if ok else "FAIL ") + name + (": " + detail if detail else "")
        print(line, flush=True)
        if ok:
            self.passes += 1
        else:
            self.failures += 1
        return ok

    def note(self, msg):
        print("NOTE " + msg, flush=True)


def data_dir():
    d = os.environ.get("TEXTCLF_DATA") or os.path.join(ROOT, "..", "shared", "data")
    if not os.path.isabs(d):
        d = os.path.join(ROOT, d)
    return os.path.normpath(d)


def have_data(d):
    return all(os.path.isfile(os.path.join(d, f)) for f in
               ("imdb/train.tsv", "imdb/test.tsv", "sst2/train.tsv", "sst2/dev.tsv",
                "rt-polarity/all.tsv"))


def read_torture():
    """One text per line; the file's final newline ends the last text (no empty text)."""
    with open(TORTURE, encoding="utf-8", newline="") as f:
        data = f.read()
    texts = data.split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    return texts


# ------------------------------------------------------------------ synthetic fallback

_POS = ["good", "great", "wonderful", "superb", "loved", "brilliant", "moving", "charming",
        "délicieux", "υπέροχη", "fun", "best", "enjoyable", "masterpiece", "beautiful"]
_NEG = ["bad", "awful", "boring", "terrible", "hated", "dull", "waste", "worst", "mess",
        "ennuyeux", "κακή", "predictable", "stupid", "weak", "tedious"]
_NEU = ["the", "a", "film", "movie", "plot", "actor", "scene", "story", "director", "and",
        "but", "was", "is", "it", "this", "of", "to", "Café", "naïve", "İstanbul", "straße",
        "ﬁlm", "ＦＵＬＬ", "电影", "फ़िल्म", "١٢٣", "snake_case", "don't", "E\u0301TE\u0301",
        "ΟΔΥΣΣΕΥΣ", "😀", "2024", "x", "ok", "with", "very", "not", "quite", "really"]


def _synthetic_doc(rng, label, nwords):
    good = _POS if label == "positive" else _NEG
    bad = _NEG if label == "positive" else _POS
    words = []
    for _ in range(nwords):
        r = rng.random()
        words.append(rng.choice(good if r < 0.18 else bad if r < 0.24 else _NEU))
    return " ".join(words) + rng.choice([" .", " !", "", " ?!"])


def synthetic_corpus(seed=1234):
    """A small deterministic corpus with the same shape as ../shared/data (labels
    negative/positive; 'imdb' texts long, 'sst2'/'rt' texts short)."""
    rng = random.Random(seed)

    def make(n, lo, hi):
        labels = [rng.choice(["negative", "positive"]) for _ in range(n)]
        return labels, [_synthetic_doc(rng, lab, rng.randint(lo, hi)) for lab in labels]
    return {
        "imdb/train.tsv": make(1500, 60, 200),
        "imdb/test.tsv": make(1500, 60, 200),
        "sst2/train.tsv": make(3000, 3, 25),
        "sst2/dev.tsv": make(500, 5, 30),
        "rt-polarity/all.tsv": make(1500, 5, 30),
    }


def edge_texts():
    """Texts at the edges of the line protocol and the tokenizer: empty, NUL bytes (valid
    UTF-8, not word characters), a trailing CR (CRLF input: the CR stays in the text), C1
    controls and Unicode line separators inside a line, noncharacters, private use, the last
    code point, and one long text (about 1 MB) with many repeated n-grams."""
    return ["", "good\x00film great", "bad\x00", "\x00", "great movie\r", "\r", " \t ",
            "x\ufffey great \U0010ffff \ue000 \uffff", "awful \x85 film\u2028great\u2029",
            "a" * 5000 + " great " + "b" * 5000,
            " ".join(["superb film", "dull plot", "Ünïcödé ΣΟΦΟΣ"] * 25000)]


class Corpus:
    """Training and evaluation data, real or synthetic. `sets[name] = (labels, texts)`."""

    def __init__(self, rep):
        d = data_dir()
        self.dir = d
        if have_data(d):
            self.synthetic = False
            self.sets = {k: common.read_tsv(os.path.join(d, k)) for k in
                         ("imdb/train.tsv", "imdb/test.tsv", "sst2/train.tsv", "sst2/dev.tsv",
                          "rt-polarity/all.tsv")}
            rep.note("data: %s (IMDB test %d, SST-2 dev %d texts)" % (
                d, len(self.sets["imdb/test.tsv"][1]), len(self.sets["sst2/dev.tsv"][1])))
        else:
            self.synthetic = True
            self.sets = synthetic_corpus()
            rep.note("data: %s not found (set TEXTCLF_DATA); using a SYNTHETIC corpus generated "
                     "by tests/parity/parity_common.py, not the real IMDB/SST-2 sets" % d)
        self.torture = read_torture()
        # Evaluation texts, in this order: whole IMDB test, whole SST-2 dev, torture list, and
        # the edge texts. A text holding "\n" cannot be one input line of `textclf predict`;
        # the corpora (one record a line) and the torture file (one text a line) cannot hold
        # one, and this is asserted rather than papered over. "\r" and the other Unicode line
        # separators stay inside the line: textclf predict splits on "\n" only.
        pre = "synthetic-" if self.synthetic else ""
        self.eval_parts = [(pre + "imdb-test", self.sets["imdb/test.tsv"][1]),
                           (pre + "sst2-dev", self.sets["sst2/dev.tsv"][1]),
                           ("torture", self.torture), ("edge", edge_texts())]
        self.eval_texts = [t for _, ts in self.eval_parts for t in ts]
        bad = [i for i, t in enumerate(self.eval_texts) if "\n" in t]
        if bad:
            raise SystemExit("evaluation text %d contains a newline; cannot be one line" % bad[0])
        h = hashlib.sha256()
        for t in self.eval_texts:
            h.update(t.encode("utf-8") + b"\n")
        self.eval_hash = h.hexdigest()
        h = hashlib.sha256()
        for k in sorted(self.sets):
            labs, texts = self.sets[k]
            for lab, t in zip(labs, texts):
                h.update(lab.encode() + b"\t" + t.encode("utf-8") + b"\n")
        self.data_hash = h.hexdigest()
        ncr = sum(1 for t in self.eval_texts if "\r" in t)
        rep.note("evaluation set: %d texts (%s); %d contain CR or other non-LF line separators "
                 "kept inside their line" % (len(self.eval_texts), ", ".join(
                     "%s %d" % (n, len(ts)) for n, ts in self.eval_parts),
                     ncr + sum(1 for t in self.eval_texts if "\r" not in t and any(
                         c in t for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))))

    def write_eval_file(self, path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(self.eval_texts) + "\n")


# ------------------------------------------------------------------ running textclf

def run_predict(binary, model_dir, input_path, threads=2, timeout=600):
    """Returns (returncode, list of parsed JSON objects, stderr)."""
    p = subprocess.run([binary, "predict", "--model", model_dir, "--input", input_path,
                        "--threads", str(threads)], capture_output=True, timeout=timeout)
    out = []
    lines = p.stdout.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for ln in lines:
        try:
            out.append(json.loads(ln.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            out.append({"__unparsable__": "%s: %r" % (e, ln[:200])})
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def compare(got, labels, values, classes, kind):
    """got: parsed textclf outputs; labels: expected labels (str); values: expected rows in
    classes order; kind: 'probabilities' or 'scores'.
    Returns (ok, max_abs_delta, n_label_mismatch, first problem or '')."""
    problem = ""
    if len(got) != len(labels):
        return False, float("nan"), len(labels), "%d output lines for %d texts" % (
            len(got), len(labels))
    maxd = 0.0
    nlab = 0
    nval = 0
    for i, (g, lab, row) in enumerate(zip(got, labels, values)):
        if g.get("label") != lab:
            nlab += 1
            if not problem:
                problem = "text %d: label %r, sklearn %r (%s)" % (i, g.get("label"), lab,
                                                                 json.dumps(g)[:200])
        vals = g.get(kind)
        if not isinstance(vals, dict) or sorted(vals) != sorted(classes):
            nval += 1
            if not problem:
                problem = "text %d: no %s for classes %r: %s" % (i, kind, classes,
                                                                json.dumps(g)[:200])
            continue
        for c, want in zip(classes, row):
            v = vals[c]
            d = abs(float(v) - float(want))
            if d > maxd:
                maxd = d
            lim = PROB_TOL if kind == "probabilities" else PROB_TOL * max(1.0, abs(float(want)))
            if not d <= lim:
                nval += 1
                if not problem:
                    problem = "text %d: %s[%s] %r, sklearn %r (|d| %.3g)" % (i, kind, c, v,
                                                                            float(want), d)
    return nlab == 0 and nval == 0, maxd, nlab, problem


def export(args, cwd=None):
    """Runs the exporter; returns CompletedProcess (text)."""
    return subprocess.run([sys.executable, EXPORTER] + list(args), capture_output=True,
                          text=True, cwd=cwd)


def file_hash(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def mkdtemp(build, prefix):
    base = os.path.join(build, "parity-tmp")
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix, dir=base)
