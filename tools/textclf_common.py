"""Shared helpers for textclf's Python tools and tests.

- ensure_sklearn_python(): re-exec the current script under a python3 that can import
  scikit-learn (tools/find-python.sh), so `python3 tools/x.py` works whatever python3 is first
  on PATH.
- read_tsv(), sha256_file(), RefModel, FormatError, TOKEN_PATTERN: from the Python package
  (python/textclf/export/_common.py), which this module puts on sys.path so the tools run
  from a checkout without installing it.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_REEXEC_ENV = "TEXTCLF_PY_REEXEC"

PYTHON_DIR = os.path.join(ROOT, "python")
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from textclf.export._common import (TOKEN_PATTERN, FormatError, RefModel,  # noqa: E402,F401
                                    read_tsv, sha256_file)


def ensure_sklearn_python():
    """Returns if sklearn imports here; otherwise execs the script under the python that
    tools/find-python.sh finds (once: a marker variable prevents loops)."""
    try:
        import sklearn  # noqa: F401
        import joblib  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get(_REEXEC_ENV):
        sys.exit("textclf: cannot import scikit-learn/joblib with %s (already re-executed once); "
                 "install python3-sklearn python3-joblib" % sys.executable)
    try:
        py = subprocess.run([os.path.join(ROOT, "tools", "find-python.sh")], check=True,
                            capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        py = ""
    if not py:
        sys.exit("textclf: no python3 that can import scikit-learn found "
                 "(tools/find-python.sh); install python3-sklearn")
    env = dict(os.environ)
    env[_REEXEC_ENV] = "1"
    os.execve(py, [py] + sys.argv, env)
