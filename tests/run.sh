#!/usr/bin/env bash
# tests/run.sh - runs test suites and closes with one line "N passed, N failed".
#
#   tests/run.sh [--build DIR] [--asan-build DIR] [--ci] SUITE...
#   suites: unit asan fuzz-replay parity spark python integration container all
#
# Every suite program prints one line per check: "PASS <name>", "FAIL <name>: <why>",
# or "SKIP <name>: <why>" for a check that cannot run on this machine. A skip is
# counted apart: never as passed, and the closing lines say how many there were.
#   - A program that exits non-zero without a FAIL line counts as one failure (a crash
#     is never mistaken for success); one that prints no line at all is a failure too.
#   - A program that prints only SKIP lines is reported as skipped as a whole.
#   - Each program runs under `timeout` (per suite below; TEXTCLF_TEST_TIMEOUT=S for all):
#     a hang is a failure with its closing line, not a stuck run.
#   - --ci (or TEXTCLF_CI=1), as .ci/run does: CI installs everything every suite needs,
#     so there a skip is a failure ("FAIL <name>: skipped in CI: <why>"), except in the
#     suites listed in TEXTCLF_CI_MAY_SKIP (e.g. "container" on a CI without an engine).
# Data-dependent suites read TEXTCLF_DATA (default ../shared/data) and say so when they
# fall back to fixtures.
set -u
cd "$(dirname "$0")/.."
BUILD=build
ASAN_BUILD=build/asan
CI_MODE=${TEXTCLF_CI:-0}
suites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --asan-build) ASAN_BUILD=$2; shift 2 ;;
    --ci) CI_MODE=1; shift ;;
    all) suites+=(unit fuzz-replay parity spark python integration asan)
         [ "${TEXTCLF_CONTAINER_TESTS:-0}" = 1 ] && suites+=(container); shift ;;
    *) suites+=("$1"); shift ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(unit)
export TEXTCLF_DATA=${TEXTCLF_DATA:-../shared/data}
case $BUILD in
  /*) build_abs=$BUILD ;;
  *) build_abs=$PWD/$BUILD ;;
esac
export TEXTCLF_BIN=${TEXTCLF_BIN:-$build_abs/textclf}
PYTHON=${PYTHON:-$(tools/find-python.sh)}
export PYTHON
# The Python package's suite runs under Debian's python3 (scikit-learn 1.2) and under
# the venv of `make venv` (the newest scikit-learn from PyPI, the wheel installed).
SYS_PYTHON=${SYS_PYTHON:-/usr/bin/python3}
VENV=${VENV:-$BUILD/venv}
# The Spark suite's venv, as the Makefile names it (make venv-spark).
SPARK_VENV=${SPARK_VENV:-$HOME/.cache/textclf/venv-spark-$(sha256sum requirements-spark.txt | cut -c1-12)}

# Seconds a single program may run (generous: the machine may be shared and slow).
suite_timeout() {
  if [ -n "${TEXTCLF_TEST_TIMEOUT:-}" ]; then echo "$TEXTCLF_TEST_TIMEOUT"; return; fi
  case "$1" in
    unit|fuzz-replay) echo 300 ;;
    asan) echo 900 ;;
    integration) echo 900 ;;
    parity|container) echo 2700 ;;
    *) echo 900 ;;
  esac
}

# True when skips in suite $1 are failures here.
skips_fail() {
  [ "$CI_MODE" = 1 ] || return 1
  case " ${TEXTCLF_CI_MAY_SKIP:-} " in *" $1 "*) return 1 ;; esac
  return 0
}

passed=0; failed=0; skipped=0; skipped_progs=()
log=$(mktemp); trap 'rm -f "$log"' EXIT

# run_prog SUITE NAME CMD...: runs one suite program under timeout, echoes its lines
# and counts them.
run_prog() {
  local suite=$1 name=$2; shift 2
  local t0=$SECONDS limit
  limit=$(suite_timeout "$suite")
  timeout -k 10 "$limit" "$@" >"$log" 2>&1
  local rc=$?
  cat "$log"
  local p f k
  p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); k=$(grep -c '^SKIP ' "$log")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAIL $name: timed out after $limit s (stopped; its checks so far are above)"
    f=$((f + 1))
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $name: exited with status $rc without reporting a failed check"
    f=1
  fi
  if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -eq 0 ]; then
    echo "FAIL $name: ran no checks"
    f=1
  fi
  if [ "$k" -gt 0 ] && skips_fail "$suite"; then
    local line
    while IFS= read -r line; do
      echo "FAIL $name: skipped in CI: ${line#SKIP }"
    done < <(grep '^SKIP ' "$log")
    f=$((f + k)); k=0
  fi
  if [ "$k" -gt 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    echo "SKIP $name: could not run here (see its SKIP lines); not counted as passed"
    skipped_progs+=("$name")
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
  echo "-- $name: $p passed, $f failed, $k skipped ($((SECONDS - t0)) s)"
}

# run_each SUITE LABEL GLOB ARGS...: runs every executable matching GLOB (with ARGS;
# "{}" in ARGS becomes the part of the name after the last "_"); finding none is a
# failure (an unbuilt suite must not pass by checking nothing).
run_each() {
  local suite=$1 label=$2 glob=$3; shift 3
  local found=0 t
  for t in $glob; do
    [ -x "$t" ] || continue
    found=1
    local tail=${t##*/}; tail=${tail#*_}
    run_prog "$suite" "$label/${t##*/}" "$t" "${@//\{\}/$tail}"
  done
  if [ $found -eq 0 ]; then
    echo "FAIL $label: nothing matches $glob (run make first)"
    failed=$((failed + 1))
  fi
}

