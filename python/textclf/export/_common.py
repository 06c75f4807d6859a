"""Helpers shared by the exporters, the repository's tools and its tests (no
scikit-learn, no numpy):

- read_tsv(): the corpora's `label<TAB>text` files (header line first).
- sha256_file().
- RefModel: an independent reader of the model directory format v1
  (docs/model-format.md) that predicts from the files alone, with no pickles. The
  exporter checks what it wrote with it, and the tests cross-check the C loader against
  this second implementation of the format.
"""
import hashlib
import json
import math
import os
import re
import unicodedata

TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def read_tsv(path, limit=None):
    """Returns (labels, texts) of a `label<TAB>text` file with a header line."""
    labels, texts = [], []
    with open(path, encoding="utf-8", newline="\n") as f:
        header = f.readline()
        if not header.startswith("label\t"):
            raise ValueError("%s:1: expected header 'label<TAB>text'" % path)
        for lineno, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line:
                continue
            lab, sep, text = line.partition("\t")
            if not sep:
                raise ValueError("%s:%d: no tab" % (path, lineno))
            labels.append(lab)
            texts.append(text)
            if limit is not None and len(texts) >= limit:
                break
    return labels, texts


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class FormatError(Exception):
    pass


def _normalized(vals, norm):
    """sklearn.preprocessing.normalize of one row (None, "l1" or "l2"); a zero row stays."""
    if norm is None:
        return vals
    s = 0.0
    for x in vals:
        s += x * x if norm == "l2" else abs(x)
    if norm == "l2":
        s = math.sqrt(s)
    return vals if s == 0.0 else [x / s for x in vals]


def _parse_float(s, where):
    try:
        v = float(s)
    except ValueError:
        raise FormatError("%s: bad number %r" % (where, s))
    if not math.isfinite(v):
        raise FormatError("%s: non-finite number %r" % (where, s))
    return v


