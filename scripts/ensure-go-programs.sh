#!/usr/bin/env bash
# The Go programs of this repository, each built once into ~/.cache (scripts/go-build-cached.sh,
# keyed by its sources):
#   sdk-gen          the SDK generator (scripts/sdk-gen), which npm run sdk:gen and the test
#                    holding sdk/ to the schema run
#   logscale-go-e2e  the Go end-to-end program (tests/e2e/go, using sdk/go)
# With a name, builds that one and prints its path; without, builds all (npm test does, so that
# no test waits on a cold build) and prints each path.
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build() { bash "$project_dir/scripts/go-build-cached.sh" "$@"; }

case "${1:-all}" in
  sdk-gen) build "$project_dir/scripts/sdk-gen" sdk-gen ;;
  logscale-go-e2e) build "$project_dir/tests/e2e/go" logscale-go-e2e "$project_dir/sdk/go" ;;
  all) for name in sdk-gen logscale-go-e2e; do bash "${BASH_SOURCE[0]}" "$name"; done ;;
  *) printf 'ensure-go-programs: error: unknown program %s (sdk-gen, logscale-go-e2e)\n' "$1" >&2; exit 2 ;;
esac
