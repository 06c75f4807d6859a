"""Shared helpers for textclf's Python tools and tests.

- ensure_sklearn_python(): re-exec the current script under a python3 that can import
  scikit-learn (tools/find-python.sh), so `python3 tools/x.py` works whatever python3 is first
  on PATH.
- use_reference_blas(): re-exec the current script with Debian's reference BLAS/LAPACK, for
  training that must reproduce bit for bit on any CPU (the default model).
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


# Debian's reference BLAS and LAPACK (libblas3, liblapack3). The OpenBLAS that python3-scipy
# pulls in picks its kernels by CPU, so an lbfgs fit takes a different path on another
# machine (the default model: 123 against 126 iterations, max |dp| 1e-3 apart); the
# reference implementation does the same arithmetic everywhere.
REFERENCE_BLAS_DIRS = ("/usr/lib/x86_64-linux-gnu/blas", "/usr/lib/x86_64-linux-gnu/lapack")
_BLAS_ENV = "TEXTCLF_REFERENCE_BLAS"


def use_reference_blas():
    """Re-execs this script (once) with LD_LIBRARY_PATH set so numpy and scipy load the
    reference BLAS/LAPACK; exits with a message when they are not installed."""
    if os.environ.get(_BLAS_ENV) == "1":
        return
    missing = [d for d in REFERENCE_BLAS_DIRS if not os.path.isfile(os.path.join(
        d, "libblas.so.3" if d.endswith("blas") else "liblapack.so.3"))]
    if missing:
        sys.exit("textclf: the reference BLAS/LAPACK is missing (%s): apt-get install libblas3 "
                 "liblapack3" % ", ".join(missing))
    env = dict(os.environ)
    env[_BLAS_ENV] = "1"
    env["LD_LIBRARY_PATH"] = ":".join(REFERENCE_BLAS_DIRS + tuple(
        p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p))
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


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
