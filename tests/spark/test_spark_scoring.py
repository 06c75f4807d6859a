"""textclf inside a Spark job, on real Spark (local[2]): the textclf.spark mapInPandas
scorer and the rdd.pipe("textclf predict") recipe against Spark's own PipelineModel.transform.

A Spark pipeline (Tokenizer -> HashingTF -> IDF -> LogisticRegression) is trained on IMDB
train and exported with tools/export_spark.py; then the 25,000 IMDB test reviews, the
Unicode list and edge rows are scored three ways in one session:
  - Spark's transform (the reference): probability per row;
  - textclf.spark.score (mapInPandas, libtextclf.so in the Python workers): labels equal,
    max |dp| <= 1e-9, row count and order kept, other columns untouched;
  - rdd.pipe through `textclf predict`: one output line per input line, same values.
A null text gives a null label and null values; a refused text an error message.

Run: SPARK_PYTHON tests/spark/test_spark_scoring.py --bin build/textclf --build build
Prints PASS/FAIL lines (tests/run.sh counts them). Needs pyspark, pandas and pyarrow
(requirements-spark.txt) and TEXTCLF_DATA.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "parity"))
sys.path.insert(0, os.path.join(ROOT, "python"))
import parity_common as pc  # noqa: E402

TRAIN_DOCS = 6000     # enough for a real model; Spark's training time is the suite's cost
NUM_FEATURES = 1 << 18
LABELS = "0=negative,1=positive"


def read_tsv(path, limit=None):
    rows = []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            label, text = line.rstrip("\n").split("\t", 1)
            rows.append((label, text))
            if limit and len(rows) >= limit:
                break
    return rows


def train_and_export(spark, rep, data, work, binary):
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import HashingTF, IDF, Tokenizer

    train = read_tsv(os.path.join(data, "imdb", "train.tsv"))
    # Both classes in the subset: IMDB train is sorted by label.
    half = TRAIN_DOCS // 2
    neg = [r for r in train if r[0] == "negative"][:half]
    pos = [r for r in train if r[0] == "positive"][:half]
    df = spark.createDataFrame([(1.0 if lab == "positive" else 0.0, t) for lab, t in neg + pos],
                               "label double, text string")
    pipe = Pipeline(stages=[Tokenizer(inputCol="text", outputCol="words"),
                            HashingTF(inputCol="words", outputCol="tf", numFeatures=NUM_FEATURES),
                            IDF(inputCol="tf", outputCol="features"),
                            LogisticRegression(maxIter=50, regParam=0.01)])
    fitted = pipe.fit(df)
    saved = os.path.join(work, "spark-pipeline")
    fitted.write().overwrite().save(saved)
    out = os.path.join(work, "model")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_spark.py"),
                        "--pipeline", saved, "--out", out, "--labels", LABELS],
                       capture_output=True, text=True, timeout=900)
    ok = rep.check(r.returncode == 0, "export",
                   "" if r.returncode == 0 else "exit %d: %s" % (r.returncode, r.stderr[-400:]))
    if ok:
        c = subprocess.run([binary, "check", "--model", out], capture_output=True, text=True)
        ok = rep.check(c.returncode == 0, "check", c.stderr.strip()[-300:])
    return fitted, out if ok else None


def scoring_rows(data):
    texts = [t for _, t in read_tsv(os.path.join(data, "imdb", "test.tsv"))]
    texts += pc.read_torture()
    texts += ["", " ", "  two  spaces  ", "\ttab", "line\nbreak", "crlf\r\nend"]
    return texts


def compare_udf(rep, scored, expected, texts):
    """scored: rows (id, text, label, probability) collected in order; expected: Spark's
    (prediction, probability) per id."""
    rep.check(len(scored) == len(texts), "udf/row count", "%d rows for %d texts"
              % (len(scored), len(texts)))
    order = [r["id"] for r in scored]
    rep.check(order == list(range(len(texts))), "udf/row order",
              "first out of order at %s" % next((i for i, v in enumerate(order) if v != i), None))
    rep.check(all(r["text"] == texts[r["id"]] for r in scored), "udf/other columns kept")
    names = ["negative", "positive"]
    worst, label_diff, first_bad = 0.0, 0, None
    for r in scored:
        pred, prob = expected[r["id"]]
        if r["label"] != names[int(pred)]:
            label_diff += 1
            first_bad = first_bad if first_bad is not None else r["id"]
        d = max(abs(a - b) for a, b in zip(r["probability"], prob))
        worst = max(worst, d)
    rep.check(label_diff == 0, "udf/labels vs Spark transform",
              "%d of %d differ (first id %s)" % (label_diff, len(scored), first_bad))
    rep.check(worst <= pc.PROB_TOL, "udf/probabilities vs Spark transform",
              "max |dp| %.3g over %d rows (tolerance %g)" % (worst, len(scored), pc.PROB_TOL))


def check_nulls_and_errors(rep, spark, model_dir):
    from textclf.spark import score
    df = spark.createDataFrame([(0, None), (1, ""), (2, "bad \ud800 surrogate"), (3, "great")],
                               "id long, text string")
    rows = {r["id"]: r for r in score(df, model_dir, error_col="error").collect()}
    rep.check(rows[0]["label"] is None and rows[0]["probability"] is None
              and rows[0]["error"] is None, "null text: null label, values and error",
              repr(rows[0]))
    rep.check(rows[1]["label"] in ("negative", "positive") and len(rows[1]["probability"]) == 2,
              "empty text is classified", repr(rows[1]))
    rep.check(rows[3]["label"] == "positive" and rows[3]["error"] is None,
              "a text beside null and empty ones is classified", repr(rows[3]))
    # PySpark hands a lone surrogate to the JVM as U+FFFD, so Spark never carries one to
    # the workers: the row is classified as that text.
    rep.check(rows[2]["text"] == "bad \ufffd surrogate" and rows[2]["error"] is None
              and rows[2]["label"] in ("negative", "positive"),
              "lone surrogate arrives as U+FFFD and is classified", repr(rows[2]))
    # The refusal path itself, on what a worker could be given (a str with a lone
    # surrogate): that row gets the message, the others in its batch are classified.
    from textclf.spark import classify_texts, load
    labels, values, errors = classify_texts(load(model_dir),
                                            ["great", "bad \ud800", None, "awful"])
    rep.check(labels[0] == "positive" and labels[3] == "negative" and labels[1] is None
              and labels[2] is None and values[1] is None and values[2] is None
              and errors[1] is not None and "surrogate" in errors[1]
              and errors[0] is None and errors[2] is None and errors[3] is None,
              "refused text: message, others classified", "%r %r" % (list(labels), errors))
    try:
        score(df, model_dir, text_col="nope")
        rep.check(False, "missing column refused")
    except ValueError as e:
        rep.check("nope" in str(e), "missing column refused", str(e))
    try:
        score(df.selectExpr("id", "id as n"), model_dir, text_col="n")
        rep.check(False, "non-string column refused")
    except TypeError as e:
        rep.check("bigint" in str(e), "non-string column refused", str(e))


def check_shipped(rep, spark, model_dir):
    """A model shipped by the driver (addFile) is found by its base name on the workers."""
    from textclf.spark import score
    import shutil
    shipped = os.path.join(os.path.dirname(model_dir), "shipped-model")
    shutil.copytree(model_dir, shipped)
    spark.sparkContext.addFile(shipped, recursive=True)
    df = spark.createDataFrame([(0, "a wonderful film"), (1, "dull and awful")],
                               "id long, text string")
    rows = sorted(score(df, "shipped-model").collect())
    rep.check([r["label"] for r in rows] == ["positive", "negative"],
              "model shipped with addFile, found by name", repr(rows))
    try:
        score(df, "no-such-model").collect()
        rep.check(False, "unknown model name refused")
    except Exception as e:  # the worker's FileNotFoundError arrives wrapped by Py4J
        rep.check("no-such-model" in str(e) and "neither a directory" in str(e),
                  "unknown model name refused", str(e).strip().splitlines()[-1][:200])


def check_pipe(rep, spark, binary, model_dir, texts, scored):
    from textclf.spark import pipe_line
    rdd = spark.sparkContext.parallelize(texts, 2).map(pipe_line)
    lines = rdd.pipe("%s predict --model %s" % (binary, model_dir),
                     checkCode=False).collect()
    rep.check(len(lines) == len(texts), "pipe/one line per text", "%d lines for %d texts"
              % (len(lines), len(texts)))
    worst, label_diff = 0.0, 0
    for line, r in zip(lines, scored):
        got = json.loads(line)
        if got.get("label") != r["label"]:
            label_diff += 1
            continue
        probs = [got["probabilities"][c] for c in ("negative", "positive")]
        worst = max(worst, max(abs(a - b) for a, b in zip(probs, r["probability"])))
    rep.check(label_diff == 0 and worst == 0.0, "pipe/same answers as the UDF",
              "%d labels differ, max |dp| %.3g" % (label_diff, worst))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    rep = pc.Reporter()
    data = pc.data_dir()
    if not pc.have_data(data):
        print("SKIP spark-scoring: no corpora in %s (TEXTCLF_DATA)" % data)
        return 0
    binary = os.path.abspath(args.bin)
    os.environ.setdefault("TEXTCLF_LIB", os.path.join(os.path.abspath(args.build),
                                                     "libtextclf.so.1"))
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "python")  # for the Python workers
    os.environ["PYSPARK_PYTHON"] = sys.executable
    work = pc.mkdtemp(args.build, "spark-scoring-")
    from pyspark.sql import SparkSession
    from textclf.spark import score
    spark = (SparkSession.builder.master("local[2]").appName("textclf-spark-scoring")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.driver.memory", "2g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        fitted, model_dir = train_and_export(spark, rep, data, work, binary)
        if model_dir is None:
            return 1
        texts = scoring_rows(data)
        df = spark.createDataFrame(list(enumerate(texts)), "id long, text string")
        expected = {r["id"]: (r["prediction"], r["probability"].toArray().tolist())
                    for r in fitted.transform(df).select("id", "prediction", "probability")
                    .collect()}
        scored = score(df, model_dir).collect()
        compare_udf(rep, scored, expected, texts)
        check_pipe(rep, spark, binary, model_dir, texts, scored)
        check_nulls_and_errors(rep, spark, model_dir)
        check_shipped(rep, spark, model_dir)
    finally:
        spark.stop()
    print("spark-scoring: %d passed, %d failed" % (rep.passes, rep.failures))
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
