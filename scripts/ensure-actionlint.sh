#!/usr/bin/env bash
# Makes actionlint (the linter for GitHub Actions workflows) available at a pinned version and
# prints the path of the binary (the only line on stdout; progress goes to stderr).
#
# An `actionlint` on PATH with the pinned version; else a previous build in the cache; else a
# build from the Go module proxy (prebuilt release binaries come from a host these machines
# cannot reach), cached beside the Pulumi CLI that scripts/ensure-pulumi.sh builds.
#
# actionlint checks the shell of `run:` steps with shellcheck when shellcheck is on PATH; it is
# a Debian package (`apt-get install shellcheck`), which this script installs when it is missing
# and it can (root with apt-get).
set -euo pipefail

version=v1.7.12
module=github.com/rhysd/actionlint

log() { printf 'ensure-actionlint: %s\n' "$*" >&2; }
fail() { printf 'ensure-actionlint: error: %s\n' "$*" >&2; exit 1; }

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logscale-tokens"
build_dir="$cache_root/actionlint-$version"
binary="$build_dir/actionlint"

reported_version() { "$1" -version 2>/dev/null | head -n 1 || true; }

if command -v actionlint >/dev/null 2>&1 && [ "$(reported_version "$(command -v actionlint)")" = "$version" ]; then
  log "using $(command -v actionlint) ($version) from PATH"
  command -v actionlint
  exit 0
fi

if ! [ -x "$binary" ] || [ "$(reported_version "$binary")" != "$version" ]; then
  command -v go >/dev/null 2>&1 ||
    fail "no actionlint $version on PATH and no Go toolchain to build it. Install actionlint $version (https://github.com/rhysd/actionlint) or Go >= 1.24, then run this again."
  mkdir -p "$build_dir"
  log "building actionlint $version with $(go version | cut -d' ' -f3) (first time only: about a minute)"
  # GOFLAGS and GOWORK are set so that a user's settings cannot change what is built.
  if ! GOMODCACHE="$cache_root/gomod" GOTOOLCHAIN=local GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 GOBIN="$build_dir/tmp" \
    go install -trimpath -ldflags "-s -w" "$module/cmd/actionlint@$version" >&2; then
    rm -rf "$build_dir/tmp"
    fail "building actionlint $version failed (Go's output above). npm test needs it to check examples/gitops/.github/workflows; make the Go module proxy reachable or put actionlint $version on PATH, then run this again."
  fi
  mv "$build_dir/tmp/actionlint" "$binary"
  rm -rf "$build_dir/tmp"
  [ "$(reported_version "$binary")" = "$version" ] || fail "the actionlint built in $build_dir reports '$(reported_version "$binary")', not $version"
fi
log "actionlint $version ready: $binary"

# shellcheck comes from the system's packages. Where this runs as root with apt (these machines,
# CI), a fresh machine gets it here, so `npm test` on a new clone needs nothing installed by hand;
# elsewhere the lint test says what to install.
if ! command -v shellcheck >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing shellcheck (Debian package) for actionlint's checks of run: steps"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >&2 ||
    log "could not install shellcheck; tests/unit/gitops-workflows-lint.test.ts will say what to install"
fi
echo "$binary"
