"""Writing a model directory: the vocabulary, stop words and weight files, golden samples,
the manifest with every file's sha256, a re-read of the result with the reference reader,
and the move into place."""
import datetime
import os
import platform
import shutil
import tempfile
import unicodedata

import numpy as np

from ._base import Refuse, fmt
from ._common import FormatError, RefModel


def write_vocab(path, terms, idf):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-vocab\t1\t%d\n" % len(terms))
        f.writelines("%s\t%s\n" % (fmt(v), t) for v, t in zip(idf, terms))


def write_idf(path, idf):
    """A hashing model's idf.txt: every hashed column's idf, in column order."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-idf\t1\t%d\n" % len(idf))
        f.writelines(fmt(float(v)) + "\n" for v in idf)


def write_stopwords(path, words):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-stopwords\t1\t%d\n" % len(words))
        f.writelines(w + "\n" for w in words)


def write_vectorizer_files(d, main, terms, idf, stop_file, stop):
    """A vectorizer's files in directory d: the vocabulary `main` (terms and their idf), or
    for a hashing vectorizer (terms None) its idf file `main` when it has one (idf not
    None), and the stop words when there are any."""
    if terms is not None:
        write_vocab(os.path.join(d, main), terms, idf)
    elif idf is not None:
        write_idf(os.path.join(d, main), idf)
    if stop is not None:
        write_stopwords(os.path.join(d, stop_file), stop)


def write_linear(path, intercept, wt):
    n, r = wt.shape
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-linear\t1\nrows\t%d\nfeatures\t%d\n" % (r, n))
        f.write("intercept\t" + "\t".join(fmt(x) for x in intercept) + "\n")
        f.write("weights\n")
        rows = wt.tolist()
        if not np.all(np.isfinite(wt)):
            raise Refuse("non-finite weight")
        f.writelines("\t".join(map(repr, row)) + "\n" for row in rows)


def golden_records(texts, classes, kind, rows_fn):
    """rows_fn(texts) -> (labels, matrix of values) in `classes` order."""
    labels, vals = rows_fn(texts)
    out = []
    for t, lab, v in zip(texts, labels, vals):
        out.append({"text": t, "label": lab,
                    kind: {c: float(x) for c, x in zip(classes, v)}})
    return out


def created_stamp():
    """UTC build time, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde is not None:
        try:
            t = datetime.datetime.fromtimestamp(int(sde), datetime.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise Refuse("SOURCE_DATE_EPOCH=%r is not a Unix time" % sde)
    else:
        t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(name, description, classes, vec_meta, clf_meta, files, sources, made_by):
    """made_by: the exporter and the framework's version, e.g. {"exporter": ...,
    "sklearn_version": ...}; the provenance adds Python's and Unicode's versions."""
    provenance = dict(made_by)
    provenance.update({
        "python_version": platform.python_version(),
        "unicode_version": unicodedata.unidata_version,
        "created": created_stamp(),
        "sources": sources,
    })
    return {
        "format": "textclf-model",
        "format_version": 1,
        "name": name,
        "description": description,
        "classes": classes,
        "vectorizer": vec_meta,
        "classifier": clf_meta,
        "golden": "golden.jsonl",
        "files": files,
        "provenance": provenance,
    }


def verify_dir(d, check_golden):
    """Re-reads the written directory with the reference reader (checksums, counts, numbers)
    and, for linear models, re-predicts the golden samples from the files alone."""
    try:
        ref = RefModel(d)
    except (FormatError, KeyError, ValueError) as e:
        raise Refuse("verification of the written model failed: %s" % e)
    if check_golden and ref.clf["type"] in ("linear", "binarized_linear"):
        problems = ref.check_golden()
        if problems:
            raise Refuse("verification of the written model failed: golden samples do not "
                         "reproduce from the files: %s" % "; ".join(problems[:3]))


def install_dir(tmp, out):
    """Moves the finished tmp directory to out. An existing out must be a model directory
    (manifest.json) or empty; it is replaced."""
    if os.path.lexists(out):
        if not os.path.isdir(out) or os.path.islink(out):
            raise Refuse("--out %s exists and is not a directory" % out)
        if os.listdir(out) and not os.path.isfile(os.path.join(out, "manifest.json")):
            raise Refuse("--out %s exists, is not empty and is not a textclf model directory; "
                         "refusing to replace it" % out)
        old = tempfile.mkdtemp(prefix=".%s.old-" % os.path.basename(out),
                               dir=os.path.dirname(out) or ".")
        os.rmdir(old)
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old)
    else:
        os.rename(tmp, out)
