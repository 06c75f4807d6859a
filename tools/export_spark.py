#!/usr/bin/env python3
"""Export a saved Spark ML PipelineModel to a textclf model directory
(python/textclf/export/spark.py):

  export_spark.py --pipeline DIR --out MODEL [--labels 0=negative,1=positive]

Run it with a Python that has pyspark: `make venv-spark` makes one from the pinned
requirements-spark.txt ($(SPARK_VENV)/bin/python, by default under ~/.cache/textclf).
"""
import os
import sys

_HERE = os.path.dirname(os.path.realpath(__file__))
for _d in (os.path.join(_HERE, "..", "python"), os.path.join(_HERE, "..", "share", "textclf", "python")):
    if os.path.isfile(os.path.join(_d, "textclf", "export", "spark.py")):
        sys.path.insert(0, os.path.normpath(_d))
        break

from textclf.export.spark import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