class RefModel:
    """Reference reader/predictor of a model directory (linear classifiers; for libsvm
    models it validates the files and leaves prediction to libsvm itself)."""

    def __init__(self, mdir):
        self.dir = mdir
        mpath = os.path.join(mdir, "manifest.json")
        with open(mpath, encoding="utf-8") as f:
            m = json.load(f)
        self.manifest = m
        if m.get("format") != "textclf-model":
            raise FormatError("%s: format is not textclf-model" % mpath)
        if m.get("format_version") != 1:
            raise FormatError("%s: format_version %r unsupported" % (mpath, m.get("format_version")))
        files = m.get("files") or {}
        for name, meta in files.items():
            if "/" in name or name in ("", ".", ".."):
                raise FormatError("%s: bad file name %r" % (mpath, name))
            p = os.path.join(mdir, name)
            if not os.path.isfile(p):
                raise FormatError("%s: missing file %s" % (mpath, name))
            if os.path.getsize(p) != meta["bytes"]:
                raise FormatError("%s: size mismatch" % p)
            if sha256_file(p) != meta["sha256"]:
                raise FormatError("%s: sha256 mismatch" % p)
        self.classes = m["classes"]
        if len(self.classes) < 2 or len(set(self.classes)) != len(self.classes):
            raise FormatError("%s: classes must be 2+ distinct strings" % mpath)
        v = m["vectorizer"]
        self.vec = v
        for name in (m["classifier"]["file"], m["golden"]):
            if name not in files:
                raise FormatError("%s: %s not listed in files" % (mpath, name))
        self.parts = None
        if v.get("type") == "union":  # FeatureUnion: "tfidf" parts, columns concatenated
            if not isinstance(v.get("parts"), list) or not 2 <= len(v["parts"]) <= 8:
                raise FormatError("%s: union needs 2 to 8 parts" % mpath)
            self.parts, self.nf = [], 0
            for pv in v["parts"]:
                part = object.__new__(RefModel)
                part.parts = None
                part._load_vec(pv, mdir, files, mpath)
                self.parts.append(part)
                self.nf += part.nf
            if v["n_features"] != self.nf:
                raise FormatError("%s: n_features != the parts' vocabulary sizes" % mpath)
        else:
            self._load_vec(v, mdir, files, mpath)
        c = m["classifier"]
        self.clf = c
        if c["file"] not in files:
            raise FormatError("%s: %s not listed in files" % (mpath, c["file"]))
        self.binarize = None
        if c["type"] in ("linear", "binarized_linear"):
            self._read_linear(os.path.join(mdir, c["file"]))
            if c["type"] == "binarized_linear":
                t = c.get("binarize")
                if isinstance(t, bool) or not isinstance(t, (int, float)) or \
                        not math.isfinite(t) or t < 0:
                    raise FormatError("%s: classifier.binarize must be a number >= 0" % mpath)
                if c["probability"] != "naive_bayes":
                    raise FormatError("%s: binarized_linear needs probability naive_bayes"
                                      % mpath)
                self.binarize = float(t)
        elif c["type"] == "calibrated":
            if c.get("probability") != "calibrated" or \
                    c.get("method") not in ("sigmoid", "isotonic"):
                raise FormatError("%s: calibrated needs probability calibrated and method "
                                  "sigmoid or isotonic" % mpath)
        elif c["type"] == "libsvm":
            if c["libsvm_labels"] is None or len(c["libsvm_labels"]) != len(self.classes):
                raise FormatError("%s: libsvm_labels" % mpath)
        else:
            raise FormatError("%s: classifier type %r" % (mpath, c["type"]))

    def _load_vec(self, v, mdir, files, mpath):
        """A "tfidf" section (its vocabulary and stop words) or a "hashing" one (its idf file
        and stop words)."""
        self.vec = v
        hashing = v["type"] == "hashing"
        main = v["idf"] if hashing else v["vocabulary"]
        named = ([main] if main is not None else []) + \
            ([v["stop_words"]] if v.get("stop_words") else [])
        for name in named:
            if name not in files:
                raise FormatError("%s: %s not listed in files" % (mpath, name))
        if v["type"] not in ("tfidf", "hashing") or v["dtype"] != "float64" or not (
                (v["analyzer"] == "word" and isinstance(v["token_pattern"], str)) or
                (v["analyzer"] in ("char", "char_wb") and v["token_pattern"] is None and
                 v["stop_words"] is None)):
            raise FormatError("%s: unsupported vectorizer" % mpath)
        if hashing:
            self.nf = v["n_features"]
            if not isinstance(self.nf, int) or not 1 <= self.nf <= 2**31 - 1:
                raise FormatError("%s: hashing n_features out of range" % mpath)
            if (main is not None) != bool(v["use_idf"]):
                raise FormatError("%s: idf file without use_idf or the reverse" % mpath)
            self.idf = self._read_idf(os.path.join(mdir, main)) if main is not None else None
            self.index = None
        else:
            self.terms, self.idf = self._read_vocab(os.path.join(mdir, v["vocabulary"]))
            self.nf = len(self.terms)
            if v["n_features"] != self.nf:
                raise FormatError("%s: n_features != vocabulary size" % mpath)
            self.index = {t: i for i, t in enumerate(self.terms)}
        self.stop = None
        if v["stop_words"] is not None:
            self.stop = self._read_stop(os.path.join(mdir, v["stop_words"]))
        self.token_re = re.compile(v["token_pattern"] or TOKEN_PATTERN)

    def _lines(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if not data.endswith(b"\n"):
            raise FormatError("%s: missing final newline" % path)
        return data.decode("utf-8").split("\n")[:-1]

    def _read_vocab(self, path):
        lines = self._lines(path)
        head = lines[0].split("\t")
        if len(head) != 3 or head[0] != "textclf-vocab" or head[1] != "1":
            raise FormatError("%s:1: bad header" % path)
        n = int(head[2])
        if n != len(lines) - 1:
            raise FormatError("%s:1: count %d but %d lines" % (path, n, len(lines) - 1))
        terms, idf, seen = [], [], set()
        for i, line in enumerate(lines[1:], start=2):
            a, sep, t = line.partition("\t")
            if not sep or not t or "\t" in t or "\r" in t:
                raise FormatError("%s:%d: bad line" % (path, i))
            x = _parse_float(a, "%s:%d" % (path, i))
            if x <= 0:
                raise FormatError("%s:%d: idf <= 0" % (path, i))
            if t in seen:
                raise FormatError("%s:%d: duplicate term" % (path, i))
            seen.add(t)
            terms.append(t)
            idf.append(x)
        return terms, idf

    def _read_idf(self, path):
        lines = self._lines(path)
        head = lines[0].split("\t")
        if len(head) != 3 or head[0] != "textclf-idf" or head[1] != "1" \
                or int(head[2]) != self.nf or len(lines) != self.nf + 1:
            raise FormatError("%s:1: bad header or count" % path)
        idf = [_parse_float(x, "%s:%d" % (path, i)) for i, x in enumerate(lines[1:], start=2)]
        if not all(x > 0 for x in idf):
            raise FormatError("%s: idf <= 0" % path)
        return idf

    def _read_stop(self, path):
        lines = self._lines(path)
        head = lines[0].split("\t")
        if len(head) != 3 or head[0] != "textclf-stopwords" or head[1] != "1" \
                or int(head[2]) != len(lines) - 1:
            raise FormatError("%s:1: bad header" % path)
        return frozenset(lines[1:])

    def _read_linear(self, path):
        lines = self._lines(path)
        if lines[0] != "textclf-linear\t1":
            raise FormatError("%s:1: bad header" % path)
        r = lines[1].split("\t")
        f = lines[2].split("\t")
        if r[0] != "rows" or f[0] != "features":
            raise FormatError("%s: bad rows/features" % path)
        self.rows, nfeat = int(r[1]), int(f[1])
        if nfeat != self.nf:
            raise FormatError("%s:3: features != vocabulary size" % path)
        ic = lines[3].split("\t")
        if ic[0] != "intercept" or len(ic) != self.rows + 1:
            raise FormatError("%s:4: bad intercept" % path)
        self.intercept = [_parse_float(x, "%s:4" % path) for x in ic[1:]]
        if lines[4] != "weights" or len(lines) != 5 + nfeat:
            raise FormatError("%s:5: bad weights header or count" % path)
        self.weights = []
        for i, line in enumerate(lines[5:], start=6):
            parts = line.split("\t")
            if len(parts) != self.rows:
                raise FormatError("%s:%d: expected %d values" % (path, i, self.rows))
            self.weights.append([_parse_float(x, "%s:%d" % (path, i)) for x in parts])
        k = len(self.classes)
        want = 1 if k == 2 else k
        if self.clf["probability"] == "naive_bayes":
            want = k
        if self.rows != want:
            raise FormatError("%s: rows %d, expected %d" % (path, self.rows, want))

    # -- prediction (mirrors scikit-learn's arithmetic order where it matters) --
    def analyze(self, text):
        v = self.vec
        if v["lowercase"]:
            text = text.lower()
        if v["strip_accents"] == "ascii":
            text = unicodedata.normalize("NFKD", text).encode("ASCII", "ignore").decode("ASCII")
        elif v["strip_accents"] == "unicode":
            nk = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in nk if not unicodedata.combining(c))
        if v["analyzer"] != "word":
            return self._char_analyze(text, escape=self.index is not None)
        toks = self.token_re.findall(text)
        if self.stop is not None:
            toks = [t for t in toks if t not in self.stop]
        lo, hi = v["ngram_range"]
        out = []
        if lo == 1:
            out.extend(toks)
            lo += 1
        n = len(toks)
        for k in range(lo, min(hi, n) + 1):
            for i in range(n - k + 1):
                out.append(" ".join(toks[i:i + k]))
        return out

    def _char_analyze(self, text, escape):
        """CountVectorizer._char_ngrams / _char_wb_ngrams on the preprocessed text, each
        n-gram escaped as vocab.tsv holds it (escape) or as it is (hashing)."""
        text = re.sub(r"\s\s+", " ", text)
        lo, hi = self.vec["ngram_range"]
        grams = []
        if self.vec["analyzer"] == "char":
            for n in range(lo, min(hi, len(text)) + 1):
                grams.extend(text[i:i + n] for i in range(len(text) - n + 1))
        else:
            for w in text.split():
                w = " " + w + " "
                for n in range(lo, hi + 1):
                    off = 0
                    grams.append(w[0:n])
                    while off + n < len(w):
                        off += 1
                        grams.append(w[off:off + n])
                    if off == 0:
                        break
        if not escape:
            return grams
        return [g.replace("\x01", "\x01\x01").replace(" ", "\x01s").replace("\t", "\x01t")
                .replace("\n", "\x01n").replace("\r", "\x01r") for g in grams]

    def vectorize(self, text):
        """Returns sorted [(column, value)] as TfidfVectorizer.transform would."""
        if self.parts is not None:
            row, off = [], 0
            for part in self.parts:
                row.extend((j + off, x) for j, x in part.vectorize(text))
                off += part.nf
            return row
        v = self.vec
        counts = {}
        if self.index is None:  # HashingVectorizer: signed MurmurHash3, zero sums kept
            from sklearn.utils import murmurhash3_32
            for t in self.analyze(text):
                h = murmurhash3_32(t, seed=0)
                j = abs(h) % self.nf
                counts[j] = counts.get(j, 0) + (-1 if v["alternate_sign"] and h < 0 else 1)
        else:
            for t in self.analyze(text):
                j = self.index.get(t)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        cols = sorted(counts)
        vals = [1.0 if v["binary"] else float(counts[j]) for j in cols]
        if self.index is None:
            vals = _normalized(vals, v["hashing_norm"])
        if v["sublinear_tf"]:
            vals = [math.log(x) + 1.0 for x in vals]
        if v["use_idf"]:
            vals = [x * self.idf[j] for x, j in zip(vals, cols)]
        return list(zip(cols, _normalized(vals, v["norm"])))

    def predict(self, text):
        """Returns (label, kind, values) with kind 'probabilities' or 'scores'."""
        if self.clf["type"] not in ("linear", "binarized_linear"):
            raise FormatError("RefModel predicts linear models only")
        x = self.vectorize(text)
        if self.binarize is not None:  # sklearn.preprocessing.binarize on a sparse row
            x = [(j, 1.0) for j, xv in x if xv > self.binarize]
        d = list(self.intercept)
        for j, xv in x:
            w = self.weights[j]
            for r in range(self.rows):
                d[r] += xv * w[r]
        k = len(self.classes)
        prob = self.clf["probability"]
        if self.rows == 1:
            label = self.classes[1] if d[0] > 0 else self.classes[0]
        else:
            best = 0
            for r in range(1, self.rows):
                if d[r] > d[best]:
                    best = r
            label = self.classes[best]

        def sig(z):
            return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

        if prob == "none":
            vals = [-d[0], d[0]] if self.rows == 1 else d
            return label, "scores", vals
        if prob == "logistic_ovr":
            if k == 2:
                p1 = sig(d[0])
                vals = [1 - p1, p1]
            else:
                s = [sig(z) for z in d]
                t = sum(s)
                vals = [z / t for z in s]
        elif prob in ("softmax", "softmax_binary"):
            z = [-d[0], d[0]] if prob == "softmax_binary" else d
            mx = max(z)
            e = [math.exp(a - mx) for a in z]
            t = sum(e)
            vals = [a / t for a in e]
        elif prob == "modified_huber":
            if k == 2:
                p1 = (min(max(d[0], -1.0), 1.0) + 1.0) / 2.0
                vals = [1 - p1, p1]
            else:
                p = [(min(max(z, -1.0), 1.0) + 1.0) / 2.0 for z in d]
                t = sum(p)
                vals = [1.0 / k] * k if t == 0 else [a / t for a in p]
        elif prob == "naive_bayes":
            mx = max(d)
            lse = mx + math.log(sum(math.exp(a - mx) for a in d))
            vals = [math.exp(a - lse) for a in d]
        else:
            raise FormatError("unknown probability %r" % prob)
        return label, "probabilities", vals

    def check_golden(self, tol=1e-9):
        """Returns a list of problems (empty when every golden sample reproduces)."""
        problems = []
        path = os.path.join(self.dir, self.manifest["golden"])
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, start=1):
                g = json.loads(line)
                label, kind, vals = self.predict(g["text"])
                if label != g["label"]:
                    problems.append("%s:%d: label %r != %r" % (path, i, label, g["label"]))
                if kind not in g:
                    problems.append("%s:%d: missing %s" % (path, i, kind))
                    continue
                for c, v in zip(self.classes, vals):
                    want = g[kind][c]
                    lim = tol if kind == "probabilities" else tol * max(1.0, abs(want))
                    if abs(v - want) > lim:
                        problems.append("%s:%d: %s[%s] %r != %r" % (path, i, kind, c, v, want))
        return problems
