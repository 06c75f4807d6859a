#!/bin/sh
# Prints the path of a python3 that can import scikit-learn (Debian's python3-sklearn
# lives in /usr/bin/python3; a pyenv python3 first on PATH cannot see it).
# Exit 1 if none is found.
for p in "${PYTHON:-}" /usr/bin/python3 python3; do
  [ -n "$p" ] || continue
  if "$p" -c 'import sklearn, joblib, numpy, scipy' >/dev/null 2>&1; then
    command -v "$p"; exit 0
  fi
done
exit 1
