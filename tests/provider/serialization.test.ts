/**
 * What `pulumi up` stores as each resource's `__provider`, and what `refresh` and `destroy`
 * later run: serialized from the package as installed in a program's node_modules, then
 * deserialized the way the provider host does and driven against the emulator. Beside it, what
 * the engine is sent and stores in plaintext: the registration's inputs and the outputs of a
 * real create, less what is marked secret.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { adminToken, controlResponse, type RunningEmulator, startTestEmulator, type StoredToken, storedTokens } from "../support/emulator";
import { type Consumer, createConsumer } from "../support/consumer";
import { configureRequest } from "./support";

type Pulumi = typeof import("@pulumi/pulumi");
type Package = typeof import("../../provider");
type Provider = Required<import("@pulumi/pulumi/dynamic").ResourceProvider>;

let emulator: RunningEmulator;
/** The LogScale a resource's `connection` names, whose API token is the connection's. */
let other: RunningEmulator;
let consumer: Consumer;
let load: NodeJS.Require;
const serialized: Record<string, string> = {};
/** Each resource's inputs as the SDK sends them to the engine, secrets still wrapped. */
const registered: Record<string, Record<string, unknown>> = {};
const connectionToken = "per-resource-connection-token";
const savedEnv = { ...process.env };

/** Pulumi's marker of a secret value in serialized properties. */
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";
const specialSignatureKey = "4dabf18193072939515e22adb298388d";

/** What the engine keeps in plaintext: the value with every secret replaced by a placeholder. */
function plaintextOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plaintextOf);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[specialSignatureKey] === secretSignature) return "[secret]";
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, plaintextOf(inner)]));
}

async function tokensAtOther(): Promise<string[]> {
  return (await controlResponse<{ tokens: StoredToken[] }>(other.url, "GET", "store", undefined, connectionToken)).json.tokens.map((token) => token.id);
}

/** The credentials of this file. */
function credentials(): string[] {
  return [adminToken, connectionToken, "logscale:token"];
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  other = await startEmulator({ adminToken: connectionToken });
  consumer = createConsumer();
  // Rooted at the program's directory: the package and @pulumi/pulumi resolve from its node_modules.
  load = createRequire(path.join(consumer.dir, "index.js"));
  const pulumi = load("@pulumi/pulumi") as Pulumi;
  const logscale = load("pulumi-logscale-tokens") as Package;

  // Every way a credential can be around while the program runs.
  process.env["LOGSCALE_URL"] = emulator.url;
  process.env["LOGSCALE_TOKEN"] = adminToken;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        serialized[args.name] = String(args.inputs["__provider"]);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "consumer",
    "test",
    false,
  );
  // The request as the engine receives it: secret inputs still marked.
  type Request = { getName(): string; getObject(): { toJavaScript(): Record<string, unknown> } | undefined };
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (request: Request, callback: unknown) => unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    registered[request.getName()] = request.getObject()?.toJavaScript() ?? {};
    return original(request, callback);
  };
  pulumi.runtime.setConfig("logscale:url", emulator.url);
  pulumi.runtime.setConfig("logscale:token", adminToken);

  const resources = [
    new logscale.OrgPermissionsToken("org", { name: "ser-org", permissions: ["ViewUsage"] }),
    new logscale.ViewPermissionsToken("view", { name: "ser-view", permissions: ["ReadAccess"], viewIds: ["x"] }),
    new logscale.SystemPermissionsToken("system", { name: "ser-system", permissions: ["ReadHealthCheck"] }),
    new logscale.OrgPermissionsToken("with-connection", {
      name: "ser-conn",
      permissions: ["ViewUsage"],
      connection: { url: other.url, token: connectionToken },
    }),
  ];
  await Promise.all(resources.map((resource) => new Promise((resolve) => resource.urn.apply(resolve))));
});

afterAll(async () => {
  process.env = { ...savedEnv };
  consumer.remove();
  await Promise.all([emulator.stop(), other.stop()]);
});

