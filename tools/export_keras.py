#!/usr/bin/env python3
"""Export a Keras text classifier (TextVectorization + Dense) to a textclf model directory:
the command `textclf-export keras` of the Python package (python/textclf/export/keras.py),
kept here so the documented commands work from a checkout without installing it:

  export_keras.py --model model.keras --out DIR [--labels negative,positive]
  export_keras.py --vectorizer vec.keras --model clf.keras --out DIR [--labels ...]

Run it with a Python that has Keras 3 and TensorFlow (`make keras-venv` makes one from
python/requirements-keras.txt: build/keras-venv/bin/python tools/export_keras.py ...).
"""
import os
import sys

_HERE = os.path.dirname(os.path.realpath(__file__))
for _d in (os.path.join(_HERE, "..", "python"), os.path.join(_HERE, "..", "share", "textclf", "python")):
    if os.path.isfile(os.path.join(_d, "textclf", "export", "keras.py")):
        sys.path.insert(0, os.path.normpath(_d))
        break

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

try:
    import keras  # noqa: F401
except ImportError:
    sys.stderr.write("export_keras: this Python (%s) has no Keras; run it with a Python that "
                     "has Keras 3 and TensorFlow (make keras-venv: build/keras-venv/bin/python)\n"
                     % sys.executable)
    sys.exit(2)

from textclf.export.keras import *  # noqa: E402,F401,F403
from textclf.export.keras import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(prog="export_keras"))
