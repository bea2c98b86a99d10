// @ts-check
/**
 * A Jest reporter beside the default one: after a run of more than one file it prints the slowest
 * test files and, inside each, where the time went (the steps tests/support/timing.ts wrote down:
 * Pulumi CLI commands by subcommand, npm, emulator starts, program folders). With
 * LOGSCALE_TEST_REPORT=<file> it also writes the whole run as JSON: per file its wall time, its
 * steps, and per test its duration and how many assertions passed (scripts/test-inventory.ts
 * --report reads it, to compare two runs' checks). Plain JavaScript: Jest loads reporters
 * without transforming them.
 */
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const stepsFileVariable = "LOGSCALE_TEST_STEPS_FILE";
const projectDir = path.resolve(__dirname, "../..");

/** @param {number} ms */
const seconds = (ms) => (ms / 1000).toFixed(1);

/**
 * @typedef {{ file: string; test: string | undefined; what: string; start: number; ms: number }} Step
 * @returns {Step[]}
 */
function readSteps() {
  const file = process.env[stepsFileVariable];
  if (file === undefined || !existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => /** @type {Step} */ (JSON.parse(line)));
}

class TimingReporter {
  /** @param {unknown} _globalConfig @param {{ slowest?: number }} [options] */
  constructor(_globalConfig, options = {}) {
    this.slowest = Number(process.env["LOGSCALE_TEST_SLOWEST"] ?? options.slowest ?? 12);
    this.startedAt = Date.now();
  }

  onRunStart() {
    this.startedAt = Date.now();
  }

  /**
   * @param {unknown} _contexts
   * @param {import("@jest/test-result").AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    const wallMs = Date.now() - this.startedAt;
    const steps = readSteps();
    const files = results.testResults
      .map((result) => {
        const file = path.relative(projectDir, result.testFilePath);
        /** @type {Record<string, { count: number; ms: number }>} */
        const phases = {};
        for (const step of steps.filter((entry) => entry.file === file)) {
          const phase = (phases[step.what] ??= { count: 0, ms: 0 });
          phase.count += 1;
          phase.ms += step.ms;
        }
        return {
          file,
          ms: result.perfStats.end - result.perfStats.start,
          failed: result.numFailingTests > 0 || result.testExecError !== undefined,
          phases,
          tests: result.testResults.map((test) => ({
            name: test.fullName,
            status: test.status,
            ms: test.duration ?? 0,
            asserts: /** @type {{ numPassingAsserts?: number }} */ (test).numPassingAsserts ?? 0,
          })),
        };
      })
      .sort((a, b) => b.ms - a.ms);

    const report = process.env["LOGSCALE_TEST_REPORT"];
    if (report !== undefined && report !== "") {
      writeFileSync(report, `${JSON.stringify({ wallMs, files }, null, 2)}\n`);
    }
    if (files.length < 2 || this.slowest <= 0) return;

    const sumMs = files.reduce((sum, file) => sum + file.ms, 0);
    const lines = files.slice(0, this.slowest).map((file) => {
      const inside = Object.entries(file.phases)
        .sort(([, a], [, b]) => b.ms - a.ms)
        .map(([what, phase]) => `${what} ${seconds(phase.ms)}×${phase.count}`)
        .join(", ");
      return `  ${seconds(file.ms).padStart(6)} s  ${file.file}${inside === "" ? "" : `\n             ${inside}`}`;
    });
    process.stderr.write(
      `\nSlowest test files (wall time of each file; inside it, steps summed, which overlap where a file runs them in parallel):\n` +
        `${lines.join("\n")}\n` +
        `${files.length} files: ${seconds(sumMs)} s of file time in ${seconds(wallMs)} s of wall time` +
        `${report ? `; the whole run in ${report}` : " (LOGSCALE_TEST_REPORT=<file> writes it all as JSON)"}\n`,
    );
  }
}

module.exports = TimingReporter;
