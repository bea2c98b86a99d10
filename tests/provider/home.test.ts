/**
 * A token never loses its home: the provider against two emulators over real HTTP, which are two
 * clusters (each emulator reports a cluster id of its own). A token lives where it was made; a
 * new address for the same cluster changes nothing, a connection to another cluster replaces it
 * (made there, deleted at its old home), and a stack config that now leads elsewhere stops the
 * plan with what to do.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { DEFAULT_SEED, startEmulator } from "../../emulator";
import type { TokenInputs } from "../../provider/core/inputs";
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { settingNamesOf } from "../../provider/serving/plugin/provider-config";
import { unknownValue } from "../../provider/core/unknown";
import { adminToken, control, emulatorPerFile, requestLog, storedTokens } from "../support/emulator";
import { stackConfig } from "./support";

const a = emulatorPerFile({ reset: true });
const b = emulatorPerFile({ reset: true });

interface Home {
  readonly clusterId: string;
  readonly organizationId: string;
}

async function homeOf(url: string): Promise<Home> {
  const store = await control<{ clusterId: string; organization: { id: string } }>(url, "GET", "store");
  return { clusterId: store.clusterId, organizationId: store.organization.id };
}

let warnings: string[] = [];

/** A provider process: stack config pointing at `url` (or none), warnings collected. */
async function providerProcess(url?: string): Promise<TokenProvider> {
  const provider = new TokenProvider("organization", { info: () => undefined, warn: (message) => warnings.push(message) });
  await provider.configure(stackConfig(url === undefined ? {} : { "logscale:url": url, "logscale:token": adminToken }));
  return provider;
}

const connectionTo = (url: string) => ({ url, token: adminToken });
const localhost = (url: string) => url.replace("127.0.0.1", "localhost");

