"""Export a fitted scikit-learn text classifier to a textclf model directory (format v1,
docs/model-format.md).

  textclf-export sklearn --pipeline pipeline.pkl --out DIR
  textclf-export sklearn --vectorizer tfidf_vectorizer.pkl --classifier classifier.pkl --out DIR
  textclf-export sklearn --vectorizer vec.pkl --libsvm-model m.svm --labels 1=positive,-1=negative --out DIR
  options: --name NAME --description TEXT --golden FILE (one text per line; used first, then
           the built-in samples)

Run it with the Python and scikit-learn that made the pickles (pickles do not travel
between scikit-learn versions); scikit-learn 1.2 through 1.9 are tested. From Python,
export_pipeline() takes a fitted Pipeline object directly.

Only what textclf reproduces exactly is exported; anything else is refused with a message
naming the parameter. The directory is written next to DIR under a temporary name, verified
(re-read, checksums, golden samples re-predicted where a reference implementation exists)
and renamed into place.
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import warnings

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted

from ._base import Refuse, run_export
from ._calibrated import describe_calibrated
from ._common import sha256_file
from ._estimators import (class_names, describe_linear, is_supported, supported_names,
                          svc_has_probability)
from ._libsvm import (LibSVM, check_libsvm_file, check_svc_with_libsvm, libsvm_outputs,
                      parse_labels, svc_model_text)
from ._selection import Plan, is_selector
from ._union import describe_union, is_union
from ._token_pattern import verify_with_engine
from ._vectorizer import describe_vectorizer
from ._hashing import is_hashing
from ._write import (build_manifest, golden_records, install_dir, verify_dir, write_linear,
                     write_vectorizer_files)

__all__ = ["export", "export_pipeline", "parse_args", "main", "Refuse", "LibSVM",
           "DEFAULT_GOLDEN", "EXPORTER"]

EXPORTER = "textclf.export.sklearn 1"
PROG = "textclf-export sklearn"

# Default golden texts: plain sentiment, punctuation, and the Unicode cases the C tokenizer
# must get right (special casing, accents both ways, ligatures, full-width, other scripts).
DEFAULT_GOLDEN = [
    "I loved this movie, it was wonderful and moving.",
    "awful film, a complete waste of time",
    "The acting was fine but the plot made no sense at all.",
    "Not bad. Not good either.",
    "one of the best films of the year , a real triumph .",
    "boring , predictable and far too long .",
    "",
    "!!! ???",
    "I don't think I've ever laughed so hard — brilliant!",
    "It's a 10/10 for me: superb_cast and great direction",
    "Café crème, naïve résumé, coöperate and piñata",
    "Cafe\u0301 cre\u0300me (decomposed accents) was e\u0301tonnant",
    "ΟΔΥΣΣΕΥΣ ήταν υπέροχη ταινία ΣΟΦΟΣ",
    "İSTANBUL'da ılık bir akşam, IŞIK ve ışık",
    "Die Straße war groß, STRASSE und Maße",
    "ﬁne ﬂowers, ﬀ ligatures in the ﬁlm",
    "ＦＵＬＬ　ＷＩＤＴＨ ｇｒｅａｔ ｍｏｖｉｅ １２３",
    "这部电影非常好看 映画はとても良かった 영화가 좋았어요",
    "الفيلم كان رائعا جدا",
    "फ़िल्म ९८ अच्छी थी २०२४",
    "great movie 😀👍🏽 terrible ending 😡",
    "a\u0308b\u0301c e\u0327a and ̃tilde combining marks",
    "__init__ snake_case_words _ __ and under_score",
    "rock'n'roll o'clock ’tis the season, l’amour",
    "MiXeD CaSe WORDS And DIGITS 42 007",
]



def load_pickle(path, what, versions=None):
    """joblib.load(path). scikit-learn's warning that the pickle comes from another
    scikit-learn version is caught, and that version added to the set versions."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            obj = joblib.load(path)
    except FileNotFoundError:
        raise Refuse("%s: no such file (%s)" % (path, what))
    except Exception as e:  # joblib raises many types for a corrupt/foreign file
        raise Refuse("%s: cannot load %s with joblib: %s: %s" % (path, what, type(e).__name__, e))
    for w in caught:
        # InconsistentVersionWarning (1.3+) carries the version; 1.2 says it in the text.
        v = getattr(w.message, "original_sklearn_version", None)
        m = re.search(r"from version (\S+) when using version", str(w.message))
        if v is None and m:
            v = m.group(1)
        if v is not None and versions is not None:
            versions.add(str(v))
        elif v is None:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return obj


