#!/usr/bin/env bash
# A pull request's plan for one stack, as the preview workflow runs it and as you can run it by hand:
#
#   bash ci/plan.sh staging
#
# `pulumi preview --refresh --json` (what the deploy job's `pulumi up --refresh` would do), turned
# by ci/plan-summary.ts into a short Markdown plan per token: printed, written to plan-<stack>.md
# (the workflow posts it as the pull request's comment) and appended to $GITHUB_STEP_SUMMARY in
# GitHub Actions. Then the raw `pulumi preview --diff`, for the job log.
# Exits non-zero when the preview fails; a plan that changes tokens is a success.
set -uo pipefail

stack="${1:?usage: bash ci/plan.sh <stack>}"
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
pulumi --cwd "$program" preview --stack "$stack" --refresh --json --non-interactive >"$preview_json"
preview_status=$?

npm run --silent plan-summary -- "$preview_json" --stack "$stack" >"plan-$stack.md"
summary_status=$?

cat "plan-$stack.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "plan-$stack.md" >>"$GITHUB_STEP_SUMMARY"
fi

if [ "$preview_status" -ne 0 ]; then
  exit "$preview_status"
fi
if [ "$summary_status" -ne 0 ]; then
  exit "$summary_status"
fi

echo
echo "pulumi preview --diff --stack $stack:"
pulumi --cwd "$program" preview --stack "$stack" --refresh --diff --non-interactive --color never
