#!/bin/sh
# tools/deps.sh runtime|test|bench - installs the Debian packages textclf needs for
# that purpose if any is missing (apt-get; as root, or through sudo). Prints nothing
# when everything is present.
set -eu
runtime="build-essential pkg-config libmicrohttpd-dev libcjson-dev libpcre2-dev libmurmurhash-dev libsvm-dev libcurl4-openssl-dev libssl-dev nginx curl"
test="$runtime openjdk-17-jre-headless python3 python3-sklearn python3-joblib python3-numpy python3-scipy libblas3 liblapack3 python3-pytest python3-venv binutils libsvm-tools clang"
bench="$test wrk python3-flask gunicorn fasttext procps time"
case "${1:-runtime}" in
  runtime) want=$runtime ;;
  test) want=$test ;;
  bench) want=$bench ;;
  *) echo "usage: $0 runtime|test|bench" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  case "$p" in

    *) dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0
echo "textclf: installing missing packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >&2
