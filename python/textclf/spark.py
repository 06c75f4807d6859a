"""Scoring a Spark DataFrame with textclf: the C engine inside each Python worker.

    >>> from textclf.spark import score
    >>> scored = score(df, "/models/sentiment-en", text_col="text")

``score`` adds two columns through ``DataFrame.mapInPandas``: the predicted class name
(``label_col``) and one float64 per class (``values_col``), the model's probabilities in
``classes_`` order, or its decision scores for a model without probabilities. Every other
column and the row order within each partition are kept.

The model directory must be readable on every executor: a path all of them see (a shared
file system, a path baked into the image, a directory unpacked by ``--archives``), or
shipped by the driver with ``SparkContext.addFile(dir, recursive=True)``, in which case
give its base name and :func:`resolve` finds it through ``SparkFiles``. Each Python worker loads and verifies the
model once (checksums, golden samples) and keeps it for the partitions it scores next.

Rows: a null text gives a null label and null values; an empty text is classified (as
scikit-learn and Spark classify an empty document). A text the engine refuses (a lone
surrogate, which Java strings may carry) gives null label and values and, when
``error_col`` is set, the engine's message there; the job goes on.
"""
import os

import numpy as np

from . import InputError

_models = {}  # path -> Model, per Python worker process; never shared across processes


def resolve(path):
    """The local directory of a model given as a path or as the name it was shipped under
    (``addFile``): an existing directory is used as is, else SparkFiles'."""
    if os.path.isdir(path):
        return path
    from pyspark import SparkFiles
    shipped = SparkFiles.get(os.path.basename(os.path.normpath(path)))
    if os.path.isdir(shipped):
        return shipped
    raise FileNotFoundError("textclf model %r is neither a directory here nor a file shipped "
                            "with the job (looked at %s)" % (path, shipped))


def load(path, threads=1):
    """The worker's Model for path (loaded and verified on first use)."""
    local = resolve(path)
    key = (local, threads)
    m = _models.get(key)
    if m is None:
        from .model import Model
        m = _models[key] = Model(local, threads=threads)
    return m


def _classify(model, texts, threads):
    """(class indices, values) as the daemon and textclf predict give them: probabilities,
    or decision scores per class (binary: -d, d) for a model without probabilities."""
    return model._predict(texts, threads, want_values=True)


def classify_texts(model, texts, threads=None):
    """(labels, values, errors) for a list where None marks a null text: labels an object
    array (None for null or refused texts), values a list of float lists or None, errors
    a list of None or the engine's message."""
    n = len(texts)
    labels = np.full(n, None, dtype=object)
    values = [None] * n
    errors = [None] * n
    idx = [i for i, t in enumerate(texts) if t is not None]
    if not idx:
        return labels, values, errors
    batch = [texts[i] for i in idx]
    try:
        picked, vals = _classify(model, batch, threads)
        ok = range(len(idx))
    except InputError:
        # Rare: find the refused texts one by one, classify the rest together.
        ok = []
        for j, t in enumerate(batch):
            try:
                _classify(model, [t], threads)
                ok.append(j)
            except InputError as e:
                errors[idx[j]] = str(e).replace("texts[0]: ", "", 1)
        picked, vals = _classify(model, [batch[j] for j in ok], threads)
    names = model.classes_[picked]
    for row, j in enumerate(ok):
        i = idx[j]
        labels[i] = names[row]
        values[i] = vals[row].tolist()
    return labels, values, errors


def partition_scorer(path, text_col="text", label_col="label", values_col="probability",
                     error_col=None, threads=1):
    """The function mapInPandas calls: an iterator of pandas DataFrames (one partition's
    Arrow batches) to the same frames with the result columns appended."""

    def run(frames):
        model = load(path, threads)
        for frame in frames:
            texts = [None if t is None or (isinstance(t, float) and np.isnan(t)) else t
                     for t in frame[text_col].tolist()]
            labels, values, errors = classify_texts(model, texts)
            out = frame.copy()
            out[label_col] = labels
            out[values_col] = values
            if error_col is not None:
                out[error_col] = errors
            yield out

    return run


def score(df, path, text_col="text", label_col="label", values_col="probability",
          error_col=None, threads=1):
    """df with label_col (string) and values_col (array<double>) appended (and error_col,
    string, when given), computed by textclf on the executors."""
    from pyspark.sql.types import ArrayType, DoubleType, StringType, StructField, StructType

    if text_col not in df.columns:
        raise ValueError("no column %r in the DataFrame (columns: %s)"
                         % (text_col, ", ".join(df.columns)))
    if not isinstance(df.schema[text_col].dataType, StringType):
        raise TypeError("column %r is %s; textclf scores strings"
                        % (text_col, df.schema[text_col].dataType.simpleString()))
    for name in (label_col, values_col, error_col):
        if name is not None and name in df.columns:
            raise ValueError("the DataFrame already has a column %r" % name)
    fields = list(df.schema.fields) + [StructField(label_col, StringType(), True),
                                       StructField(values_col, ArrayType(DoubleType(), False),
                                                   True)]
    if error_col is not None:
        fields.append(StructField(error_col, StringType(), True))
    return df.mapInPandas(partition_scorer(path, text_col, label_col, values_col, error_col,
                                           threads), StructType(fields))


def pipe_line(text):
    """A text made safe for ``rdd.pipe("textclf predict --model DIR")``, which writes one
    element per line: each CR or LF becomes one space. Word tokenizers (scikit-learn's
    token pattern, Spark's Tokenizer, which splits on each whitespace character) see the
    same tokens; a character n-gram model would not, so score those with score()."""
    return text.replace("\r", " ").replace("\n", " ")
