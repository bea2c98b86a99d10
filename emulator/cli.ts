#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_ADMIN_TOKEN, startEmulator } from "./index";

const USAGE = `Usage: logscale-emulator [--port N] [--host H] [--admin-token T] [--state FILE] [--seed FILE] [--cluster-id ID]

  --port N          port to listen on (default 8080; 0 picks a free port)
  --host H          address to bind (default 127.0.0.1)
  --admin-token T   API token with full rights (or env LOGSCALE_EMULATOR_ADMIN_TOKEN;
                    default: the documented "${DEFAULT_ADMIN_TOKEN}")
  --state FILE      keep state in FILE (loaded if present, rewritten on every change)
  --seed FILE       JSON seed (organization, repositories, views, ipFilters,
                    tokenSecurityPolicies) used when there is no state yet and on reset
  --cluster-id ID   what meta { clusterId } answers (default: the state file's, else a
                    random one: each emulator is a cluster of its own)
`;

function usageError(message: string): never {
  process.stderr.write(`logscale-emulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseCommandLine(): { port: number; host: string; adminToken?: string; statePath?: string; seedPath?: string; clusterId?: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "admin-token": { type: "string" },
        state: { type: "string" },
        seed: { type: "string" },
        "cluster-id": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const portText = values.port ?? "8080";
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) usageError(`--port must be an integer 0-65535, got '${portText}'`);
  const adminToken = values["admin-token"] ?? process.env["LOGSCALE_EMULATOR_ADMIN_TOKEN"];
  if (adminToken !== undefined && (adminToken === "" || /\s/.test(adminToken))) {
    usageError("the admin token must be non-empty and contain no whitespace");
  }
  const clusterId = values["cluster-id"];
  if (clusterId !== undefined && (clusterId === "" || /\s/.test(clusterId))) usageError("the cluster id must be non-empty and contain no whitespace");
  return {
    port: Number(portText),
    host: values.host ?? "127.0.0.1",
    ...(adminToken !== undefined ? { adminToken } : {}),
    ...(values.state !== undefined ? { statePath: values.state } : {}),
    ...(values.seed !== undefined ? { seedPath: values.seed } : {}),
    ...(clusterId !== undefined ? { clusterId } : {}),
  };
}

async function main(): Promise<void> {
  const args = parseCommandLine();
  let seed: unknown;
  if (args.seedPath !== undefined) {
    try {
      seed = JSON.parse(readFileSync(args.seedPath, "utf8"));
    } catch (err) {
      throw new Error(`cannot read seed file ${args.seedPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (args.adminToken === undefined) {
    // Says that the default is in use without printing any token value.
    process.stderr.write("logscale-emulator: no --admin-token or LOGSCALE_EMULATOR_ADMIN_TOKEN given; using the documented default\n");
  }
  const emulator = await startEmulator({
    port: args.port,
    host: args.host,
    ...(args.adminToken !== undefined ? { adminToken: args.adminToken } : {}),
    ...(args.statePath !== undefined ? { statePath: args.statePath } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(args.clusterId !== undefined ? { clusterId: args.clusterId } : {}),
  });
  process.stdout.write(`LogScale emulator listening on ${emulator.url}\n`);

  const stop = (): void => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`logscale-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
