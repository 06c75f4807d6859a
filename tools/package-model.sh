#!/usr/bin/env bash
# tools/package-model.sh MODEL_DIR [OUT]  (make package-model MODEL=dir [OUT=model.tar.gz])
#
# Writes a SageMaker model artifact: a gzip'd tar whose top level holds the model directory's files
# (manifest.json, vocab.tsv, ...), because SageMaker unpacks ModelDataUrl into /opt/ml/model and
# textclf serves /opt/ml/model itself, not a subdirectory. OUT defaults to model.tar.gz.
#
# Before packing, the model is verified with `textclf check` (its golden samples must reproduce)
# when a textclf binary is available ($TEXTCLF_BIN, else build/textclf); without one it checks only
# that manifest.json exists and says so. The archive is reproducible: sorted names, owner 0:0,
# mtime from SOURCE_DATE_EPOCH (default 0), no gzip timestamp. Prints the member list, size and
# sha256. Then: aws s3 cp OUT s3://BUCKET/PREFIX/model.tar.gz (see docs/deploy.md).
set -euo pipefail

usage() { echo "usage: tools/package-model.sh MODEL_DIR [OUT=model.tar.gz]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
model=$1
out=${2:-model.tar.gz}
root=$(cd "$(dirname "$0")/.." && pwd)

[ -d "$model" ] || { echo "package-model: $model is not a directory" >&2; exit 1; }
[ -f "$model/manifest.json" ] || {
  echo "package-model: $model/manifest.json is missing: not a textclf model directory" >&2; exit 1; }
if find "$model" -mindepth 1 \( -type l -o ! -type f ! -type d \) | grep -q .; then
  echo "package-model: $model contains symlinks or special files; copy the real files first" >&2
  exit 1
fi

bin=${TEXTCLF_BIN:-$root/build/textclf}
if [ -x "$bin" ]; then
  if ! "$bin" check --model "$model" >&2; then
    echo "package-model: '$bin check --model $model' failed; not packaging a model that does not verify" >&2
    exit 1
  fi
else
  echo "package-model: no textclf binary at $bin (run make); packaging without 'textclf check'" >&2
fi

case "$out" in /*) ;; *) out=$PWD/$out ;; esac
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# Members are ./manifest.json etc.: unpacked into /opt/ml/model they land directly in it.
(cd "$model" && find . -mindepth 1 ! -type d -print0 | LC_ALL=C sort -z |
  tar --create --file=- --format=gnu --owner=0 --group=0 --numeric-owner \
      --mode='u+rw,go+r,go-w' --mtime="@${SOURCE_DATE_EPOCH:-0}" \
      --null --no-recursion --files-from=-) | gzip -n -9 > "$tmp"
gzip -t "$tmp"
mv -f "$tmp" "$out"
trap - EXIT

echo "package-model: wrote $out ($(stat -c %s "$out") bytes), members:"
tar -tzvf "$out" | awk '{ printf "  %10s  %s\n", $3, $6 }'
echo "sha256 $(sha256sum "$out" | cut -d' ' -f1)"
