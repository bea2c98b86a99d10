#!/usr/bin/env bash
# The nightly drift check, as the drift workflow runs it and as you can run it by hand:
#
#   bash ci/drift-check.sh staging
#
# `pulumi preview --refresh --expect-no-changes` reads every token back from LogScale and fails
# when the next `pulumi up` would change anything. ci/plan-summary.ts --drift turns its JSON into a
# short Markdown report (printed, and appended to $GITHUB_STEP_SUMMARY in GitHub Actions).
# Exits non-zero when anything differs or the preview fails.
set -uo pipefail

stack="${1:?usage: bash ci/drift-check.sh <stack>}"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

# The stack's Pulumi program: this repository's root (the TypeScript flavour, examples/gitops), or
# environments/<stack>/ where each environment is a Pulumi YAML program of its own (the YAML
# flavour, examples/gitops-yaml, whose ci/ links to these scripts).
program="."
if [ -f "environments/$stack/Pulumi.yaml" ]; then
  program="environments/$stack"
fi

preview_json="$(mktemp)"
trap 'rm -f "$preview_json"' EXIT

# Secrets in the JSON are printed as "[secret]"; the engine's messages go to stderr as usual.
pulumi --cwd "$program" preview --stack "$stack" --refresh --expect-no-changes --json --non-interactive >"$preview_json"
preview_status=$?

summary="$(npm run --silent plan-summary -- "$preview_json" --stack "$stack" --drift)"
summary_status=$?

printf '%s\n' "$summary"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '%s\n' "$summary" >>"$GITHUB_STEP_SUMMARY"
fi

if [ "$preview_status" -ne 0 ]; then
  exit "$preview_status"
fi
# The preview passed but the report still found a difference: fail rather than trust either alone.
exit "$summary_status"
