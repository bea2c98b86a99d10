#!/usr/bin/env bash
# Makes the Pulumi CLI whose version equals the pinned @pulumi/pulumi available, with the
# Node.js language host that `pulumi up` in a folder needs, and prints the directory to put
# first on PATH (the only line on stdout; progress goes to stderr).
#
# CLI: a `pulumi` on PATH with the right version; else a previous build in the cache; else a
# build from the Go module proxy (the official installer downloads from a host these machines
# cannot reach).
# Language host (pulumi-language-nodejs): the one that comes with a matching CLI on PATH; else
# a stand-in built from scripts/language-host (see build_language_host).
# The directory printed holds symlinks to the CLI, the language host and, where the CLI lacks
# it beside itself, the dynamic-provider plugin shipped inside the @pulumi/pulumi npm package.
#
# --with-yaml (or PULUMI_LOGSCALE_WITH_YAML=1) also provides the YAML language host
# (pulumi-language-yaml), which Pulumi YAML programs such as examples/yaml need: the one that
# comes with a matching CLI, else a build from scripts/yaml-host. npm test asks for it; npm start
# does not, so a cold start builds no more than before.
set -euo pipefail

with_yaml="${PULUMI_LOGSCALE_WITH_YAML:-0}"
for arg in "$@"; do
  case "$arg" in
    --with-yaml) with_yaml=1 ;;
    *) printf 'ensure-pulumi: error: unknown argument %s (the only one is --with-yaml)\n' "$arg" >&2; exit 2 ;;
  esac
done

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

# The stand-in language host: its version is pinned by scripts/language-host/go.mod.
host_version=v3.68.0
host_module_dir="$project_dir/scripts/language-host"
host_package=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
host_build_dir="$cache_root/pulumi-language-nodejs-$host_version"

# The YAML language host, only with --with-yaml: its version is pinned by scripts/yaml-host/go.mod.
yaml_host_version=v1.25.0
yaml_host_module_dir="$project_dir/scripts/yaml-host"
yaml_host_package=github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
yaml_host_build_dir="$cache_root/pulumi-language-yaml-$yaml_host_version"

cli_version() { "$1" version 2>/dev/null | head -n 1 || true; }
need_go() {
  command -v go >/dev/null 2>&1 ||
    fail "no $1 and no Go toolchain to build it. Install Pulumi $tag (https://www.pulumi.com/docs/install/), which brings both the CLI and the Node.js language host, or Go >= 1.26, then run this again."
}

cli=""
language_host=""
yaml_host=""
if command -v pulumi >/dev/null 2>&1 && [ "$(cli_version "$(command -v pulumi)")" = "$tag" ]; then
  # Resolved, so that a PATH holding our own link directory cannot make a link point at itself.
  cli=$(readlink -f "$(command -v pulumi)")
  # A Pulumi install keeps its language host beside the CLI, and usually on PATH as well.
  if command -v pulumi-language-nodejs >/dev/null 2>&1; then
    language_host=$(readlink -f "$(command -v pulumi-language-nodejs)")
  elif [ -x "$(dirname "$cli")/pulumi-language-nodejs" ]; then
    language_host=$(readlink -f "$(dirname "$cli")/pulumi-language-nodejs")
  fi
  if command -v pulumi-language-yaml >/dev/null 2>&1; then
    yaml_host=$(readlink -f "$(command -v pulumi-language-yaml)")
  elif [ -x "$(dirname "$cli")/pulumi-language-yaml" ]; then
    yaml_host=$(readlink -f "$(dirname "$cli")/pulumi-language-yaml")
  fi
  log "using $cli ($tag) from PATH"
fi

build_cli() {
  [ -x "$build_dir/bin/pulumi" ] && [ "$(cli_version "$build_dir/bin/pulumi")" = "$tag" ] && return 0
  need_go "Pulumi CLI $tag on PATH"
  mkdir -p "$build_dir/src" "$build_dir/bin"
  export GOMODCACHE="$cache_root/gomod" GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
  cd "$build_dir/src"
  [ -f go.mod ] || go mod init pulumi-cli-build >/dev/null 2>&1
  log "building the Pulumi CLI $tag with $(go version | cut -d' ' -f3) (first time only: several minutes)"
  go get "github.com/pulumi/pulumi/pkg/v3@$tag" >&2
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$tag" \
    -o "$build_dir/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
  mv "$build_dir/bin/pulumi.tmp" "$build_dir/bin/pulumi"
  [ "$(cli_version "$build_dir/bin/pulumi")" = "$tag" ] || fail "the CLI built in $build_dir/bin does not report $tag"
}

