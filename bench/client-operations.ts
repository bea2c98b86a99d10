/**
 * npm run bench: latency of each client operation against the in-process emulator over
 * loopback HTTP, one at a time and 16 at a time (the engine's default parallelism).
 * A measurement, not a test: it asserts nothing and is not part of npm test.
 */
import { performance } from "node:perf_hooks";
import { startEmulator } from "../emulator";
import { LogScaleClient } from "../provider/client";

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 200);
const adminToken = "bench-admin-token";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, concurrency: number, operation: (index: number) => Promise<unknown>): Promise<void> {
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rounds) {
        const index = next++;
        const begin = performance.now();
        await operation(index);
        durations.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = performance.now() - started;
  durations.sort((a, b) => a - b);
  const fmt = (ms: number) => ms.toFixed(2).padStart(7);
  console.log(
    `${label.padEnd(28)} x${String(concurrency).padEnd(3)} p50 ${fmt(percentile(durations, 50))} ms  p95 ${fmt(percentile(durations, 95))} ms  p99 ${fmt(percentile(durations, 99))} ms  ${(rounds / (elapsed / 1000)).toFixed(0).padStart(6)} ops/s`,
  );
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ adminToken });
  const client = new LogScaleClient({ url: emulator.url, apiToken: adminToken });
  console.log(`node ${process.version}, ${rounds} operations per row, emulator at ${emulator.url}`);
  try {
    for (const concurrency of [1, 16]) {
      const ids: string[] = [];
      await measure("createOrganizationToken", concurrency, async (index) => {
        const created = await client.createOrganizationPermissionsTokenV2({ name: `bench-${concurrency}-${index}`, permissions: ["ViewUsage"] });
        ids[index] = created.metadata.id;
      });
      await measure("getToken", concurrency, (index) => client.getToken(ids[index]!));
      await measure("updatePermissions", concurrency, (index) => client.updateOrganizationPermissionsTokenPermissions(ids[index]!, ["ManageUsers"]));
      await measure("deleteToken", concurrency, (index) => client.deleteToken(ids[index]!));
    }
  } finally {
    client.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
