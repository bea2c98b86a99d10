/**
 * The plugin's gRPC service in-process, called as the engine calls it, against the emulator:
 * what it marks secret, how it shows a rotation that is due, how it names a provider instance's
 * settings, and that Cancel ends an operation waiting to retry instead of waiting it out.
 */
import { adminToken, emulatorPerFile, injectFault } from "../support/emulator";
import { type RunningPlugin, serve } from "../../provider/serving/plugin/server";
import { configureRequest, type FakeEngine, plain, PluginClient, providerProto, secretKeys, startFakeEngine, struct, urnOf } from "./support";

const day = 86_400_000;
const emulator = emulatorPerFile({ reset: true });

let engine: FakeEngine;
let plugin: RunningPlugin;
let client: PluginClient;
/** The plugin's clock runs this far ahead of the real one. */
let ahead = 0;

beforeEach(async () => {
  ahead = 0;
  engine = await startFakeEngine();
  plugin = await serve({ version: "0.0.0-test", engineAddress: engine.address, core: { now: () => Date.now() + ahead } });
  client = new PluginClient(plugin.port);
});

afterEach(async () => {
  client.close();
  await plugin.shutdown(0);
  await engine.stop();
});

const orgUrn = (name: string) => urnOf("logscale:index:OrgPermissionsToken", name);
const viewUrn = (name: string) => urnOf("logscale:index:ViewPermissionsToken", name);

async function configure(settings: Record<string, unknown> = { url: emulator.url, token: adminToken }, providerUrn?: string): Promise<void> {
  await client.configure(configureRequest(settings, providerUrn));
}

async function check(urn: string, news: Record<string, unknown>, secret: readonly string[] = [], olds: Record<string, unknown> = {}): Promise<providerProto.CheckResponse> {
  const request = new providerProto.CheckRequest();
  request.setUrn(urn);
  request.setOlds(struct(olds));
  request.setNews(struct(news, secret));
  return client.check(request);
}

async function create(urn: string, inputs: providerProto.CheckResponse): Promise<providerProto.CreateResponse> {
  const request = new providerProto.CreateRequest();
  request.setUrn(urn);
  request.setProperties(inputs.getInputs());
  return client.create(request);
}

function failures(response: providerProto.CheckResponse): { property: string; reason: string }[] {
  return response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() }));
}

describe("secrets", () => {
  it("viewIds (and views) resolved from secret viewNames are secret in Check, Create, Read and Update", async () => {
    await configure();
    const inputs = { name: "secret-views", permissions: ["ReadAccess"], viewNames: ["dashboards"] };
    const checked = await check(viewUrn("reader"), inputs, ["viewNames"]);
    expect(failures(checked)).toEqual([]);
    expect(secretKeys(checked.getInputs())).toEqual(["viewIds", "viewNames"]);

    const created = await create(viewUrn("reader"), checked);
    expect(secretKeys(created.getProperties())).toEqual(["requested", "token", "viewIds", "views"]);
    expect(plain(created.getProperties())["views"]).toEqual([{ id: expect.any(String), name: "dashboards" }]);

    const read = new providerProto.ReadRequest();
    read.setUrn(viewUrn("reader"));
    read.setId(created.getId());
    read.setProperties(created.getProperties());
    read.setInputs(checked.getInputs());
    const refreshed = await client.read(read);
    expect(secretKeys(refreshed.getProperties())).toEqual(["requested", "token", "viewIds", "views"]);
    // Refresh's inputs name the views by id (viewNames are the program's, not LogScale's).
    expect(secretKeys(refreshed.getInputs())).toEqual(["viewIds"]);

    const recheck = await check(viewUrn("reader"), { ...inputs, permissions: ["ReadAccess", "ChangeFiles"] }, ["viewNames"], plain(checked.getInputs()));
    const update = new providerProto.UpdateRequest();
    update.setUrn(viewUrn("reader"));
    update.setId(created.getId());
    update.setOlds(created.getProperties());
    update.setNews(recheck.getInputs());
    const updated = await client.update(update);
    expect(secretKeys(updated.getProperties())).toEqual(["requested", "token", "viewIds", "views"]);
  });

  it("ipFilterId resolved from a secret ipFilterName is secret; with nothing secret, only the token and connection are", async () => {
    await configure();
    const checked = await check(orgUrn("ci"), { name: "secret-filter", permissions: ["ViewUsage"], ipFilterName: "office" }, ["ipFilterName"]);
    expect(secretKeys(checked.getInputs())).toEqual(["ipFilterId", "ipFilterName"]);
    const created = await create(orgUrn("ci"), checked);
    expect(secretKeys(created.getProperties())).toEqual(["ipFilterId", "requested", "token"]);

    const open = await check(orgUrn("open"), { name: "open-filter", permissions: ["ViewUsage"], ipFilterName: "office" });
    expect(secretKeys(open.getInputs())).toEqual([]);
    expect(secretKeys((await create(orgUrn("open"), open)).getProperties())).toEqual(["token"]);
  });
});

