/**
 * The plan compares the program with what the program asked for before. Values LogScale
 * assigns itself (an IP filter or a lifetime its token security policy enforces, views the API
 * token cannot see) are outputs and never a reason to change; a value the user sets or removes
 * still replaces the token.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, emulatorPerFile, graphql, injectFault, requestLog, setTokenPolicy, storedTokens } from "../support/emulator";
import { quiet, stackConfig } from "./support";

const emulator = emulatorPerFile({ reset: true });
let officeFilterId: string;
let otherFilterId: string;
const day = 86_400_000;

const noChange = { changes: false, replaces: [], deleteBeforeReplace: false };
const replace = (...properties: string[]) => ({ changes: true, replaces: properties, deleteBeforeReplace: false });

async function provider(kind: "organization" | "view" = "organization", config: Record<string, string> = {}, sleeps?: number[]): Promise<TokenProvider> {
  const created = new TokenProvider(kind, {
    ...quiet,
    client: { retry: { attempts: 2, baseDelayMs: 1 }, ...(sleeps ? { sleep: async (ms: number) => void sleeps.push(ms) } : {}) },
  });
  await created.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken, ...config }));
  return created;
}

/** check() then create(), as `up` runs them for a new resource. */
async function createOrgToken(org: TokenProvider, raw: Record<string, unknown>) {
  const checked = await org.check({}, raw);
  expect(checked.failures).toEqual([]);
  const created = await org.create(checked.inputs);
  return { inputs: checked.inputs, id: created.id, outs: created.outs as TokenOutputs };
}

beforeEach(async () => {
  const store = await control<{ ipFilters: { id: string; name: string }[] }>(emulator.url, "GET", "store");
  officeFilterId = store.ipFilters.find((filter) => filter.name === "office")!.id;
  // A second filter, so that "the program names another filter" has one to name.
  const created = await graphql<{ createIPFilter: { id: string } }>(
    emulator.url,
    "mutation($input: IPFilterInput!) { createIPFilter(input: $input) { id } }",
    { input: { name: "vpn", ipFilter: "allow 10.0.0.0/8" } },
  );
  otherFilterId = created.createIPFilter.id;
});

describe("an IP filter the organization's policy enforces", () => {
  beforeEach(async () => {
    await setTokenPolicy(emulator.url, { organizationPermissionTokensEnforceIpFilterId: officeFilterId });
  });

  it("is an output of a token whose program names none, and plans nothing, before and after a refresh", async () => {
    const org = await provider();
    const { inputs, id, outs } = await createOrgToken(org, { name: "filtered", permissions: ["ViewUsage"] });
    expect(outs.ipFilterId).toBe(officeFilterId);
    expect(outs.requested).toEqual({});
    expect(await org.diff(id, outs, inputs as never)).toEqual(noChange);

    const read = await org.read(id, outs);
    expect(read.props).toEqual(outs);
    // What refresh stores as inputs is what the program asked for, not the server's filter.
    expect(read.inputs).not.toHaveProperty("ipFilterId");
    expect(await org.diff(id, read.props as TokenOutputs, inputs as never)).toEqual(noChange);
    const again = await provider(); // the next preview: a new provider process
    expect(await again.diff(id, read.props as TokenOutputs, (await again.check(read.inputs as unknown as Record<string, unknown>, { name: "filtered", permissions: ["ViewUsage"] })).inputs as never)).toEqual(noChange);
  });

  it("still replaces when the program sets ipFilterId, even to the enforced filter", async () => {
    const org = await provider();
    const { inputs, id, outs } = await createOrgToken(org, { name: "filtered", permissions: ["ViewUsage"] });
    expect(await org.diff(id, outs, { ...inputs, ipFilterId: otherFilterId } as never)).toEqual(replace("ipFilterId"));
    expect(await org.diff(id, outs, { ...inputs, ipFilterId: officeFilterId } as never)).toEqual(replace("ipFilterId"));
  });

  it("still replaces when the program removes an ipFilterId it had set", async () => {
    const org = await provider();
    const { inputs, id, outs } = await createOrgToken(org, { name: "filtered", permissions: ["ViewUsage"], ipFilterId: officeFilterId });
    expect(outs.requested).toEqual({ ipFilterId: officeFilterId });
    expect(await org.diff(id, outs, inputs as never)).toEqual(noChange);
    const { ipFilterId: _removed, ...withoutFilter } = inputs;
    expect(await org.diff(id, outs, withoutFilter as never)).toEqual(replace("ipFilterId"));
  });
});

it("a policy change behind Pulumi's back that puts a filter and a lifetime on existing tokens is an output change, not a replacement", async () => {
  const org = await provider();
  const { inputs, id, outs } = await createOrgToken(org, { name: "before-policy", permissions: ["ViewUsage"] });
  expect(outs.ipFilterId).toBeUndefined();
  expect(outs.expireAt).toBeUndefined();
  await setTokenPolicy(emulator.url, { organizationPermissionTokensEnforceIpFilterId: officeFilterId, organizationPermissionTokensEnforceExpirationAfterMs: 90 * day });

  const read = await org.read(id, outs);
  const refreshed = read.props as TokenOutputs;
  expect(refreshed.ipFilterId).toBe(officeFilterId);
  expect(refreshed.expireAt).toEqual(expect.any(Number));
  expect(refreshed.token).toBe(outs.token);
  expect(read.inputs).not.toHaveProperty("ipFilterId");
  expect(read.inputs).not.toHaveProperty("expireAt");
  expect(await org.diff(id, refreshed, inputs as never)).toEqual(noChange);
});

