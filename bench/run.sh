#!/bin/sh
# bench/run.sh [--quick] [bench.py options] - the benchmark behind `make bench`: textclf
# side by side with the seed's Flask/gunicorn/nginx stack (see bench/README.md). The full
# run takes ~12 minutes on a 2-core machine and writes bench/results/latest.md; --quick is a
# ~2 minute smoke run written to bench/work/quick.md.
set -eu
cd "$(dirname "$0")/.."
PYTHON=$(tools/find-python.sh) || {
  echo "bench: no python3 with scikit-learn (tools/deps.sh bench)" >&2; exit 1; }
exec "$PYTHON" bench/bench.py "$@"