def _steps(pipe):
    return [s for _, s in pipe.steps if s not in (None, "passthrough")]


def split_pipeline(pipe, what):
    """(vectorizer, TfidfTransformer or None, classifier, the steps before the classifier)
    of a fitted Pipeline; feature selectors may stand between the vectorizer and the
    classifier (_selection.py)."""
    if not isinstance(pipe, Pipeline):
        raise Refuse("%s holds a %s, not a sklearn Pipeline" % (what, type(pipe).__name__))
    steps = _steps(pipe)
    if len(steps) == 2:
        return steps[0], None, steps[1], steps[:1]
    if len(steps) == 3 and not is_selector(steps[1]):
        return steps[0], steps[1], steps[2], steps[:2]
    if 3 <= len(steps) <= 5 and any(is_selector(s) for s in steps[1:-1]):
        return steps[0], None, steps[-1], steps[:-1]
    raise Refuse("pipeline has %d steps; supported: TfidfVectorizer or CountVectorizer + "
                 "classifier, or CountVectorizer + TfidfTransformer + classifier, with feature "
                 "selectors between them" % len(steps))


def sklearn_outputs(vectorize, clf, classes, prob):
    """Returns rows_fn computing scikit-learn's own outputs for the golden file."""
    def rows(texts):
        X = vectorize(texts)
        if type(clf) is SVC and not clf._sparse:
            X = X.toarray()
        pred = clf.predict(X)
        idx = {c: i for i, c in enumerate(clf.classes_.tolist())}
        labels = [classes[idx[p]] for p in pred.tolist()]
        if prob != "none":
            v = clf.predict_proba(X)
        else:
            d = np.asarray(clf.decision_function(X), dtype=np.float64)
            v = np.c_[-d, d] if d.ndim == 1 else d
        return labels, v
    return rows


def golden_texts(mine=None):
    """The golden sample texts: the user's first, then the built-in ones, so every model
    carries 20+ samples including the Unicode cases."""
    if mine is None:
        return list(DEFAULT_GOLDEN)
    mine = list(mine)
    if not mine:
        raise Refuse("the golden texts are empty")
    seen = set(mine)
    return mine + [t for t in DEFAULT_GOLDEN if t not in seen]


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
    """The command line's export: args as parse_args() returns them. Returns (directory,
    manifest). A pickle made by another scikit-learn version is named in the refusal (or
    in a warning when the export succeeds): its outputs are this version's."""
    versions = set()
    try:
        result = _export(args, versions)
    except Refuse as e:
        if versions:
            raise Refuse("%s (note: the pickle was made by scikit-learn %s and this is %s; "
                         "pickles do not travel between versions: run the exporter with the "
                         "scikit-learn that made it)" % (e, ", ".join(sorted(versions)),
                                                        sklearn.__version__)) from None
        raise
    if versions:
        sys.stderr.write("%s: warning: the pickle was made by scikit-learn %s and was "
                         "exported with %s; the model gives %s's outputs\n" % (
                             PROG, ", ".join(sorted(versions)), sklearn.__version__,
                             sklearn.__version__))
    return result


def _export(args, versions):
    if args.pipeline and (args.vectorizer or args.classifier or args.libsvm_model):
        raise Refuse("--pipeline excludes --vectorizer/--classifier/--libsvm-model")
    tfidf = None
    chain = None
    if args.pipeline:
        vec, tfidf, clf, chain = split_pipeline(load_pickle(args.pipeline, "pipeline", versions),
                                                args.pipeline)
        sources = [os.path.basename(args.pipeline)]
    else:
        if not args.vectorizer or not (args.classifier or args.libsvm_model):
            raise Refuse("need --pipeline, or --vectorizer with --classifier or --libsvm-model")
        if args.classifier and args.libsvm_model:
            raise Refuse("--classifier and --libsvm-model are exclusive")
        vec = load_pickle(args.vectorizer, "vectorizer", versions)
        if isinstance(vec, Pipeline):
            steps = _steps(vec)
            if len(steps) != 2:
                raise Refuse("--vectorizer pipeline must be CountVectorizer + TfidfTransformer")
            vec, tfidf = steps
        clf = load_pickle(args.classifier, "classifier", versions) if args.classifier else None
        sources = [os.path.basename(args.vectorizer),
                   os.path.basename(args.classifier or args.libsvm_model)]
    texts = golden_texts(read_golden_file(args.golden) if args.golden else None)
    return write_model(vec, tfidf, clf, args.out, name=args.name, description=args.description,
                       golden=texts, sources=sources, libsvm_model=args.libsvm_model,
                       labels=args.labels, chain=chain)


