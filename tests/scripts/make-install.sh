#!/usr/bin/env bash
# `make install PREFIX=... DESTDIR=...` puts the tools, man pages and
# completions under DESTDIR/PREFIX whatever prefix the build folder was set
# up with, and a second install with another PREFIX follows it. Uses the
# build the tools on PATH come from (run-scripts puts it first) and builds
# nothing (make -o build); that build's prefix and install log (make
# uninstall reads it) are restored afterwards.
set -eu
command -v make >/dev/null || { echo "SKIP: make not installed"; exit 77; }
build=$(cd "$(dirname "$(command -v ndj-git)")" && pwd)
[ -f "$build/build.ninja" ] || { echo "SKIP: $build is not a meson build folder"; exit 77; }
# meson install brings the build up to date first: a test must not compile
# (the build files themselves may be regenerated: that compiles nothing).
ninja -C "$build" build.ninja >/dev/null
if ninja -C "$build" -n | grep -qE '\] (Compiling|Linking|Generating) '; then
  echo "SKIP: $build is not completely built (ninja -C $build)"
  exit 77
fi
src=$(cd "$TESTS_DIR/.." && pwd)
prefix=$(meson introspect "$build" --buildoptions |
  python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
tmp=$(mktemp -d)
log=$build/meson-logs/install-log.txt
[ -e "$log" ] && cp -p "$log" "$tmp/install-log.saved"
restore() {
  meson configure "$build" --prefix="$prefix" >/dev/null
  if [ -e "$tmp/install-log.saved" ]; then cp -p "$tmp/install-log.saved" "$log"; else rm -f "$log"; fi
  rm -rf "$tmp"
}
trap restore EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}

# install DESTDIR PREFIX, then check that everything is under DESTDIR/PREFIX
# and nothing elsewhere in DESTDIR.
install_and_check() {
  local dest=$1 pre=$2 root=$1$2 tool n=0
  make -C "$src" -o deps -o build install BUILD="$build" DESTDIR="$dest" PREFIX="$pre" >"$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; fail "make install PREFIX=$pre DESTDIR=$dest failed"; }
  for page in "$src"/man/ndj-*.1; do
    tool=$(basename "$page" .1)
    [ -x "$root/bin/$tool" ] || fail "$root/bin/$tool missing"
    [ -f "$root/share/man/man1/$tool.1" ] || fail "$root/share/man/man1/$tool.1 missing"
    [ -f "$root/share/bash-completion/completions/$tool.bash" ] ||
      fail "$root/share/bash-completion/completions/$tool.bash missing"
    [ -f "$root/share/zsh/site-functions/_$tool" ] || fail "$root/share/zsh/site-functions/_$tool missing"
    n=$((n + 1))
  done
  [ -f "$root/share/man/man7/ndj.7" ] || fail "$root/share/man/man7/ndj.7 missing"
  outside=$(find "$dest" -type f | grep -v "^$root/" || true)
  [ -z "$outside" ] || fail "installed outside $root: $outside"
  echo "PREFIX=$pre: $n tools, their man pages and completions under DESTDIR$pre"
}

install_and_check "$tmp/a" /usr
install_and_check "$tmp/b" /opt/ndj
