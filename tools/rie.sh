#!/usr/bin/env bash
# tools/rie.sh - builds the AWS Lambda Runtime Interface Emulator (open source, Go) from its
# pinned module version, once per machine, and prints the path of the binary.
#
#   tools/rie.sh            build if needed; print the path of aws-lambda-rie
#
# The binary is static (CGO_ENABLED=0), so the container suite can mount it into the image.
# It is cached in ${TEXTCLF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/textclf}, so reruns and
# fresh checkouts on the same machine take no time; Go's module cache keeps the sources.
#
# The pin: upstream's tags (v1.30, ...) are not semantic versions, so the Go module proxy
# knows the module only by pseudo-versions of its commits, and serves this one (commit
# bef5c4ba774d, 2026-10-30; its go.mod asks for Go 1.26.6).
#
# Go: the `go` on PATH or /usr/local/go/bin/go when it is Go 1.21 or newer (an older release
# than the module asks for fetches the newer toolchain itself, GOTOOLCHAIN=auto). Otherwise
# (a fresh Debian 12, whose golang-go is Go 1.19, too old for either) Debian's golang-go is
# installed and used only to download the Go toolchain module golang.org/toolchain, version
# TOOLCHAIN below, from the Go module proxy into the cache; that toolchain builds the RIE.
# (That path was run in a fresh debian:bookworm container: about 3 minutes, most of it apt and
# the 70 MB toolchain download.)
set -euo pipefail
RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator
RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d
TOOLCHAIN=go1.26.8
CACHE=${TEXTCLF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/textclf}
OUT=$CACHE/aws-lambda-rie-$RIE_VERSION

log() { printf 'tools/rie.sh: %s\n' "$*" >&2; }
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$CACHE"

# go_minor GO: prints the minor version of Go binary GO (1.19 -> 19), or 0.
go_minor() {
  local v
  v=$("$1" env GOVERSION 2>/dev/null || "$1" version 2>/dev/null | awk '{print $3}') || v=""
  v=${v#go}; v=${v#1.}; v=${v%%[!0-9]*}
  echo "${v:-0}"
}

# TEXTCLF_RIE_USE_TOOLCHAIN=1 takes the toolchain-module path even where a recent Go exists
# (to test the fresh-machine path).
GO=""
[ "${TEXTCLF_RIE_USE_TOOLCHAIN:-0}" = 1 ] ||
for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
  [ -n "$g" ] && [ -x "$g" ] || continue
  if [ "$(go_minor "$g")" -ge 21 ]; then GO=$g; break; fi
done

if [ -z "$GO" ]; then
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  tc_dir=$CACHE/go-$TOOLCHAIN.linux-$arch
  if [ ! -x "$tc_dir/bin/go" ]; then
    boot=""
    for g in "$(command -v go 2>/dev/null || true)" /usr/lib/go/bin/go /usr/local/go/bin/go; do
      [ -n "$g" ] && [ -x "$g" ] && { boot=$g; break; }
    done
    if [ -z "$boot" ]; then
      log "no Go found: installing Debian's golang-go to fetch the $TOOLCHAIN toolchain module"
      SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
      $SUDO apt-get update -q >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends golang-go ca-certificates >&2
      boot=/usr/lib/go/bin/go
      [ -x "$boot" ] || boot=$(command -v go)
    fi
    log "downloading the Go toolchain module golang.org/toolchain@v0.0.1-$TOOLCHAIN.linux-$arch with $("$boot" version)"
    info=$(cd /tmp && GOFLAGS=-mod=mod GO111MODULE=on "$boot" mod download -json \
             "golang.org/toolchain@v0.0.1-$TOOLCHAIN.linux-$arch" 2>&1) || true
    dir=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    if [ -z "$dir" ] || [ ! -f "$dir/bin/go" ]; then
      log "error: the toolchain module did not download: $(printf '%s' "$info" | grep -m1 '"Error"' || printf '%s' "$info" | tail -n 2)"
      exit 1
    fi
    rm -rf "$tc_dir.tmp"
    cp -R "$dir" "$tc_dir.tmp"
    # Module files are unpacked read-only and without execute bits.
    chmod -R u+w "$tc_dir.tmp"
    chmod +x "$tc_dir.tmp"/bin/* "$tc_dir.tmp"/pkg/tool/*/*
    mv "$tc_dir.tmp" "$tc_dir"
  fi
  GO=$tc_dir/bin/go
fi

log "building $RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION with $("$GO" version)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && GOBIN=$tmp CGO_ENABLED=0 GOTOOLCHAIN=${GOTOOLCHAIN:-auto} GOFLAGS=-buildvcs=false \
   "$GO" install "$RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION") >&2
mv "$tmp/aws-lambda-rie" "$OUT"
echo "$OUT"
