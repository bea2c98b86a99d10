/**
 * The package as `npm pack` makes it, packed once per test run and shared, read-only, by every
 * file that installs it (npm copies the tarball's contents into each program's node_modules). The
 * first file to ask packs it into the run's folder (global-setup makes it); a file asking at the
 * same time in the other worker waits for that pack to be written, not for time to pass.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { projectDir } from "./consumer";
import { commandKind, stepsFileVariable, timedSync } from "./timing";
import { eventually } from "./wait";

export interface Packed {
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** The files in it, as `npm pack --json` lists them. */
  readonly files: string[];
}

interface Record {
  readonly packed?: Packed;
  readonly error?: string;
}

/** The run's folder, or one of this process's own when a file runs outside a whole run's setup. */
function runDir(): string {
  const steps = process.env[stepsFileVariable];
  return steps === undefined ? mkdtempSync(path.join(tmpdir(), "logscale-pack-")) : path.dirname(steps);
}

function pack(into: string): Packed {
  const args = ["pack", "--json", "--pack-destination", into];
  const printed = timedSync(commandKind("npm", args), () =>
    execFileSync("npm", args, { cwd: projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } }),
  );
  const [entry] = JSON.parse(printed) as { filename: string; files: { path: string }[] }[];
  if (entry === undefined) throw new Error(`npm pack printed no package: ${printed}`);
  return { tarball: path.join(into, entry.filename), files: entry.files.map((file) => file.path) };
}

export async function packedPackage(): Promise<Packed> {
  const dir = path.join(runDir(), "packed");
  const record = path.join(dir, "packed.json");
  let mine = false;
  try {
    mkdirSync(dir);
    mine = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  if (mine) {
    let result: Record;
    try {
      result = { packed: pack(dir) };
    } catch (error) {
      result = { error: String(error) };
    }
    // Written whole, then renamed: a waiting file never reads half of it.
    writeFileSync(`${record}.tmp`, JSON.stringify(result));
    renameSync(`${record}.tmp`, record);
  }
  const { packed, error } = await eventually(
    "the package packed by another test file of this run",
    async () => (existsSync(record) ? (JSON.parse(readFileSync(record, "utf8")) as Record) : undefined),
    300_000,
  );
  if (packed === undefined) throw new Error(`npm pack failed: ${error ?? "no reason given"}`);
  return packed;
}
