/**
 * Where an end-to-end file's time goes: each command the tests run (a Pulumi CLI step, npm, a
 * plugin) and each emulator or program folder they set up is written down with its wall time, one
 * JSON line per step, in the file that global-setup names for the run. The run's reporter
 * (tests/support/timing-reporter.js) adds them up per test file and phase. A measurement only:
 * nothing asserts on these figures.
 */
import { appendFileSync } from "node:fs";
import * as path from "node:path";

/** The JSON-lines file of the run's steps; global-setup sets it, workers inherit it. */
export const stepsFileVariable = "LOGSCALE_TEST_STEPS_FILE";

export interface Step {
  /** The test file, relative to the project. */
  readonly file: string;
  readonly test: string | undefined;
  /** What ran, by kind: `pulumi up`, `npm install`, `emulator start`, `program folder`. */
  readonly what: string;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly ms: number;
}

const projectDir = path.resolve(__dirname, "../..");

function record(what: string, start: number): void {
  const file = process.env[stepsFileVariable];
  // Outside Jest (the plan-summary fixture capture uses these helpers too) there is no run to record for.
  if (file === undefined || typeof expect === "undefined") return;
  const state = expect.getState();
  const step: Step = { file: path.relative(projectDir, state.testPath ?? "?"), test: state.currentTestName, what, start, ms: Date.now() - start };
  appendFileSync(file, `${JSON.stringify(step)}\n`);
}

export async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    record(what, start);
  }
}

export function timedSync<T>(what: string, work: () => T): T {
  const start = Date.now();
  try {
    return work();
  } finally {
    record(what, start);
  }
}

/** A command's phase name: the program and its subcommand (`pulumi stack`, `npm run start`), never its values. */
export function commandKind(command: string, args: readonly string[]): string {
  const name = path.basename(command);
  const words = args.filter((arg) => !arg.startsWith("-"));
  if (name === "npm") return ["npm", ...words.slice(0, words[0] === "run" ? 2 : 1)].join(" ");
  if (name === "pulumi") return ["pulumi", ...words.slice(0, 1)].join(" ");
  if (name === "bash") return ["bash", ...words.slice(0, 1).map((script) => path.basename(script))].join(" ");
  return name;
}
