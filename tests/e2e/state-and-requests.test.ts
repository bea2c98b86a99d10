/**
 * The counts that make `pulumi up` cheap, through the real CLI: bytes each token keeps in
 * state (the engine rewrites the whole checkpoint after every step) and requests LogScale
 * receives per operation. Exact numbers, not timings: npm run bench measures the time.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { adminToken, control, requestLog, type RunningEmulator, startTestEmulator } from "../support/emulator";
import { configureLogScale, createProgram, type Program } from "../support/pulumi";
import { viewIdsByName } from "./program";

jest.setTimeout(300_000);

const orgTokens = 5;
let emulator: RunningEmulator;
let program: Program;
let stack: Stack;
let permissions = ["ViewUsage"];

interface StateResource {
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

function stateResources(): StateResource[] {
  const file = path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", "counts.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { checkpoint: { latest: { resources: StateResource[] } } }).checkpoint.latest.resources;
}

/** Requests LogScale received while `run` ran, by operation. */
async function requestsDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  await control(emulator.url, "DELETE", "requests");
  await run();
  const counts: Record<string, number> = {};
  for (const request of await requestLog(emulator.url)) counts[request.operationName ?? "?"] = (counts[request.operationName ?? "?"] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  program = createProgram();
  const viewIds = await viewIdsByName(emulator.url, adminToken, ["dashboards"]);
  stack = await program.stack("counts", async () => {
    const { logscale } = program;
    for (let index = 0; index < orgTokens; index++) new logscale.OrgPermissionsToken(`org-${index}`, { name: `count-${index}`, permissions: permissions as never });
    new logscale.ViewPermissionsToken("view", { name: "count-view", viewIds, permissions: ["ReadAccess"] });
    new logscale.SystemPermissionsToken("system", { name: "count-system", permissions: ["ReadHealthCheck"] });
  });
  await configureLogScale(stack, emulator.url, adminToken);
});
afterAll(async () => {
  program.remove();
  await emulator.stop();
});

it("up: one create and one name look-up per token; the policy, views, filters and home read once per process", async () => {
  expect(
    await requestsDuring(async () => expect((await stack.up()).summary.resourceChanges).toEqual({ create: orgTokens + 3 })),
  ).toEqual({
    CreateOrganizationPermissionsTokenV2: orgTokens,
    CreateViewPermissionsTokenV2: 1,
    CreateSystemPermissionsTokenV2: 1,
    Tokens: orgTokens + 2,
    TokenSecurityPolicies: 1,
    SearchDomains: 1,
    // Which cluster and organization the tokens live in, recorded in each token's state.
    Home: 1,
  });
});

it("state: each kind's __provider is at most 512 bytes; an organization token's inputs and outputs at most 2 KB", () => {
  const tokens = stateResources().filter((resource) => resource.type.includes(":dynamic/logscale:"));
  expect(tokens).toHaveLength(orgTokens + 2);
  for (const resource of tokens) {
    const bytes = Buffer.byteLength(String(resource.inputs?.["__provider"]));
    expect({ type: resource.type, bytes, fits: bytes <= 512 }).toEqual({ type: resource.type, bytes, fits: true });
  }
  for (const resource of tokens) expect(resource.outputs?.["__provider"]).toBe(resource.inputs?.["__provider"]);
  const org = tokens.find((resource) => resource.type.endsWith(":OrgPermissionsToken"))!;
  const orgBytes = Buffer.byteLength(JSON.stringify({ inputs: org.inputs, outputs: org.outputs }));
  expect({ orgBytes, fits: orgBytes <= 2048 }).toEqual({ orgBytes, fits: true });
  // Where it lives, in the outputs only: the program never gave it.
  expect(Object.keys(org.outputs?.["home"] as object).sort()).toEqual(["clusterId", "organizationId"]);
  expect(org.inputs).not.toHaveProperty("home");
  // Secrets as ciphertext only.
  expect(JSON.stringify(org.outputs?.["token"])).toContain("ciphertext");
});

it("refresh: at most one request per token (from the fourth token of a kind on, one listing page answers), and one per process to make sure the tokens are read where they live", async () => {
  // Organization tokens: three by id, the fourth asks for the listing's first page, which holds the fifth too. View and system: one each.
  expect(await requestsDuring(() => stack.refresh())).toEqual({ Token: 3 + 2, Tokens: 1, Home: 1 });
});

it("a permission change: the policy and home once, then one update and one read-back per token", async () => {
  permissions = ["ManageUsers"];
  expect(await requestsDuring(() => stack.up())).toEqual({
    TokenSecurityPolicies: 1,
    Home: 1,
    UpdateOrganizationPermissionsTokenPermissions: orgTokens,
    Token: orgTokens,
  });
});

it("destroy: one delete per token, and one request per process to make sure they are deleted where they live", async () => {
  expect(await requestsDuring(() => stack.destroy())).toEqual({ DeleteToken: orgTokens + 2, Home: 1 });
});
