#!/usr/bin/env bash
# Makes the Pulumi CLI whose version equals the pinned @pulumi/pulumi available, and prints
# the directory to put first on PATH (the only line on stdout; progress goes to stderr).
#
# Order: a `pulumi` on PATH with the right version; else a previous build in the cache;
# else a build from the Go module proxy (the official installer downloads from a host these
# machines cannot reach). The directory printed holds symlinks to the CLI, the
# dynamic-provider plugin shipped inside the @pulumi/pulumi npm package and, where it can be
# had, the Node.js language host. Our own runs (npm start, the e2e tests) use Automation API
# inline programs, which need no language host; `pulumi up` in a folder does.
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
fail() { printf 'ensure-pulumi: error: %s\n' "$*" >&2; exit 1; }

version=$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$project_dir/package.json")
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  fail "package.json must pin @pulumi/pulumi (devDependencies) to an exact version (found '$version'): the CLI is built to match it"
tag="v$version"

plugin="$project_dir/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -x "$plugin" ] || fail "$plugin is missing: run 'npm ci' first"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logscale-tokens"
build_dir="$cache_root/pulumi-$tag"
link_dir="$project_dir/.pulumi/bin"

cli_version() { "$1" version 2>/dev/null | head -n 1 || true; }

cli=""
language_host=""
if command -v pulumi >/dev/null 2>&1 && [ "$(cli_version "$(command -v pulumi)")" = "$tag" ]; then
  cli=$(command -v pulumi)
  language_host=$(command -v pulumi-language-nodejs || true)
  log "using $cli ($tag) from PATH"
fi

build_with_go() {
  command -v go >/dev/null 2>&1 ||
    fail "no Pulumi CLI $tag on PATH and no Go toolchain to build one. Install Pulumi $tag (https://www.pulumi.com/docs/install/) or Go >= 1.26, then run this again."
  mkdir -p "$build_dir/src" "$build_dir/bin"
  export GOMODCACHE="$cache_root/gomod" GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
  local ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$tag"
  cd "$build_dir/src"
  [ -f go.mod ] || go mod init pulumi-cli-build >/dev/null 2>&1
  if [ ! -x "$build_dir/bin/pulumi" ] || [ "$(cli_version "$build_dir/bin/pulumi")" != "$tag" ]; then
    log "building the Pulumi CLI $tag with $(go version | cut -d' ' -f3) (first time only: several minutes)"
    go get "github.com/pulumi/pulumi/pkg/v3@$tag" >&2
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" \
      -o "$build_dir/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    mv "$build_dir/bin/pulumi.tmp" "$build_dir/bin/pulumi"
  fi
  if [ ! -x "$build_dir/bin/pulumi-language-nodejs" ] && [ ! -e "$build_dir/language-host-unavailable" ]; then
    # The language host module has no version tags: it can only be fetched at the commit of
    # the pkg tag, and some module proxies refuse that. It is optional for us, so a refusal is
    # remembered (delete the marker file to try again) and not an error.
    local commit
    commit=$(go list -m -json "github.com/pulumi/pulumi/pkg/v3@$tag" | sed -n 's/.*"Hash": "\([0-9a-f]*\)".*/\1/p')
    log "building pulumi-language-nodejs at ${commit:0:12} (optional)"
    if go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$commit" >&2 &&
      go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" \
        -o "$build_dir/bin/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2; then
      mv "$build_dir/bin/pulumi-language-nodejs.tmp" "$build_dir/bin/pulumi-language-nodejs"
    else
      log "pulumi-language-nodejs is not available from the module proxy; inline programs work without it"
      touch "$build_dir/language-host-unavailable"
    fi
  fi
  [ "$(cli_version "$build_dir/bin/pulumi")" = "$tag" ] || fail "the CLI built in $build_dir/bin does not report $tag"
}

if [ -z "$cli" ]; then
  ( build_with_go )
  cli="$build_dir/bin/pulumi"
  # Beside the binary the CLI takes the plugin as its own; found on PATH it warns on every run.
  # The script only resolves @pulumi/pulumi from its working directory, so any copy will do.
  cp "$plugin" "$build_dir/bin/pulumi-resource-pulumi-nodejs"
  [ -x "$build_dir/bin/pulumi-language-nodejs" ] && language_host="$build_dir/bin/pulumi-language-nodejs"
fi

mkdir -p "$link_dir"
ln -sfn "$cli" "$link_dir/pulumi"
if [ -n "$language_host" ]; then ln -sfn "$language_host" "$link_dir/pulumi-language-nodejs"; else rm -f "$link_dir/pulumi-language-nodejs"; fi
if [ -e "$(dirname "$(readlink -f "$cli")")/pulumi-resource-pulumi-nodejs" ]; then
  rm -f "$link_dir/pulumi-resource-pulumi-nodejs"
else
  # A CLI from PATH without the plugin beside it: it then finds ours on PATH (with a warning).
  ln -sfn "$plugin" "$link_dir/pulumi-resource-pulumi-nodejs"
fi
log "Pulumi CLI $tag ready in $link_dir"
echo "$link_dir"
