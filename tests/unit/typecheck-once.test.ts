/**
 * The end-to-end helpers let Pulumi's runtime type-check each version of a TypeScript program's
 * sources once (tests/support/typecheck-once.ts): a run skips the check only after a run of the
 * very same sources checked them and succeeded.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runsProgram, typecheckOnce } from "../support/typecheck-once";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "logscale-typecheck-once-"));
  writeFileSync(path.join(dir, "index.ts"), "export const a = 1;\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command that ends with `status` and returns the environment it was given. */
async function envOf(once: ReturnType<typeof typecheckOnce>, proves: boolean, status = 0): Promise<Readonly<Record<string, string>>> {
  let given: Readonly<Record<string, string>> = {};
  await once.run(dir, proves, async (env) => {
    given = env;
    return { status };
  });
  return given;
}

const skipped = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };

it("checks the first run, skips the check for the same sources after it succeeded, and checks again once they change", async () => {
  const once = typecheckOnce();
  expect(await envOf(once, true)).toEqual({});
  expect(await envOf(once, true)).toEqual(skipped);
  writeFileSync(path.join(dir, "index.ts"), "export const a = 2;\n");
  expect(await envOf(once, true)).toEqual({});
  expect(await envOf(once, true)).toEqual(skipped);
});

it("a failed run, or a command that does not run the program, proves nothing", async () => {
  const once = typecheckOnce();
  expect(await envOf(once, true, 255)).toEqual({});
  expect(await envOf(once, false)).toEqual({});
  expect(await envOf(once, true)).toEqual({});
  // Once proven, any command in the folder (a script that runs pulumi preview) skips it too.
  expect(await envOf(once, false)).toEqual(skipped);
});

it("a tsconfig change is a new version of the sources; node_modules is not part of them", async () => {
  const once = typecheckOnce();
  expect(await envOf(once, true)).toEqual({});
  writeFileSync(path.join(dir, "tsconfig.json"), "{}");
  expect(await envOf(once, true)).toEqual({});
  const modules = path.join(dir, "node_modules");
  mkdirSync(modules);
  writeFileSync(path.join(modules, "dependency.ts"), "export {};\n");
  expect(await envOf(once, true)).toEqual(skipped);
});

it("only pulumi up and preview run the program", () => {
  expect(runsProgram(["up", "--yes", "--stack", "staging"])).toBe(true);
  expect(runsProgram(["preview", "--refresh"])).toBe(true);
  expect(runsProgram(["--non-interactive", "preview"])).toBe(true);
  expect(runsProgram(["stack", "output", "--json"])).toBe(false);
  expect(runsProgram(["destroy", "--yes"])).toBe(false);
  expect(runsProgram(["config", "set", "logscale:url", "http://x"])).toBe(false);
});
