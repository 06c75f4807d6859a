#!/usr/bin/env python3
"""Export a fitted scikit-learn text classifier to a textclf model directory: the command
`textclf-export sklearn` of the Python package (python/textclf/export/sklearn.py), kept
here so the documented commands work from a checkout or an installed tree without the
package being installed:

  export_sklearn.py --vectorizer tfidf_vectorizer.pkl --classifier classifier.pkl --out DIR
  export_sklearn.py --pipeline pipeline.pkl --out DIR
  export_sklearn.py --vectorizer vec.pkl --libsvm-model m.svm --labels 1=positive,-1=negative --out DIR

It runs the package found next to it (../python in a checkout, ../share/textclf/python
after `make install`), under a Python that has scikit-learn (tools/find-python.sh picks
Debian's /usr/bin/python3 when the first python3 on PATH has none).

Importing this module gives the package's exporter (export, parse_args, Refuse, LibSVM,
...), as the parity tests do.
"""
import os
import sys

_HERE = os.path.dirname(os.path.realpath(__file__))
for _d in (os.path.join(_HERE, "..", "python"), os.path.join(_HERE, "..", "share", "textclf", "python")):
    if os.path.isfile(os.path.join(_d, "textclf", "export", "sklearn.py")):
        sys.path.insert(0, os.path.normpath(_d))
        break

if os.path.isfile(os.path.join(_HERE, "textclf_common.py")):
    sys.path.insert(0, _HERE)
    import textclf_common  # noqa: E402

    textclf_common.ensure_sklearn_python()

from textclf.export.sklearn import *  # noqa: E402,F401,F403
from textclf.export.sklearn import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(prog="export_sklearn"))
