import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The ../shared directory beside the project: the real LogScale schema and client
 * operations, which come from public repositories and are never copied into the project.
 */
export const sharedDir = path.resolve(__dirname, "../../../shared");

export function readShared(relPath: string): string {
  return readFileSync(path.join(sharedDir, relPath), "utf8");
}

/**
 * `describe` for suites that check against ../shared. Without it they fail, under CI and on a
 * developer machine alike: a skipped conformance suite would prove nothing.
 */
export function describeWithShared(name: string, fn: () => void): void {
  if (!existsSync(sharedDir)) {
    throw new Error(
      `${sharedDir} is missing: it holds the real LogScale schema and client operations these tests check against. ` +
        "Check the project out beside it (the layout .ci/run uses).",
    );
  }
  describe(name, fn);
}
