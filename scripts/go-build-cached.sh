#!/usr/bin/env bash
# Builds the Go program of a module of this repository once and prints the path of its binary
# (the only line on stdout; progress goes to stderr). The binary is kept in
# ~/.cache/pulumi-logscale-tokens/<name>-<key>/, where the key hashes the Go version and every
# file of the module (and of the further folders named, such as a local module it replaces), so
# a warm run costs the hashing, and any change to the sources builds afresh (with Go's own build
# cache, seconds once the dependencies have been compiled).
#
# Usage: go-build-cached.sh <module dir> <name> [<folder the build also reads>...]
#
# The module's committed go.mod and go.sum pin every dependency: the build runs with
# -mod=readonly, and GOFLAGS/GOWORK are cleared so that a user's settings cannot override them.
set -euo pipefail

fail() { printf 'go-build-cached: error: %s\n' "$*" >&2; exit 1; }
[ $# -ge 2 ] || fail "usage: go-build-cached.sh <module dir> <name> [<folder the build also reads>...]"
module_dir=$(cd "$1" && pwd)
name=$2
shift 2

command -v go >/dev/null 2>&1 ||
  fail "no Go toolchain to build $name from $module_dir: install Go >= 1.26 (https://go.dev/dl/), then run this again."

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logscale-tokens"
key=$(
  {
    go version
    for dir in "$module_dir" "$@"; do
      (cd "$dir" && find . -type f -not -path './.git/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    done
  } | sha256sum | cut -c1-16
)
build_dir="$cache_root/$name-$key"
binary="$build_dir/$name"

if [ ! -x "$binary" ]; then
  mkdir -p "$build_dir"
  printf 'go-build-cached: building %s from %s (first time only for these sources)\n' "$name" "$module_dir" >&2
  if ! (cd "$module_dir" &&
    GOMODCACHE="$cache_root/gomod" GOTOOLCHAIN=local GOFLAGS='' GOWORK=off CGO_ENABLED=0 \
      go build -mod=readonly -trimpath -ldflags '-s -w' -o "$binary.tmp.$$" . >&2); then
    rm -f "$binary.tmp.$$"
    fail "building $name from $module_dir failed (Go's output above): check that the Go module proxy is reachable and Go >= 1.26, then run this again."
  fi
  # Renamed into place, so that a run at the same time never sees half a binary.
  mv "$binary.tmp.$$" "$binary"
fi
# The folder's time is when these sources were last built or used: builds of other sources that
# nothing has used for a week are removed, so the cache does not grow with every edit.
touch "$build_dir"
find "$cache_root" -mindepth 1 -maxdepth 1 -type d -name "$name-*" -not -name "$name-$key" -mtime +7 -exec rm -rf {} + 2>/dev/null || true
echo "$binary"
