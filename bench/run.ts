/**
 * npm run bench: what a stack of tokens costs, through the real Pulumi CLI on the packed
 * package, beside the engine's own floor; then the client's per-operation latency. Prints a
 * table and writes bench/results.json. A measurement: it asserts nothing and is not part of
 * npm test (tests/e2e/state-and-requests.test.ts holds the counts that must not grow).
 *
 * BENCH_RUNS runs of each `up`, interleaved tokens / no-op, medians compared: by default 5 at
 * 200 resources or fewer (a run there is short and the machine's noise large), 3 above.
 * BENCH_SIZES (default "200,1000") stack sizes; BENCH_ORGANIZATIONS (default "100,10000") other
 * tokens in the organization for the refresh; BENCH_ROUNDS: client operations per row.
 * BENCH_ONLY=latency measures only the refresh and drift check at 0 ms and at a distance
 * (bench/latency.ts: BENCH_LATENCY_SIZES, default "200,2000"; BENCH_LATENCY_MS, default
 * "0,100"; BENCH_LATENCY_RUNS, default 3; BENCH_BEFORE, another built checkout to compare).
 * BENCH_ONLY=up measures only the `up` comparison (ratio and provider CPU), for quick
 * before/after figures; BENCH_RESULTS (default bench/results.json) is where results go, so a
 * partial run need not replace the full one.
 *
 * Every timed `up` also measures the CPU time of the dynamic provider process (provider-cpu.cjs,
 * preloaded through NODE_OPTIONS): loading the package and serving each resource, per resource.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ClientRow, clientOperations, clientRounds } from "./client-operations";
import { startEmulatorProcess } from "./emulator-process";
import { type LatencyRow, latencyTable, printLatencyTable } from "./latency";
import { installPackedProgram, projectDir } from "./program";
import { median, type OperationRequests, type RefreshRun, requestsPerOperation, timedRefresh, timedUp, type UpRun } from "./stack-operations";

const runsFor = (size: number) => Number(process.env["BENCH_RUNS"] ?? (size <= 200 ? 5 : 3));
const sizes = (process.env["BENCH_SIZES"] ?? "200,1000").split(",").map(Number);
const refreshTokens = 100;
const organizationSizes = (process.env["BENCH_ORGANIZATIONS"] ?? "100,10000").split(",").map(Number);

interface UpComparison {
  readonly size: number;
  readonly tokensSeconds: number[];
  readonly noopSeconds: number[];
  readonly tokensMedian: number;
  readonly noopMedian: number;
  /** up(tokens) / up(no-op), medians: the goal is at most 1.15. */
  readonly ratio: number;
  /** Dynamic provider process CPU per resource (ms), medians: our provider, and the no-op floor. */
  readonly tokensProviderCpuMsPerResource: number;
  readonly noopProviderCpuMsPerResource: number;
}

const upOnly = process.env["BENCH_ONLY"] === "up";
const latencyOnly = process.env["BENCH_ONLY"] === "latency";
const latencyOptions = {
  sizes: (process.env["BENCH_LATENCY_SIZES"] ?? "200,2000").split(",").map(Number),
  latencies: (process.env["BENCH_LATENCY_MS"] ?? "0,100").split(",").map(Number),
  runs: Number(process.env["BENCH_LATENCY_RUNS"] ?? 3),
  ...(process.env["BENCH_BEFORE"] ? { before: path.resolve(process.env["BENCH_BEFORE"]) } : {}),
};
const resultsFile = process.env["BENCH_RESULTS"] ?? path.join("bench", "results.json");
const cpuMsPerResource = (runs: readonly UpRun[]) => median(runs.map((run) => (run.providerCpuSeconds * 1000) / run.size));

