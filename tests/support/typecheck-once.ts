/**
 * Pulumi's Node.js runtime type-checks a TypeScript program with ts-node each time it runs it
 * (`pulumi up`, `pulumi preview`), unless PULUMI_NODEJS_TRANSPILE_ONLY says not to: about 5 s of
 * CPU a run for a program that imports @pulumi/pulumi, the largest single cost of an end-to-end
 * run of a TypeScript folder. Whether sources type-check does not depend on the command, so each
 * version of a program's sources is type-checked by the runtime once: the first run that meets it
 * type-checks as a user's would, and a type error fails it there; once a run of those sources
 * has succeeded, later runs of the very same sources skip the check.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** Folders never part of a program's sources. */
const notSources = new Set(["node_modules", "dist", ".git", ".pulumi", "bin"]);

/** A digest of every TypeScript source and tsconfig below `dir`: a program's version as ts-node sees it. */
function sourcesDigest(dir: string): string {
  const hash = createHash("sha256");
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) {
        if (!notSources.has(entry.name)) walk(path.join(current, entry.name));
      } else if (/\.(?:ts|tsx|mts|cts)$|^tsconfig.*\.json$/.test(entry.name)) {
        const file = path.join(current, entry.name);
        hash.update(`${path.relative(dir, file)}\0`).update(readFileSync(file)).update("\0");
      }
    }
  };
  walk(dir);
  return hash.digest("hex");
}

/** The Pulumi commands that run the program. */
const programCommands = new Set(["up", "update", "preview"]);

/** Whether `pulumi <args>` runs the program. */
export function runsProgram(args: readonly string[]): boolean {
  return programCommands.has(args.find((arg) => !arg.startsWith("-")) ?? "");
}

const transpileOnly = "PULUMI_NODEJS_TRANSPILE_ONLY";

export interface TypecheckOnce {
  /**
   * Runs a command in the folder whose TypeScript sources are below `root`: `start` gets the
   * environment to add, which skips the check once these very sources passed it. `proves`: the
   * command runs the program with the check (`pulumi up`/`preview`), so its success records them.
   */
  run<T extends { readonly status: number | null }>(root: string, proves: boolean, start: (env: Readonly<Record<string, string>>) => Promise<T>): Promise<T>;
}

export function typecheckOnce(): TypecheckOnce {
  const checked = new Set<string>();
  return {
    async run(root, proves, start) {
      const digest = sourcesDigest(root);
      const skip = checked.has(digest);
      const result = await start(skip ? { [transpileOnly]: "true" } : {});
      if (!skip && proves && result.status === 0) checked.add(digest);
      return result;
    },
  };
}
