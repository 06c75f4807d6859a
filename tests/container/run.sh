#!/usr/bin/env bash
# tests/container/run.sh - the container suite (tests/run.sh container; CI runs it with
# TEXTCLF_CONTAINER_TESTS=1). Builds the image (tag $TEXTCLF_TEST_IMAGE, default textclf:test)
# with docker, or podman set up by ../shared/tools/container-env.sh, then runs `IMAGE serve` the
# way SageMaker does and checks it through the container's nginx on runtime-chosen host ports:
#   A: a small model (exported here, expectations by scikit-learn), packed by
#      tools/package-model.sh and unpacked as SageMaker does, mounted read-only at /opt/ml/model;
#      --read-only root fs + tmpfs /tmp, no capabilities, no-new-privileges (as docker/k8s asks):
#      /ping, /invocations for text/plain, text/csv, application/json, application/jsonlines
#      (+ Accept variants), 6 MB accepted and 7 MiB refused with 413, processes unprivileged,
#      root fs read-only, access log, SIGHUP -> the model reloads and it serves on, SIGTERM
#      during a slow upload -> the request completes, exit 0 within 10 s.
#   B: an empty /opt/ml/model: the bundled model serves (answers checked with the pure-Python
#      reference reader) and the log says so; SAGEMAKER_BIND_TO_PORT=9090 and
#      SAGEMAKER_MAX_PAYLOAD_IN_MB=1 respected; `stop -t 10` -> exit 0.
#   C: a corrupt model in /opt/ml/model: the container exits non-zero naming the file and does
#      not fall back to the bundled model.
#   L: AWS Lambda: the image with the Runtime Interface Emulator (tools/rie.sh) as entrypoint
#      running the image's own `serve serve`, read-only root, an arbitrary uid (as Lambda runs
#      it): HTTP API 2.0 (base64), Function URL and direct events answered with the mounted
#      model's scikit-learn probabilities; empty /opt/ml/model -> the bundled model, logged; a
#      corrupt model -> init error Runtime.ModelLoadError naming the file.
# Prints PASS/FAIL lines, and the build time, image size and start-to-ready times. Prints one
# "SKIP ..." line and exits 0 only when neither docker nor podman can run on this machine.
set -u
cd "$(dirname "$0")/../.." || exit 1
PYTHON=${PYTHON:-$(tools/find-python.sh)}
TAG=${TEXTCLF_TEST_IMAGE:-textclf:test}
SIZE_LIMIT=60000000    # 60 MB (10^6 bytes, as `docker images` counts)
H=tests/container/helper.py
# shellcheck source=../../tools/container.sh
. tools/container.sh

if ! tc_engine_setup; then
  if [ -n "$CE_ENV_FAILED" ]; then
    echo "FAIL container/engine: $CE_WHY"
    exit 1
  fi
  echo "SKIP container: no usable container engine here (docker with a running engine, or podman): $CE_WHY"
  exit 0
fi
echo "container: engine $CE"

TMP=$(mktemp -d /tmp/textclf-ctest.XXXXXX)
NAMES=()
FAILED=0
cleanup() {
  local n
  for n in "${NAMES[@]}"; do "$CE" rm -f "$n" >/dev/null 2>&1; done
  rm -rf "$TMP"
}
trap cleanup EXIT