describe("a rotation that is due", () => {
  it("is a replacement for expireAt, shown by no property, with a warning naming the window", async () => {
    await configure();
    const inputs = { name: "rolling", permissions: ["ViewUsage"], expiresIn: "30d", rotateBeforeExpiry: "7d" };
    const checked = await check(orgUrn("rolling"), inputs);
    const created = await create(orgUrn("rolling"), checked);
    const diff = async () => {
      const request = new providerProto.DiffRequest();
      request.setUrn(orgUrn("rolling"));
      request.setId(created.getId());
      request.setOlds(created.getProperties());
      request.setOldInputs(checked.getInputs());
      request.setNews(checked.getInputs());
      return client.diff(request);
    };
    expect((await diff()).getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_NONE);

    ahead = 24 * day;
    const due = await diff();
    expect(due.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(due.getReplacesList()).toEqual(["expireAt"]);
    expect(due.getHasdetaileddiff()).toBe(true);
    expect([...due.getDetaileddiffMap().keys()]).toEqual([]);
    expect(due.getDiffsList()).toEqual([]);
    const warning = await engine.next((message) => message.severity === "warning" && message.message.includes("'rolling'"));
    expect(warning.urn).toBe(orgUrn("rolling"));
    expect(warning.message).toContain("within its rotateBeforeExpiry window of 7d");

    // With another change, the detailed diff shows that change alone.
    const more = await check(orgUrn("rolling"), { ...inputs, permissions: ["ViewUsage", "ManageUsers"] }, [], plain(checked.getInputs()));
    const request = new providerProto.DiffRequest();
    request.setUrn(orgUrn("rolling"));
    request.setId(created.getId());
    request.setOlds(created.getProperties());
    request.setOldInputs(checked.getInputs());
    request.setNews(more.getInputs());
    const both = await client.diff(request);
    expect(both.getReplacesList()).toEqual(["expireAt"]);
    expect(Object.fromEntries([...both.getDetaileddiffMap().entries()].map(([path, change]) => [path, change.getKind()]))).toEqual({
      "permissions[0]": providerProto.PropertyDiff.Kind.ADD,
    });
  });
});

describe("a provider instance's settings", () => {
  const eu = urnOf("pulumi:providers:logscale", "eu");

  async function checkConfig(settings: Record<string, unknown>, urn: string): Promise<{ property: string; reason: string }[]> {
    const request = new providerProto.CheckRequest();
    request.setUrn(urn);
    request.setNews(struct(settings));
    return failures(await client.checkConfig(request));
  }

  it("are named as its inputs; the default provider's as stack config", async () => {
    expect(await checkConfig({ url: emulator.url, insecure: "maybe" }, eu)).toEqual([{ property: "insecure", reason: "Input 'insecure' of provider 'eu' must be true or false, got 'maybe'." }]);
    expect(await checkConfig({ url: emulator.url, insecure: "maybe" }, urnOf("pulumi:providers:logscale", "default_0_1_0"))).toEqual([
      { property: "insecure", reason: "Stack config 'logscale:insecure' must be true or false, got 'maybe'." },
    ]);
    expect(await checkConfig({ url: "logscale.example.com" }, eu)).toEqual([
      { property: "url", reason: "The LogScale URL from input 'url' of provider 'eu' must be an absolute http:// or https:// URL, e.g. https://logscale.example.com." },
    ]);
    const [unknown] = await checkConfig({ urll: emulator.url }, eu);
    expect(unknown?.reason).toMatch(/^Input 'urll' of provider 'eu' is not a setting of the logscale provider\. Its settings are input 'url' of provider 'eu', /);
  });

  it("a missing URL says to give the provider a url input", async () => {
    const saved = { LOGSCALE_URL: process.env["LOGSCALE_URL"], HUMIO_ADDRESS: process.env["HUMIO_ADDRESS"] };
    delete process.env["LOGSCALE_URL"];
    delete process.env["HUMIO_ADDRESS"];
    try {
      await configure({ token: adminToken }, eu);
      await expect(check(orgUrn("ci"), { name: "ci", permissions: ["ViewUsage"] })).rejects.toThrow(
        "No LogScale URL configured. Set it with the 'url' input of provider 'eu' or the LOGSCALE_URL environment variable",
      );
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });

  it("a LogScale that cannot be reached names the provider's url input to check", async () => {
    const once = await serve({ version: "0.0.0-test", core: { client: { retry: { attempts: 1 } } } });
    const direct = new PluginClient(once.port);
    try {
      await direct.configure(configureRequest({ url: "http://127.0.0.1:1", token: adminToken }, eu));
      const request = new providerProto.CheckRequest();
      request.setUrn(orgUrn("ci"));
      request.setOlds(struct({}));
      request.setNews(struct({ name: "ci", permissions: ["ViewUsage"] }));
      await expect(direct.check(request)).rejects.toThrow("Check input 'url' of provider 'eu' and that LogScale is running.");
    } finally {
      direct.close();
      await once.shutdown(0);
    }
  });
});

describe("Cancel", () => {
  it("ends an operation waiting to retry at once, saying what was left undone", async () => {
    await configure();
    await injectFault(emulator.url, { status: 503, retryAfter: 60, count: 10 });
    const pending = check(orgUrn("slow"), { name: "slow", permissions: ["ViewUsage"] });
    const settled = pending.then(
      () => "answered",
      (error: Error) => error.message,
    );
    // The plugin says it will try again in 60 s; Cancel must not wait that out (the test would time out).
    await engine.next((message) => message.severity === "info" && message.message.includes("trying again in 60 s"));
    await client.cancel();
    expect(await settled).toMatch(/was cancelled while waiting to try again; the last attempt failed: .*HTTP 503/);
  });
});
