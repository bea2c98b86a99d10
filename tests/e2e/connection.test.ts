/**
 * A token whose `connection` input names another LogScale than the stack config does, through
 * the real Pulumi CLI: the stack config points at the first emulator, the token's connection at
 * the second. Through create, an in-place permission update, a refresh that sees a change made
 * on the second behind Pulumi's back, and destroy, the token lives on the second alone and the
 * first is never asked to change anything. The steps build on each other.
 *
 * Then a token never loses its home: the two emulators are two clusters (each reports a cluster
 * id of its own). Another address for the first changes nothing; a connection moved to the
 * second replaces the token there and leaves nothing at the first; a stack config moved to the
 * second stops the preview with what to do.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { OrganizationPermission } from "../../provider";
import { adminToken, control, graphql, requestLog, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
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

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/**
 * The stack's state as the backend's file holds it, secrets encrypted: what `pulumi stack export`
 * reads, without a CLI run. Enough for what is not secret.
 */
function storedState(name: string): { text: string; resources: StateResource[] } {
  const text = readFileSync(path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", `${name}.json`), "utf8");
  return { text, resources: (JSON.parse(text) as { checkpoint: { latest: { resources: StateResource[] } } }).checkpoint.latest.resources };
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
    const remote = storedState(stackName).resources.find((resource) => resource.type === "pulumi-nodejs:dynamic/logscale:OrgPermissionsToken");
    expect(remote?.outputs?.["permissions"]).toEqual(["ViewUsage"]);
    // The program still asks for ManageUsers: the next up would put it back, on the second.
    const preview = await stack.preview();
    said(preview);
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    expect((await managedOnSecond()).map((token) => token.id)).toEqual([tokenId]);
    await expectFirstUntouched();
  });

  it("4. the state holds the connection as a secret: its API token nowhere in plaintext", async () => {
    // The backend's file itself: Automation's exportStack() decrypts secrets.
    const { text: stateText, resources } = storedState(stackName);
    expect(stateText.includes(connectionToken)).toBe(false);
    expect(stateText.includes(connectionToken.split("~")[1] ?? connectionToken)).toBe(false);
    const [remote, ...others] = resources.filter((resource) => resource.type === "pulumi-nodejs:dynamic/logscale:OrgPermissionsToken");
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

describe("a token never loses its home", () => {
  let moving: Stack;
  /** Where the program's connection points: the first emulator, by one address or another, then the second. */
  let connectionUrl = "";
  const names = async (emulator: RunningEmulator) =>
    (await storedTokens(emulator.url)).filter((token) => token.name.startsWith("home-")).map((token) => `${token.name} ${token.id}`);
  const clusterOf = async (emulator: RunningEmulator) => (await control<{ clusterId: string }>(emulator.url, "GET", "store")).clusterId;
  const mutations = async (emulator: RunningEmulator) =>
    (await requestLog(emulator.url)).map((entry) => entry.operationName ?? "").filter((name) => /^(Create|Update|Delete|Rotate)/.test(name));
  const clearLogs = () => Promise.all([first, second].map((emulator) => control(emulator.url, "DELETE", "requests")));
  let movingId = "";
  let configuredId = "";

  /** Each token's recorded home, from the state file: a home is not secret. */
  function homes(): Record<string, unknown> {
    const { resources } = storedState("home");
    return Object.fromEntries(resources.filter((resource) => resource.outputs?.["home"]).map((resource) => [resource.urn.split("::").pop(), resource.outputs?.["home"]]));
  }

  beforeAll(async () => {
    connectionUrl = first.url;
    const { logscale } = program;
    moving = await program.stack("home", async () => {
      const movingToken = new logscale.OrgPermissionsToken("moving", {
        name: "home-moving",
        permissions: ["ViewUsage"],
        connection: { url: connectionUrl, token: adminToken },
      });
      const configured = new logscale.OrgPermissionsToken("configured", { name: "home-configured", permissions: ["ViewUsage"] });
      return { movingId: movingToken.tokenId, configuredId: configured.tokenId };
    });
    await configureLogScale(moving, first.url, adminToken);
  });

  it("1. up makes both tokens in the first LogScale and records its home", async () => {
    expect(await clusterOf(first)).not.toBe(await clusterOf(second));
    const up = await moving.up();
    said(up);
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    movingId = String(up.outputs["movingId"]?.value);
    configuredId = String(up.outputs["configuredId"]?.value);
    expect((await names(first)).sort()).toEqual([`home-configured ${configuredId}`, `home-moving ${movingId}`]);
    const organizationId = "Qm3Ht8LwZ2pXa6RyN0cVb4Ks";
    expect(homes()).toEqual({
      moving: { clusterId: await clusterOf(first), organizationId },
      configured: { clusterId: await clusterOf(first), organizationId },
    });
  });

  it("2. another address for the first LogScale: the connection is stored, nothing in LogScale changes", async () => {
    connectionUrl = first.url.replace("127.0.0.1", "localhost");
    await clearLogs();
    const preview = await moving.preview();
    said(preview);
    expect(preview.changeSummary).toEqual({ same: 2, update: 1 });
    const up = await moving.up();
    said(up);
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect(up.outputs["movingId"]?.value).toBe(movingId);
    expect(await mutations(first)).toEqual([]);
    expect(await names(second)).toEqual([]);
  });

  it("3. a connection to the second LogScale: the preview plans a replacement and says why; up leaves the token there alone", async () => {
    connectionUrl = second.url;
    const [firstCluster, secondCluster] = [await clusterOf(first), await clusterOf(second)];
    const preview = await moving.preview({ diff: true });
    said(preview);
    expect(preview.changeSummary).toEqual({ same: 2, replace: 1 });
    // The dynamic-provider plugin's warnings reach the CLI's stderr (an info#err diagnostic).
    const why = `${preview.stdout}\n${preview.stderr}`.replace(/\s+/g, " ");
    expect(why).toContain(`The organization permissions token 'home-moving' (${movingId}) lives in LogScale cluster ${firstCluster}`);
    expect(why).toContain(`the resource's connection.url (${second.url}/) now leads to cluster ${secondCluster}`);
    expect(why).toContain("it will be replaced");

    await clearLogs();
    const up = await moving.up();
    said(up);
    expect(up.summary.resourceChanges).toEqual({ same: 2, replace: 1 });
    const newId = String(up.outputs["movingId"]?.value);
    expect(newId).not.toBe(movingId);
    expect(await names(second)).toEqual([`home-moving ${newId}`]);
    // Nothing left at the first but the token the stack config made there.
    expect(await names(first)).toEqual([`home-configured ${configuredId}`]);
    expect(await mutations(first)).toEqual(["DeleteToken"]);
    expect(await mutations(second)).toEqual(["CreateOrganizationPermissionsTokenV2"]);
    expect(homes()["moving"]).toMatchObject({ clusterId: secondCluster });
    movingId = newId;
  });

  it("4. a stack config that now leads to the second fails the preview, naming the token, both homes and what to do", async () => {
    const [firstCluster, secondCluster] = [await clusterOf(first), await clusterOf(second)];
    await configureLogScale(moving, second.url, adminToken);
    await clearLogs();
    const failure = await moving.preview().catch((error: unknown) => error);
    const message = String(failure).replace(/\s+/g, " ");
    expect(message).toContain(`The organization permissions token 'home-configured' (${configuredId}) lives in LogScale cluster ${firstCluster}`);
    expect(message).toContain(`stack config 'logscale:url' (${second.url}/) now leads to cluster ${secondCluster}`);
    expect(message).toContain("pulumi state delete <URN>");
    expect(await mutations(first)).toEqual([]);
    expect(await mutations(second)).toEqual([]);
    await configureLogScale(moving, first.url, adminToken);
    const preview = await moving.preview();
    said(preview);
    expect(preview.changeSummary).toEqual({ same: 3 });
  });

  it("5. destroy deletes each token in its own LogScale", async () => {
    const destroy = await moving.destroy();
    said(destroy);
    expect(destroy.summary.resourceChanges).toEqual({ delete: 3 });
    expect(await names(first)).toEqual([]);
    expect(await names(second)).toEqual([]);
  });
});
