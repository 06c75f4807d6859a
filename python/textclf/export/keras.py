"""Export a Keras text classifier (TextVectorization + Dense) to a textclf model directory
(format v1, docs/model-format.md).

  textclf-export keras --model model.keras --out DIR [--labels negative,positive]
  textclf-export keras --vectorizer vec.keras --model clf.keras --out DIR [--labels ...]
  options: --name NAME --description TEXT --golden FILE (one text per line; used first, then
           the built-in samples)

The model is loaded by Keras itself (keras.saving.load_model, TensorFlow backend). What is
exported: a string input -> TextVectorization(split="whitespace", output_mode "tf_idf",
"count" or "multi_hot", standardize "lower_and_strip_punctuation", "lower",
"strip_punctuation" or None, ngrams None, an int n or a tuple of consecutive widths) ->
any Dropout layers (inactive at inference) -> Dense(units) with activation "sigmoid"
(1 unit), "softmax" (2+ units) or "linear" (scores), optionally followed by an
Activation("sigmoid"/"softmax") layer. --vectorizer names a model holding the
TextVectorization layer when it was saved apart from the classifier. Anything else is
refused naming the layer and the option.

Keras computes in float32: the manifest carries "golden_tolerance": 1e-5, and the golden
samples are Keras's own model.predict outputs.
"""
import argparse
import json
import os
import shutil
import tempfile

import numpy as np

from ._base import Refuse, run_export
from ._common import sha256_file
from ._write import build_manifest, install_dir, write_linear, write_vocab

__all__ = ["export", "write_model", "parse_args", "main", "Refuse", "EXPORTER",
           "GOLDEN_TOLERANCE", "DEFAULT_GOLDEN", "KerasRef"]

EXPORTER = "textclf.export.keras 1"
PROG = "textclf-export keras"
GOLDEN_TOLERANCE = 1e-5
STANDARDIZE = {None: (False, False), "lower_and_strip_punctuation": (True, True),
               "lower": (True, False), "strip_punctuation": (False, True)}
MODES = ("tf_idf", "count", "multi_hot")
# Keras's punctuation class [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~'] and tf.strings.split's
# whitespace; tf.strings.lower changes A-Z only.
PUNCT = frozenset('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\'')
WHITESPACE = " \t\n\v\f\r"

# Plain text, punctuation, and Unicode that Keras leaves alone (non-ASCII case, accents,
# non-ASCII whitespace and punctuation), so the golden samples pin the tokenizer down.
DEFAULT_GOLDEN = [
    "I loved this movie, it was wonderful and moving.",
    "awful film, a complete waste of time",
    "The acting was fine but the plot made no sense at all.",
    "Not bad. Not good either.",
    "one of the best films of the year , a real triumph .",
    "boring , predictable and far too long .",
    "",
    "!!! ???",
    "I don't think I've ever laughed so hard \u2014 brilliant!",
    "It's a 10/10 for me: superb_cast and great direction",
    "Caf\u00e9 cr\u00e8me, na\u00efve R\u00c9SUM\u00c9 and pi\u00f1ata",
    "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03ae\u03c4\u03b1\u03bd \u03c5\u03c0\u03ad\u03c1\u03bf\u03c7\u03b7",
    "\u0130STANBUL'da IŞIK ve \u0131\u015f\u0131k",
    "Die Stra\u00dfe war gro\u00df, STRASSE",
    "\uff26\uff35\uff2c\uff2c\u3000\uff37\uff29\uff24\uff34\uff28 great\u00a0movie\u2003ok",
    "\u8fd9\u90e8\u7535\u5f71\u975e\u5e38\u597d\u770b \uc601\ud654\uac00 \uc88b\uc558\uc5b4\uc694",
    "great movie \U0001f600\U0001f44d\U0001f3fd terrible ending \U0001f621",
    "tabs\tand\x0bvertical\x0cfeeds\rand\x1cfile\x1dseparators",
    "\u00abquoted\u00bb \u00bfreally? \u201cfine\u201d \u2026 [UNK] [unk] unk",
    "__init__ snake_case_words _ __ and under_score",
    "MiXeD CaSe WORDS And DIGITS 42 007",
]


