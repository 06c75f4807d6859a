#!/usr/bin/env bash
# tools/container.sh - build and run the textclf image with docker, or with podman where no Docker
# engine runs (as on the project's CI machines).
#
#   tools/container.sh build [TAG]                 build the image (`make docker`); prints size and time
#   tools/container.sh run [--tag TAG] [--model DIR] [--port N] [-- ENGINE-RUN-ARGS...]
#                                                  serve on http://127.0.0.1:N (default 8080), read-only
#                                                  root fs + tmpfs /tmp; DIR mounted at /opt/ml/model
#   tools/container.sh engine                      print the engine it would use, or why there is none
#   tools/container.sh size [TAG]                  print the image size (engine's count and docker's)
#
# Engine choice: TEXTCLF_CONTAINER_ENGINE=docker|podman forces one. Otherwise docker when
# `docker info` reaches an engine; else podman. As root, and when ../shared/tools/container-env.sh
# exists (override: TEXTCLF_CONTAINER_ENV), it is sourced first: it installs podman, configures it
# for this host and provides the local debian:bookworm-slim / debian:bookworm base images.
# TAG defaults to $TEXTCLF_IMAGE or textclf:latest.
#
# Sourcing this file (`. tools/container.sh`) only defines tc_engine_setup (sets CE, or CE_WHY and
# returns 1; CE_ENV_FAILED=1 when container-env.sh itself failed), tc_build and tc_image_size;
# tests/container/run.sh uses it that way.

TC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TC_IMAGE=${TEXTCLF_IMAGE:-textclf:latest}

# tc_engine_setup: pick the container engine. Sets CE (docker|podman) and returns 0, or sets
# CE_WHY (one line, why none can run here) and returns 1. Progress goes to stderr.
# shellcheck disable=SC2034  # CE_ENV_FAILED is read by callers (tests/container/run.sh)
tc_engine_setup() {
  CE=""; CE_WHY=""; CE_ENV_FAILED=""
  local forced=${TEXTCLF_CONTAINER_ENGINE:-}
  case "$forced" in ""|docker|podman) ;; *) CE_WHY="TEXTCLF_CONTAINER_ENGINE=$forced: use docker or podman"; return 1 ;; esac
  local docker_why="no docker command"
  if [ "$forced" != podman ] && command -v docker >/dev/null 2>&1; then
    if timeout 20 docker info >/dev/null 2>&1; then CE=docker; return 0; fi
    docker_why="docker is installed but 'docker info' reaches no engine"
  fi
  if [ "$forced" = docker ]; then CE_WHY=$docker_why; return 1; fi

  local envsh=${TEXTCLF_CONTAINER_ENV:-$TC_ROOT/../shared/tools/container-env.sh}
  local env_note="no $envsh"
  if [ -f "$envsh" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "container: setting up podman with $envsh" >&2
      # shellcheck source=/dev/null
      if ! . "$envsh" >&2; then
        CE_ENV_FAILED=1
        CE_WHY="$docker_why; $envsh failed (see its output above)"; return 1
      fi
      env_note="$envsh ran"
    else
      env_note="$envsh needs root"
    fi
  fi
  if ! command -v podman >/dev/null 2>&1; then
    CE_WHY="$docker_why; podman not installed ($env_note)"; return 1
  fi
  local perr
  if ! perr=$(timeout 60 podman info 2>&1 >/dev/null); then
    CE_WHY="$docker_why; 'podman info' fails ($env_note): $(printf '%s' "$perr" | tail -n 1)"
    return 1
  fi
  CE=podman
  return 0
}

# tc_build TAG: build the image from the repository root with layer caching. For podman, when the
# debian base images are present locally (container-env.sh made them), never pull: there is no
# registry here; elsewhere the engine pulls them as usual.
tc_build() {
  local tag=${1:-$TC_IMAGE}
  local args=(build -t "$tag" -f "$TC_ROOT/Dockerfile")
  if [ "$CE" = podman ] && podman image exists docker.io/library/debian:bookworm-slim \
     && podman image exists docker.io/library/debian:bookworm; then
    args+=(--pull=never)
  fi
  "$CE" "${args[@]}" "$TC_ROOT"
}