run_python_dir() {
  local suite=$1 dir=$2 found=0 t
  for t in "$dir"/test_*.py; do
    [ -f "$t" ] || continue
    found=1
    run_prog "$suite" "$suite/$(basename "$t" .py)" "$PYTHON" "$t" --bin "$TEXTCLF_BIN" --build "$BUILD"
  done
  [ $found -eq 1 ] || { echo "FAIL $suite: no tests in $dir"; failed=$((failed + 1)); }
}

for s in "${suites[@]}"; do
  echo "== suite $s"
  case "$s" in
    unit) run_each unit unit "$BUILD/tests/test_*" ;;
    asan)
      # The unit tests and the fuzz corpus, under ASan+UBSan.
      export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
      export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
      run_each asan asan "$ASAN_BUILD/tests/test_*"
      run_each asan asan "$ASAN_BUILD/tests/replay_*" "tests/fuzz/corpus/{}" ;;
    fuzz-replay) run_each fuzz-replay fuzz-replay "$BUILD/tests/replay_*" "tests/fuzz/corpus/{}" ;;
    parity) run_python_dir parity tests/parity ;;
    python)
      run_prog python python-debian env PYTHONPATH="$PWD/python" \
        TEXTCLF_LIB="$build_abs/libtextclf.so.1" TEXTCLF_PYTEST_ENV=debian \
        "$SYS_PYTHON" tests/python/run.py --build "$BUILD"
      if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.textclf" ]; then
        run_prog python python-venv env -u PYTHONPATH -u TEXTCLF_LIB TEXTCLF_PYTEST_ENV=venv \
          TEXTCLF_EXPECT_BUNDLED=1 "$VENV/bin/python" tests/python/run.py --build "$BUILD"
      else
        echo "FAIL python-venv: $VENV has no textclf wheel installed (make venv wheel $VENV/.textclf)"
        failed=$((failed + 1))
      fi ;;
    integration) run_python_dir integration tests/integration ;;
    spark)
      # Spark parity (tests/parity/spark_parity.py) under the pyspark venv of
      # `make venv-spark` (SPARK_VENV, exported by the Makefile).
      if [ -x "$SPARK_VENV/bin/python" ]; then
        run_prog spark spark/spark_parity "$SPARK_VENV/bin/python" tests/parity/spark_parity.py \
          --build "$BUILD" --data "$TEXTCLF_DATA"
        # textclf inside a Spark job (textclf.spark, rdd.pipe) against Spark's transform.
        run_prog spark spark/spark_scoring \
          "$SPARK_VENV/bin/python" tests/spark/test_spark_scoring.py --bin "$TEXTCLF_BIN" \
          --build "$BUILD"
      else
        run_prog spark spark/spark_parity echo "SKIP spark_parity: no pyspark venv (make venv-spark)"
      fi ;;
    container) run_prog container container tests/container/run.sh ;;
    *) echo "FAIL run.sh: unknown suite $s"; failed=$((failed + 1)) ;;
  esac
done
if [ "$skipped" -gt 0 ]; then
  echo "$skipped skipped (not counted as passed; see the SKIP lines above)${skipped_progs[*]:+; programs that could not run at all: ${skipped_progs[*]}}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
