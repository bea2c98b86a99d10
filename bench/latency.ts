/**
 * What a drift check and a refresh cost when LogScale is far away: `pulumi refresh --yes` and
 * `pulumi preview --refresh --expect-no-changes` of a folder program of N organization tokens,
 * typed as users type them (the real CLI in the folder, stack config for the connection), with
 * the emulator answering every request at once and then after `latencyMs` (its latency fault).
 * Requests per read are counted from the emulator's log.
 *
 * BENCH_BEFORE names another built checkout of this package (e.g. main): it is packed into a
 * folder of its own and refreshes the same stacks, its runs interleaved with this checkout's,
 * so "before" and "after" meet the same machine.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { offlinePulumiEnvironment } from "../scripts/offline-pulumi-env";
import type { EmulatorProcess } from "./emulator-process";
import { ensurePulumi, passphrase, projectDir } from "./program";
import { clearRequests, median, type RequestCounts, requestCounts, resetEmulator } from "./stack-operations";

export type LatencyCommand = "refresh" | "drift check";

export interface LatencyRow {
  /** Which checkout's provider: "after" is this one. */
  readonly variant: string;
  readonly tokens: number;
  readonly latencyMs: number;
  readonly command: LatencyCommand;
  readonly seconds: readonly number[];
  readonly medianSeconds: number;
  /** Of the last run. */
  readonly requests: RequestCounts;
  readonly requestsPerRead: number;
}

const commandArgs: Record<LatencyCommand, readonly string[]> = {
  refresh: ["refresh", "--yes"],
  "drift check": ["preview", "--refresh", "--expect-no-changes"],
};

const programSource = `const pulumi = require("@pulumi/pulumi");
const { OrgPermissionsToken } = require("pulumi-logscale-tokens");
const size = Number(new pulumi.Config("bench").require("size"));
for (let index = 0; index < size; index++) {
  new OrgPermissionsToken(\`t\${index}\`, { name: \`bench-\${index}\`, permissions: ["ViewUsage"] });
}
`;

interface Folder {
  readonly variant: string;
  readonly dir: string;
}

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
}

/** A program folder with the package packed from `packageDir` and the pinned @pulumi/pulumi. */
function installFolder(variant: string, packageDir: string, scratch: string): Folder {
  const dir = path.join(scratch, `program-${variant}`);
  mkdirSync(dir);
  const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], packageDir)) as { filename: string }[];
  const sdkVersion = (JSON.parse(execFileSync("node", ["-p", "JSON.stringify(require('./package.json').devDependencies)"], { cwd: projectDir, encoding: "utf8" })) as Record<string, string>)["@pulumi/pulumi"];
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-latency-program", private: true, main: "index.js" }, null, 2));
  npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", path.join(dir, packed[0]!.filename), `@pulumi/pulumi@${sdkVersion}`], dir);
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: logscale-latency\nruntime: nodejs\n");
  writeFileSync(path.join(dir, "index.js"), programSource);
  return { variant, dir };
}

interface Pulumi {
  (folder: Folder, args: readonly string[], env?: Record<string, string>): Promise<string>;
}

function pulumiRunner(binDir: string, scratch: string): Pulumi {
  const base = offlinePulumiEnvironment({ binDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase });
  mkdirSync(path.join(scratch, "home"), { recursive: true });
  mkdirSync(path.join(scratch, "state"), { recursive: true });
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, ...inherited } = process.env;
  return (folder, args, env = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(path.join(binDir, "pulumi"), [...args, "--non-interactive"], { cwd: folder.dir, env: { ...inherited, ...base, ...env } });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("close", (status) => (status === 0 ? resolve(output) : reject(new Error(`pulumi ${args.join(" ")} in ${folder.variant} exited ${status}:\n${output.slice(-3000)}`))));
    });
}

async function setLatency(emulator: EmulatorProcess, latencyMs: number): Promise<void> {
  const headers = { Authorization: `Bearer ${emulator.adminToken}`, "Content-Type": "application/json" };
  const cleared = await fetch(`${emulator.url}/_emulator/faults`, { method: "DELETE", headers });
  if (!cleared.ok) throw new Error(`emulator DELETE faults: ${cleared.status}`);
  if (latencyMs === 0) return;
  const added = await fetch(`${emulator.url}/_emulator/faults`, { method: "POST", headers, body: JSON.stringify({ latencyMs, rate: 1 }) });
  if (!added.ok) throw new Error(`emulator POST faults: ${added.status}`);
}

