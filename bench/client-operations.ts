/**
 * Part of npm run bench: latency of each client operation against the in-process emulator
 * over loopback HTTP, one at a time and 16 at a time. A measurement, not a test.
 */
import { performance } from "node:perf_hooks";
import { startEmulator } from "../emulator";
import { LogScaleClient } from "../provider/client/client";

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 200);
const adminToken = "bench-admin-token";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface ClientRow {
  readonly operation: string;
  readonly concurrency: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly opsPerSecond: number;
}

async function measure(label: string, concurrency: number, operation: (index: number) => Promise<unknown>): Promise<ClientRow> {
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
  const round2 = (ms: number) => Math.round(ms * 100) / 100;
  return {
    operation: label,
    concurrency,
    p50Ms: round2(percentile(durations, 50)),
    p95Ms: round2(percentile(durations, 95)),
    p99Ms: round2(percentile(durations, 99)),
    opsPerSecond: Math.round(rounds / (elapsed / 1000)),
  };
}

export async function clientOperations(): Promise<ClientRow[]> {
  const emulator = await startEmulator({ adminToken });
  const client = new LogScaleClient({ url: emulator.url, apiToken: adminToken });
  const rows: ClientRow[] = [];
  try {
    for (const concurrency of [1, 16]) {
      const ids: string[] = [];
      rows.push(
        await measure("createOrganizationToken", concurrency, async (index) => {
          const created = await client.createOrganizationPermissionsTokenV2({ name: `bench-${concurrency}-${index}`, permissions: ["ViewUsage"] });
          ids[index] = created.metadata.id;
        }),
      );
      rows.push(await measure("getToken", concurrency, (index) => client.getToken(ids[index]!)));
      rows.push(await measure("updatePermissions", concurrency, (index) => client.updateOrganizationPermissionsTokenPermissions(ids[index]!, ["ManageUsers"])));
      rows.push(await measure("deleteToken", concurrency, (index) => client.deleteToken(ids[index]!)));
    }
  } finally {
    client.close();
    await emulator.stop();
  }
  return rows;
}

export const clientRounds = rounds;
