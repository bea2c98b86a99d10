/**
 * Every test that runs the Pulumi CLI lives in tests/e2e: jest.config.js's `fast` project (`npm
 * run test:fast`, the loop while coding) is everything else and must run without the CLI or
 * scripts/ensure-pulumi.sh. Checked from the source: no test file outside tests/e2e reaches, through
 * its relative imports, a module that runs Pulumi.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { projectDir } from "../support/consumer";

const testsDir = path.join(projectDir, "tests");

/** The helpers that start the CLI (or a workspace that does). */
const cliModules = ["tests/support/pulumi.ts", "tests/support/folder-program.ts", "tests/support/gitops.ts"].map((file) => path.join(projectDir, file));

/** Text that means a module runs Pulumi itself. */
const cliText = [/@pulumi\/pulumi\/automation/, /ensure-pulumi\.sh/, /\.pulumi[/\\]bin/, /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync|run)\(\s*["'`]pulumi["'` ]/];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, `${base}.js`, `${base}.cjs`, path.join(base, "index.ts"), base].find((candidate) => existsSync(candidate) && !candidate.endsWith(path.sep));
}

/** The file and every project file it imports, directly or not, through relative imports. */
function closure(file: string): Set<string> {
  const seen = new Set<string>();
  const pending = [file];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current) || !current.startsWith(projectDir) || current.includes(`${path.sep}node_modules${path.sep}`)) continue;
    seen.add(current);
    const text = readFileSync(current, "utf8");
    for (const [, specifier] of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
      const resolved = resolveLocal(current, specifier ?? "");
      if (resolved !== undefined) pending.push(resolved);
    }
  }
  return seen;
}

function whyItNeedsTheCli(file: string): string | undefined {
  for (const module of closure(file)) {
    const relative = path.relative(projectDir, module);
    if (cliModules.includes(module)) return `imports ${relative}`;
    // Code only: a comment may name the script.
    const text = readFileSync(module, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const match = cliText.find((pattern) => pattern.test(text));
    if (match !== undefined) return `${relative} matches ${match}`;
  }
  return undefined;
}

it("no test file outside tests/e2e runs the Pulumi CLI", () => {
  const outside = testFiles(testsDir).filter((file) => !file.startsWith(path.join(testsDir, "e2e") + path.sep));
  expect(outside.length).toBeGreaterThan(20);
  const needing = outside.flatMap((file) => {
    const why = whyItNeedsTheCli(file);
    return why === undefined ? [] : [`${path.relative(projectDir, file)}: ${why}`];
  });
  expect(needing).toEqual([]);
});

it("the check sees a file that does (every end-to-end file that drives the CLI through the helpers)", () => {
  // The end-to-end files that use the helpers are caught, so the check above is not vacuous.
  for (const file of ["bad-input", "lifecycle", "gitops"]) {
    expect(whyItNeedsTheCli(path.join(testsDir, "e2e", `${file}.test.ts`))).toBeDefined();
  }
});
