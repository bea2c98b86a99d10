/**
 * What a stack of tokens costs through the real Pulumi CLI, against the in-process emulator:
 * `pulumi up` of N tokens beside `pulumi up` of N no-op dynamic resources (the engine's own
 * floor), refresh in small and large organizations, requests per operation, bytes of state
 * per token. Measurements only; the counts that must hold are asserted in npm test.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { EmulatorProcess } from "./emulator-process";
import { type BenchProgram, tokenShapedProviderSource } from "./program";

export interface RequestCounts {
  readonly [operationName: string]: number;
}

async function control<T>(emulator: EmulatorProcess, method: string, route: string): Promise<T> {
  const response = await fetch(`${emulator.url}/_emulator/${route}`, { method, headers: { Authorization: `Bearer ${emulator.adminToken}` } });
  if (!response.ok) throw new Error(`emulator ${method} ${route}: ${response.status}`);
  return (await response.json()) as T;
}

export async function requestCounts(emulator: EmulatorProcess): Promise<RequestCounts> {
  const { requests } = await control<{ requests: { operationName: string | null }[] }>(emulator, "GET", "requests");
  const counts: Record<string, number> = {};
  for (const request of requests) counts[request.operationName ?? "(none)"] = (counts[request.operationName ?? "(none)"] ?? 0) + 1;
  return counts;
}

export const clearRequests = (emulator: EmulatorProcess) => control(emulator, "DELETE", "requests");
export const resetEmulator = (emulator: EmulatorProcess) => control(emulator, "POST", "reset");

/** Tokens made behind Pulumi's back, so that the organization is as large as asked. */
export async function addOtherTokens(emulator: EmulatorProcess, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const index = next++;
        const response = await fetch(`${emulator.url}/graphql`, {
          method: "POST",
          headers: { Authorization: `Bearer ${emulator.adminToken}`, "Content-Type": "application/json" },
          body: JSON.stringify({
            query: "mutation($input: CreateOrganizationPermissionsTokenV2Input!) { createOrganizationPermissionsTokenV2(input: $input) { token } }",
            variables: { input: { name: `other-${index}`, organizationPermissions: ["ViewUsage"] } },
          }),
        });
        const body = (await response.json()) as { errors?: unknown[] };
        if (!response.ok || body.errors) throw new Error(`creating other token ${index}: HTTP ${response.status} ${JSON.stringify(body.errors ?? "")}`);
      }
    }),
  );
}

/**
 * What a stack holds: tokens; no-op dynamic resources (the engine's floor); or token-shaped
 * resources, a token without our provider (same properties, outputs and sizes, requests to
 * nobody), with `token` secret or plain. They split a token's cost into what the SDK and the
 * engine spend on a resource of a token's shape and what our provider and its requests add.
 */
export type StackKind = "tokens" | "noop" | "token-shaped" | "token-shaped-plain";

/** The engine's floor: `create` returns an id and nothing else, and captures nothing. */
const noopProvider: dynamic.ResourceProvider = {
  async create() {
    return { id: "noop", outs: {} };
  },
};

export function programOf(program: BenchProgram, kind: StackKind, size: number, permissions: readonly string[] = ["ViewUsage"]) {
  class Noop extends program.pulumi.dynamic.Resource {
    constructor(name: string) {
      super(noopProvider, name, {});
    }
  }
  /** A token without our provider: the same properties, outputs and one-line `__provider` (see program.ts). */
  class TokenShaped extends program.pulumi.CustomResource {
    constructor(name: string, secret: boolean) {
      const props = { name: `bench-${name}`, permissions, tokenId: undefined, token: undefined, expireAt: undefined, createdAt: undefined, ipFilterId: undefined };
      super("pulumi-nodejs:dynamic/bench:TokenShaped", name, { ...props, __provider: tokenShapedProviderSource }, { additionalSecretOutputs: secret ? ["token"] : [] });
    }
  }
  return async () => {
    for (let index = 0; index < size; index++) {
      if (kind === "tokens") new program.logscale.OrgPermissionsToken(`t${index}`, { name: `bench-${index}`, permissions: permissions as never });
      else if (kind === "noop") new Noop(`n${index}`);
      else new TokenShaped(`s${index}`, kind === "token-shaped");
    }
  };
}

export interface UpRun {
  readonly kind: StackKind;
  readonly size: number;
  readonly seconds: number;
  /** CPU time (user + system) of the dynamic provider process(es) of the `up`, from provider-cpu.cjs. */
  readonly providerCpuSeconds: number;
}

