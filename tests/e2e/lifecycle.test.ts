/**
 * up / preview / refresh / destroy through the real Pulumi CLI against the emulator.
 * The steps build on each other, as a user's successive runs do.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { adminToken, control, emulatorPerFile, requestLog, storedTokens } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";
import { quickstartProgram, type Spec, tokensInState, viewIdsByName } from "./program";

jest.setTimeout(180_000);

const emulator = emulatorPerFile();
const program = programPerFile();
let stack: Stack;
let spec: Spec;
let outputs: OutputMap;

const value = (name: string): string => String(outputs[name]?.value);

beforeAll(async () => {
  spec = {
    orgName: "ci-user-admin",
    orgPermissions: ["ManageUsers", "ViewUsage"],
    viewName: "dashboards-reader",
    viewIds: await viewIdsByName(emulator.url, adminToken, ["dashboards", "security-audit"]),
    viewPermissions: ["ReadAccess"],
    systemPermissions: ["ViewOrganizations", "ManageOrganizations"],
  };
  stack = await program.stack("lifecycle", quickstartProgram(program.logscale, () => spec));
  await configureLogScale(stack, emulator.url, adminToken);
});

async function authenticates(token: string): Promise<boolean> {
  const response = await fetch(`${emulator.url}/graphql`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ query: "{ organization { id } }" }),
  });
  return response.status === 200;
}

describe("the real Pulumi engine", () => {
  it("1. up creates the three kinds; outputs match the emulator; tokens are secret outputs that work", async () => {
    const up = await stack.up();
    outputs = up.outputs;
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    const stored = await storedTokens(emulator.url);
    expect(stored.map((token) => token.id).sort()).toEqual([value("ciId"), value("readerId"), value("opsId")].sort());
    expect(stored.find((token) => token.id === value("ciId"))).toMatchObject({ name: "ci-user-admin", permissions: ["ManageUsers", "ViewUsage"] });
    expect(stored.find((token) => token.id === value("readerId"))?.permissions).toEqual(["ReadAccess", "OrganizationOwnedQueries"]);
    for (const name of ["ciToken", "readerToken", "opsToken"]) {
      expect(outputs[name]?.secret).toBe(true);
      expect(value(name).startsWith(`${value(name.replace("Token", "Id"))}~`)).toBe(true);
      expect(await authenticates(value(name))).toBe(true);
    }
    expect(outputs["readerViews"]?.value).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "dashboards" }), expect.objectContaining({ name: "security-audit" })]),
    );
  });

  it("2. the stored state holds no secret in plaintext and __provider no credential", async () => {
    // The file backend's state file itself: Automation's exportStack() would decrypt secrets.
    const stateText = readFileSync(path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", "lifecycle.json"), "utf8");
    for (const secret of [adminToken, value("ciToken"), value("readerToken"), value("opsToken")]) {
      expect(stateText.includes(secret)).toBe(false);
      expect(stateText.includes(secret.split("~")[1] ?? secret)).toBe(false);
    }
    const state = JSON.parse(stateText) as { checkpoint: { latest: { resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } } };
    const tokens = state.checkpoint.latest.resources.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/logscale:"));
    expect(tokens).toHaveLength(3);
    for (const resource of tokens) {
      const provider = String(resource.inputs?.["__provider"]);
      expect(provider.includes(emulator.url)).toBe(false);
      expect(provider.includes(adminToken)).toBe(false);
      expect(provider).toMatch(/require\("pulumi-logscale-tokens\/internal\/provider\/(organization|view|system)"\)/);
      expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(512);
      // Stored encrypted: a secret envelope with ciphertext, no plaintext.
      expect(Object.keys(resource.outputs?.["token"] as object).sort()).toEqual(["4dabf18193072939515e22adb298388d", "ciphertext"]);
    }
  });

  it("3. a permission change previews as an update and keeps id and secret; a reorder is no change", async () => {
    spec.orgPermissions = ["ManageUsers", "ViewUsage", "ChangeIPFilters"];
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 3, update: 1 });
    const before = { id: value("ciId"), token: value("ciToken") };
    const up = await stack.up();
    outputs = up.outputs;
    expect({ id: value("ciId"), token: value("ciToken") }).toEqual(before);
    expect((await storedTokens(emulator.url)).find((token) => token.id === before.id)?.permissions.sort()).toEqual(["ChangeIPFilters", "ManageUsers", "ViewUsage"]);

    spec.orgPermissions = ["ViewUsage", "ChangeIPFilters", "ManageUsers", "ViewUsage"];
    await expect(stack.preview({ expectNoChanges: true })).resolves.toMatchObject({ changeSummary: { same: 4 } });
  });

  it.each([
    ["name", (s: Spec) => ({ ...s, viewName: "dashboards-reader-v2" })],
    ["expireAt", (s: Spec) => ({ ...s, orgExpireAt: "2030-01-01T00:00:00Z" })],
    ["viewIds", (s: Spec) => ({ ...s, viewIds: s.viewIds.slice(0, 1) })],
  ])("4a. a change of %s previews as a replacement", async (_field, change) => {
    const saved = spec;
    spec = change(spec);
    try {
      expect((await stack.preview()).changeSummary).toEqual({ same: 3, replace: 1 });
    } finally {
      spec = saved;
    }
  });

  it("4b. a replacement creates the new token before deleting the old, with a new secret", async () => {
    await control(emulator.url, "DELETE", "requests");
    const old = { id: value("readerId"), token: value("readerToken") };
    spec.viewName = "dashboards-reader-v2";
    const up = await stack.up();
    outputs = up.outputs;
    expect(up.summary.resourceChanges).toEqual({ same: 3, replace: 1 });
    expect(value("readerId")).not.toBe(old.id);
    expect(value("readerToken")).not.toBe(old.token);
    const mutations = (await requestLog(emulator.url)).map((entry) => entry.operationName).filter((name) => name?.startsWith("Create") || name === "DeleteToken");
    expect(mutations).toEqual(["CreateViewPermissionsTokenV2", "DeleteToken"]);
    expect(await authenticates(old.token)).toBe(false);
    expect(await authenticates(value("readerToken"))).toBe(true);
  });

  it("6. refresh with no drift changes nothing and keeps every secret", async () => {
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
    await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
    // The tokens' state as the refresh wrote it from read(); the stack's outputs hold what the last up's program returned.
    const after = tokensInState(await stack.exportStack());
    for (const name of ["ciToken", "readerToken", "opsToken"]) expect(after[name.replace("Token", "")]).toBe(value(name));
  });

  it("7. destroy leaves no token; destroy after an out-of-band deletion still succeeds", async () => {
    // One destroy for both: it deletes the tokens still there and takes the one deleted behind
    // its back as gone.
    await fetch(`${emulator.url}/graphql`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ query: "mutation($id: String!) { deleteToken(input: { id: $id }) }", variables: { id: value("opsId") } }),
    });
    await control(emulator.url, "DELETE", "requests");
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toEqual({ delete: 4 });
    expect(await storedTokens(emulator.url)).toEqual([]);
    // Each kind's delete reached LogScale, the one already gone included.
    expect((await requestLog(emulator.url)).filter((entry) => entry.operationName === "DeleteToken")).toHaveLength(3);
  });
});
