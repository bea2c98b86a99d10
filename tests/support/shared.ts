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

let warned = false;

/**
 * `describe` when ../shared is present. Without it: under CI that is a broken checkout, so
 * fail loudly; on a developer machine skip these suites with one warning saying why.
 */
export function describeWithShared(name: string, fn: () => void): void {
  if (existsSync(sharedDir)) {
    describe(name, fn);
    return;
  }
  if (process.env["CI"]) {
    throw new Error(`${sharedDir} is required under CI: it holds the real LogScale schema that conformance tests check against`);
  }
  if (!warned) {
    warned = true;
    console.warn(`Skipping tests that need ${sharedDir} (the real LogScale schema and client operations): directory not found`);
  }
  describe.skip(name, fn);
}