function machine(): Record<string, string | number> {
  const pulumi = path.join(projectDir, ".pulumi", "bin", "pulumi");
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pulumi: execFileSync(pulumi, ["version"], { encoding: "utf8" }).trim(),
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

const seconds = (value: number) => `${value.toFixed(2)} s`;

function printTables(ups: UpComparison[], growth: Record<string, number>, refreshes: RefreshRun[], requests: OperationRequests, client: ClientRow[]): void {
  console.log("\n`pulumi up` of a new stack (medians, interleaved runs)");
  console.log("| resources | tokens | no-op dynamic | ratio | provider CPU per token | per no-op resource |");
  console.log("|---|---|---|---|---|---|");
  for (const up of ups) {
    console.log(
      `| ${up.size} | ${seconds(up.tokensMedian)} | ${seconds(up.noopMedian)} | ${up.ratio.toFixed(2)} | ${up.tokensProviderCpuMsPerResource.toFixed(2)} ms | ${up.noopProviderCpuMsPerResource.toFixed(2)} ms |`,
    );
  }
  for (const [label, value] of Object.entries(growth)) console.log(`${label}: ${value.toFixed(2)}`);
  if (upOnly) return;

  console.log(`\nrefresh of ${refreshTokens} tokens`);
  console.log("| other tokens in the organization | time | requests |");
  console.log("|---|---|---|");
  for (const refresh of refreshes) {
    const total = Object.values(refresh.requests).reduce((sum, count) => sum + count, 0);
    console.log(`| ${refresh.otherTokens} | ${seconds(refresh.seconds)} | ${total} (${JSON.stringify(refresh.requests)}) |`);
  }

  console.log(`\nrequests to LogScale, stack of ${requests.tokens} tokens`);
  for (const operation of ["up", "refresh", "update", "destroy"] as const) console.log(`${operation.padEnd(8)} ${JSON.stringify(requests[operation])}`);
  console.log(
    `\nstate per organization token: __provider ${requests.state.providerBytes} B, inputs + outputs ${requests.state.inputsAndOutputsBytes} B, ` +
      `whole entry ${requests.state.resourceBytes} B (checkpoint of ${requests.tokens} tokens: ${requests.state.checkpointBytes} B)`,
  );

  console.log(`\nclient operations (${clientRounds} per row)`);
  for (const row of client) {
    console.log(`${row.operation.padEnd(26)} x${String(row.concurrency).padEnd(3)} p50 ${row.p50Ms} ms  p95 ${row.p95Ms} ms  p99 ${row.p99Ms} ms  ${row.opsPerSecond} ops/s`);
  }
}

async function main(): Promise<void> {
  const emulator = await startEmulatorProcess("bench-admin-token");
  const program = await installPackedProgram();
  const about = machine();
  console.log(`bench on ${about["cpu"]} x${about["cores"]}, ${about["pulumi"]}, node ${about["node"]}; ${sizes.map((size) => `${runsFor(size)} runs per up of ${size}`).join(", ")}`);
  try {
    if (latencyOnly) {
      const latency = await latencyTable(emulator, latencyOptions);
      printLatencyTable(latency);
      const results = { date: new Date().toISOString(), command: "BENCH_ONLY=latency npm run bench", machine: about, latencyOptions, latency };
      writeFileSync(path.resolve(projectDir, resultsFile), `${JSON.stringify(results, null, 2)}\n`);
      console.log(`\nwrote ${resultsFile}`);
      return;
    }
    const ups: UpComparison[] = [];
    for (const size of sizes) {
      const results: UpRun[] = [];
      for (let run = 1; run <= runsFor(size); run++) {
        // Interleaved, so a slow spell of the machine falls on both sides.
        for (const kind of run % 2 === 1 ? (["tokens", "noop"] as const) : (["noop", "tokens"] as const)) {
          const result = await timedUp(program, emulator, kind, size, `${kind}-${size}-${run}`);
          console.log(`  up ${kind} x${size} run ${run}: ${seconds(result.seconds)}, provider CPU ${seconds(result.providerCpuSeconds)}`);
          results.push(result);
        }
      }
      const tokenRuns = results.filter((result) => result.kind === "tokens");
      const noopRuns = results.filter((result) => result.kind === "noop");
      const tokensSeconds = tokenRuns.map((result) => result.seconds);
      const noopSeconds = noopRuns.map((result) => result.seconds);
      ups.push({
        size,
        tokensSeconds,
        noopSeconds,
        tokensMedian: median(tokensSeconds),
        noopMedian: median(noopSeconds),
        ratio: median(tokensSeconds) / median(noopSeconds),
        tokensProviderCpuMsPerResource: cpuMsPerResource(tokenRuns),
        noopProviderCpuMsPerResource: cpuMsPerResource(noopRuns),
      });
    }
    if (upOnly) {
      printTables(ups, {}, [], {} as OperationRequests, []);
      const results = { date: new Date().toISOString(), command: "BENCH_ONLY=up npm run bench", machine: about, runsPerUp: Object.fromEntries(sizes.map((size) => [size, runsFor(size)])), up: ups };
      writeFileSync(path.resolve(projectDir, resultsFile), `${JSON.stringify(results, null, 2)}\n`);
      console.log(`\nwrote ${resultsFile}`);
      return;
    }
    // Where a token's extra cost goes, at the smallest size: the engine's handling of a
    // token-sized state entry (with and without its secret) against everything else.
    const split: Record<string, number> = {};
    const splitSize = sizes[0]!;
    const splitRuns: UpRun[] = [];
    for (let run = 1; run <= runsFor(splitSize); run++) {
      for (const kind of ["tokens", "token-shaped", "token-shaped-plain", "noop"] as const) {
        const result = await timedUp(program, emulator, kind, splitSize, `split-${kind}-${run}`);
        console.log(`  up ${kind} x${splitSize} run ${run}: ${seconds(result.seconds)}`);
        splitRuns.push(result);
      }
    }
    for (const kind of ["tokens", "token-shaped", "token-shaped-plain", "noop"] as const) {
      split[kind] = median(splitRuns.filter((result) => result.kind === kind).map((result) => result.seconds));
    }
    const growth: Record<string, number> = {};
    if (ups.length >= 2) {
      const [small, large] = [ups[0]!, ups[ups.length - 1]!];
      growth[`tokens up(${large.size}) / up(${small.size})`] = large.tokensMedian / small.tokensMedian;
      growth[`no-op up(${large.size}) / up(${small.size})`] = large.noopMedian / small.noopMedian;
    }

    const refreshes: RefreshRun[] = [];
    for (const others of organizationSizes) {
      const refresh = await timedRefresh(program, emulator, refreshTokens, others);
      console.log(`  refresh of ${refreshTokens} among ${others} others: ${seconds(refresh.seconds)}`);
      refreshes.push(refresh);
    }
    const requests = await requestsPerOperation(program, emulator, 10);
    const client = await clientOperations();
    const latency: LatencyRow[] = await latencyTable(emulator, latencyOptions);
    printTables(ups, growth, refreshes, requests, client);
    printLatencyTable(latency);
    console.log(`\nwhere a token's cost goes, ${splitSize} resources (medians, interleaved runs)`);
    console.log("| stack | `pulumi up` | against no-op |");
    console.log("|---|---|---|");
    for (const [kind, value] of Object.entries(split)) console.log(`| ${kind} | ${seconds(value)} | ${(value / split["noop"]!).toFixed(2)} |`);

    const results = {
      date: new Date().toISOString(),
      command: "npm run bench",
      machine: about,
      runsPerUp: Object.fromEntries(sizes.map((size) => [size, runsFor(size)])),
      up: ups,
      growth,
      split: { size: splitSize, medianSeconds: split },
      refresh: refreshes.map((refresh) => ({ ...refresh, timeRatioToSmallest: refresh.seconds / refreshes[0]!.seconds })),
      requests,
      client: { roundsPerRow: clientRounds, rows: client },
      latencyOptions,
      latency,
    };
    writeFileSync(path.resolve(projectDir, resultsFile), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nwrote ${resultsFile}`);
  } finally {
    program.remove();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