pass() { echo "PASS container/$1"; }
fail() { echo "FAIL container/$1: $2"; FAILED=1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

# start NAME ENGINE-RUN-ARGS... : run a detached container, remembered for cleanup.
start() {
  local name=$1; shift
  NAMES+=("$name")
  "$CE" run -d --name "$name" "$@" >/dev/null 2>"$TMP/$name.err" || {
    echo "container: '$CE run $*' failed: $(tail -n 3 "$TMP/$name.err")"; return 1; }
}
# host_port NAME PORT: the host port the engine chose for the container's PORT.
host_port() { "$CE" port "$1" "$2/tcp" 2>/dev/null | head -n 1 | sed 's/.*://'; }
running() { [ "$("$CE" inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
# wait_ready NAME URL: poll URL/ping until 200 (30 s); fails early if the container exits.
wait_ready() {
  local i
  for i in $(seq 1 1500); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$2/ping")" = 200 ] && return 0
    if [ $((i % 25)) -eq 0 ] && ! running "$1"; then return 1; fi
    sleep 0.02
  done
  return 1
}
show_logs() { echo "--- $CE logs $1 (last 20 lines)"; "$CE" logs "$1" 2>&1 | tail -n 20; echo "---"; }
# post URL CONTENT-TYPE ACCEPT FILE OUT: prints the HTTP status (000 on connection failure).
post() {
  curl -s -o "$5" -w '%{http_code}' --max-time 60 -H "Content-Type: $2" -H "Accept: $3" \
       -H 'Expect:' --data-binary @"$4" "$1/invocations"
}
# proc_uids NAME: "comm uid" for every process in the container.
proc_uids() {
  "$CE" exec "$1" sh -c 'for f in /proc/[0-9]*/status; do
      awk "/^Name:/ { n = \$2 } /^Uid:/ { print n, \$2 }" "$f" 2>/dev/null; done'
}

# ---- build ---------------------------------------------------------------------------
t0=$(now)
if tc_build "$TAG" >"$TMP/build.log" 2>&1; then
  build_s=$(since "$t0")
  pass "build: $TAG built with $CE in $build_s s"
else
  tail -n 40 "$TMP/build.log"
  fail build "$CE build failed after $(since "$t0") s (log above)"
  exit 1
fi
# The limit applies to the size as `docker images` shows it (file contents over all layers);
# podman's own figure counts tar headers too and is reported beside it.
read -r csize zsize < <(tc_content_size "$TAG")
isize=$(tc_image_size "$TAG")
size_mb=$(awk -v s="${csize:-0}" 'BEGIN { printf "%.1f", s / 1e6 }')
size_line=$(awk -v c="${csize:-0}" -v i="${isize:-0}" -v z="${zsize:-0}" -v ce="$CE" 'BEGIN {
  printf "%d bytes of file contents; %s image inspect: %.1f MB", c, ce, i / 1e6
  if (z > 0) printf "; gzip'"'"'d layers %.1f MB", z / 1e6 }')
if [ -n "${csize:-}" ] && [ "$csize" -le "$SIZE_LIMIT" ]; then
  pass "image size $size_mb MB <= 60 MB ($size_line)"
else
  fail image-size "${size_mb} MB > 60 MB or unknown ($size_line)"
fi
if msg=$("$CE" image inspect --format '{{json .Config}}' "$TAG" | "$PYTHON" "$H" image-config); then
  pass "image config: $msg, SageMaker bind-to-port label, EXPOSE 8080"
else
  fail image-config "$msg"
fi

# ---- fixtures: a small model whose labels differ from the bundled one ------------------
mkdir -p "$TMP/empty"
if ! "$PYTHON" "$H" make-model "$TMP/model" "$TMP/exp.json" >"$TMP/model.log" 2>&1; then
  cat "$TMP/model.log"
  fail fixtures "could not export the test model"
  exit 1
fi
"$PYTHON" "$H" bodies "$TMP/exp.json" "$TMP"
# What SageMaker does with ModelDataUrl: model.tar.gz (make package-model) unpacked into
# /opt/ml/model. Container A serves the unpacked copy.
mkdir -p "$TMP/opt-ml-model"
if tools/package-model.sh "$TMP/model" "$TMP/model.tar.gz" >"$TMP/pkg.log" 2>&1 \
   && tar -xzf "$TMP/model.tar.gz" -C "$TMP/opt-ml-model" && [ -f "$TMP/opt-ml-model/manifest.json" ]; then
  pass "tools/package-model.sh: model.tar.gz with the model files at its top level ($(stat -c %s "$TMP/model.tar.gz") bytes)"
else
  cat "$TMP/pkg.log"
  fail package-model "tools/package-model.sh failed or the archive does not unpack to manifest.json at the top"
fi
chmod -R a+rX "$TMP"    # the container's user (uid 10001) reads the mounted model
# 6,000,000 bytes must be accepted (SageMaker's 6 MB), 7 MiB refused with the default limit.
yes 'a fine film about football, rain and fresh basil' | head -c 6000000 | sed '$d' >"$TMP/6mb.txt"
yes 'a fine film about football, rain and fresh basil' | head -c 7340032 >"$TMP/7mib.txt"
yes 'rain' | head -c 2000000 >"$TMP/2mb.txt"
yes 'rain' | head -c 500000 >"$TMP/500kb.txt"
# 1 MB in 8 long records: a slow upload with a small answer (curl's --limit-rate applies to both).
for _ in 1 2 3 4 5 6 7 8; do yes 'rain and wind over the pitch' | head -c 125000 | tr '\n' ' '; echo; done >"$TMP/long8.txt"

# ---- A: mounted model, read-only root, default port -----------------------------------
A=textclf-ctest-$$-a
t0=$(now)
if start "$A" --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges -p 127.0.0.1::8080 \
     -v "$TMP/opt-ml-model:/opt/ml/model:ro" "$TAG" serve && pa=$(host_port "$A" 8080) && [ -n "$pa" ] \
   && wait_ready "$A" "http://127.0.0.1:$pa"; then
  ready_a=$(since "$t0")
  URL=http://127.0.0.1:$pa
  pass "A: '$CE run --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges -v model:/opt/ml/model:ro $TAG serve' ready in $ready_a s (run to first /ping 200)"

  r=$(curl -s -o "$TMP/ping.out" -w '%{http_code} %{size_download}' --max-time 5 "$URL/ping")
  [ "$r" = "200 0" ] && pass "A: GET /ping -> 200, empty body" || fail A-ping "GET /ping -> '$r' (status, body bytes)"

  for spec in "text/plain plain.txt application/json" "text/csv data.csv application/json" \
              "application/json data.json application/json" \
              "application/jsonlines data.jsonl application/jsonlines" \
              "text/plain;%20charset=utf-8 plain.txt text/csv"; do
    read -r ct body acc <<<"$spec"
    ct=${ct//%20/ }
    code=$(post "$URL" "$ct" "$acc" "$TMP/$body" "$TMP/resp")
    if [ "$code" != 200 ]; then
      fail "A-invocations[$ct -> $acc]" "status $code: $(head -c 300 "$TMP/resp")"
    elif msg=$("$PYTHON" "$H" compare "$TMP/exp.json" "$acc" "$TMP/resp"); then
      pass "A: POST /invocations $ct (Accept $acc): 4 records, the mounted model's labels and probabilities = scikit-learn's (1e-9)"
    else
      fail "A-invocations[$ct -> $acc]" "$msg"
    fi
  done

  code=$(post "$URL" text/plain application/jsonlines "$TMP/6mb.txt" "$TMP/resp")
  want=$(wc -l <"$TMP/6mb.txt"); got=$(wc -l <"$TMP/resp")
  if [ "$code" = 200 ] && [ "$got" -eq "$want" ]; then
    pass "A: 6,000,000-byte body accepted, $got predictions for $want lines"
  else
    fail A-6mb "status $code, $got predictions for $want lines"
  fi
  code=$(post "$URL" text/plain application/json "$TMP/7mib.txt" "$TMP/resp")
  if [ "$code" = 413 ] && "$PYTHON" -c 'import json, sys; assert "error" in json.load(open(sys.argv[1]))' "$TMP/resp" 2>/dev/null; then
    pass "A: 7 MiB body -> 413 with a JSON error body (default SAGEMAKER_MAX_PAYLOAD_IN_MB=6)"
  else
    fail A-413 "7 MiB body -> $code, expected 413 with a JSON {\"error\": ...} body: $(head -c 200 "$TMP/resp")"
  fi

  uids=$(proc_uids "$A")
  if printf '%s\n' "$uids" | grep -q '^nginx ' && printf '%s\n' "$uids" | grep -q '^textclf ' \
     && ! printf '%s\n' "$uids" | awk '$2 == 0 { bad = 1 } END { exit !bad }'; then
    pass "A: every process unprivileged: $(printf '%s\n' "$uids" | sort | uniq -c | awk '{ printf "%s%s x%s uid %s", (NR > 1 ? ", " : ""), $2, $1, $3 }')"
  else
    fail A-unprivileged "processes (name uid): $(printf '%s\n' "$uids" | tr '\n' ' ')"
  fi
  if ! "$CE" exec "$A" sh -c 'touch /opt/textclf/x' 2>/dev/null && "$CE" exec "$A" sh -c 'touch /tmp/x'; then
    pass "A: root filesystem read-only (write refused), /tmp writable, and it serves"
  else
    fail A-read-only "a write to /opt/textclf succeeded or /tmp is not writable"
  fi
  if "$CE" logs "$A" 2>&1 | grep -q '/invocations'; then
    pass "A: access log lines for /invocations on the container's output"
  else
    fail A-access-log "no line mentioning /invocations in '$CE logs'"
  fi

  # SIGHUP reaches the daemon through the entrypoint (PID 1): the model directory is
  # loaded again (the same files here; the reload itself is tested in the integration
  # suites), and the container goes on serving.
  "$CE" kill -s HUP "$A" >/dev/null 2>&1
  for _ in $(seq 1 100); do
    "$CE" logs "$A" 2>&1 | grep -q 'reload (SIGHUP): serving model' && break
    sleep 0.1
  done
  code=$(post "$URL" text/plain application/json "$TMP/plain.txt" "$TMP/resp")
  if "$CE" logs "$A" 2>&1 | grep -q 'reload (SIGHUP): serving model' && [ "$code" = 200 ]; then
    pass "A: SIGHUP -> the daemon reloads the model directory, and the container serves on"
  else
    show_logs "$A"
    fail A-sighup "after SIGHUP: no reload in the logs, or POST /invocations -> $code"
  fi

  # SIGTERM while a slow client is still uploading (1 MB at 400 kB/s, about 2.5 s): the request
  # is answered in full, then the container exits 0 within 10 s.
  curl -s -o "$TMP/inflight.out" -w '%{http_code}' --max-time 30 --limit-rate 400k \
       -H 'Content-Type: text/plain' -H 'Accept: application/jsonlines' -H 'Expect:' \
       --data-binary @"$TMP/long8.txt" "$URL/invocations" >"$TMP/inflight.code" 2>/dev/null &
  cpid=$!
  sleep 0.7
  t0=$(now)
  "$CE" kill -s TERM "$A" >/dev/null 2>&1
  rc=$(timeout 15 "$CE" wait "$A" 2>/dev/null | tail -n 1)
  dt=$(since "$t0")
  wait "$cpid"
  icode=$(cat "$TMP/inflight.code"); ilines=$(wc -l <"$TMP/inflight.out")
  want=$(wc -l <"$TMP/long8.txt")
  if [ "$icode" = 200 ] && [ "$ilines" -eq "$want" ]; then
    pass "A: a request in flight at SIGTERM (slow upload) completes: 200, $ilines predictions"
  else
    fail A-sigterm-inflight "request in flight at SIGTERM: status $icode, $ilines predictions for $want lines"
  fi
  if [ "$rc" = 0 ] && awk -v d="$dt" 'BEGIN { exit !(d <= 10) }'; then
    pass "A: SIGTERM -> exit 0 in $dt s"
  else
    show_logs "$A"
    fail A-sigterm "after SIGTERM: exit status '${rc:-none}' after $dt s (want 0 within 10 s)"
  fi
else
  show_logs "$A"
  fail A-start "not ready within 30 s (host port '${pa:-}')"
fi

# ---- B: empty /opt/ml/model -> bundled model; port 9090; 1 MB payload limit ----------
"$PYTHON" "$H" expect-ref models/sentiment-en "$TMP/exp-bundled.json" 2>"$TMP/ref.err" \
  || { cat "$TMP/ref.err"; fail B-fixture "the reference reader cannot read models/sentiment-en"; }
B=textclf-ctest-$$-b
t0=$(now)
if start "$B" --read-only --tmpfs /tmp -e SAGEMAKER_BIND_TO_PORT=9090 -e SAGEMAKER_MAX_PAYLOAD_IN_MB=1 \
     -p 127.0.0.1::9090 -p 127.0.0.1::8080 -v "$TMP/empty:/opt/ml/model:ro" "$TAG" serve \
   && pb=$(host_port "$B" 9090) && p8=$(host_port "$B" 8080) && [ -n "$pb" ] \
   && wait_ready "$B" "http://127.0.0.1:$pb"; then
  ready_b=$(since "$t0")
  URL=http://127.0.0.1:$pb
  pass "B: SAGEMAKER_BIND_TO_PORT=9090: /ping 200 on container port 9090 (ready in $ready_b s)"
  r=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$p8/ping")
  [ "$r" != 200 ] && pass "B: nothing answers on container port 8080 (got '$r')" \
                  || fail B-port-8080 "port 8080 still answers /ping with 200 while bound to 9090"
  if "$CE" logs "$B" 2>&1 | grep -i -E 'fallback|bundled' >"$TMP/fallback.log"; then
    pass "B: log says the bundled model serves: $(head -n 1 "$TMP/fallback.log" | cut -c1-160)"
  else
    show_logs "$B"
    fail B-fallback-log "no log line mentioning the fallback/bundled model"
  fi
  code=$(post "$URL" text/plain application/json "$TMP/plain.txt" "$TMP/resp")
  if [ "$code" != 200 ]; then
    fail B-fallback-answers "status $code: $(head -c 300 "$TMP/resp")"
  elif msg=$("$PYTHON" "$H" compare "$TMP/exp-bundled.json" application/json "$TMP/resp"); then
    pass "B: answers are the bundled models/sentiment-en's (checked with the reference reader, 1e-9)"
  else
    fail B-fallback-answers "$msg"
  fi
  c1=$(post "$URL" text/plain application/json "$TMP/2mb.txt" "$TMP/resp")
  c2=$(post "$URL" text/plain application/json "$TMP/500kb.txt" "$TMP/resp")
  [ "$c1" = 413 ] && [ "$c2" = 200 ] \
    && pass "B: SAGEMAKER_MAX_PAYLOAD_IN_MB=1: 2 MB -> 413, 500 kB -> 200" \
    || fail B-payload-limit "SAGEMAKER_MAX_PAYLOAD_IN_MB=1: 2 MB -> $c1 (want 413), 500 kB -> $c2 (want 200)"
  t0=$(now)
  "$CE" stop -t 10 "$B" >/dev/null 2>&1
  dt=$(since "$t0")
  rc=$("$CE" inspect --format '{{.State.ExitCode}}' "$B" 2>/dev/null)
  if [ "$rc" = 0 ] && awk -v d="$dt" 'BEGIN { exit !(d <= 10) }'; then
    pass "B: '$CE stop -t 10' -> exit 0 in $dt s"
  else
    show_logs "$B"
    fail B-stop "'$CE stop -t 10': exit status '$rc' after $dt s (want 0 within 10 s)"
  fi
else
  show_logs "$B"
  fail B-start "not ready on port 9090 within 30 s"
fi

# ---- C: a corrupt model in /opt/ml/model: no silent fallback, exit non-zero naming the file --
mkdir -p "$TMP/bad"
cp "$TMP/opt-ml-model"/* "$TMP/bad"/ && printf '0\n' >>"$TMP/bad/linear.tsv" && chmod -R a+rX "$TMP/bad"
C=textclf-ctest-$$-c
t0=$(now)
if start "$C" --read-only --tmpfs /tmp -v "$TMP/bad:/opt/ml/model:ro" "$TAG" serve; then
  rc=$(timeout 30 "$CE" wait "$C" 2>/dev/null | tail -n 1)
  dt=$(since "$t0")
  "$CE" logs "$C" >"$TMP/c.log" 2>&1
  if [ -n "$rc" ] && [ "$rc" != 0 ] && grep -q 'linear.tsv' "$TMP/c.log" \
     && ! grep -q -i -E 'fallback|bundled' "$TMP/c.log"; then
    pass "C: corrupt /opt/ml/model -> exit $rc in $dt s, log names the file, no fallback: $(grep -m1 'linear.tsv' "$TMP/c.log" | cut -c1-150)"
  else
    show_logs "$C"
    fail C-bad-model "corrupt model: exit status '${rc:-none}' after $dt s; want non-zero, a log line naming linear.tsv and no fallback"
  fi
else
  fail C-start "could not start the container"
fi

# ---- L: AWS Lambda, the emulator as entrypoint ------------------------------------------
# Lambda starts the image's ENTRYPOINT + CMD (`serve serve`) with AWS_LAMBDA_RUNTIME_API set;
# the emulator does the same. Lambda runs images as a uid of its own, read-only but /tmp.
lambda_invoke() {  # URL EVENT-FILE OUT: prints the emulator's HTTP status
  curl -s -o "$3" -w '%{http_code}' --max-time 60 -H 'Expect:' --data-binary @"$2" \
       "$1/2015-03-31/functions/function/invocations"
}
"$PYTHON" "$H" lambda-events "$TMP/exp.json" "$TMP"
if ! RIE=$(tools/rie.sh 2>"$TMP/rie.err"); then
  fail L-emulator "tools/rie.sh could not build the emulator: $(tail -n 3 "$TMP/rie.err")"
else
  cp "$RIE" "$TMP/aws-lambda-rie" && chmod a+rx "$TMP/aws-lambda-rie"
  # start_lambda NAME MODEL-DIR: the emulator on a runtime-chosen host port; sets LURL.
  start_lambda() {
    LURL=""
    start "$1" --read-only --tmpfs /tmp --user 12345:12345 -p 127.0.0.1::8080 \
      -v "$TMP/aws-lambda-rie:/aws-lambda-rie:ro" -v "$2:/opt/ml/model:ro" \
      --entrypoint /aws-lambda-rie "$TAG" /usr/local/bin/serve serve || return 1
    local p i
    p=$(host_port "$1" 8080); [ -n "$p" ] || return 1
    for i in $(seq 1 500); do
      curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" && { LURL=http://127.0.0.1:$p; return 0; }
      sleep 0.02
    done
    return 1
  }
  L1=textclf-ctest-$$-l1
  t0=$(now)
  if start_lambda "$L1" "$TMP/opt-ml-model"; then
    code=$(lambda_invoke "$LURL" "$TMP/v2.json" "$TMP/l.out")
    lambda_first=$(since "$t0")
    if [ "$code" = 200 ] && msg=$("$PYTHON" "$H" lambda-body "$TMP/l.out" "$TMP/l.body") \
       && msg=$("$PYTHON" "$H" compare "$TMP/exp.json" application/json "$TMP/l.body"); then
      pass "L: emulator -> serve serve (uid 12345, read-only root): HTTP API 2.0 event, base64 text/plain body: the mounted model's probabilities = scikit-learn's (first answer $lambda_first s after run)"
    else
      show_logs "$L1"
      fail L-v2 "HTTP $code: ${msg:-} $(head -c 300 "$TMP/l.out")"
    fi
    code=$(lambda_invoke "$LURL" "$TMP/furl.json" "$TMP/l.out")
    if [ "$code" = 200 ] && msg=$("$PYTHON" "$H" lambda-body "$TMP/l.out" "$TMP/l.body") \
       && msg=$("$PYTHON" "$H" compare "$TMP/exp.json" application/json "$TMP/l.body"); then
      pass "L: Function URL event (POST /, application/json) = scikit-learn's"
    else
      fail L-furl "HTTP $code: ${msg:-} $(head -c 300 "$TMP/l.out")"
    fi
    code=$(lambda_invoke "$LURL" "$TMP/direct.json" "$TMP/l.out")
    if [ "$code" = 200 ] && msg=$("$PYTHON" "$H" compare "$TMP/exp.json" application/json "$TMP/l.out"); then
      pass "L: direct invocation ({\"instances\": [...]}) -> /invocations' JSON = scikit-learn's"
    else
      fail L-direct "HTTP $code: ${msg:-} $(head -c 300 "$TMP/l.out")"
    fi
    if "$CE" logs "$L1" 2>&1 | grep -q '"kind":"http-v2","status":200' \
       && ! "$CE" logs "$L1" 2>&1 | grep -q -i 'nginx'; then
      pass "L: one log line per event from textclf lambda, and no nginx"
    else
      show_logs "$L1"
      fail L-log "no event log line, or nginx started in Lambda mode"
    fi
  else
    show_logs "$L1"
    fail L-start "the emulator did not listen within 10 s"
  fi
  L2=textclf-ctest-$$-l2
  if start_lambda "$L2" "$TMP/empty"; then
    code=$(lambda_invoke "$LURL" "$TMP/direct.json" "$TMP/l.out")
    if [ "$code" = 200 ] && "$PYTHON" "$H" compare "$TMP/exp-bundled.json" application/json "$TMP/l.out" >/dev/null \
       && "$CE" logs "$L2" 2>&1 | grep -q 'bundled fallback model'; then
      pass "L: empty /opt/ml/model -> the bundled model answers, and the log says so"
    else
      show_logs "$L2"
      fail L-bundled "HTTP $code: $(head -c 300 "$TMP/l.out")"
    fi
  else
    fail L2-start "the emulator did not listen within 10 s"
  fi
  L3=textclf-ctest-$$-l3
  if start_lambda "$L3" "$TMP/bad"; then
    code=$(lambda_invoke "$LURL" "$TMP/direct.json" "$TMP/l.out")
    if grep -q '"errorType":"Runtime.ModelLoadError"' "$TMP/l.out" && grep -q 'linear.tsv' "$TMP/l.out"; then
      pass "L: corrupt model -> init error Runtime.ModelLoadError naming linear.tsv (HTTP $code)"
    else
      show_logs "$L3"
      fail L-init-error "HTTP $code: $(head -c 300 "$TMP/l.out")"
    fi
  else
    fail L3-start "the emulator did not listen within 10 s"
  fi
fi

echo "container: engine $CE; build ${build_s:-?} s; image $TAG ${size_mb:-?} MB (${size_line:-?}); start-to-ready ${ready_a:-?} s (mounted model), ${ready_b:-?} s (bundled model); Lambda run to first answer ${lambda_first:-?} s"
exit "$FAILED"
