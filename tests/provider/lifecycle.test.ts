import type { TokenKindName } from "../../provider/core/kinds";
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, graphql, requestLog, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { configuredProvider, stackConfig } from "./support";

let emulator: RunningEmulator;
let viewIds: string[];
const providers = {} as Record<TokenKindName, TokenProvider>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  for (const kind of ["organization", "view", "system"] as const) providers[kind] = await configuredProvider(kind, emulator.url);
  const store = await control<{ searchDomains: { id: string; name: string }[] }>(emulator.url, "GET", "store");
  viewIds = store.searchDomains.filter((domain) => ["dashboards", "security-audit"].includes(domain.name)).map((domain) => domain.id);
  expect(viewIds).toHaveLength(2);
});
afterAll(async () => {
  await emulator.stop();
});

const rawInputs = (kind: TokenKindName, name: string): Record<string, unknown> =>
  kind === "organization"
    ? { name, permissions: ["ViewUsage", "ManageUsers"] }
    : kind === "system"
      ? { name, permissions: ["ViewOrganizations", "ManageOrganizations"] }
      : { name, permissions: ["ReadAccess"], viewIds };
const changedPermissions: Record<TokenKindName, string[]> = {
  organization: ["ChangeIPFilters"],
  system: ["ManageCluster", "ReadHealthCheck"],
  view: ["ChangeDashboards", "ReadAccess"],
};

async function createToken(kind: TokenKindName, name: string, extra: Record<string, unknown> = {}) {
  const provider = providers[kind];
  const checked = await provider.check({}, { ...rawInputs(kind, name), ...extra });
  expect(checked.failures).toEqual([]);
  const created = await provider.create(checked.inputs);
  return { provider, inputs: checked.inputs, id: created.id, outs: created.outs as TokenOutputs };
}

