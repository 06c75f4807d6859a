"""textclf-export: the exporters' command line (also `python -m textclf.export`).

    textclf-export sklearn --pipeline pipeline.pkl --out model/
    textclf-export sklearn --help
"""
import sys

USAGE = """usage: textclf-export FRAMEWORK [options]

Writes a textclf model directory from a model fitted in this Python environment.

frameworks:
  sklearn    scikit-learn: TfidfVectorizer (or CountVectorizer + TfidfTransformer) with
             LogisticRegression, LinearSVC, SGDClassifier, MultinomialNB or SVC; or a model
             trained by libsvm's svm-train (textclf-export sklearn --help)
  keras      Keras 3 (TensorFlow): TextVectorization (tf_idf, count, multi_hot) + Dense
             (textclf-export keras --help)
  spark      a saved Spark ML PipelineModel (textclf-export spark --help; needs pyspark)
"""


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    framework, rest = argv[0], argv[1:]
    if framework == "spark":
        from . import spark as exporter  # imports pyspark only when it runs
        return exporter.main(rest, prog="textclf-export spark")
    if framework == "sklearn":
        from . import sklearn as exporter  # imports scikit-learn: only when asked for
        return exporter.main(rest, prog="textclf-export sklearn")
    if framework == "keras":
        from . import keras as exporter  # imports Keras and TensorFlow: only when asked for
        return exporter.main(rest, prog="textclf-export keras")
    sys.stderr.write("textclf-export: unknown framework %r\n\n%s" % (framework, USAGE))
    return 2


if __name__ == "__main__":
    sys.exit(main())
