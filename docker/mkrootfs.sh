#!/usr/bin/env bash
# docker/mkrootfs.sh ROOT - lays out the runtime image's root filesystem in ROOT, in the
# Dockerfile's build stage (Debian 12, where the programs below are installed). The image
# is `FROM scratch` plus ROOT: the textclf binary, nginx, bash (for docker/serve), a static
# busybox for the handful of commands the entrypoint and operators use (sh, env, mkdir,
# sleep, setsid, ...), the shared libraries these programs load (their ldd closure, copied
# as real files under their sonames), and the few /etc files glibc reads. No package
# manager, no package database: the image is rebuilt, never upgraded in place.
#
#   docker/mkrootfs.sh /rootfs    (reads /src/build/textclf for its libraries; $TEXTCLF overrides)
set -euo pipefail
R=${1:?usage: mkrootfs.sh ROOT}
TEXTCLF=${TEXTCLF:-/src/build/textclf}
mkdir -p "$R"/usr/bin "$R"/usr/sbin "$R"/usr/lib "$R"/usr/local/bin "$R"/etc "$R"/tmp \
         "$R"/opt/ml/model "$R"/opt/textclf/models
chmod 1777 "$R"/tmp
# The build system's merged-/usr links (/bin -> usr/bin, /lib64 -> usr/lib64, ...), so the
# paths in ELF headers (the loader, /lib64/ld-linux-x86-64.so.2 on amd64) resolve alike.
for d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"; fi
done

# copy_file SRC DST: SRC dereferenced to DST (under ROOT), directories made.
copy_file() { mkdir -p "$(dirname "$R$2")"; cp -L "$1" "$R$2"; }
# copy_libs PROGRAM: every library ldd lists (and the loader), at its real directory under
# its soname.
copy_libs() {
  local p
  for p in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    local dst
    dst=$(readlink -f "$(dirname "$p")")/$(basename "$p")
    [ -e "$R$dst" ] || copy_file "$p" "$dst"
  done
}
install_prog() { copy_file "$1" "$2"; copy_libs "$1"; }

install_prog "$TEXTCLF" /usr/local/bin/textclf
install_prog /usr/sbin/nginx /usr/sbin/nginx
install_prog /usr/bin/bash /usr/bin/bash
copy_file /bin/busybox /usr/bin/busybox
for a in sh env mkdir rm sleep seq setsid awk touch cat ls kill id ps grep sed head tail tr wc \
         cp mv ln chmod date tar gzip; do
  [ -e "$R/usr/bin/$a" ] || ln -s busybox "$R/usr/bin/$a"
done

# glibc: users and groups (nginx and docker/serve look up uids), host names, the loader cache.
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/bin/sh
textclf:x:10001:10001:textclf:/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
textclf:x:10001:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$R/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
multiarch=$(gcc -print-multiarch)
printf '/usr/local/lib\n/usr/lib/%s\n' "$multiarch" >"$R/etc/ld.so.conf"
ldconfig -r "$R"

# Every program finds every library it needs, in ROOT alone.
for p in /usr/local/bin/textclf /usr/sbin/nginx /usr/bin/bash; do
  if chroot "$R" /usr/bin/env LD_TRACE_LOADED_OBJECTS=1 "$p" | grep -q 'not found'; then
    echo "mkrootfs: $p misses libraries in $R" >&2; exit 1
  fi
done
# The binary itself is the image's last layer (the Dockerfile copies it), so a code change
# does not rebuild this one's contents.
rm "$R/usr/local/bin/textclf"