# A stand-in for tests on machines like these, which cannot download Pulumi: users' own
# installs bring a host that matches their CLI. The host's own Go module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is refused by the Go
# module proxy for every version, so this builds the last release that still had the host
# inside sdk/v3 (v3.68.0, May 2023). With CLI 3.259 it runs the ordinary path (up, preview,
# destroy, secret config, TypeScript programs); not pnpm/bun, `pulumi new` or `convert`.
# `go install` refuses a module with replace directives, hence the wrapper module, whose
# committed go.mod/go.sum (built with -mod=readonly) pin every dependency.
build_language_host() {
  [ -x "$host_build_dir/pulumi-language-nodejs" ] && return 0
  need_go "pulumi-language-nodejs beside a Pulumi CLI $tag on PATH"
  grep -Eq "^[[:space:]]*github.com/pulumi/pulumi/sdk/v3 $host_version( |$)" "$host_module_dir/go.mod" ||
    fail "$host_module_dir/go.mod does not require github.com/pulumi/pulumi/sdk/v3 $host_version, the version this script stamps"
  mkdir -p "$host_build_dir"
  log "building the Node.js language host pulumi-language-nodejs $host_version, a stand-in for a Pulumi install's (first time only: about a minute)"
  # GOFLAGS and GOWORK are cleared so that a user's settings cannot override the pinned go.sum.
  if ! (cd "$host_module_dir" &&
    GOMODCACHE="$cache_root/gomod" GOTOOLCHAIN=local GOFLAGS= GOWORK=off CGO_ENABLED=0 \
      go build -mod=readonly -trimpath -tags osusergo \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$host_version" \
      -o "$host_build_dir/pulumi-language-nodejs.tmp" "$host_package" >&2); then
    rm -f "$host_build_dir/pulumi-language-nodejs.tmp"
    fail "building pulumi-language-nodejs $host_version from $host_module_dir failed (Go's output above). \`pulumi up\` in a folder needs it, and so do npm start and npm test. Put a Pulumi $tag install (which includes it) on PATH, or fix the Go build (module proxy reachable, Go >= 1.24), then run this again."
  fi
  mv "$host_build_dir/pulumi-language-nodejs.tmp" "$host_build_dir/pulumi-language-nodejs"
}

# Pulumi YAML's language host, for YAML programs (examples/yaml, the plugin's end-to-end tests).
# Its module is on the Go module proxy; it is built in a wrapper module, as the Node.js host is,
# so that the committed go.mod/go.sum (with -mod=readonly) pin every dependency. About 45 MB; a
# few minutes on two cores, once.
build_yaml_host() {
  [ -x "$yaml_host_build_dir/pulumi-language-yaml" ] && return 0
  need_go "pulumi-language-yaml beside a Pulumi CLI $tag on PATH"
  grep -Eq "^[[:space:]]*github.com/pulumi/pulumi-yaml $yaml_host_version( |$)" "$yaml_host_module_dir/go.mod" ||
    fail "$yaml_host_module_dir/go.mod does not require github.com/pulumi/pulumi-yaml $yaml_host_version, the version this script stamps"
  mkdir -p "$yaml_host_build_dir"
  log "building the YAML language host pulumi-language-yaml $yaml_host_version (first time only: a few minutes)"
  if ! (cd "$yaml_host_module_dir" &&
    GOMODCACHE="$cache_root/gomod" GOTOOLCHAIN=local GOFLAGS='' GOWORK=off CGO_ENABLED=0 \
      go build -mod=readonly -trimpath -tags osusergo \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_host_version" \
      -o "$yaml_host_build_dir/pulumi-language-yaml.tmp" "$yaml_host_package" >&2); then
    rm -f "$yaml_host_build_dir/pulumi-language-yaml.tmp"
    fail "building pulumi-language-yaml $yaml_host_version from $yaml_host_module_dir failed (Go's output above). Pulumi YAML programs need it, and so does npm test. Put a Pulumi $tag install (which includes it) on PATH, or fix the Go build (module proxy reachable, Go >= 1.24), then run this again."
  fi
  mv "$yaml_host_build_dir/pulumi-language-yaml.tmp" "$yaml_host_build_dir/pulumi-language-yaml"
}

if [ -z "$cli" ]; then
  ( build_cli )
  cli="$build_dir/bin/pulumi"
fi
if [ -z "$language_host" ]; then
  build_language_host
  language_host="$host_build_dir/pulumi-language-nodejs"
fi
if [ "$with_yaml" = 1 ] && [ -z "$yaml_host" ]; then
  build_yaml_host
  yaml_host="$yaml_host_build_dir/pulumi-language-yaml"
fi

cli_dir=$(dirname "$cli")
if [ "$cli_dir" = "$build_dir/bin" ]; then
  # Beside the binary the CLI takes plugins as its own; found on PATH, it warns on every run.
  # The plugin script only resolves @pulumi/pulumi from its working directory, so any copy will do.
  cmp -s "$plugin" "$cli_dir/pulumi-resource-pulumi-nodejs" || cp "$plugin" "$cli_dir/pulumi-resource-pulumi-nodejs"
  ln -sfn "$language_host" "$cli_dir/pulumi-language-nodejs"
  [ -z "$yaml_host" ] || ln -sfn "$yaml_host" "$cli_dir/pulumi-language-yaml"
fi

mkdir -p "$link_dir"
ln -sfn "$cli" "$link_dir/pulumi"
# The CLI looks for its plugins on PATH first and warns when what it finds there is not the
# file beside itself, so only what is not beside it goes on PATH (where the CLI then warns,
# as it does for a user's CLI without a language host beside it).
link_unless_beside_cli() {
  if [ "$(readlink -f "$cli_dir/$2")" = "$(readlink -f "$1")" ]; then
    rm -f "$link_dir/$2"
  else
    ln -sfn "$1" "$link_dir/$2"
  fi
}
link_unless_beside_cli "$language_host" pulumi-language-nodejs
[ -z "$yaml_host" ] || link_unless_beside_cli "$yaml_host" pulumi-language-yaml
if [ -e "$cli_dir/pulumi-resource-pulumi-nodejs" ]; then
  rm -f "$link_dir/pulumi-resource-pulumi-nodejs"
else
  ln -sfn "$plugin" "$link_dir/pulumi-resource-pulumi-nodejs"
fi
log "Pulumi CLI $tag and pulumi-language-nodejs${yaml_host:+ and pulumi-language-yaml} ready in $link_dir"
echo "$link_dir"