# ---- reading the Keras model ------------------------------------------------------------

def _flat_layers(model):
    """The layers of model in call order, nested Sequential/Functional models opened, after
    checking that each layer feeds the next (one input, one output, no branches)."""
    import keras
    out = []
    layers = [l for l in model.layers if not isinstance(l, keras.layers.InputLayer)]
    if len(getattr(model, "inputs", None) or [None]) != 1 or \
            len(getattr(model, "outputs", None) or [None]) != 1:
        raise Refuse("model %s: needs exactly one input and one output" % model.name)
    if not isinstance(model, keras.Sequential):
        prev = model.inputs[0]
        for l in layers:
            try:
                src = l.input
            except (AttributeError, ValueError) as e:
                raise Refuse("layer %s: not a simple chain of layers (%s)" % (l.name, e))
            if src is not prev:
                raise Refuse("layer %s: the model is not a chain of layers (it does not take "
                             "the previous layer's output)" % l.name)
            prev = l.output
        if prev is not model.outputs[0]:
            raise Refuse("model %s: its output is not the last layer's" % model.name)
    for l in layers:
        if isinstance(l, keras.Model):
            out.extend(_flat_layers(l))
        else:
            out.append(l)
    return out


def _ngram_range(name, ngrams):
    if ngrams is None:
        return [1, 1]
    if isinstance(ngrams, int) and not isinstance(ngrams, bool):
        if not 1 <= ngrams <= 8:
            raise Refuse("layer %s: ngrams=%d unsupported (1..8)" % (name, ngrams))
        return [1, ngrams]
    w = list(ngrams)
    if not w or any(not isinstance(x, int) for x in w) or w != list(range(w[0], w[-1] + 1)) \
            or not 1 <= w[0] <= w[-1] <= 8:
        raise Refuse("layer %s: ngrams=%r unsupported (None, an int, or a tuple of "
                     "consecutive widths from 1..8)" % (name, ngrams))
    return [w[0], w[-1]]


def describe_vectorization(layer):
    """(manifest vectorizer section less n_features, terms, idf or None, width) of a
    TextVectorization layer; width is the layer's output size (max_tokens when
    pad_to_max_tokens)."""
    c = layer.get_config()
    name = layer.name
    st = c.get("standardize")
    if not isinstance(st, (str, type(None))) or st not in STANDARDIZE:
        raise Refuse("layer %s: standardize=%r unsupported (None, 'lower_and_strip_punctuation',"
                     " 'lower', 'strip_punctuation')" % (name, st))
    if c.get("split") != "whitespace":
        raise Refuse("layer %s: split=%r unsupported (only 'whitespace')" % (name, c.get("split")))
    mode = c.get("output_mode")
    if mode not in MODES:
        raise Refuse("layer %s: output_mode=%r unsupported (%s)" % (name, mode, ", ".join(MODES)))
    if c.get("sparse"):
        raise Refuse("layer %s: sparse=True unsupported" % name)
    if c.get("encoding", "utf-8").lower().replace("-", "") != "utf8":
        raise Refuse("layer %s: encoding=%r unsupported (utf-8)" % (name, c.get("encoding")))
    dt = layer.dtype_policy.compute_dtype if hasattr(layer, "dtype_policy") else "float32"
    if dt != "float32":
        raise Refuse("layer %s: dtype %s unsupported (float32)" % (name, dt))
    lk = layer._lookup_layer
    if lk.num_oov_indices != 1:
        raise Refuse("layer %s: num_oov_indices=%d unsupported (1)" % (name, lk.num_oov_indices))
    ng = _ngram_range(name, c.get("ngrams"))
    vocab = [str(t) for t in layer.get_vocabulary()]
    oov = lk.oov_token
    if not vocab or vocab[0] != oov:
        raise Refuse("layer %s: the vocabulary does not start with the OOV token %r" % (name, oov))
    if not oov or any(ch in oov for ch in WHITESPACE):
        raise Refuse("layer %s: OOV token %r unsupported (one word)" % (name, oov))
    seen = set()
    for t in vocab:
        if not t or t in seen or any(ch in t for ch in WHITESPACE[1:]) or "" in t.split(" "):
            raise Refuse("layer %s: vocabulary term %r unsupported (empty, repeated, or "
                         "not words joined by single spaces)" % (name, t))
        seen.add(t)
    width = c["max_tokens"] if c.get("pad_to_max_tokens") else len(vocab)
    idf = None
    if mode == "tf_idf":
        idf = np.asarray(lk.idf_weights.numpy(), dtype=np.float32)
        if idf.ndim != 1 or idf.shape[0] < len(vocab):
            raise Refuse("layer %s: idf_weights of shape %s for %d terms" % (
                name, idf.shape, len(vocab)))
        idf = idf[:len(vocab)]
        if not np.all(np.isfinite(idf)) or not np.all(idf > 0):
            raise Refuse("layer %s: idf weights must be finite and > 0" % name)
    meta = {"type": "keras_text_vectorization", "vocabulary": "vocab.tsv",
            "standardize": st, "split": "whitespace", "ngram_range": ng, "output_mode": mode,
            "oov_token": oov, "dtype": "float32"}
    return meta, vocab, idf, width


