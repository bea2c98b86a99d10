/**
 * A stack made by an earlier version of this package (tests/fixtures/legacy-state, written by
 * `npm run fixture:legacy-state`): its provider serialized by value, about 4.8 KB per
 * resource, stored twice. Today's package refreshes, updates and destroys it; a token it
 * updates moves to the one-line provider.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Deployment, Stack } from "@pulumi/pulumi/automation";
import { startEmulator } from "../../emulator";
import { configureLogScale, createProgram, type Program } from "../support/pulumi";
import { projectDir } from "../support/consumer";

jest.setTimeout(300_000);

const fixtureDir = path.join(projectDir, "tests", "fixtures", "legacy-state");
// Test values the fixture was made with (see its README.md).
const fixtureAdminToken = "legacy-fixture-admin-token";
const fixturePassphrase = "legacy-fixture-passphrase";
const stackName = "upgraded";

interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

let emulator: { url: string; stop(): Promise<void> };
let program: Program;
let scratch: string;
let stack: Stack;
let permissionsOfCi: string[] = ["ManageUsers", "ViewUsage"];

function tokens(deployment: Deployment): StateResource[] {
  return (deployment.deployment as { resources: StateResource[] }).resources.filter((resource) => resource.type.includes(":dynamic/logscale:"));
}

function providerBytes(resource: StateResource | undefined, where: "inputs" | "outputs"): number {
  const provider = resource?.[where]?.["__provider"];
  // A provider that captured a secret is stored as a secret; ours never does.
  if (typeof provider !== "string") throw new Error(`${resource?.urn} has no plain ${where}.__provider`);
  return Buffer.byteLength(provider);
}

async function storedTokenIds(): Promise<string[]> {
  const response = await fetch(`${emulator.url}/_emulator/store`, { headers: { Authorization: `Bearer ${fixtureAdminToken}` } });
  return ((await response.json()) as { tokens: { id: string }[] }).tokens.map((token) => token.id).sort();
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-upgrade-"));
  // The emulator resumes from the tokens the legacy state refers to.
  copyFileSync(path.join(fixtureDir, "emulator-state.json"), path.join(scratch, "emulator-state.json"));
  emulator = await startEmulator({ adminToken: fixtureAdminToken, statePath: path.join(scratch, "emulator-state.json") });
  program = createProgram();
  const fixture = JSON.parse(readFileSync(path.join(fixtureDir, "deployment.json"), "utf8")) as Deployment;
  const viewIds = tokens(fixture).find((resource) => resource.type.endsWith(":ViewPermissionsToken"))?.inputs?.["viewIds"] as string[];

  stack = await program.stack(
    stackName,
    async () => {
      const { logscale } = program;
      const ci = new logscale.OrgPermissionsToken("ci", { name: "legacy-ci", permissions: permissionsOfCi as never });
      const reader = new logscale.ViewPermissionsToken("reader", { name: "legacy-reader", viewIds, permissions: ["ReadAccess"] });
      const ops = new logscale.SystemPermissionsToken("ops", { name: "legacy-ops", permissions: ["ReadHealthCheck"] });
      return { ciId: ci.tokenId, ciToken: ci.token, readerId: reader.tokenId, opsId: ops.tokenId };
    },
    { PULUMI_CONFIG_PASSPHRASE: fixturePassphrase },
  );
  await configureLogScale(stack, emulator.url, fixtureAdminToken);
  // The same resources under this test's project and stack names, and the same LogScale at this
  // test's address: refresh runs with the provider configuration stored in state.
  const renamed = JSON.stringify(fixture)
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, emulator.url)
    .replaceAll("urn:pulumi:legacy::legacy::", `urn:pulumi:${stackName}::logscale-e2e::`)
    .replaceAll("pulumi:pulumi:Stack::legacy-legacy", `pulumi:pulumi:Stack::logscale-e2e-${stackName}`);
  await stack.importStack(JSON.parse(renamed) as Deployment);
});

afterAll(async () => {
  program?.remove();
  await emulator?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

it("starts from a state whose providers are the legacy ones, about 4.8 KB each", async () => {
  const state = tokens(await stack.exportStack());
  expect(state).toHaveLength(3);
  for (const resource of state) {
    expect(providerBytes(resource, "inputs")).toBeGreaterThan(4000);
    expect(resource.outputs).not.toHaveProperty("requested");
    expect(resource.outputs).not.toHaveProperty("home");
  }
});

/** Each token's secret, as the state holds it (the Automation API's export decrypts it). */
async function secrets(): Promise<Record<string, string>> {
  return Object.fromEntries(
    tokens(await stack.exportStack()).map((resource) => {
      const stored = resource.outputs?.["token"] as { plaintext?: string } | undefined;
      return [resource.urn.split("::").pop()!, stored?.plaintext === undefined ? "" : (JSON.parse(stored.plaintext) as string)];
    }),
  );
}

it("refresh with today's package finds every token as it is, secrets kept", async () => {
  const before = await secrets();
  const refresh = await stack.refresh();
  expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
  expect(await secrets()).toEqual(before);
  for (const resource of tokens(await stack.exportStack())) expect(before[resource.urn.split("::").pop()!]).toMatch(new RegExp(`^${resource.id}~.+`));
  // The state gained where each token lives, which it did not record yet.
  const { clusterId, organization } = (await (await fetch(`${emulator.url}/_emulator/store`, { headers: { Authorization: `Bearer ${fixtureAdminToken}` } })).json()) as {
    clusterId: string;
    organization: { id: string };
  };
  for (const resource of tokens(await stack.exportStack())) expect(resource.outputs?.["home"]).toEqual({ clusterId, organizationId: organization.id });
  await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
});

it("an update moves the token it changes to the one-line provider, in place", async () => {
  const idsBefore = await storedTokenIds();
  permissionsOfCi = ["ManageUsers"];
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 3, update: 1 });
  expect(await storedTokenIds()).toEqual(idsBefore);
  const ci = tokens(await stack.exportStack()).find((resource) => resource.urn.endsWith("::ci"));
  expect(providerBytes(ci, "inputs")).toBeLessThanOrEqual(512);
  expect(providerBytes(ci, "outputs")).toBeLessThanOrEqual(512);
  expect(ci?.outputs?.["requested"]).toEqual({});
  await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
});

it("destroy removes every token, those still on the legacy provider included", async () => {
  await stack.destroy();
  expect(await storedTokenIds()).toEqual([]);
});