export async function latencyTable(emulator: EmulatorProcess, options: { sizes: readonly number[]; latencies: readonly number[]; runs: number; before?: string }): Promise<LatencyRow[]> {
  const binDir = ensurePulumi();
  const scratch = mkdtempSync(path.join(tmpdir(), "logscale-bench-latency-"));
  const folders = [installFolder("after", projectDir, scratch), ...(options.before ? [installFolder("before", options.before, scratch)] : [])];
  const pulumi = pulumiRunner(binDir, scratch);
  const rows: LatencyRow[] = [];
  try {
    for (const size of options.sizes) {
      await resetEmulator(emulator);
      await setLatency(emulator, 0);
      const stack = `latency-${size}`;
      const setup = folders[0]!;
      await pulumi(setup, ["stack", "init", stack]);
      await pulumi(setup, ["config", "set", "bench:size", String(size)]);
      await pulumi(setup, ["config", "set", "logscale:url", emulator.url]);
      await pulumi(setup, ["config", "set", "--secret", "logscale:token", emulator.adminToken]);
      // Setting up only: the timed commands write their checkpoints as users' do.
      const started = performance.now();
      await pulumi(setup, ["up", "--yes", "--skip-preview"], { PULUMI_SKIP_CHECKPOINTS: "true" });
      console.log(`  latency: stack of ${size} tokens made in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      // Each folder has the same Pulumi.yaml and index.js, so the stack's config file goes in each.
      for (const folder of folders.slice(1)) execFileSync("cp", [path.join(setup.dir, `Pulumi.${stack}.yaml`), folder.dir]);
      for (const latencyMs of options.latencies) {
        await setLatency(emulator, latencyMs);
        for (const command of ["refresh", "drift check"] as const) {
          const seconds = new Map<string, number[]>(folders.map((folder) => [folder.variant, []]));
          const requests = new Map<string, RequestCounts>();
          for (let run = 1; run <= options.runs; run++) {
            // Interleaved, so a slow spell of the machine falls on both.
            for (const folder of run % 2 === 1 ? folders : [...folders].reverse()) {
              await clearRequests(emulator);
              const began = performance.now();
              await pulumi(folder, [...commandArgs[command], "--stack", stack]);
              const took = (performance.now() - began) / 1000;
              seconds.get(folder.variant)!.push(took);
              requests.set(folder.variant, await requestCounts(emulator));
              console.log(`  latency: ${folder.variant} ${command} of ${size} at ${latencyMs} ms, run ${run}: ${took.toFixed(2)} s`);
            }
          }
          for (const folder of folders) {
            const counts = requests.get(folder.variant)!;
            const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
            const list = seconds.get(folder.variant)!;
            rows.push({ variant: folder.variant, tokens: size, latencyMs, command, seconds: list, medianSeconds: median(list), requests: counts, requestsPerRead: total / size });
          }
        }
      }
      await setLatency(emulator, 0);
      await pulumi(setup, ["stack", "rm", "--yes", "--force", stack]);
    }
  } finally {
    await setLatency(emulator, 0).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

export function printLatencyTable(rows: readonly LatencyRow[]): void {
  console.log("\nrefresh and drift check at a distance (medians; requests per read of the last run)");
  console.log("| provider | tokens | latency per request | command | time | against 0 ms | requests per read | requests |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const atZero = rows.find((other) => other.variant === row.variant && other.tokens === row.tokens && other.command === row.command && other.latencyMs === 0);
    const ratio = atZero === undefined ? "" : `${(row.medianSeconds / atZero.medianSeconds).toFixed(2)}x`;
    console.log(
      `| ${row.variant} | ${row.tokens} | ${row.latencyMs} ms | ${row.command} | ${row.medianSeconds.toFixed(2)} s | ${ratio} | ${row.requestsPerRead.toFixed(3)} | ${JSON.stringify(row.requests)} |`,
    );
  }
}