def describe_head(layers, n_in):
    """(activation, kernel (n_in x units) float32, bias) of Dropout* -> Dense ->
    [Activation]; refuses anything else."""
    import keras
    dense, act = None, None
    for l in layers:
        if isinstance(l, keras.layers.Dropout) or type(l).__name__ in (
                "SpatialDropout1D", "GaussianDropout", "GaussianNoise", "AlphaDropout"):
            if dense is not None and act is not None:
                raise Refuse("layer %s: nothing may follow the activation" % l.name)
            continue  # identity at inference
        if type(l) is keras.layers.Dense and dense is None:
            dense = l
            continue
        if type(l) is keras.layers.Activation and dense is not None and act is None:
            act = l.get_config()["activation"]
            if act not in ("sigmoid", "softmax", "linear"):
                raise Refuse("layer %s: activation=%r unsupported (sigmoid, softmax, linear)" % (
                    l.name, act))
            continue
        raise Refuse("layer %s (%s) unsupported after TextVectorization: Dropout* -> Dense -> "
                     "[Activation] only" % (l.name, type(l).__name__))
    if dense is None:
        raise Refuse("no Dense layer after TextVectorization")
    c = dense.get_config()
    da = c["activation"]
    if da not in ("sigmoid", "softmax", "linear"):
        raise Refuse("layer %s: activation=%r unsupported (sigmoid, softmax, linear)" % (
            dense.name, da))
    if act is not None and act != "linear":
        if da != "linear":
            raise Refuse("layer %s: activation %r after Dense activation %r" % (
                dense.name, act, da))
        da = act
    if c.get("lora_rank"):
        raise Refuse("layer %s: lora_rank unsupported" % dense.name)
    if dense.dtype_policy.compute_dtype != "float32":
        raise Refuse("layer %s: dtype %s unsupported (float32)" % (
            dense.name, dense.dtype_policy.compute_dtype))
    k = np.asarray(dense.kernel.numpy())
    if k.dtype != np.float32 or k.ndim != 2 or k.shape[0] != n_in:
        raise Refuse("layer %s: kernel of shape %s/%s, expected (%d, units) float32" % (
            dense.name, k.shape, k.dtype, n_in))
    units = k.shape[1]
    b = np.asarray(dense.bias.numpy()) if dense.use_bias else np.zeros(units, np.float32)
    if da == "sigmoid" and units != 1:
        raise Refuse("layer %s: sigmoid with %d units (multi-label) unsupported: 1 unit" % (
            dense.name, units))
    if da == "softmax" and units < 2:
        raise Refuse("layer %s: softmax needs 2 or more units" % dense.name)
    if not (np.all(np.isfinite(k)) and np.all(np.isfinite(b))):
        raise Refuse("layer %s: non-finite weights" % dense.name)
    return da, k, b


