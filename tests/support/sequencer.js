// @ts-check
/**
 * The order test files start in. Two workers run a whole `npm test`, so it ends when the file
 * started last ends: the long files must start first. Jest orders by the durations of the last
 * run it cached and, for a file it has none for, by its size, which puts a short end-to-end file
 * that runs a large shared scenario (gitops.test.ts) last on a fresh clone, where no cache exists.
 * Here a file without a cached duration is estimated: an end-to-end file (tests/e2e, the Pulumi
 * CLI) by the size of its source and of the local modules it imports, a minute and more; any
 * other by its size, well under that. Plain JavaScript: Jest loads sequencers untransformed.
 */
const { existsSync, readFileSync, statSync } = require("node:fs");
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const e2eDir = `${path.sep}tests${path.sep}e2e${path.sep}`;

/** Bytes of `file` and of every local module it imports through relative paths, each once. */
function closureBytes(file) {
  const seen = new Set();
  const pending = [file];
  let bytes = 0;
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === undefined || seen.has(current) || !existsSync(current)) continue;
    seen.add(current);
    const text = readFileSync(current, "utf8");
    bytes += text.length;
    for (const [, specifier] of text.matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
      const base = path.resolve(path.dirname(current), specifier ?? "");
      const found = [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => existsSync(candidate));
      if (found !== undefined) pending.push(found);
    }
  }
  return bytes;
}

class LongestFirstSequencer extends Sequencer {
  /** @param {import("@jest/test-result").Test[]} tests */
  sort(tests) {
    /** @param {import("@jest/test-result").Test} test */
    const estimate = (test) => {
      const cached = this.time(test);
      if (cached !== undefined && cached !== null) return cached;
      // Milliseconds, roughly: the smallest end-to-end file takes tens of seconds.
      if (test.path.includes(e2eDir)) return 60_000 + closureBytes(test.path);
      return statSync(test.path).size / 10;
    };
    const failed = new Map(tests.map((test) => [test.path, this.hasFailed(test)]));
    const estimates = new Map(tests.map((test) => [test.path, estimate(test)]));
    // What failed last time first (the answer that matters soonest), then longest first.
    return [...tests].sort(
      (a, b) => Number(failed.get(b.path)) - Number(failed.get(a.path)) || (estimates.get(b.path) ?? 0) - (estimates.get(a.path) ?? 0),
    );
  }
}

module.exports = LongestFirstSequencer;