# tc_image_size TAG: the engine's own figure, in bytes. docker counts file contents (what
# `docker images` shows); podman counts the uncompressed layer tar streams, which add a 512-byte
# header and padding per file (debian:bookworm-slim: 82.2 MB by podman's count, 74.8 MB by docker's).
tc_image_size() {
  "$CE" image inspect --format '{{.Size}}' "${1:-$TC_IMAGE}"
}

# tc_content_size TAG: prints bytes of file contents summed over all layers, the way docker
# counts, and (podman only) the gzip'd layer bytes a registry would store; for docker the first
# is its own figure and the second is omitted. Read from `podman save`.
tc_content_size() {
  local tag=${1:-$TC_IMAGE}
  if [ "$CE" = docker ]; then tc_image_size "$tag"; return; fi
  local tmp rc
  tmp=$(mktemp -d) || return 1
  if podman image save --format docker-archive -o "$tmp/img.tar" "$tag" >/dev/null 2>&1; then
    python3 -c '
import sys, tarfile, zlib
total = gz = 0
with tarfile.open(sys.argv[1]) as img:
    for m in img.getmembers():
        if m.isfile() and m.name.endswith(".tar"):
            with tarfile.open(fileobj=img.extractfile(m)) as layer:
                total += sum(x.size for x in layer.getmembers() if x.isreg())
            z = zlib.compressobj(6, zlib.DEFLATED, 31)
            f = img.extractfile(m)
            for chunk in iter(lambda: f.read(1 << 20), b""):
                gz += len(z.compress(chunk))
            gz += len(z.flush())
print(total, gz)' "$tmp/img.tar"
    rc=$?
  else
    rc=1
  fi
  rm -rf "$tmp"
  return $rc
}

# tc_size_report TAG: one line with both figures.
tc_size_report() {
  local tag=${1:-$TC_IMAGE} s c z
  s=$(tc_image_size "$tag") || return 1
  read -r c z < <(tc_content_size "$tag") || { c=""; z=""; }
  awk -v s="$s" -v c="$c" -v z="$z" -v ce="$CE" 'BEGIN {
    printf "%.1f MB as %s counts (%d bytes)", s / 1e6, ce, s
    if (ce != "docker" && c != "") printf "; %.1f MB of file contents, as docker counts (%d bytes)", c / 1e6, c
    if (z != "") printf "; %.1f MB gzip'"'"'d layers", z / 1e6
    printf "\n" }'
}

tc_main() {
  local cmd=${1:-help}; shift || true
  case "$cmd" in
    engine)
      if tc_engine_setup; then echo "$CE"; else echo "none: $CE_WHY"; return 1; fi ;;
    build)
      tc_engine_setup || { echo "container: cannot build: $CE_WHY" >&2; return 1; }
      local tag=${1:-$TC_IMAGE} t0
      t0=$(date +%s.%N)
      tc_build "$tag" || return 1
      awk -v t0="$t0" -v t1="$(date +%s.%N)" -v tag="$tag" -v ce="$CE" 'BEGIN {
        printf "container: built %s with %s in %.1f s\n", tag, ce, t1 - t0 }' >&2
      echo "container: image size $(tc_size_report "$tag")" >&2 ;;
    size)
      tc_engine_setup || { echo "container: $CE_WHY" >&2; return 1; }
      tc_size_report "${1:-$TC_IMAGE}" ;;
    run)
      local tag=$TC_IMAGE model="" port=8080
      while [ $# -gt 0 ]; do
        case "$1" in
          --tag) tag=$2; shift 2 ;;
          --model) model=$2; shift 2 ;;
          --port) port=$2; shift 2 ;;
          --) shift; break ;;
          *) echo "container: unknown run option $1 (see tools/container.sh help)" >&2; return 2 ;;
        esac
      done
      tc_engine_setup || { echo "container: cannot run: $CE_WHY" >&2; return 1; }
      local args=(run --rm -p "127.0.0.1:$port:8080" --read-only --tmpfs /tmp)
      if [ -n "$model" ]; then
        [ -d "$model" ] || { echo "container: --model $model is not a directory" >&2; return 2; }
        args+=(-v "$(cd "$model" && pwd):/opt/ml/model:ro")
      fi
      echo "container: serving on http://127.0.0.1:$port (Ctrl-C stops it)" >&2
      exec "$CE" "${args[@]}" "$@" "$tag" serve ;;
    help|-h|--help)
      sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" ;;
    *)
      echo "container: unknown command $cmd (build, run, engine, size, help)" >&2; return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  tc_main "$@"
  exit $?
fi