describe("the serialized provider", () => {
  it("holds no credential, URL or config", () => {
    expect(Object.keys(serialized).sort()).toEqual(["org", "system", "view", "with-connection"]);
    for (const text of Object.values(serialized)) {
      for (const forbidden of [...credentials(), emulator.url, new URL(emulator.url).host, other.url, new URL(other.url).host]) {
        expect(text).not.toContain(forbidden);
      }
    }
  });

  it("is registered with inputs that hold no credential outside what is marked secret", () => {
    expect(Object.keys(registered).sort()).toEqual(["org", "system", "view", "with-connection"]);
    // The connection is there, marked secret, and is all that holds its API token.
    expect(JSON.stringify(registered["with-connection"]?.["connection"])).toContain(secretSignature);
    for (const inputs of Object.values(registered)) {
      const plaintext = JSON.stringify(plaintextOf(inputs));
      // Booleans, so that a failure does not print a credential.
      expect(credentials().map((credential) => plaintext.includes(credential))).toEqual(credentials().map(() => false));
    }
  });

  it("is one require of the kind's provider module: at most 512 bytes", () => {
    // Every step rewrites the whole checkpoint, so each byte here is paid per resource per `up`.
    const oversized = Object.entries(serialized)
      .map(([name, text]) => ({ name, bytes: Buffer.byteLength(text) }))
      .filter(({ bytes }) => bytes > 512);
    expect(oversized).toEqual([]);
    for (const text of Object.values(serialized)) {
      expect(text.match(/require\(/g)).toHaveLength(1);
      expect(text).not.toContain("zod");
      expect(text).not.toContain("createOrganizationPermissionsTokenV2");
    }
  });

  it("names only the kind", () => {
    // Nothing of a resource's inputs: a connection input leaves its provider byte for byte the same.
    expect(serialized["with-connection"]).toBe(serialized["org"]);
    expect(serialized["org"]).toContain('require("pulumi-logscale-tokens/internal/provider/organization")');
    expect(serialized["view"]).toContain('require("pulumi-logscale-tokens/internal/provider/view")');
    expect(serialized["system"]).toContain('require("pulumi-logscale-tokens/internal/provider/system")');
  });
});

describe("the deserialized copy, as the provider host runs it", () => {
  function deserialize(text: string): Provider {
    const requireFromString = load("require-from-string") as (code: string, filename: string) => { handler: () => Provider };
    // The host resolves modules from the program's directory.
    return requireFromString(text, path.join(consumer.dir, "__provider.js")).handler();
  }

  it.each([
    ["org", { name: "rt-org", permissions: ["ViewUsage"] }, { permissions: ["ManageUsers"] }],
    ["system", { name: "rt-system", permissions: ["ReadHealthCheck"] }, { permissions: ["ManageCluster"] }],
  ])("%s: configure, check, create, read, update, delete against the emulator", async (name, raw, change) => {
    const provider = deserialize(serialized[name]!);
    await provider.configure(configureRequest({ "logscale:url": emulator.url, "logscale:token": adminToken }));

    const checked = await provider.check({}, raw);
    expect(checked.failures).toEqual([]);
    const created = await provider.create(checked.inputs);
    expect((await storedTokens(emulator.url)).some((token) => token.id === created.id)).toBe(true);

    const read = await provider.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);

    const changed = (await provider.check(checked.inputs, { ...raw, ...change })).inputs;
    expect((await provider.diff(created.id, created.outs, changed)).changes).toBe(true);
    const updated = await provider.update(created.id, created.outs, changed);
    expect(updated.outs.permissions).toEqual(change.permissions);
    expect(updated.outs.token).toBe(created.outs.token);

    await provider.delete(created.id, updated.outs);
    expect((await storedTokens(emulator.url)).some((token) => token.id === created.id)).toBe(false);
  });

  it("a create through a resource's connection stores the credential only where the engine keeps it secret", async () => {
    const provider = deserialize(serialized["with-connection"]!);
    await provider.configure(configureRequest({ "logscale:url": emulator.url, "logscale:token": adminToken }));
    const raw = { name: "rt-conn", permissions: ["ViewUsage"], connection: { url: other.url, token: connectionToken } };
    const checked = await provider.check({}, raw);
    expect(checked.failures).toEqual([]);
    const created = await provider.create(checked.inputs);
    // Made at the connection's LogScale, not the stack's.
    expect(await tokensAtOther()).toEqual([created.id]);
    expect(await storedTokens(emulator.url)).toEqual([]);

    // Secret in state: the outputs the class names in additionalSecretOutputs, and those whose input is secret.
    const secretOutputs = ["token", "connection"];
    expect(secretOutputs.every((key) => created.outs[key] !== undefined)).toBe(true);
    const plaintext = JSON.stringify([
      Object.fromEntries(Object.entries(checked.inputs).filter(([key]) => key !== "connection")),
      Object.fromEntries(Object.entries(created.outs).filter(([key]) => !secretOutputs.includes(key))),
    ]);
    const secret = String(created.outs["token"]).split("~")[1] ?? "";
    expect(secret.length).toBeGreaterThanOrEqual(20);
    // Booleans, so that a failure does not print a credential.
    expect([...credentials(), secret].map((credential) => plaintext.includes(credential))).toEqual([...credentials(), secret].map(() => false));

    await provider.delete(created.id, created.outs);
    expect(await tokensAtOther()).toEqual([]);
  });

  it("view: create and delete with the server's normalisation", async () => {
    const provider = deserialize(serialized["view"]!);
    await provider.configure(configureRequest({ "logscale:url": emulator.url, "logscale:token": adminToken }));
    const store = (await (await fetch(`${emulator.url}/_emulator/store`, { headers: { Authorization: `Bearer ${adminToken}` } })).json()) as {
      searchDomains: { id: string }[];
    };
    const checked = await provider.check({}, { name: "rt-view", permissions: ["ReadAccess"], viewIds: [store.searchDomains[0]!.id] });
    const created = await provider.create(checked.inputs);
    expect(created.outs.permissions).toEqual(["OrganizationOwnedQueries", "ReadAccess"]);
    await provider.delete(created.id, created.outs);
  });

  it("names the package when it is not installed where the program runs", () => {
    const requireFromString = load("require-from-string") as (code: string, filename: string) => { handler: () => Provider };
    // The host calls handler() as soon as it has evaluated the module.
    expect(() => requireFromString(serialized["org"]!, "/nonexistent/program/__provider.js").handler()).toThrow(
      "Cannot find module 'pulumi-logscale-tokens/internal/provider/organization'",
    );
  });
});
