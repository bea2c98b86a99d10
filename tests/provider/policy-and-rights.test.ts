/**
 * What the organization's token security policy and the API token's rights do to a plan:
 * said at preview (check/diff), never found out halfway through `up`.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, emulatorPerFile, injectFault, requestLog, setTokenPolicy, storedTokens } from "../support/emulator";
import { stackConfig } from "./support";

const emulator = emulatorPerFile({ reset: true });
const warnings: string[] = [];

async function provider(kind: "organization" | "view" | "system" = "organization", token = adminToken): Promise<TokenProvider> {
  const created = new TokenProvider(kind, { info: () => undefined, warn: (message) => warnings.push(message), client: { retry: { attempts: 2, baseDelayMs: 1 } } });
  await created.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": token }));
  return created;
}

const setPolicy = (changes: Record<string, unknown>) => setTokenPolicy(emulator.url, changes);

beforeEach(async () => {
  warnings.length = 0;
});

describe("a policy that forbids permission updates", () => {
  it("turns a permission change into a planned replacement at preview, with a warning", async () => {
    const org = await provider();
    const checked = await org.check({}, { name: "locked", permissions: ["ViewUsage"] });
    const created = await org.create(checked.inputs);
    await setPolicy({ organizationPermissionTokensAllowPermissionUpdates: false });

    const fresh = await provider(); // a new preview: the policy is read afresh
    const news = (await fresh.check(checked.inputs, { name: "locked", permissions: ["ManageUsers"] })).inputs;
    expect(await fresh.diff(created.id, created.outs as TokenOutputs, news as never)).toEqual({
      changes: true,
      replaces: ["permissions"],
      deleteBeforeReplace: false,
    });
    expect(warnings.join("\n")).toContain(
      "forbids changing the permissions of existing organization permissions tokens (organizationPermissionTokensAllowPermissionUpdates is false), so 'locked' will be replaced",
    );
    // The replacement `up` runs instead works: a new token with the new permissions.
    const replacement = await fresh.create(news);
    expect((replacement.outs as TokenOutputs).permissions).toEqual(["ManageUsers"]);
  });

  it("leaves other kinds alone", async () => {
    const system = await provider("system");
    const checked = await system.check({}, { name: "free", permissions: ["ReadHealthCheck"] });
    const created = await system.create(checked.inputs);
    await setPolicy({ organizationPermissionTokensAllowPermissionUpdates: false });
    const news = (await system.check(checked.inputs, { name: "free", permissions: ["ManageCluster"] })).inputs;
    expect((await (await provider("system")).diff(created.id, created.outs as TokenOutputs, news as never)).replaces).toEqual([]);
  });
});

describe("an enforced maximum lifetime", () => {
  beforeEach(async () => {
    await setPolicy({ organizationPermissionTokensEnforceExpirationAfterMs: 30 * 86_400_000 });
  });

  it("refuses at preview an expireAt beyond it, with the limit in the message, before anything is created", async () => {
    const org = await provider();
    await control(emulator.url, "DELETE", "requests");
    const result = await org.check({}, { name: "long-lived", permissions: ["ViewUsage"], expireAt: Date.now() + 90 * 86_400_000 });
    expect((result.failures ?? [])).toHaveLength(1);
    expect((result.failures ?? [])[0]?.property).toBe("expireAt");
    expect((result.failures ?? [])[0]?.reason).toContain("expireAt must be set and at most 30 days from now");
    expect((result.failures ?? [])[0]?.reason).toContain("organizationPermissionTokensEnforceExpirationAfterMs");
    const mutations = (await requestLog(emulator.url)).filter((entry) => entry.operationName?.startsWith("Create"));
    expect(mutations).toEqual([]);
  });

  it("refuses a token without expireAt", async () => {
    const result = await (await provider()).check({}, { name: "forever", permissions: ["ViewUsage"] });
    expect((result.failures ?? [])[0]?.reason).toContain("expireAt must be set");
  });

  it("accepts one within it", async () => {
    const result = await (await provider()).check({}, { name: "short", permissions: ["ViewUsage"], expireAt: Date.now() + 7 * 86_400_000 });
    expect((result.failures ?? [])).toEqual([]);
  });

  it("does not bother an existing token whose expiry is unchanged", async () => {
    const olds = { name: "old", permissions: ["ViewUsage"] };
    const result = await (await provider()).check(olds, { name: "old", permissions: ["ManageUsers"] });
    expect((result.failures ?? [])).toEqual([]);
  });
});

it("a disabled kind is refused at preview", async () => {
  await setPolicy({ systemPermissionTokensEnabled: false });
  const result = await (await provider("system")).check({}, { name: "ops", permissions: ["ReadHealthCheck"] });
  expect((result.failures ?? [])[0]?.reason).toContain("disables system permissions tokens (systemPermissionTokensEnabled is false)");
});

describe("references to what LogScale does not have, refused at preview", () => {
  it("an unknown ipFilterId, with the organization's filters in the message; a known one passes", async () => {
    const { ipFilters } = await control<{ ipFilters: { id: string; name: string }[] }>(emulator.url, "GET", "store");
    const office = ipFilters[0]!;
    const org = await provider();
    const refused = await org.check({}, { name: "ci", permissions: ["ViewUsage"], ipFilterId: "000000000000000000000000" });
    expect(refused.failures).toEqual([
      { property: "ipFilterId", reason: `ipFilterId '000000000000000000000000' is not the id of an IP filter of the organization. Known: ${office.name} (${office.id})` },
    ]);
    expect((await org.check({}, { name: "ci", permissions: ["ViewUsage"], ipFilterId: office.id })).failures).toEqual([]);
    expect(await storedTokens(emulator.url)).toEqual([]);
  });

  it("an unchanged ipFilterId of an existing token is not asked about again", async () => {
    const org = await provider();
    const olds = { name: "ci", permissions: ["ViewUsage"], ipFilterId: "deleted-since" };
    await control(emulator.url, "DELETE", "requests");
    expect((await org.check(olds, { ...olds, permissions: ["ManageUsers"] })).failures).toEqual([]);
    expect((await requestLog(emulator.url)).map((entry) => entry.operationName)).not.toContain("IpFilters");
  });
});

describe("an API token without the rights", () => {
  it("a view token used as API token: a clear refusal, no retries, nothing created", async () => {
    const admin = await provider("view");
    const store = await control<{ searchDomains: { id: string }[] }>(emulator.url, "GET", "store");
    const viewToken = await admin.create((await admin.check({}, { name: "reader", permissions: ["ReadAccess"], viewIds: [store.searchDomains[0]!.id] })).inputs);

    const weak = await provider("organization", (viewToken.outs as TokenOutputs).token);
    await control(emulator.url, "DELETE", "requests");
    const checked = await weak.check({}, { name: "escalation", permissions: ["ManageUsers"] });
    const error = String(await weak.create(checked.inputs).catch((caught: unknown) => caught));
    expect(error).toContain("Could not create organization permissions token 'escalation'");
    expect(error).toContain("Not allowed");
    expect(error).toContain("The API token is valid but lacks the rights to manage organization permissions tokens");
    expect(error.includes((viewToken.outs as TokenOutputs).token)).toBe(false);
    // Refused already at the lookup that precedes every create: the create itself is never sent.
    expect((await requestLog(emulator.url)).filter((entry) => entry.operationName === "CreateOrganizationPermissionsTokenV2")).toEqual([]);
    expect((await storedTokens(emulator.url)).some((token) => token.name === "escalation")).toBe(false);
  });

  it("a wrong API token: one authentication error naming where it came from, no retry storm", async () => {
    const wrong = await provider("organization", "not-the-right-token");
    await control(emulator.url, "DELETE", "requests");
    const error = String(await wrong.read("someid", { name: "x", tokenId: "someid", token: "", permissions: [], createdAt: 0 }).catch((caught: unknown) => caught));
    expect(error).toContain("LogScale authentication failed (HTTP 401)");
    expect(error).toContain("stack config 'logscale:token'");
    expect(await requestLog(emulator.url)).toHaveLength(1);
  });

  it("a wrong API token already fails the preview, naming where the token came from", async () => {
    const wrong = await provider("organization", "not-the-right-token");
    const outcome = wrong.check({}, { name: "ci", permissions: ["ViewUsage"] });
    await expect(outcome).rejects.toThrow("Could not check organization permissions token 'ci' against LogScale: LogScale authentication failed (HTTP 401)");
    await expect(outcome).rejects.toThrow("stack config 'logscale:token'");
    await expect(outcome).rejects.not.toThrow("not-the-right-token");
  });

  it("an unreachable LogScale fails the preview instead of passing it unchecked, and is asked again next time", async () => {
    const org = await provider();
    await injectFault(emulator.url, { drop: true, count: 2 });
    await expect(org.check({}, { name: "ci", permissions: ["ViewUsage"] })).rejects.toThrow("Could not check organization permissions token 'ci' against LogScale");
    expect((await org.check({}, { name: "ci", permissions: ["ViewUsage"] })).failures).toEqual([]);
  });
});

describe("hostile names are data, not GraphQL", () => {
  it.each([
    '"}) { id } mutation { deleteToken(input:{id:"x"}) }',
    "back\\\\slash and \"quotes\" and 'single'",
    "unicode ✓ 日本語 émoji 🔑",
    "$variable ${template} {{mustache}} #comment",
  ])("%s is stored literally", async (name) => {
    const org = await provider();
    const checked = await org.check({}, { name, permissions: ["ViewUsage"] });
    expect(checked.failures).toEqual([]);
    const before = (await storedTokens(emulator.url)).length;
    const created = await org.create(checked.inputs);
    expect((created.outs as TokenOutputs).name).toBe(name);
    expect((await storedTokens(emulator.url)).find((token) => token.id === created.id)?.name).toBe(name);
    expect((await storedTokens(emulator.url)).length).toBe(before + 1);
  });
});
