#!/usr/bin/env bash
# tests/run.sh - runs test suites and closes with one line "N passed, N failed".
#
#   tests/run.sh [--build DIR] [--asan-build DIR] SUITE...
#   suites: unit asan fuzz-replay parity python integration container all
#
# Every suite prints one line per check: "PASS <name>" or "FAIL <name>: <why>"
# (or "SKIP <why>" when it cannot run on this machine at all).
# A suite program that exits non-zero without printing a FAIL line counts as one
# failure, so a crash is never mistaken for success; one that runs longer than
# TEXTCLF_TEST_TIMEOUT seconds (default 1800) is killed and counts as one too. Data-dependent suites read
# TEXTCLF_DATA (default ../shared/data) and say so when they fall back to fixtures.
set -u
cd "$(dirname "$0")/.."
BUILD=build
ASAN_BUILD=build/asan
suites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --asan-build) ASAN_BUILD=$2; shift 2 ;;
    all) suites+=(unit fuzz-replay parity python integration asan)
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

passed=0; failed=0; skipped=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

# run_prog NAME CMD...: runs one suite program, echoes and counts its PASS/FAIL lines.
run_prog() {
  local name=$1; shift
  local t0=$SECONDS limit=${TEXTCLF_TEST_TIMEOUT:-1800}
  timeout -k 10 "$limit" "$@" >"$log" 2>&1
  local rc=$?
  cat "$log"
  local p f k
  p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); k=$(grep -c '^SKIP ' "$log")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAIL $name: killed after $limit s (TEXTCLF_TEST_TIMEOUT)"
    f=$((f + 1))
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $name: exited with status $rc without reporting a failed check"
    f=1
  fi
  # A suite that can only say why it cannot run here ("SKIP <why>") is not a failure;
  # one that silently checks nothing is.
  if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -eq 0 ]; then
    echo "FAIL $name: ran no checks"
    f=1
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
  echo "-- $name: $p passed, $f failed, $k skipped ($((SECONDS - t0)) s)"
}

run_unit_dir() {
  local dir=$1 label=$2
  local found=0
  for t in "$dir"/tests/test_*; do
    [ -x "$t" ] || continue
    found=1
    run_prog "$label/$(basename "$t")" "$t"
  done
  [ $found -eq 1 ] || { echo "FAIL $label: no unit test binaries in $dir/tests (run make first)"; failed=$((failed + 1)); }
}

for s in "${suites[@]}"; do
  echo "== suite $s"
  case "$s" in
    unit) run_unit_dir "$BUILD" unit ;;
    asan)
      ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
      UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        run_unit_dir "$ASAN_BUILD" asan ;;
    fuzz-replay)
      found=0
      for r in "$BUILD"/tests/replay_*; do
        [ -x "$r" ] || continue
        found=1
        tgt=${r##*/replay_}
        run_prog "fuzz-replay/$tgt" "$r" tests/fuzz/corpus/"$tgt"
      done
      [ $found -eq 1 ] || { echo "FAIL fuzz-replay: no replay binaries in $BUILD/tests (run make first)"; failed=$((failed + 1)); } ;;
    parity)
      for t in tests/parity/test_*.py; do
        [ -f "$t" ] || continue
        run_prog "parity/$(basename "$t" .py)" "$PYTHON" "$t" --bin "$TEXTCLF_BIN" --build "$BUILD"
      done ;;
    python)
      run_prog python-debian env PYTHONPATH="$PWD/python" TEXTCLF_LIB="$build_abs/libtextclf.so.1" \
        TEXTCLF_PYTEST_ENV=debian "$SYS_PYTHON" tests/python/run.py --build "$BUILD"
      if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.textclf" ]; then
        run_prog python-venv env -u PYTHONPATH -u TEXTCLF_LIB TEXTCLF_PYTEST_ENV=venv \
          TEXTCLF_EXPECT_BUNDLED=1 "$VENV/bin/python" tests/python/run.py --build "$BUILD"
      else
        echo "FAIL python-venv: $VENV has no textclf wheel installed (make venv wheel $VENV/.textclf)"
        failed=$((failed + 1))
      fi ;;
    integration)
      for t in tests/integration/test_*.py; do
        [ -f "$t" ] || continue
        run_prog "integration/$(basename "$t" .py)" "$PYTHON" "$t" --bin "$TEXTCLF_BIN" --build "$BUILD"
      done ;;
    container) run_prog container tests/container/run.sh ;;
    *) echo "FAIL run.sh: unknown suite $s"; failed=$((failed + 1)) ;;
  esac
done
[ "$skipped" -eq 0 ] || echo "($skipped skipped: see the SKIP lines above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