/** Environment that makes each dynamic provider process of a stack record its CPU time into `dir`. */
function providerCpuEnvironment(dir: string): Record<string, string> {
  const preload = path.join(__dirname, "provider-cpu.cjs");
  return { NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --require ${preload}`.trim(), BENCH_PROVIDER_CPU_DIR: dir };
}

function providerCpuSeconds(dir: string, label: string): number {
  const files = readdirSync(dir);
  if (files.length === 0) throw new Error(`${label}: no dynamic provider process recorded its CPU time`);
  let micros = 0;
  for (const file of files) {
    const usage = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { userMicros: number; systemMicros: number };
    micros += usage.userMicros + usage.systemMicros;
  }
  return micros / 1e6;
}

export function environmentFor(emulator: EmulatorProcess): Record<string, string> {
  return { LOGSCALE_URL: emulator.url, LOGSCALE_TOKEN: emulator.adminToken };
}

/** `pulumi up` of a new stack, timed from the call to its end; the stack is then removed. */
export async function timedUp(program: BenchProgram, emulator: EmulatorProcess, kind: StackKind, size: number, label: string): Promise<UpRun> {
  await resetEmulator(emulator);
  const cpuDir = mkdtempSync(path.join(tmpdir(), "logscale-bench-cpu-"));
  const { stack } = await program.stack(label, programOf(program, kind, size), { ...environmentFor(emulator), ...providerCpuEnvironment(cpuDir) });
  const started = performance.now();
  const result = await stack.up();
  const seconds = (performance.now() - started) / 1000;
  const created = result.summary.resourceChanges?.["create"] ?? 0;
  if (created !== size + 1) throw new Error(`${label}: expected ${size + 1} creates, got ${created}`);
  await stack.workspace.removeStack(label, { force: true });
  const cpu = providerCpuSeconds(cpuDir, label);
  rmSync(cpuDir, { recursive: true, force: true });
  return { kind, size, seconds, providerCpuSeconds: cpu };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface StateBytes {
  readonly providerBytes: number;
  /** What the provider stores: inputs and outputs, secrets as ciphertext. */
  readonly inputsAndOutputsBytes: number;
  /** With what the engine adds: URNs, dates, the program's source positions. */
  readonly resourceBytes: number;
  readonly checkpointBytes: number;
}

interface CheckpointResource {
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

/** The state file the engine rewrites after every step, and one token's share of it. */
export function stateBytes(stateFile: string, type: string): StateBytes {
  const text = readFileSync(stateFile, "utf8");
  const resources = (JSON.parse(text) as { checkpoint: { latest: { resources: CheckpointResource[] } } }).checkpoint.latest.resources;
  const resource = resources.find((entry) => entry.type === type);
  if (!resource) throw new Error(`no ${type} in ${stateFile}`);
  return {
    providerBytes: Buffer.byteLength(String(resource.inputs?.["__provider"] ?? "")),
    inputsAndOutputsBytes: Buffer.byteLength(JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs })),
    resourceBytes: Buffer.byteLength(JSON.stringify(resource)),
    checkpointBytes: Buffer.byteLength(text),
  };
}

export interface RefreshRun {
  readonly otherTokens: number;
  readonly tokens: number;
  readonly seconds: number;
  readonly requests: RequestCounts;
}

/** Refresh of a stack of `tokens` tokens in an organization that has `otherTokens` more. */
export async function timedRefresh(program: BenchProgram, emulator: EmulatorProcess, tokens: number, otherTokens: number): Promise<RefreshRun> {
  await resetEmulator(emulator);
  await addOtherTokens(emulator, otherTokens);
  const label = `refresh-${otherTokens}`;
  const { stack } = await program.stack(label, programOf(program, "tokens", tokens), environmentFor(emulator));
  await stack.up();
  await clearRequests(emulator);
  const started = performance.now();
  const result = await stack.refresh();
  const seconds = (performance.now() - started) / 1000;
  if (result.summary.resourceChanges?.["same"] !== tokens + 1) throw new Error(`${label}: refresh found changes: ${JSON.stringify(result.summary.resourceChanges)}`);
  const requests = await requestCounts(emulator);
  await stack.workspace.removeStack(label, { force: true });
  return { otherTokens, tokens, seconds, requests };
}

export interface OperationRequests {
  readonly tokens: number;
  readonly up: RequestCounts;
  readonly refresh: RequestCounts;
  readonly update: RequestCounts;
  readonly destroy: RequestCounts;
  readonly state: StateBytes;
}

/** Requests LogScale receives for each operation on a stack of `tokens` tokens. */
export async function requestsPerOperation(program: BenchProgram, emulator: EmulatorProcess, tokens: number): Promise<OperationRequests> {
  await resetEmulator(emulator);
  let permissions: readonly string[] = ["ViewUsage"];
  const { stack, stateFile } = await program.stack("requests", () => programOf(program, "tokens", tokens, permissions)(), environmentFor(emulator));
  const counted = async (run: () => Promise<unknown>): Promise<RequestCounts> => {
    await clearRequests(emulator);
    await run();
    return requestCounts(emulator);
  };
  const up = await counted(() => stack.up());
  const state = stateBytes(stateFile, "pulumi-nodejs:dynamic/logscale:OrgPermissionsToken");
  const refresh = await counted(() => stack.refresh());
  permissions = ["ManageUsers"];
  const update = await counted(() => stack.up());
  const destroy = await counted(() => stack.destroy());
  await stack.workspace.removeStack("requests", { force: true });
  return { tokens, up, refresh, update, destroy, state };
}