it("a lifetime the policy enforces, with an expireAt within it, plans nothing", async () => {
  await setTokenPolicy(emulator.url, { organizationPermissionTokensEnforceExpirationAfterMs: 30 * day });
  const { now } = await control<{ now: number }>(emulator.url, "GET", "clock");
  const org = await provider();
  const { inputs, id, outs } = await createOrgToken(org, { name: "short-lived", permissions: ["ViewUsage"], expireAt: now + 20 * day });
  expect(outs.requested).toEqual({ expireAt: now + 20 * day });
  expect(await org.diff(id, outs, inputs as never)).toEqual(noChange);
  const read = await org.read(id, outs);
  expect(await org.diff(id, read.props as TokenOutputs, inputs as never)).toEqual(noChange);
  expect(await org.diff(id, outs, { ...inputs, expireAt: now + 21 * day } as never)).toEqual(replace("expireAt"));
});

describe("views the API token cannot see", () => {
  const requestedViews = ["v1", "v2"];
  const state: TokenOutputs = {
    tokenId: "id2",
    token: "id2~secret",
    name: "reader",
    permissions: ["OrganizationOwnedQueries", "ReadAccess"],
    createdAt: 1_800_000_000_000,
    // LogScale reports only the view this API token may see.
    viewIds: ["v1"],
    views: [{ id: "v1", name: "a" }],
    requested: { viewIds: requestedViews },
  };
  const inputs = { name: "reader", permissions: ["ReadAccess"], viewIds: requestedViews };

  it("are no reason to replace; a view the program adds or removes is", async () => {
    const view = await provider("view");
    expect(await view.diff("id2", state, inputs as never)).toEqual(noChange);
    expect(await view.diff("id2", state, { ...inputs, viewIds: ["v1"] } as never)).toEqual(replace("viewIds"));
    expect(await view.diff("id2", state, { ...inputs, viewIds: ["v1", "v2", "v3"] } as never)).toEqual(replace("viewIds"));
  });
});

it("a state written before `requested` existed compares with what LogScale reported, as it did then", async () => {
  const org = await provider();
  const { ipFilterId: _none, requested: _new, ...legacy } = {
    ...(await createOrgToken(org, { name: "legacy", permissions: ["ViewUsage"], ipFilterId: officeFilterId })).outs,
  };
  const legacyState: TokenOutputs = { ...legacy, ipFilterId: officeFilterId };
  expect(await org.diff(legacyState.tokenId, legacyState, { name: "legacy", permissions: ["ViewUsage"], ipFilterId: officeFilterId } as never)).toEqual(noChange);
  expect(await org.diff(legacyState.tokenId, legacyState, { name: "legacy", permissions: ["ViewUsage"] } as never)).toEqual(replace("ipFilterId"));
  // Its next update writes the record, so later plans compare with the program.
  const updated = (await org.update(legacyState.tokenId, legacyState, { name: "legacy", permissions: ["ManageUsers"], ipFilterId: officeFilterId } as never)).outs as TokenOutputs;
  expect(updated.requested).toEqual({ ipFilterId: officeFilterId });
});

describe("delete() when LogScale answers deleteToken: false", () => {
  it("fails naming the token while the token still exists, so it stays in the state", async () => {
    const org = await provider();
    const { id, outs } = await createOrgToken(org, { name: "stubborn", permissions: ["ViewUsage"] });
    await injectFault(emulator.url, { count: 1, match: { rootField: "deleteToken" }, answer: { deleteToken: false } });
    await expect(org.delete(id, outs)).rejects.toThrow(
      `Could not delete organization permissions token 'stubborn' (${id}): LogScale answered that it did not delete it, and the token still exists`,
    );
    expect((await storedTokens(emulator.url)).map((token) => token.id)).toEqual([id]);
    // Asked again (the fault is spent), it goes.
    await org.delete(id, outs);
    expect(await storedTokens(emulator.url)).toEqual([]);
  });

  it("succeeds when the token is gone all the same", async () => {
    const org = await provider();
    const { id, outs } = await createOrgToken(org, { name: "gone", permissions: ["ViewUsage"] });
    await control(emulator.url, "POST", "reset");
    await injectFault(emulator.url, { count: 1, match: { rootField: "deleteToken" }, answer: { deleteToken: false } });
    await expect(org.delete(id, outs)).resolves.toBeUndefined();
  });
});

it("after a create times out, watches for a late arrival as long as the configured request timeout", async () => {
  const sleeps: number[] = [];
  // Half a second to answer; the emulator holds the create far longer and then refuses it, so
  // no token is made and the whole watch runs.
  const org = await provider("organization", { "logscale:timeoutSeconds": "0.5" }, sleeps);
  await injectFault(emulator.url, { count: 1, match: { rootField: "createOrganizationPermissionsTokenV2" }, latencyMs: 600_000, status: 503 });
  const checked = await org.check({}, { name: "late", permissions: ["ViewUsage"] });
  const created = await org.create(checked.inputs);
  expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(500);
  expect((await storedTokens(emulator.url)).map((token) => token.id)).toEqual([created.id]);
  const creates = (await requestLog(emulator.url)).filter((request) => request.rootFields.includes("createOrganizationPermissionsTokenV2"));
  expect(creates).toHaveLength(1); // the held one is still in flight, so not yet logged
});