def export_pipeline(pipeline, out, name=None, description=None, golden=None):
    """Exports a fitted Pipeline object (TfidfVectorizer + classifier, or CountVectorizer +
    TfidfTransformer + classifier) to the model directory out. golden: optional texts for
    the golden samples (the built-in ones follow). Returns the manifest (a dict); raises
    Refuse for anything textclf would not reproduce exactly."""
    vec, tfidf, clf, chain = split_pipeline(pipeline, "the object")
    return write_model(vec, tfidf, clf, out, name=name, description=description,
                       golden=golden_texts(golden), sources=[], chain=chain)[1]


def write_model(vec, tfidf, clf, out, name=None, description=None, golden=None, sources=(),
                libsvm_model=None, labels=None, chain=None):
    """Writes the model directory out from fitted objects: vec (TfidfVectorizer, or
    CountVectorizer with tfidf a TfidfTransformer), and clf, or for a model trained by
    libsvm's svm-train clf None with libsvm_model (its file) and labels ("INT=NAME,...").
    chain: the pipeline's steps before the classifier when they include feature selectors.
    Returns (directory, manifest)."""
    plan = None
    union_files = None
    if is_union(vec):
        if tfidf is not None or (chain is not None and len(chain) > 1):
            raise Refuse("a FeatureUnion must be followed by the classifier directly (its parts "
                         "may be CountVectorizer + TfidfTransformer pipelines)")
        chain = [vec]
        vec_meta, union_files, n_union = describe_union(vec)
        terms, idf, stop = None, None, None
    elif chain is not None and any(is_selector(s) for s in chain):
        if is_hashing(vec):
            raise Refuse("feature selection after a HashingVectorizer is not supported (select "
                         "with a CountVectorizer or TfidfVectorizer vocabulary instead)")
        plan = Plan(chain)
        tfidf = plan.tfidf
        vec_meta, terms, idf, stop = describe_vectorizer(vec, tfidf, plan.tfidf_cols, plan.keep)
    else:
        chain = [vec] + ([tfidf] if tfidf is not None else [])
        vec_meta, terms, idf, stop = describe_vectorizer(vec, tfidf)
    n = n_union if union_files is not None else \
        vec_meta["n_features"] if terms is None else len(terms)
    expand = plan.expand if plan is not None else None
    golden = list(DEFAULT_GOLDEN) if golden is None else golden

    def vectorize(texts):
        X = texts
        for step in chain:
            X = step.transform(X)
        return X

    out = os.path.normpath(os.fspath(out))
    parent = os.path.dirname(out) or "."
    if not os.path.isdir(parent):
        raise Refuse("--out parent directory %s does not exist" % parent)
    tmp = tempfile.mkdtemp(prefix=".%s.tmp-" % os.path.basename(out), dir=parent)
    lsvm = None
    try:
        if union_files is not None:
            for vf, t_terms, t_idf, sf, t_stop in union_files:
                write_vectorizer_files(tmp, vf, t_terms, t_idf, sf, t_stop)
        else:
            write_vectorizer_files(tmp, vec_meta.get("vocabulary", vec_meta.get("idf")), terms,
                                   idf, "stopwords.txt", stop)
        if clf is None:  # libsvm-trained model
            if libsvm_model is None:
                raise Refuse("no classifier given")
            if not labels:
                raise Refuse("--libsvm-model needs --labels INT=NAME,...")
            names = parse_labels(labels)
            file_labels, has_prob, _ = check_libsvm_file(libsvm_model, n)
            if set(file_labels) != set(names):
                raise Refuse("--labels gives %s but %s has labels %s" % (
                    sorted(names), libsvm_model, file_labels))
            classes = [names[lab] for lab in file_labels]
            class_names(classes)
            shutil.copyfile(libsvm_model, os.path.join(tmp, "model.svm"))
            lsvm = LibSVM(os.path.join(tmp, "model.svm"))
            if lsvm.labels != file_labels:
                raise Refuse("libsvm reads labels %r, header says %r" % (lsvm.labels,
                                                                          file_labels))
            clf_meta = {"type": "libsvm", "file": "model.svm", "estimator": "svm-train",
                        "probability": "pairwise_coupling" if has_prob else "none",
                        "origin": "libsvm", "libsvm_labels": file_labels}
            rows_fn = libsvm_outputs(vectorize, lsvm, classes, file_labels)
            kind = "probabilities" if has_prob else "scores"
        else:
            if not is_supported(clf):
                raise Refuse("classifier %s is not supported (%s)" % (
                    type(clf).__name__, ", ".join(supported_names())))
            try:
                check_is_fitted(clf)
            except NotFittedError:
                raise Refuse("classifier %s is not fitted" % type(clf).__name__)
            classes = class_names(clf.classes_)
            if type(clf) is SVC:
                if expand is not None:
                    raise Refuse("SVC after feature selection of a normalised tf-idf row is not "
                                 "supported (select before the TfidfTransformer, or use norm=None)")
                text = svc_model_text(clf, n)
                with open(os.path.join(tmp, "model.svm"), "w", encoding="ascii",
                          newline="\n") as f:
                    f.write(text)
                lsvm = LibSVM(os.path.join(tmp, "model.svm"))
                check_svc_with_libsvm(lsvm, clf, vectorize, golden)
                clf_meta = {"type": "libsvm", "file": "model.svm", "estimator": "SVC",
                            "probability": ("pairwise_coupling" if svc_has_probability(clf)
                                            else "none"),
                            "origin": "sklearn", "libsvm_labels": list(range(len(classes)))}
            elif type(clf) is CalibratedClassifierCV:
                clf_meta, text = describe_calibrated(clf, n, expand)
                with open(os.path.join(tmp, clf_meta["file"]), "w", encoding="ascii",
                          newline="\n") as f:
                    f.write(text)
            else:
                clf_meta, b, wt = describe_linear(clf, n, expand)
                write_linear(os.path.join(tmp, "linear.tsv"), b, wt)
            prob = clf_meta["probability"]
            rows_fn = sklearn_outputs(vectorize, clf, classes, prob)
            kind = "probabilities" if prob != "none" else "scores"
        recs = golden_records(golden, classes, kind, rows_fn)
        with open(os.path.join(tmp, "golden.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n")
        files = {}
        for fn in sorted(os.listdir(tmp)):
            p = os.path.join(tmp, fn)
            files[fn] = {"sha256": sha256_file(p), "bytes": os.path.getsize(p)}
        name = name or os.path.basename(out)
        desc = description if description is not None else \
            "%s on %s" % (clf_meta["estimator"], "TF-IDF")
        manifest = build_manifest(name, desc, classes, vec_meta, clf_meta, files, list(sources),
                                  {"exporter": EXPORTER, "sklearn_version": sklearn.__version__})
        with open(os.path.join(tmp, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        os.chmod(tmp, 0o755)
        verify_dir(tmp, check_golden=True)
        verify_with_engine(tmp, vec_meta)
        install_dir(tmp, out)
        tmp = None
    finally:
        if lsvm is not None:
            lsvm.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out, manifest


def parse_args(argv=None, prog=None):
    ap = argparse.ArgumentParser(prog=prog or PROG, description=__doc__.split("\n\n")[0])
    ap.add_argument("--vectorizer", help="joblib pickle of a fitted TfidfVectorizer")
    ap.add_argument("--classifier", help="joblib pickle of a fitted classifier")
    ap.add_argument("--pipeline", help="joblib pickle of a fitted Pipeline")
    ap.add_argument("--libsvm-model", help="model file written by libsvm's svm-train")
    ap.add_argument("--labels", help="for --libsvm-model: INT=NAME,... (e.g. 1=positive,-1=negative)")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--name", help="model name (default: basename of --out)")
    ap.add_argument("--description", help="free text for the manifest")
    ap.add_argument("--golden", help="texts for the golden samples, one per line")
    return ap.parse_args(argv)


def main(argv=None, prog=None):
    prog = prog or PROG
    return run_export(export, parse_args(argv, prog), prog)