describe.each(["organization", "view", "system"] as const)("a %s token through its whole life", (kind) => {
  it("create → read → update → read → delete", async () => {
    const { provider, inputs, id, outs } = await createToken(kind, `life-${kind}`);

    expect(outs.tokenId).toBe(id);
    expect(outs.token.startsWith(`${id}~`)).toBe(true);
    expect(outs.name).toBe(`life-${kind}`);
    expect(outs.createdAt).toEqual(expect.any(Number));
    const stored = (await storedTokens(emulator.url)).find((token) => token.id === id);
    expect(stored?.permissions.slice().sort()).toEqual([...outs.permissions]);
    if (kind === "view") {
      expect(outs.permissions).toEqual(["OrganizationOwnedQueries", "ReadAccess"]);
      expect(outs.viewIds).toEqual([...viewIds].sort());
      expect(outs.views?.map((domain) => domain.name).sort()).toEqual(["dashboards", "security-audit"]);
    }

    // Nothing changed: no diff, and refresh finds the token as it is, secret intact.
    expect(await provider.diff(id, outs, inputs as never)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const read = await provider.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect((await provider.diff(id, read.props!, read.inputs as never)).changes).toBe(false);

    // Change the permissions: an update in place keeps id and secret.
    const changed = (await provider.check(inputs, { ...rawInputs(kind, `life-${kind}`), permissions: changedPermissions[kind] })).inputs;
    expect(await provider.diff(id, outs, changed as never)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = (await provider.update(id, outs, changed as never)).outs as TokenOutputs;
    expect(updated.tokenId).toBe(id);
    expect(updated.token).toBe(outs.token);
    expect(updated.createdAt).toBe(outs.createdAt);
    const expected = kind === "view" ? ["CreateDashboards", "DeleteDashboards", "OrganizationOwnedQueries", "ReadAccess", "UpdateDashboards"] : changedPermissions[kind].slice().sort();
    expect(updated.permissions).toEqual(expected);
    expect((await storedTokens(emulator.url)).find((token) => token.id === id)?.permissions.slice().sort()).toEqual(expected);
    expect((await provider.diff(id, updated, changed as never)).changes).toBe(false);

    const reread = await provider.read(id, updated);
    expect(reread.props?.token).toBe(outs.token);

    await provider.delete(id, updated);
    expect((await storedTokens(emulator.url)).some((token) => token.id === id)).toBe(false);
  });

  it("delete is idempotent: a token already gone is success", async () => {
    const { provider, id, outs } = await createToken(kind, `gone-${kind}`);
    await graphql(emulator.url, "mutation($id: String!) { deleteToken(input: { id: $id }) }", { id });
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("refresh sees what happened behind Pulumi's back", () => {
  it("an out-of-band permission change: read reports it, the diff plans an update, and the secret stays", async () => {
    const { provider, inputs, id, outs } = await createToken("organization", "drift-perms");
    await graphql(
      emulator.url,
      "mutation($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ViewUsage] }) }",
      { id },
    );
    const read = await provider.read(id, outs);
    expect(read.props?.permissions).toEqual(["ViewUsage"]);
    expect(read.props?.token).toBe(outs.token);
    expect(read.inputs).toMatchObject({ name: "drift-perms", permissions: ["ViewUsage"] });
    expect(await provider.diff(id, read.props!, inputs as never)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("an out-of-band deletion: read returns no id so refresh drops the resource", async () => {
    const { provider, id, outs } = await createToken("view", "drift-deleted");
    await graphql(emulator.url, "mutation($id: String!) { deleteToken(input: { id: $id }) }", { id });
    await control(emulator.url, "DELETE", "requests");
    expect(await provider.read(id, outs)).toEqual({ id: "" });
    // token(tokenId:) said no; tokens(searchFilter:) confirmed it before we concluded "gone".
    expect((await requestLog(emulator.url)).map((entry) => entry.operationName)).toEqual(["Token", "Tokens"]);
  });

  it("an expired token stays in state and shows as expired, still listed or gone", async () => {
    const warnings: string[] = [];
    // Time moves on for LogScale and the provider alike, without waiting for it.
    let elapsed = 0;
    const provider = new TokenProvider("system", { info: () => undefined, warn: (message) => warnings.push(message), now: () => Date.now() + elapsed });
    const passTime = async (ms: number) => {
      elapsed += ms;
      await control(emulator.url, "POST", "clock", { advanceMs: ms });
    };
    await provider.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
    const checked = await provider.check({}, { name: "drift-expired", permissions: ["ReadHealthCheck"], expireAt: Date.now() + 60_000 });
    const { id, outs } = await provider.create(checked.inputs);
    expect((await provider.diff(id, outs as TokenOutputs, checked.inputs as never)).changes).toBe(false);
    try {
      await passTime(61_000);

      // LogScale still lists it for a while; it no longer works.
      const listed = await provider.read(id, outs as TokenOutputs);
      expect(listed.id).toBe(id);
      // The diff shows it as a change (a drift check notices) and names the token; update leaves it be.
      expect(await provider.diff(id, listed.props!, checked.inputs as never)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
      expect((await provider.update(id, listed.props!, checked.inputs as never)).outs).toEqual(listed.props);
      expect(warnings.join("\n")).toContain(`The system permissions token 'drift-expired' (${id}) expired at`);
      expect(warnings.join("\n")).toContain("Set its expireAt to a future date to replace it with a new token");
      // A new date replaces it.
      const renewed = (await provider.check(checked.inputs, { name: "drift-expired", permissions: ["ReadHealthCheck"], expireAt: Date.now() + elapsed + 86_400_000 })).inputs;
      expect((await provider.diff(id, listed.props!, renewed as never)).replaces).toEqual(["expireAt"]);
      // Creating with the past date is refused before LogScale is asked.
      await expect(provider.create(checked.inputs)).rejects.toThrow("has passed. Set expireAt to a future date.");

      // Later LogScale drops it: still in state, still shown as expired, not as a silent create.
      await passTime(600_000);
      expect((await storedTokens(emulator.url)).some((token) => token.id === id)).toBe(false);
      const gone = await provider.read(id, outs as TokenOutputs);
      expect(gone).toMatchObject({ id, props: outs });
      // Deleting the expired token succeeds.
      await expect(provider.delete(id, outs as TokenOutputs)).resolves.toBeUndefined();
    } finally {
      await control(emulator.url, "POST", "clock", { offsetMs: 0 });
    }
  });
});
