"""Export a saved Spark ML PipelineModel to a textclf model directory (format v1, "spark"
vectorizer, docs/model-format.md).

  tools/export_spark.py --pipeline DIR --out MODEL [--labels 0=negative,1=positive]
  options: --name NAME --description TEXT --golden FILE (one text per line; used first,
           then the built-in samples)

Run it with a Python that has pyspark (requirements-spark.txt; `make venv-spark`). The
pipeline is loaded by pyspark itself; every stage's parameters and coefficients are read
from the loaded stages, and the golden samples hold what Spark's own transform gave.

Supported stages, in this order (a StringIndexerModel on the label column and an
IndexToString on the prediction may stand anywhere and give the class names):
  Tokenizer | RegexTokenizer(pattern, gaps, toLowercase, minTokenLength; patterns other
  than the default "\\s+" are matched with PCRE2 and must avoid the constructs Java and
  PCRE2 read differently: check_pattern names them)
  [StopWordsRemover]  [NGram(n=2)]  HashingTF | CountVectorizerModel  [IDFModel]
  [Normalizer(p = 1 or 2)]
  LogisticRegressionModel (binomial, multinomial) | LinearSVCModel | NaiveBayesModel
  (multinomial)
Anything else is refused with a message naming the stage and the parameter.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

import numpy as np

from ._base import Refuse, fmt
from ._write import build_manifest, install_dir, write_linear

EXPORTER = "textclf.export.spark 1"
PROG = "export_spark"

# Whitespace as Java's "\\s" sees it (and does not), Unicode lowercasing, and plain text.
DEFAULT_GOLDEN = [
    "I loved this movie, it was wonderful and moving.",
    "awful film, a complete waste of time",
    "The acting was fine but the plot made no sense at all.",
    "",
    " ",
    "   leading and trailing spaces   ",
    "double  spaces,\ttabs\t\tand\x0bvertical\x0cfeeds\rreturns",
    "no-break\u00a0space, next\u0085line and line\u2028separator stay inside tokens",
    "Café crème, naïve résumé, coöperate and piñata",
    "ΟΔΥΣΣΕΥΣ ήταν υπέροχη ταινία ΣΟΦΟΣ ΣΑΣ",
    "İSTANBUL'da ılık bir akşam, IŞIK ve ışık",
    "Die Straße war groß, STRASSE und Maße ẞ",
    "ＦＵＬＬ　ＷＩＤＴＨ ｇｒｅａｔ ｍｏｖｉｅ １２３",
    "这部电影非常好看 映画はとても良かった 영화가 좋았어요",
    "great movie 😀👍🏽 terrible ending 😡 𐐀𐐨 Deseret",
    "MiXeD CaSe WORDS And DIGITS 42 007 Ǆ ǅ ǆ",
    "not bad at all , really not bad",
    "the the the the the the",
    "one of the best films of the year , a real triumph .",
    "boring , predictable and far too long .",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


def _cls(stage):
    return type(stage).__name__


def _who(i, stage):
    return "stage %d (%s %s)" % (i, _cls(stage), stage.uid)


def _p(stage, name):
    return stage.getOrDefault(stage.getParam(name))


def parse_labels(spec):
    """"0=negative,1=positive" -> {0: "negative", 1: "positive"}."""
    out = {}
    for part in spec.split(","):
        k, sep, v = part.partition("=")
        try:
            idx = int(k.strip())
        except ValueError:
            idx = None
        if not sep or idx is None or idx < 0 or not v or idx in out:
            raise Refuse("--labels %r: expected INDEX=NAME,... with distinct indices >= 0" % spec)
        out[idx] = v
    return out


class _Plan:
    """What the stages add up to, checked while they are read."""

    def __init__(self):
        self.col = None            # the column the next feature stage must read
        self.text_col = None
        self.tokenizer = None
        self.stop = None
        self.ngram = 1
        self.tf = None
        self.vocab = None
        self.idf = None
        self.norm_p = None
        self.clf = None
        self.labels = None


def _chain(plan, i, st, what):
    if plan.col is not None and _p(st, "inputCol") != plan.col:
        raise Refuse("%s: inputCol %r is not the previous stage's output %r (stages that "
                     "branch or merge columns are not supported)" % (
                         _who(i, st), _p(st, "inputCol"), plan.col))
    plan.col = _p(st, "outputCol")


def _tokenizer(plan, i, st):
    from pyspark.ml.feature import RegexTokenizer
    if plan.tokenizer is not None:
        raise Refuse("%s: a second tokenizer is not supported" % _who(i, st))
    plan.text_col = _p(st, "inputCol")
    _chain(plan, i, st, "tokenizer")
    if not isinstance(st, RegexTokenizer):
        plan.tokenizer = {"tokenizer": "Tokenizer"}
        return
    pattern, gaps = _p(st, "pattern"), bool(_p(st, "gaps"))
    if pattern != "\\s+" or not gaps:
        why = check_pattern(pattern)
        if why:
            raise Refuse("%s: pattern %r: %s" % (_who(i, st), pattern, why))
    plan.tokenizer = {"tokenizer": "RegexTokenizer", "pattern": pattern, "gaps": gaps,
                      "to_lowercase": bool(_p(st, "toLowercase")),
                      "min_token_length": int(_p(st, "minTokenLength"))}


def check_pattern(p):
    """None if textclf matches RegexTokenizer pattern p with PCRE2 as Java does, else the
    refused construct (the C loader's check, src/spark_regex.c, is the authority; this
    mirrors it so that the export fails early). A pattern PCRE2 cannot compile, or that
    can match the empty string, is refused when the model is loaded."""
    def esc(i):
        if i + 1 >= len(p):
            return "a trailing backslash at offset %d" % i
        c = p[i + 1]
        if c in "sSwWdDtnrf" or (ord(c) < 0x80 and not c.isalnum()):
            return None
        if c in "bB":
            return "\\b / \\B at offset %d (Java 17's word boundary is Unicode-aware)" % i
        if c.isdigit():
            return "a backreference or octal escape at offset %d" % i
        return "the escape \\%s at offset %d" % (c, i)
    if not p:
        return "an empty pattern"
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            w = esc(i)
            if w:
                return w
            i += 2
            continue
        if c == ".":
            return "'.' at offset %d (Java's excludes \\r, \\u0085, \\u2028 and \\u2029)" % i
        if c in "^$":
            return "'^' / '$' at offset %d (line ends differ)" % i
        if c == "[":
            j = i + 1 + (p[i + 1:i + 2] == "^")
            if p[j:j + 1] == "]":
                return "']' first in a class at offset %d" % j
            while j < len(p) and p[j] != "]":
                if p[j] == "[":
                    return "'[' inside a class at offset %d (Java unions, POSIX classes)" % j
                if p[j:j + 2] == "&&":
                    return "'&&' in a class at offset %d (Java intersections)" % j
                if p[j] == "\\":
                    w = esc(j)
                    if w:
                        return w
                    j += 1
                j += 1
            if j >= len(p):
                return "an unclosed '[' at offset %d" % i
            i = j + 1
            continue
        if c == "(":
            if p[i + 1:i + 2] == "*":
                return "'(*' at offset %d (PCRE2 verbs)" % i
            if p[i + 1:i + 2] == "?" and not any(p.startswith(g, i) for g in (
                    "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?>")):
                return "a '(?' group at offset %d (inline flags, named groups, ...)" % i
        if c == "{":
            import re
            m = re.match(r"\{[0-9]+(,[0-9]*)?\}", p[i:])
            if not m:
                return "a '{' at offset %d that is not a {m}, {m,} or {m,n} quantifier" % i
            i += m.end()
            continue
        if c in "}]":
            return "an unbalanced '%s' at offset %d" % (c, i)
        i += 1
    import re
    try:
        if re.match(p, "") is not None:
            return "a pattern that can match the empty string"
    except re.error as e:
        return "not a valid pattern: %s" % e
    return None


def _java_lower(spark, words, locale):
    if not words:
        return []
    jvm = spark._jvm
    parts = locale.split("_")
    jl = jvm.java.util.Locale(parts[0], parts[1] if len(parts) > 1 else "")
    joined = "\n".join(words)
    low = jvm.org.apache.commons.lang3.StringUtils.lowerCase(joined, jl)
    out = low.split("\n")
    if len(out) != len(words):
        raise Refuse("lowercasing the stop words changed their number")
    return out


def _stop_words(spark, plan, i, st):
    if plan.tokenizer is None or plan.ngram != 1 or plan.tf is not None or plan.stop is not None:
        raise Refuse("%s: StopWordsRemover must follow the tokenizer directly" % _who(i, st))
    _chain(plan, i, st, "stop words")
    words = list(_p(st, "stopWords"))
    if any("\n" in w or "\r" in w for w in words):
        raise Refuse("%s: stopWords: a word with a line break is not supported" % _who(i, st))
    if not _p(st, "caseSensitive"):
        lowered = plan.tokenizer["tokenizer"] == "Tokenizer" or plan.tokenizer["to_lowercase"]
        if not lowered:
            raise Refuse("%s: caseSensitive=False after a tokenizer with toLowercase=False is "
                         "not supported" % _who(i, st))
        locale = _p(st, "locale")
        if locale.split("_")[0] in ("tr", "az", "lt"):
            raise Refuse("%s: locale %r is not supported (its lowercasing differs)" % (
                _who(i, st), locale))
        words = _java_lower(spark, words, locale)
    plan.stop = sorted(set(words))


def _feature(plan, i, st):
    from pyspark.ml.feature import (CountVectorizerModel, HashingTF, IDFModel, NGram,
                                    Normalizer)
    if isinstance(st, NGram):
        if plan.tokenizer is None or plan.tf is not None or plan.ngram != 1:
            raise Refuse("%s: NGram must follow the tokenizer or the stop words" % _who(i, st))
        if _p(st, "n") != 2:
            raise Refuse("%s: n=%d is not supported (only n=2)" % (_who(i, st), _p(st, "n")))
        _chain(plan, i, st, "ngram")
        plan.ngram = 2
    elif isinstance(st, (HashingTF, CountVectorizerModel)):
        if plan.tokenizer is None or plan.tf is not None:
            raise Refuse("%s: a term-frequency stage must follow the tokens" % _who(i, st))
        _chain(plan, i, st, "tf")
        binary = bool(_p(st, "binary"))
        if isinstance(st, HashingTF):
            plan.tf = {"tf": "HashingTF", "hash": "spark_murmur3_x86_32", "binary": binary,
                       "n_features": int(_p(st, "numFeatures"))}
        else:
            vocab = list(st.vocabulary)
            if any("\n" in w or "\r" in w for w in vocab):
                raise Refuse("%s: vocabulary: a term with a line break is not supported" %
                             _who(i, st))
            plan.vocab = vocab
            plan.tf = {"tf": "CountVectorizer", "binary": binary, "n_features": len(vocab),
                       "min_tf": float(_p(st, "minTF"))}
    elif isinstance(st, IDFModel):
        if plan.tf is None or plan.idf is not None or plan.norm_p is not None:
            raise Refuse("%s: IDFModel must follow HashingTF or CountVectorizerModel" % _who(i, st))
        _chain(plan, i, st, "idf")
        idf = np.asarray(st.idf.toArray(), dtype=np.float64)
        if idf.shape != (plan.tf["n_features"],) or not np.all(np.isfinite(idf)) or np.any(idf < 0):
            raise Refuse("%s: idf has %d values or non-finite / negative ones" % (
                _who(i, st), idf.size))
        plan.idf = idf
    elif isinstance(st, Normalizer):
        if plan.tf is None or plan.norm_p is not None:
            raise Refuse("%s: Normalizer must follow the term frequencies" % _who(i, st))
        _chain(plan, i, st, "norm")
        p = float(_p(st, "p"))
        if p not in (1.0, 2.0):
            raise Refuse("%s: p=%r is not supported (only 1 and 2)" % (_who(i, st), p))
        plan.norm_p = int(p)
    else:
        return False
    return True


def _check_thresholds(i, st, binary_threshold):
    if st.hasParam("thresholds") and st.isSet(st.getParam("thresholds")):
        raise Refuse("%s: thresholds is set; only the default decision is supported" % _who(i, st))
    if binary_threshold is not None and st.hasParam("threshold"):
        t = float(_p(st, "threshold"))
        if t != binary_threshold:
            raise Refuse("%s: threshold=%r is not supported (only the default %r)" % (
                _who(i, st), t, binary_threshold))


def _classifier(plan, i, st):
    from pyspark.ml.classification import (LinearSVCModel, LogisticRegressionModel,
                                           NaiveBayesModel)
    if not isinstance(st, (LogisticRegressionModel, LinearSVCModel, NaiveBayesModel)):
        return False
    if plan.tf is None or plan.clf is not None:
        raise Refuse("%s: the classifier must follow the feature stages" % _who(i, st))
    if _p(st, "featuresCol") != plan.col:
        raise Refuse("%s: featuresCol %r is not the feature stages' output %r" % (
            _who(i, st), _p(st, "featuresCol"), plan.col))
    n = plan.tf["n_features"]
    if st.numFeatures != n:
        raise Refuse("%s: numFeatures %d but the features have %d" % (_who(i, st), st.numFeatures, n))
    k = int(st.numClasses)
    if isinstance(st, LogisticRegressionModel):
        W = st.coefficientMatrix.toArray()
        b = np.asarray(st.interceptVector.toArray())
        if W.shape[0] == 1:  # binomial: margin m, p1 = sigmoid(m)
            _check_thresholds(i, st, 0.5)
            plan.clf = ("LogisticRegressionModel", "logistic_ovr", "probability", b, W.T)
        elif k == 2:         # multinomial over 2 classes: softmax([m0, m1]) = sigmoid(m1 - m0)
            _check_thresholds(i, st, None)
            d = (W[1] - W[0]) / 2.0
            plan.clf = ("LogisticRegressionModel", "softmax_binary", "probability",
                        np.array([(b[1] - b[0]) / 2.0]), d.reshape(-1, 1))
        else:
            _check_thresholds(i, st, None)
            plan.clf = ("LogisticRegressionModel", "softmax", "probability", b, W.T)
    elif isinstance(st, LinearSVCModel):
        _check_thresholds(i, st, 0.0)
        plan.clf = ("LinearSVCModel", "none", "rawPrediction",
                    np.array([float(st.intercept)]), st.coefficients.toArray().reshape(-1, 1))
    else:
        if _p(st, "modelType") != "multinomial":
            raise Refuse("%s: modelType=%r is not supported (only multinomial)" % (
                _who(i, st), _p(st, "modelType")))
        _check_thresholds(i, st, None)
        plan.clf = ("NaiveBayesModel", "naive_bayes", "probability",
                    np.asarray(st.pi.toArray()), st.theta.toArray().T)
    plan.k = k
    plan.pred_col = _p(st, "predictionCol")
    plan.out_col = _p(st, plan.clf[2] + "Col")
    return True


def read_pipeline(spark, model):
    from pyspark.ml.feature import (IndexToString, RegexTokenizer, StopWordsRemover,
                                    StringIndexerModel, Tokenizer)
    plan = _Plan()
    for i, st in enumerate(model.stages):
        if isinstance(st, (Tokenizer, RegexTokenizer)):
            _tokenizer(plan, i, st)
        elif isinstance(st, StopWordsRemover):
            _stop_words(spark, plan, i, st)
        elif isinstance(st, StringIndexerModel):
            plan.labels = list(st.labels)
        elif isinstance(st, IndexToString):
            if _p(st, "labels"):
                plan.labels = list(_p(st, "labels"))
        elif _feature(plan, i, st) or _classifier(plan, i, st):
            pass
        else:
            raise Refuse("%s: stage not supported (supported: %s)" % (_who(i, st), ", ".join([
                "Tokenizer", "RegexTokenizer", "StopWordsRemover", "NGram", "HashingTF",
                "CountVectorizerModel", "IDFModel", "Normalizer", "LogisticRegressionModel",
                "LinearSVCModel", "NaiveBayesModel", "StringIndexerModel", "IndexToString"])))
    if plan.tokenizer is None or plan.tf is None or plan.clf is None:
        raise Refuse("the pipeline needs a tokenizer, HashingTF or CountVectorizerModel and a "
                     "classifier")
    return plan


def _class_names(plan, labels_spec):
    if labels_spec:
        m = parse_labels(labels_spec)
        if sorted(m) != list(range(plan.k)):
            raise Refuse("--labels must name every class index 0..%d" % (plan.k - 1))
        names = [m[j] for j in range(plan.k)]
    elif plan.labels is not None:
        if len(plan.labels) != plan.k:
            raise Refuse("the pipeline's labels %r are not %d names" % (plan.labels, plan.k))
        names = [str(x) for x in plan.labels]
    else:
        names = [str(j) for j in range(plan.k)]
    if len(set(names)) != len(names) or any(not x for x in names):
        raise Refuse("class names must be distinct and non-empty: %r" % names)
    return names


def _write_terms(path, terms):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-spark-terms\t1\t%d\n" % len(terms))
        f.writelines(t + "\n" for t in terms)


def _write_idf(path, idf):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("textclf-spark-idf\t1\t%d\n" % len(idf))
        f.writelines(fmt(x) + "\n" for x in idf.tolist())


def spark_outputs(spark, model, plan, texts, classes):
    """Spark's own transform of texts: (labels, rows of the classifier's output)."""
    df = spark.createDataFrame([(j, t) for j, t in enumerate(texts)], ["_textclf_id", plan.text_col])
    rows = model.transform(df).select("_textclf_id", plan.pred_col, plan.out_col).collect()
    rows.sort(key=lambda r: r[0])
    labels = [classes[int(r[1])] for r in rows]
    vals = [list(map(float, r[2].toArray())) for r in rows]
    return labels, vals


def _sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for blk in iter(lambda: f.read(1 << 20), b""):
            h.update(blk)
    return {"sha256": h.hexdigest(), "bytes": os.path.getsize(path)}


def write_model(spark, model, out, labels=None, name=None, description=None, golden=None,
                sources=()):
    import pyspark
    plan = read_pipeline(spark, model)
    classes = _class_names(plan, labels)
    est, proba, kind, intercept, wt = plan.clf
    texts = list(golden) if golden else list(DEFAULT_GOLDEN)
    glabels, gvals = spark_outputs(spark, model, plan, texts, classes)
    out = os.path.normpath(os.fspath(out))
    parent = os.path.dirname(out) or "."
    if not os.path.isdir(parent):
        raise Refuse("--out parent directory %s does not exist" % parent)
    tmp = tempfile.mkdtemp(prefix=".%s.tmp-" % os.path.basename(out), dir=parent)
    try:
        vec = {"type": "spark", "n_features": plan.tf["n_features"]}
        vec.update(plan.tokenizer)
        vec["stop_words"] = None
        if plan.stop is not None:
            _write_terms(os.path.join(tmp, "stopwords.txt"), plan.stop)
            vec["stop_words"] = "stopwords.txt"
        vec["ngram"] = plan.ngram
        vec.update({k: v for k, v in plan.tf.items() if k != "n_features"})
        if plan.vocab is not None:
            _write_terms(os.path.join(tmp, "terms.txt"), plan.vocab)
            vec["vocabulary"] = "terms.txt"
        vec["idf"] = None
        if plan.idf is not None:
            _write_idf(os.path.join(tmp, "idf.txt"), plan.idf)
            vec["idf"] = "idf.txt"
        vec["norm_p"] = plan.norm_p
        write_linear(os.path.join(tmp, "linear.tsv"), intercept, np.ascontiguousarray(wt))
        key = "scores" if kind == "rawPrediction" else "probabilities"
        with open(os.path.join(tmp, "golden.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for t, lab, v in zip(texts, glabels, gvals):
                f.write(json.dumps({"text": t, "label": lab,
                                    key: {c: x for c, x in zip(classes, v)}},
                                   ensure_ascii=False) + "\n")
        clf = {"type": "linear", "file": "linear.tsv", "estimator": est, "probability": proba}
        files = {fn: _sha(os.path.join(tmp, fn)) for fn in sorted(os.listdir(tmp))}
        manifest = build_manifest(name or os.path.basename(out), description or
                                  "Spark ML pipeline %s" % " > ".join(
                                      _cls(s) for s in model.stages),
                                  classes, vec, clf, files, list(sources),
                                  {"exporter": EXPORTER, "spark_version": pyspark.__version__})
        with open(os.path.join(tmp, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
            json.dump(manifest, f, indent=2, ensure_ascii=False)
            f.write("\n")
        install_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out, manifest


def check_saved_version(path, model):
    """A HashingTF saved by Spark 2 hashes with the old MurmurHash3 variant of
    mllib.feature.HashingTF (Spark keeps it when loading): refused."""
    import glob
    from pyspark.ml.feature import HashingTF
    for meta in glob.glob(os.path.join(path, "metadata", "part-*")):
        with open(meta, encoding="utf-8") as f:
            version = json.loads(f.readline()).get("sparkVersion", "")
        major = version.split(".")[0]
        if major.isdigit() and int(major) < 3:
            for i, st in enumerate(model.stages):
                if isinstance(st, HashingTF):
                    raise Refuse("%s: saved by Spark %s, whose HashingTF hash (mllib's "
                                 "pre-3.0 MurmurHash3 variant) is not supported" % (
                                     _who(i, st), version))


def parse_args(argv=None, prog=PROG):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    ap.add_argument("--pipeline", required=True, help="a saved PipelineModel directory")
    ap.add_argument("--out", required=True, help="the model directory to write")
    ap.add_argument("--labels", help="class names by index: 0=negative,1=positive")
    ap.add_argument("--name")
    ap.add_argument("--description")
    ap.add_argument("--golden", help="a file of golden texts, one per line")
    return ap.parse_args(argv)


def session():
    from pyspark.sql import SparkSession
    return (SparkSession.builder.master("local[1]").appName("textclf-export")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            .getOrCreate())


def main(argv=None, prog=PROG):
    args = parse_args(argv, prog)
    try:
        from pyspark.ml import PipelineModel
    except ImportError:
        sys.stderr.write("%s: pyspark is not installed in this Python (see requirements-spark.txt)\n"
                         % prog)
        return 2
    try:
        golden = None
        if args.golden:
            with open(args.golden, encoding="utf-8", newline="\n") as f:
                golden = [ln[:-1] if ln.endswith("\n") else ln for ln in f]
            golden += [t for t in DEFAULT_GOLDEN if t not in set(golden)]
        spark = session()
        try:
            model = PipelineModel.load(args.pipeline)
        except Exception as e:  # pyspark raises its own wrappers of Java exceptions
            raise Refuse("--pipeline %s: not a loadable PipelineModel: %s" % (
                args.pipeline, str(e).splitlines()[0] if str(e) else type(e).__name__))
        check_saved_version(args.pipeline, model)
        out, _ = write_model(spark, model, args.out, labels=args.labels, name=args.name,
                             description=args.description, golden=golden,
                             sources=[os.path.basename(os.path.normpath(args.pipeline))])
    except Refuse as e:
        sys.stderr.write("%s: %s\n" % (prog, e))
        return 1
    sys.stdout.write("%s: wrote %s\n" % (prog, out))
    return 0
