/**
 * The provider's reads alone, without the CLI: `read()` of the core for N organization tokens
 * among M others, `parallel` at a time as the engine sends them, against the emulator in this
 * process with `latencyMs` added to every request. Prints the time and the requests LogScale got.
 *
 *   npx ts-node --transpile-only bench/provider-reads.ts <reads> <others> [parallel=8] [latencyMs=100]
 */
import { startEmulator } from "../emulator";
import type { TokenOutputs } from "../provider/core/outputs";
import { TokenProvider } from "../provider/core/token-provider";

const adminToken = "bench-reads-admin-token-0123456789";

async function main(): Promise<void> {
  const [reads = 2000, others = 0, parallel = 8, latencyMs = 100] = process.argv.slice(2).map(Number);
  const emulator = await startEmulator({ adminToken });
  const headers = { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" };
  const control = (method: string, route: string, body?: unknown) =>
    fetch(`${emulator.url}/_emulator/${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  try {
    const ids: string[] = [];
    let next = 0;
    // Managed tokens sort after the others, so the first listing page holds none of them.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < reads + others) {
          const index = next++;
          const response = await fetch(`${emulator.url}/graphql`, {
            method: "POST",
            headers,
            body: JSON.stringify({
              query: "mutation($input: CreateOrganizationPermissionsTokenV2Input!) { createOrganizationPermissionsTokenV2(input: $input) { token } }",
              variables: { input: { name: `${index < reads ? "z-managed" : "a-other"}-${index}`, organizationPermissions: ["ViewUsage"] } },
            }),
          });
          const body = (await response.json()) as { data: { createOrganizationPermissionsTokenV2: { token: string } } };
          if (index < reads) ids.push(body.data.createOrganizationPermissionsTokenV2.token.split("~")[0]!);
        }
      }),
    );
    await control("DELETE", "requests");
    if (latencyMs > 0) await control("POST", "faults", { latencyMs, rate: 1 });
    const provider = new TokenProvider("organization", { warn: () => undefined, info: () => undefined });
    provider.configure({ url: emulator.url, token: adminToken });
    const started = performance.now();
    let read = 0;
    let gone = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (read < ids.length) {
          const id = ids[read++]!;
          const state: TokenOutputs = { name: "bench", tokenId: id, token: "", permissions: ["ViewUsage"], createdAt: 0 };
          if ((await provider.read(id, state)).id === "") gone++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const log = (await (await control("GET", "requests")).json()) as { requests: { operationName: string | null }[] };
    const counts: Record<string, number> = {};
    for (const entry of log.requests) counts[entry.operationName ?? "?"] = (counts[entry.operationName ?? "?"] ?? 0) + 1;
    console.log(JSON.stringify({ reads, others, parallel, latencyMs, seconds: Math.round(seconds * 100) / 100, gone, requests: counts }));
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
