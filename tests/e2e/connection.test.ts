/**
 * A token whose `connection` input names another LogScale than the stack config does, through
 * the real Pulumi CLI: the stack config points at the first emulator, the token's connection at
 * the second. Through create, an in-place permission update, a refresh that sees a change made
 * on the second behind Pulumi's back, and destroy, the token lives on the second alone and the
 * first is never asked to change anything. The steps build on each other.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { OrganizationPermission } from "../../provider";
import { adminToken, graphql, requestLog, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { configureLogScale, createProgram, type Program } from "../support/pulumi";

jest.setTimeout(180_000);

const stackName = "connection";
const tokenName = "remote-ci";

let first: RunningEmulator;
let second: RunningEmulator;
let program: Program;
let stack: Stack;
/** The connection's API token: a token of the second LogScale allowed to manage tokens, not its admin token. */
let connectionToken = "";
let permissions: OrganizationPermission[] = ["ViewUsage"];
let tokenId = "";
/** Everything the engine printed, checked for the connection's API token at the end. */
const printed: string[] = [];

beforeAll(async () => {
  [first, second] = await Promise.all([startTestEmulator(), startTestEmulator()]);
  program = createProgram();
  connectionToken = (
    await graphql<{ createOrganizationPermissionsTokenV2: { token: string } }>(
      second.url,
      "mutation { createOrganizationPermissionsTokenV2(input: { name: \"pulumi-automation\", organizationPermissions: [ChangeOrganizationPermissions] }) { token } }",
    )
  ).createOrganizationPermissionsTokenV2.token;
  const { logscale } = program;
  stack = await program.stack(stackName, async () => {
    const remote = new logscale.OrgPermissionsToken("remote", {
      name: tokenName,
      permissions,
      // A plain string, as users write it: the resource must make it secret by itself.
      connection: { url: second.url, token: connectionToken },
    });
    return { tokenId: remote.tokenId, permissions: remote.permissions };
  });
  await configureLogScale(stack, first.url, adminToken);
});

afterAll(async () => {
  program.remove();
  await Promise.all([first.stop(), second.stop()]);
});

function said(result: { stdout: string; stderr: string }): void {
  printed.push(result.stdout, result.stderr);
}

/** What the stack manages, as the second emulator holds it (the connection's own token aside). */
async function managedOnSecond() {
  return (await storedTokens(second.url)).filter((token) => token.name === tokenName);
}

/** The token resource's outputs in the stack's state, secrets decrypted (Automation exports with --show-secrets). */
async function remoteState(): Promise<Record<string, unknown>> {
  const deployment = (await stack.exportStack()).deployment as { resources: { type: string; outputs?: Record<string, unknown> }[] };
  return deployment.resources.find((resource) => resource.type === "pulumi-nodejs:dynamic/logscale:OrgPermissionsToken")?.outputs ?? {};
}

/** The first emulator is the stack config's LogScale: it must hold no token and have been asked to change none. */
async function expectFirstUntouched(): Promise<void> {
  expect(await storedTokens(first.url)).toEqual([]);
  const mutations = (await requestLog(first.url)).filter((entry) => entry.rootFields.some((field) => /^(create|update|delete|rotate)/.test(field)));
  expect(mutations).toEqual([]);
}

describe("a token on the LogScale its connection names, not the stack's", () => {
  it("1. up creates it on the second LogScale", async () => {
    const up = await stack.up();
    said(up);
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    tokenId = String(up.outputs["tokenId"]?.value);
    expect((await managedOnSecond()).map((token) => ({ id: token.id, permissions: token.permissions }))).toEqual([{ id: tokenId, permissions: ["ViewUsage"] }]);
    await expectFirstUntouched();
  });

  it("2. a permission change updates it in place there: same tokenId", async () => {
    permissions = ["ViewUsage", "ManageUsers"];
    const up = await stack.up();
    said(up);
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(up.outputs["tokenId"]?.value).toBe(tokenId);
    const stored = await managedOnSecond();
    expect(stored.map((token) => token.id)).toEqual([tokenId]);
    expect(stored[0]?.permissions.sort()).toEqual(["ManageUsers", "ViewUsage"]);
    await expectFirstUntouched();
  });

  it("3. refresh asks the second LogScale and sees a change made there behind Pulumi's back", async () => {
    await graphql(second.url, "mutation($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ViewUsage] }) }", {
      id: tokenId,
    });
    const refresh = await stack.refresh();
    said(refresh);
    expect(refresh.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    // Refresh rewrites the resource's state, not the stack outputs the program last exported.
    expect((await remoteState())["permissions"]).toEqual(["ViewUsage"]);
    // The program still asks for ManageUsers: the next up would put it back, on the second.
    const preview = await stack.preview();
    said(preview);
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    expect((await managedOnSecond()).map((token) => token.id)).toEqual([tokenId]);
    await expectFirstUntouched();
  });

  it("4. the state holds the connection as a secret: its API token nowhere in plaintext", async () => {
    // The backend's file itself: Automation's exportStack() decrypts secrets.
    const stateText = readFileSync(path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", `${stackName}.json`), "utf8");
    expect(stateText.includes(connectionToken)).toBe(false);
    expect(stateText.includes(connectionToken.split("~")[1] ?? connectionToken)).toBe(false);
    const state = JSON.parse(stateText) as { checkpoint: { latest: { resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } } };
    const [remote, ...others] = state.checkpoint.latest.resources.filter((resource) => resource.type === "pulumi-nodejs:dynamic/logscale:OrgPermissionsToken");
    expect(others).toEqual([]);
    const secretEnvelope = ["4dabf18193072939515e22adb298388d", "ciphertext"];
    expect(Object.keys(remote?.inputs?.["connection"] as object).sort()).toEqual(secretEnvelope);
    expect(Object.keys(remote?.outputs?.["connection"] as object).sort()).toEqual(secretEnvelope);
    // Decrypted, it is the connection the program gave: the ciphertext above is that, not something else.
    const decrypted = (await remoteState())["connection"] as { plaintext?: string };
    expect(JSON.parse(decrypted.plaintext ?? "{}")).toMatchObject({ url: second.url, token: connectionToken });
  });

  it("5. destroy deletes it from the second LogScale", async () => {
    const destroy = await stack.destroy();
    said(destroy);
    expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
    expect(await managedOnSecond()).toEqual([]);
    // The connection's own token is the user's, not the stack's: still there.
    expect((await storedTokens(second.url)).map((token) => token.name)).toEqual(["pulumi-automation"]);
    await expectFirstUntouched();
  });

  it("6. nothing the engine printed holds the connection's API token", () => {
    expect(printed.length).toBeGreaterThanOrEqual(10);
    const everything = printed.join("\n");
    expect(everything.includes(connectionToken)).toBe(false);
    expect(everything.includes(connectionToken.split("~")[1] ?? connectionToken)).toBe(false);
  });
});