async function checked(provider: TokenProvider, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<TokenInputs> {
  const result = await provider.check(olds, news);
  expect(result.failures).toEqual([]);
  return result.inputs as unknown as TokenInputs;
}

async function made(provider: TokenProvider, inputs: Record<string, unknown>): Promise<{ id: string; outs: TokenOutputs; inputs: TokenInputs }> {
  const checkedInputs = await checked(provider, {}, inputs);
  const created = (await provider.create(checkedInputs)) as dynamic.CreateResult<TokenOutputs>;
  return { id: created.id, outs: created.outs!, inputs: checkedInputs };
}

const names = async (url: string) => (await storedTokens(url)).map((token) => token.name);
const mutationsAt = async (url: string) =>
  (await requestLog(url)).map((entry) => entry.operationName ?? "?").filter((name) => /^(Create|Update|Delete|Rotate)/.test(name));

beforeEach(async () => {
  warnings = [];
  // The emulator reset in beforeEach clears the request logs too.
  expect((await homeOf(a.url)).clusterId).not.toBe((await homeOf(b.url)).clusterId);
});

it("create records the cluster and organization the token lives in, in the outputs only", async () => {
  const provider = await providerProcess(a.url);
  const { outs, inputs } = await made(provider, { name: "ci", permissions: ["ViewUsage"] });
  expect(outs.home).toEqual(await homeOf(a.url));
  expect(inputs).not.toHaveProperty("home");
  const read = await provider.read(outs.tokenId, outs);
  expect(read.props?.home).toEqual(outs.home);
  expect(read.inputs).not.toHaveProperty("home");
});

describe("another address for the same cluster and organization", () => {
  it("in a connection: stored, nothing in LogScale changes", async () => {
    const provider = await providerProcess();
    const { id, outs } = await made(provider, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(a.url) });
    const news = await checked(provider, outs as never, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(localhost(a.url)) });
    expect(await provider.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    await control(a.url, "DELETE", "requests");
    const updated = await provider.update(id, outs, news);
    expect(updated.outs).toMatchObject({ tokenId: id, home: outs.home, connection: news.connection });
    expect(await mutationsAt(a.url)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("in the stack config: no change at all", async () => {
    const { id, outs, inputs } = await made(await providerProcess(a.url), { name: "ci", permissions: ["ViewUsage"] });
    const moved = await providerProcess(localhost(a.url));
    expect(await moved.diff(id, outs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect((await moved.read(id, outs)).id).toBe(id);
    expect(warnings).toEqual([]);
  });
});

describe("a connection that now leads to another cluster", () => {
  it("replaces the token: the new one is made there, the old one deleted at its own home", async () => {
    const provider = await providerProcess();
    const old = await made(provider, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(a.url) });
    const news = await checked(provider, old.outs as never, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(b.url) });
    expect(await provider.diff(old.id, old.outs, news)).toEqual({ changes: true, replaces: ["connection"], deleteBeforeReplace: false });
    const [homeA, homeB] = [await homeOf(a.url), await homeOf(b.url)];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`The organization permissions token 'ci' (${old.id}) lives in LogScale cluster ${homeA.clusterId}`);
    expect(warnings[0]).toContain(`the resource's connection.url (${b.url}/) now leads to cluster ${homeB.clusterId}`);
    expect(warnings[0]).toContain("it will be replaced");

    // What the engine does with a replacement: create with the new inputs, then delete with the old outputs.
    const created = (await provider.create(news)) as dynamic.CreateResult<TokenOutputs>;
    expect(created.outs?.home).toEqual(homeB);
    await provider.delete(old.id, old.outs);
    expect(await names(a.url)).toEqual([]);
    expect((await storedTokens(b.url)).map((token) => token.id)).toEqual([created.id]);
    expect(await mutationsAt(a.url)).toEqual(["CreateOrganizationPermissionsTokenV2", "DeleteToken"]);
    expect(await mutationsAt(b.url)).toEqual(["CreateOrganizationPermissionsTokenV2"]);
  });

  it("a connection given to a token the stack config made: replaced, the old one deleted through the stack config", async () => {
    const provider = await providerProcess(a.url);
    const old = await made(provider, { name: "ci", permissions: ["ViewUsage"] });
    const news = await checked(provider, old.outs as never, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(b.url) });
    expect((await provider.diff(old.id, old.outs, news)).replaces).toEqual(["connection"]);
    await provider.create(news);
    await provider.delete(old.id, old.outs);
    expect(await names(a.url)).toEqual([]);
    expect(await names(b.url)).toEqual(["ci"]);
  });

  it("the same cluster, another organization, is another home too", async () => {
    const homeA = await homeOf(a.url);
    const otherOrganization = await startEmulator({
      adminToken,
      clusterId: homeA.clusterId,
      seed: { ...DEFAULT_SEED, organization: { id: "OtherOrganization0000000", name: "other" } },
    });
    try {
      const provider = await providerProcess();
      const old = await made(provider, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(a.url) });
      const news = await checked(provider, old.outs as never, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(otherOrganization.url) });
      expect((await provider.diff(old.id, old.outs, news)).replaces).toEqual(["connection"]);
      expect(warnings[0]).toContain(`now leads to cluster ${homeA.clusterId} (organization OtherOrganization0000000)`);
    } finally {
      await otherOrganization.stop();
    }
  });

  it("unknown during preview: no failure, no question", async () => {
    const provider = await providerProcess();
    const old = await made(provider, { name: "ci", permissions: ["ViewUsage"], connection: connectionTo(a.url) });
    await control(a.url, "DELETE", "requests");
    const news = { name: "ci", permissions: ["ViewUsage"], connection: unknownValue } as unknown as TokenInputs;
    expect(await provider.diff(old.id, old.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const withUnknownUrl = { ...news, connection: { url: unknownValue, token: adminToken } } as unknown as TokenInputs;
    expect((await provider.diff(old.id, old.outs, withUnknownUrl)).replaces).toEqual([]);
    expect(await requestLog(a.url)).toEqual([]);
    expect(await requestLog(b.url)).toEqual([]);
  });
});

describe("a plugin provider's settings that now lead to another cluster (the same URL, another LogScale behind it)", () => {
  it("name the provider's input, and say the state keeps them rather than that they are never stored", async () => {
    const settingNames = settingNamesOf("urn:pulumi:dev::tokens::pulumi:providers:logscale::eu");
    const pluginProcess = (url: string) => {
      const provider = new TokenProvider("organization", { info: () => undefined, warn: (message) => warnings.push(message), settingNames });
      provider.configure({ url, token: adminToken });
      return provider;
    };
    const old = await made(pluginProcess(a.url), { name: "ci", permissions: ["ViewUsage"] });
    const failure = String(await pluginProcess(b.url).diff(old.id, old.outs, old.inputs).catch((error: unknown) => error));
    expect(failure).toContain(`but input 'url' of provider 'eu' (${b.url}/) now leads to cluster`);
    expect(failure).toContain("the provider settings it was made with, which the state keeps, lead elsewhere now");
    expect(failure).not.toContain("never stored");
    expect(failure).not.toContain("stack config");
    expect(failure).toContain(`after which input 'url' of provider 'eu' can follow`);
  });
});

describe("a stack config that now leads to another cluster", () => {
  it("fails the preview naming the token, both homes and what to do; refresh and delete refuse too; nothing is touched", async () => {
    const old = await made(await providerProcess(a.url), { name: "ci", permissions: ["ViewUsage"] });
    const [homeA, homeB] = [await homeOf(a.url), await homeOf(b.url)];
    const moved = await providerProcess(b.url);
    const failure = String(await moved.diff(old.id, old.outs, old.inputs).catch((error: unknown) => error));
    expect(failure).toContain(`The organization permissions token 'ci' (${old.id}) lives in LogScale cluster ${homeA.clusterId} (organization ${homeA.organizationId})`);
    expect(failure).toContain(`but stack config 'logscale:url' (${b.url}/) now leads to cluster ${homeB.clusterId} (organization ${homeB.organizationId})`);
    expect(failure).toContain("stack config credentials are never stored");
    expect(failure).toContain(`keep it: point stack config 'logscale:url' (and its API token) back at cluster ${homeA.clusterId}`);
    expect(failure).toContain(`move it: with stack config 'logscale:url' still on cluster ${homeA.clusterId}, give this resource a \`connection\` to the new LogScale`);
    expect(failure).toContain(`forget it: delete the token in cluster ${homeA.clusterId} by hand, then \`pulumi state delete <URN>\``);

    const refresh = String(await moved.read(old.id, old.outs).catch((error: unknown) => error));
    expect(refresh).toContain(`Cannot refresh the organization permissions token 'ci' (${old.id}): it lives in LogScale cluster ${homeA.clusterId}`);
    const destroy = String(await moved.delete(old.id, old.outs).catch((error: unknown) => error));
    expect(destroy).toContain(`Cannot delete the organization permissions token 'ci' (${old.id}): it lives in LogScale cluster ${homeA.clusterId}`);

    expect(await names(a.url)).toEqual(["ci"]);
    expect(await mutationsAt(a.url)).toEqual(["CreateOrganizationPermissionsTokenV2"]);
    // B was only asked where it leads, once for the process.
    expect((await requestLog(b.url)).map((entry) => entry.operationName)).toEqual(["Home"]);
    expect(warnings).toEqual([]);
  });
});

describe("a connection to another cluster while the stack config that made the token leads elsewhere too", () => {
  it.each([
    ["to the new cluster as well", true, (homeB: Home) => `and stack config 'logscale:url' leads to cluster ${homeB.clusterId}`],
    ["nowhere (removed)", false, () => "and stack config 'logscale:url' is not set"],
  ])("stack config moved %s: the preview fails, saying to point it back so the move can delete the old token", async (_case, configured, oldWay) => {
    const old = await made(await providerProcess(a.url), { name: "ci", permissions: ["ViewUsage"] });
    const [homeA, homeB] = [await homeOf(a.url), await homeOf(b.url)];
    const later = await providerProcess(configured ? b.url : undefined);
    const news = { ...old.inputs, connection: connectionTo(b.url) };
    const failure = String(await later.diff(old.id, old.outs, news).catch((error: unknown) => error));
    expect(failure).toContain(`the resource's connection.url (${b.url}/) now leads to cluster ${homeB.clusterId}`);
    expect(failure).toContain(oldWay(homeB));
    expect(failure).toContain(
      `move it: point stack config 'logscale:url' (and its API token) back at cluster ${homeA.clusterId}; the next \`pulumi up\` makes the new token at the connection's LogScale`,
    );
    expect(await names(a.url)).toEqual(["ci"]);
    expect(await names(b.url)).toEqual([]);
  });
});

describe("a state from before homes were recorded", () => {
  it("keeps working without a diff, and gains its home at the next refresh", async () => {
    const provider = await providerProcess(a.url);
    const { id, outs, inputs } = await made(provider, { name: "ci", permissions: ["ViewUsage"] });
    const { home: _recorded, ...legacy } = outs;
    const later = await providerProcess(b.url);
    // Without a record nothing can be compared: the plan is as it always was.
    expect(await later.diff(id, legacy, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const refreshed = await provider.read(id, legacy);
    expect(refreshed.props?.home).toEqual(await homeOf(a.url));
    // Recorded, the same move is seen.
    await expect(later.diff(id, refreshed.props!, inputs)).rejects.toThrow(`now leads to cluster ${(await homeOf(b.url)).clusterId}`);
  });
});

it("where a LogScale leads is asked once per process and connection, not per token", async () => {
  const provider = await providerProcess(a.url);
  const tokens = await Promise.all(["one", "two", "three"].map((name) => made(provider, { name, permissions: ["ViewUsage"] })));
  const next = await providerProcess(a.url);
  await Promise.all(tokens.map((token) => next.diff(token.id, token.outs, token.inputs)));
  await Promise.all(tokens.map((token) => next.read(token.id, token.outs)));
  expect((await requestLog(a.url)).filter((entry) => entry.operationName === "Home")).toHaveLength(2);
});
