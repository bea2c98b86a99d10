import type { AddressInfo } from "node:net";
import { z } from "zod";
import { Clock } from "./clock";
import { FaultRegistry, HeldRequests } from "./faults";
import { IpFilterService } from "./ip-filters";
import { RequestLog } from "./request-log";
import { createRootValue } from "./resolvers";
import { DEFAULT_SEED, parseSeed } from "./seed";
import { createEmulatorServer } from "./server";
import { Store } from "./store";
import { TokenService } from "./tokens";

export { DEFAULT_SEED, seedSchema, type Seed } from "./seed";
export { EMULATOR_SDL } from "./schema";
export type { FaultSpec } from "./faults";
export type { RequestLogEntry } from "./request-log";

/** Used only when no admin token is configured; documented, hence not a secret. */
export const DEFAULT_ADMIN_TOKEN = "emulator-admin-token";

/** LogScale's UI documents that expired tokens stay listed for about five minutes. */
export const DEFAULT_EXPIRED_TOKEN_VISIBILITY_MS = 300_000;

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  adminToken?: string;
  /** JSON state file: loaded when present, rewritten atomically after every change. */
  statePath?: string;
  /** Validated against `seedSchema`; defaults to DEFAULT_SEED. Ignored when the state file exists. */
  seed?: unknown;
  /** Status for documents that fail to parse or validate (real LogScale's choice is unknown). */
  validationErrorStatus?: number;
  expiredTokenVisibilityMs?: number;
  /**
   * What `meta { clusterId }` answers. Default: the state file's, else a random one, so two
   * emulators are two clusters and one restarted on its state file is the same cluster.
   */
  clusterId?: string;
}

export interface RunningEmulator {
  /** http://host:port, no trailing slash. */
  url: string;
  adminToken: string;
  /** What `meta { clusterId }` answers. */
  clusterId: string;
  stop(): Promise<void>;
}

const optionsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().min(1).default("127.0.0.1"),
    adminToken: z.string().min(1).refine((t) => !/\s/.test(t), "must not contain whitespace").default(DEFAULT_ADMIN_TOKEN),
    statePath: z.string().min(1).optional(),
    seed: z.unknown().optional(),
    validationErrorStatus: z.number().int().min(200).max(599).default(200),
    expiredTokenVisibilityMs: z.number().int().nonnegative().default(DEFAULT_EXPIRED_TOKEN_VISIBILITY_MS),
    clusterId: z.string().min(1).refine((id) => !/\s/.test(id), "must not contain whitespace").optional(),
  })
  .strict();

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`invalid emulator options: ${z.prettifyError(parsed.error)}`);
  const opts = parsed.data;

  const store = new Store(parseSeed(opts.seed ?? DEFAULT_SEED), opts.statePath, opts.clusterId);
  const clock = new Clock();
  const tokens = new TokenService(store, clock, opts.expiredTokenVisibilityMs);
  const ipFilters = new IpFilterService(store);
  const faults = new FaultRegistry();
  const held = new HeldRequests();
  const log = new RequestLog();
  const { server, shutdown } = createEmulatorServer({
    store,
    clock,
    tokens,
    faults,
    held,
    log,
    adminToken: opts.adminToken,
    rootValue: createRootValue({ store, clock, tokens, ipFilters }),
    validationErrorStatus: opts.validationErrorStatus,
    reset: () => {
      store.reset();
      log.clear();
      faults.clear();
      held.releaseAll();
      clock.setOffset(0);
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new Error("emulator server has no TCP address");

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost(opts.host)}:${address.port}`,
    adminToken: opts.adminToken,
    clusterId: store.state.clusterId,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
