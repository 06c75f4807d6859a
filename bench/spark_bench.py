"""Spark's own PipelineModel.transform against textclf inside the same Spark job.

One local[2] session: a Tokenizer -> HashingTF -> IDF -> LogisticRegression pipeline is
trained on IMDB train and exported with tools/export_spark.py (as the Spark scoring test
does), the 25,000 IMDB test reviews are cached in the JVM, and each way of scoring them is
forced to materialise every output column (the "noop" data source writes nothing but
computes every row; a count() alone would let Spark prune the scoring away):

  spark      fitted.transform(df).select(id, prediction, probability)
  textclf    textclf.spark.score(df, model) (mapInPandas, libtextclf.so, threads=1 per task)
  pipe       df.rdd.map(text).pipe("textclf predict --model M").count()

Each is run once to warm up (JIT, Python workers, the model load) and then ROUNDS times,
interleaved; the table gives the median and min docs/s and textclf's ratio to Spark's.

Run: make bench-spark   (or SPARK_PYTHON bench/spark_bench.py --bin build/textclf --build build)
"""
import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "spark"))
sys.path.insert(0, os.path.join(ROOT, "tests", "parity"))
sys.path.insert(0, os.path.join(ROOT, "python"))
import parity_common as pc  # noqa: E402
import test_spark_scoring as sst  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "textclf"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", help="also write the table (markdown) here")
    args = ap.parse_args()
    data = pc.data_dir()
    binary = os.path.abspath(args.bin)
    os.environ.setdefault("TEXTCLF_LIB", os.path.join(os.path.abspath(args.build),
                                                     "libtextclf.so.1"))
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "python")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from textclf.spark import pipe_line, score
    spark = (SparkSession.builder.master("local[2]").appName("textclf-spark-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "3g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    rep = pc.Reporter()
    work = pc.mkdtemp(args.build, "spark-bench-")
    fitted, model_dir = sst.train_and_export(spark, rep, data, work, binary)
    if model_dir is None:
        return 1
    texts = [t for _, t in sst.read_tsv(os.path.join(data, "imdb", "test.tsv"))]
    df = spark.createDataFrame(list(enumerate(texts)), "id long, text string") \
        .repartition(2).cache()
    df.count()

    def run_spark():
        fitted.transform(df).select("id", "prediction", "probability") \
            .write.format("noop").mode("overwrite").save()

    def run_textclf():
        score(df, model_dir).select("id", "label", "probability") \
            .write.format("noop").mode("overwrite").save()

    def run_pipe():
        n = df.rdd.map(lambda r: pipe_line(r.text)) \
            .pipe("%s predict --model %s" % (binary, model_dir)).count()
        assert n == len(texts), (n, len(texts))

    ways = [("Spark PipelineModel.transform", run_spark),
            ("textclf.spark.score (mapInPandas)", run_textclf),
            ("rdd.pipe(textclf predict)", run_pipe)]
    times = {name: [] for name, _ in ways}
    for name, fn in ways:
        timed(fn)
    for _ in range(args.rounds):
        for name, fn in ways:
            times[name].append(timed(fn))
    spark.stop()

    n = len(texts)
    base = statistics.median(times[ways[0][0]])
    lines = ["%s, %d IMDB test reviews, local[2], %d rounds after a warm-up, load average %.1f"
             % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), n, args.rounds,
                os.getloadavg()[0]),
             "",
             "| way | median s | docs/s (median) | docs/s (best) | × Spark |",
             "|---|---:|---:|---:|---:|"]
    for name, _ in ways:
        med, best = statistics.median(times[name]), min(times[name])
        lines.append("| %s | %.2f | %s | %s | %.1f× |" % (
            name, med, format(round(n / med), ","), format(round(n / best), ","), base / med))
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
