#!/bin/sh
# tools/keras-venv.sh [LINK] - the Python venv with Keras 3 + TensorFlow pinned in
# python/requirements-keras.txt, made once per pin set under
# ${TEXTCLF_CACHE:-~/.cache/textclf}/keras-venv-<first 12 hex of the pins' sha256> (so CI's
# fresh checkouts on one machine reuse it), and LINK (default build/keras-venv) pointing
# at it. Needs PyPI the first time (about 25 s and 1.2 GB here). Prints nothing when the
# venv exists.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
req=$root/python/requirements-keras.txt
cache=${TEXTCLF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/textclf}
dir=$cache/keras-venv-$(sha256sum "$req" | cut -c1-12)
link=${1:-$root/build/keras-venv}
if ! cmp -s "$req" "$dir/.pins" 2>/dev/null; then
  echo "textclf: making $dir (Keras + TensorFlow from PyPI, python/requirements-keras.txt)" >&2
  rm -rf "$dir"
  mkdir -p "$cache"
  /usr/bin/python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
  cp "$req" "$dir/.pins"  # last: a venv without it is incomplete and made again
fi
mkdir -p "$(dirname "$link")"
ln -sfn "$dir" "$link"