def classifier_of(act, k, b, n):
    """(manifest classifier section, intercept, weights n x rows (float64), n_classes,
    output kind). Dense(2, softmax) is one row: softmax([z0, z1])[1] = sigmoid(z1 - z0)."""
    k = k[:n].astype(np.float64)
    b = b.astype(np.float64)
    units = k.shape[1]
    meta = {"type": "linear", "file": "linear.tsv", "estimator": "keras.Dense(%d, %s)" % (
        units, act)}
    if act == "sigmoid":
        meta["probability"] = "logistic_ovr"
        return meta, b, k, 2, "probabilities"
    if act == "softmax" and units == 2:
        meta["probability"] = "logistic_ovr"
        return meta, b[1:] - b[:1], k[:, 1:] - k[:, :1], 2, "probabilities"
    if act == "softmax":
        meta["probability"] = "softmax"
        return meta, b, k, units, "probabilities"
    if units == 2:
        raise Refuse("Dense(2) with a linear activation unsupported: its two scores are not "
                     "textclf's binary [-d, d] (use 1 unit, sigmoid or softmax)")
    meta["probability"] = "none"
    return meta, b, k, max(units, 2), "scores"


# ---- a reference of what textclf computes, from the exported numbers -------------------

class KerasRef:
    """The exported pipeline in numpy (float32 vector values, float64 products): checks the
    export from the numbers alone, and gives the exact label where Keras's float32 outputs
    tie."""

    def __init__(self, vec_meta, terms, idf, act, b, w):
        self.lower, self.strip = STANDARDIZE[vec_meta["standardize"]]
        self.ng = vec_meta["ngram_range"]
        self.mode = vec_meta["output_mode"]
        self.index = {t: i for i, t in enumerate(terms)}
        self.idf = None if idf is None else idf.astype(np.float64)
        self.act, self.b, self.w = act, b, w

    def tokens(self, text):
        if self.lower:
            text = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)
        if self.strip:
            text = "".join(c for c in text if c not in PUNCT)
        for ws in WHITESPACE[1:]:
            text = text.replace(ws, " ")
        toks = [t for t in text.split(" ") if t]
        out = []
        for n in range(self.ng[0], self.ng[1] + 1):
            out += [" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)]
        return out

    def decision(self, text):
        x = {}
        for g in self.tokens(text):
            j = self.index.get(g, 0)
            x[j] = x.get(j, 0) + 1
        d = self.b.copy()
        for j, c in x.items():
            v = 1.0 if self.mode == "multi_hot" else float(c)
            if self.idf is not None:
                v = float(np.float32(v * self.idf[j]))
            d = d + v * self.w[j]
        return d

    def outputs(self, text):
        """(label index, values in class order) as textclf computes them."""
        d = self.decision(text)
        if self.act in ("sigmoid", "softmax") and d.shape[0] == 1:
            p1 = 1.0 / (1.0 + np.exp(-d[0]))
            return int(d[0] > 0), np.array([1.0 - p1, p1])
        if self.act == "softmax":
            e = np.exp(d - d.max())
            return int(np.argmax(d)), e / e.sum()
        if d.shape[0] == 1:
            return int(d[0] > 0), np.array([-d[0], d[0]])
        return int(np.argmax(d)), d


def keras_outputs(predict, texts, act, units):
    """Keras's own values per text in class order (float64 of its float32), and the label
    Keras implies: class 1 when p > 0.5 (score > 0) for one unit, else the first argmax.
    Returns (labels, values, margins): margin is how far the top value is from a tie."""
    y = np.asarray(predict(texts), dtype=np.float64).reshape(len(texts), units)
    if units == 1:
        v = y[:, 0]
        if act == "sigmoid":
            vals = np.c_[1.0 - v, v]
            return (v > 0.5).astype(int), vals, np.abs(v - 0.5)
        return (v > 0).astype(int), np.c_[-v, v], np.abs(v)
    if act == "softmax" and units == 2:
        return (y[:, 1] > y[:, 0]).astype(int), y, np.abs(y[:, 1] - y[:, 0])
    top = np.sort(y, axis=1)
    return np.argmax(y, axis=1), y, top[:, -1] - top[:, -2]


def _predictor(model, vec_model=None):
    import tensorflow as tf

    def as_input(m, texts):
        t = tf.constant(list(texts), dtype=tf.string)
        shape = m.inputs[0].shape
        return tf.reshape(t, (-1, 1)) if len(shape) == 2 else t

    def predict_chunk(texts):
        if vec_model is None:
            return model.predict(as_input(model, texts), verbose=0, batch_size=256)
        x = vec_model.predict(as_input(vec_model, texts), verbose=0, batch_size=256)
        return model.predict(x, verbose=0, batch_size=256)

    def predict(texts):
        """In chunks: a vectorizer model's output is a dense texts x vocabulary matrix."""
        texts = list(texts)
        return np.concatenate([predict_chunk(texts[i:i + 4096])
                               for i in range(0, len(texts), 4096)] or [np.zeros((0, 1))])
    return predict


# ---- writing ----------------------------------------------------------------------------

def load_model(path, what):
    import keras
    if not os.path.isfile(path):
        raise Refuse("%s %s: no such file" % (what, path))
    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as e:  # Keras raises many kinds; all mean "not a model it can read"
        raise Refuse("%s %s: Keras cannot load it: %s" % (what, path, str(e).splitlines()[0]
                                                          if str(e) else type(e).__name__))


def split_model(model, vec_model=None):
    """(TextVectorization layer, the layers after it) of one model, or of a vectorizer
    model and a classifier model."""
    import keras
    tv_cls = keras.layers.TextVectorization
    if vec_model is None:
        layers = _flat_layers(model)
        if not layers or not isinstance(layers[0], tv_cls):
            raise Refuse("model %s: the first layer must be TextVectorization (found %s)" % (
                model.name, type(layers[0]).__name__ if layers else "none"))
        return layers[0], layers[1:]
    vl = _flat_layers(vec_model)
    if len(vl) != 1 or not isinstance(vl[0], tv_cls):
        raise Refuse("--vectorizer model %s must hold one TextVectorization layer (found %s)" % (
            vec_model.name, ", ".join(type(l).__name__ for l in vl)))
    rest = _flat_layers(model)
    if any(isinstance(l, tv_cls) for l in rest):
        raise Refuse("--model holds a TextVectorization layer too: pass it alone with --model")
    return vl[0], rest


def parse_class_names(labels, n):
    if labels is None:
        return [str(i) for i in range(n)]
    names = [s.strip() for s in labels.split(",")]
    if len(names) != n or any(not s for s in names) or len(set(names)) != n:
        raise Refuse("--labels %r: need %d distinct non-empty names, comma-separated" % (
            labels, n))
    return names


def write_model(model, out, vec_model=None, labels=None, name=None, description=None,
                golden=None, sources=()):
    """Writes the model directory out from loaded Keras models. Returns (out, manifest)."""
    import keras
    tv, head = split_model(model, vec_model)
    vec_meta, terms, idf, width = describe_vectorization(tv)
    act, k, b = describe_head(head, width)
    n = len(terms)
    clf_meta, b64, w64, n_classes, kind = classifier_of(act, k, b, n)
    classes = parse_class_names(labels, n_classes)
    vec_meta["n_features"] = n
    texts = list(DEFAULT_GOLDEN) if golden is None else list(golden)
    ref = KerasRef(vec_meta, terms, idf, act, b64, w64)
    labs, vals, margins = keras_outputs(_predictor(model, vec_model), texts, act, k.shape[1])
    recs = []
    for t, lab, v, mg in zip(texts, labs, vals, margins):
        rlab, rv = ref.outputs(t)
        bad = np.max(np.abs(rv - v) / (1.0 if kind == "probabilities" else
                                       np.maximum(1.0, np.abs(v))))
        if bad > GOLDEN_TOLERANCE / 10:
            raise Refuse("verification failed: the exported numbers give %r for %r where Keras "
                         "gives %r" % (rv.tolist(), t, v.tolist()))
        if mg <= GOLDEN_TOLERANCE:  # a float32 tie: the label of the exact values
            lab = rlab
        recs.append({"text": t, "label": classes[int(lab)],
                     kind: {c: float(x) for c, x in zip(classes, v)}})
    out = os.path.normpath(os.fspath(out))
    parent = os.path.dirname(out) or "."
    if not os.path.isdir(parent):
        raise Refuse("--out parent directory %s does not exist" % parent)
    tmp = tempfile.mkdtemp(prefix=".%s.tmp-" % os.path.basename(out), dir=parent)
    try:
        write_vocab(os.path.join(tmp, "vocab.tsv"), terms,
                    idf.astype(np.float64) if idf is not None else np.ones(n))
        write_linear(os.path.join(tmp, "linear.tsv"), b64, w64)
        with open(os.path.join(tmp, "golden.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n")
        files = {}
        for fn in sorted(os.listdir(tmp)):
            p = os.path.join(tmp, fn)
            files[fn] = {"sha256": sha256_file(p), "bytes": os.path.getsize(p)}
        desc = description if description is not None else "%s on Keras TextVectorization %s" % (
            clf_meta["estimator"], vec_meta["output_mode"])
        import tensorflow as tf
        manifest = build_manifest(name or os.path.basename(out), desc, classes, vec_meta, clf_meta,
                                  files, list(sources),
                                  {"exporter": EXPORTER, "keras_version": keras.__version__,
                                   "tensorflow_version": tf.__version__})
        manifest["golden_tolerance"] = GOLDEN_TOLERANCE
        with open(os.path.join(tmp, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        os.chmod(tmp, 0o755)
        install_dir(tmp, out)
        tmp = None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out, manifest


def read_golden_file(path):
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            mine = [ln[:-1] if ln.endswith("\n") else ln for ln in f]
    except (OSError, UnicodeDecodeError) as e:
        raise Refuse("--golden %s: cannot read UTF-8 text: %s" % (path, e))
    if not mine:
        raise Refuse("--golden %s holds no texts" % path)
    return mine


def export(args):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    vec_model = load_model(args.vectorizer, "--vectorizer") if args.vectorizer else None
    model = load_model(args.model, "--model")
    texts = list(DEFAULT_GOLDEN)
    if args.golden:
        mine = read_golden_file(args.golden)
        texts = mine + [t for t in DEFAULT_GOLDEN if t not in set(mine)]
    sources = [os.path.basename(p) for p in (args.vectorizer, args.model) if p]
    return write_model(model, args.out, vec_model=vec_model, labels=args.labels,
                       name=args.name, description=args.description, golden=texts,
                       sources=sources)


def parse_args(argv=None, prog=None):
    ap = argparse.ArgumentParser(prog=prog or PROG, description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True,
                    help=".keras file: TextVectorization + Dense, or the classifier alone "
                         "with --vectorizer")
    ap.add_argument("--vectorizer", help=".keras file of a model holding the TextVectorization")
    ap.add_argument("--labels", help="class names in output order, comma-separated "
                                     "(default 0,1,...)")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--name", help="model name (default: basename of --out)")
    ap.add_argument("--description", help="free text for the manifest")
    ap.add_argument("--golden", help="texts for the golden samples, one per line")
    return ap.parse_args(argv)


def main(argv=None, prog=None):
    prog = prog or PROG
    return run_export(export, parse_args(argv, prog), prog)
