import { appendFileSync, existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The ../shared directory beside the project: the real LogScale schema and client
 * operations, which come from public repositories and are never copied into the project.
 */
export const sharedDir = path.resolve(__dirname, "../../../shared");

export function readShared(relPath: string): string {
  return readFileSync(path.join(sharedDir, relPath), "utf8");
}

/** As Jest and most CI services read it: `CI` set to anything but `false` or `0`. */
export function runningInCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env["CI"];
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/** Why the suites that check against ../shared cannot run here, or undefined when they can. */
export function sharedMissingReason(): string | undefined {
  if (existsSync(sharedDir)) return undefined;
  return (
    `${sharedDir} is missing: it holds the real LogScale 1.204.0 schema and humio-operator's token operations these tests check against. ` +
    "Check the project out beside it (see the README's 'Tests that need ../shared')."
  );
}

/**
 * `describe` for suites that check against ../shared. Without it, on a developer's fresh clone,
 * the suite is skipped and says so in the name of its one skipped test; under CI it fails, so
 * that CI always runs it (a skipped conformance suite would prove nothing there).
 */
export function describeWithShared(name: string, fn: () => void): void {
  const missing = sharedMissingReason();
  if (missing === undefined) {
    describe(name, fn);
  } else if (runningInCi()) {
    throw new Error(`${missing} CI=${process.env["CI"] ?? ""}: under CI these tests must run.`);
  } else {
    recordNotRun(expect.getState().testPath ?? name, missing);
    describe.skip(name, () => {
      it(`NOT RUN: ${missing}`, () => undefined);
    });
  }
}

/**
 * Where the suites skipped in this run are listed, one JSON line each, for the note at its end
 * (tests/support/global-teardown.ts): Jest's summary counts skipped tests but names them only
 * when it runs a single file.
 */
export const notRunFileVariable = "LOGSCALE_TESTS_NOT_RUN_FILE";

export interface NotRun {
  readonly suite: string;
  readonly reason: string;
}

function recordNotRun(suite: string, reason: string): void {
  const file = process.env[notRunFileVariable];
  if (file !== undefined) appendFileSync(file, `${JSON.stringify({ suite, reason } satisfies NotRun)}\n`);
}
