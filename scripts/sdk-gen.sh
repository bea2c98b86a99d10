#!/usr/bin/env bash
# npm run sdk:gen: the SDKs for Go, Python, .NET and Node.js, generated from the plugin's schema
# (provider/serving/plugin/schema.json) by Pulumi's own code generators (scripts/sdk-gen, built
# once into ~/.cache), into sdk/<language>/, or into <dir>/<language>/ when a folder is given
# (the test that holds sdk/ to the schema does that). The SDKs carry package.json's version,
# the version the plugin reports.
#
# Usage: sdk-gen.sh [<dir>]
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="${1:-$project_dir/sdk}"
generator=$(bash "$project_dir/scripts/ensure-go-programs.sh" sdk-gen)
version=$(node -p 'require(process.argv[1]).version' "$project_dir/package.json")
"$generator" -schema "$project_dir/provider/serving/plugin/schema.json" -version "$version" -out "$out"
