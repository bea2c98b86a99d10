/**
 * Once per test run, after Jest's summary: name the suites that were skipped because what they
 * check against is missing, and why, so that "N skipped" in the summary is not the only trace.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { projectDir } from "./consumer";
import { type NotRun, notRunFileVariable } from "./shared";

export default function reportSuitesNotRun(): void {
  const file = process.env[notRunFileVariable];
  if (file === undefined) return;
  const notRun = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as NotRun)
    : [];
  rmSync(path.dirname(file), { recursive: true, force: true });
  if (notRun.length === 0) return;
  const lines = notRun.map(({ suite }) => `  ${path.relative(projectDir, suite)}`);
  const reasons = [...new Set(notRun.map(({ reason }) => reason))];
  console.log(`\nNOT RUN: ${notRun.length} test suite(s), reported as skipped:\n${lines.join("\n")}\nbecause ${reasons.join("\n")}\n`);
}
