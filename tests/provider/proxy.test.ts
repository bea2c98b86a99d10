/**
 * The provider behind a proxy (a real proxy process): logscale:proxy wins over HTTPS_PROXY,
 * credentials in it never reach a message or the outputs, and a refresh or delete that meets
 * a failing proxy keeps the token in state and says that the proxy failed.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { closedPort, type RunningProxy, startProxy } from "../support/proxy";
import { startTlsFront, type TlsFront } from "../support/tls-front";
import { stackConfig } from "./support";

const proxyVariables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"];
const savedEnvironment = new Map(proxyVariables.map((name) => [name, process.env[name]]));

let emulator: RunningEmulator;
let front: TlsFront;
let proxy: RunningProxy;
const credentials = { user: "ci-runner", password: "proxy-password-8c21" };

beforeAll(async () => {
  emulator = await startTestEmulator();
  front = await startTlsFront(emulator.url);
  proxy = await startProxy({ credentials });
});
afterAll(async () => {
  await proxy.stop();
  await front.close();
  await emulator.stop();
});
beforeEach(() => {
  for (const name of proxyVariables) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of savedEnvironment) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** A provider whose stack config reaches LogScale over HTTPS with its private CA, plus `extra`. */
async function provider(extra: Record<string, string> = {}): Promise<TokenProvider> {
  const made = new TokenProvider("organization", { client: { retry: { attempts: 2 }, sleep: async () => undefined }, warn: () => undefined, info: () => undefined });
  await made.configure(
    stackConfig({ "logscale:url": front.url, "logscale:token": adminToken, "logscale:caCertificate": front.caCertificate, ...extra }),
  );
  return made;
}

const authenticatedProxy = () => `http://${credentials.user}:${credentials.password}@127.0.0.1:${proxy.port}`;

async function createThroughProxy(name: string): Promise<{ id: string; outs: TokenOutputs }> {
  const through = await provider({ "logscale:proxy": authenticatedProxy() });
  const checked = await through.check({}, { name, permissions: ["ViewUsage"] });
  expect(checked.failures).toEqual([]);
  const created = await through.create(checked.inputs as never);
  return { id: created.id, outs: created.outs as TokenOutputs };
}

it("logscale:proxy wins over HTTPS_PROXY, and its credentials stay out of the outputs", async () => {
  process.env["HTTPS_PROXY"] = `http://127.0.0.1:${await closedPort()}`;
  const before = (await proxy.seen()).length;
  const { id, outs } = await createThroughProxy("behind-the-proxy");
  const seen = (await proxy.seen()).slice(before);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((request) => request.method === "CONNECT" && request.url === new URL(front.url).host && request.authorized)).toBe(true);
  expect((await storedTokens(emulator.url)).some((token) => token.id === id)).toBe(true);
  expect(JSON.stringify(outs)).not.toContain(credentials.password);
});

describe("a proxy that fails during refresh or delete", () => {
  it.each([
    ["refuses the connection", async () => ({ "logscale:proxy": `http://127.0.0.1:${await closedPort()}` }), "the proxy refused the connection"],
    ["wants other credentials (407)", async () => ({ "logscale:proxy": `http://${credentials.user}:wrong-password-77@127.0.0.1:${proxy.port}` }), "the proxy answered 407"],
  ])("that %s keeps the token in state, and the error says the proxy failed", async (_label, settings, reason) => {
    const { id, outs } = await createThroughProxy(`kept-${reason.length}`);
    const failing = await provider(await settings());

    const read = failing.read(id, outs);
    await expect(read).rejects.toThrow(`Could not read organization permissions token '${outs.name}' (${id})`);
    await expect(read).rejects.toThrow(/through the proxy http:\/\/127\.0\.0\.1:\d+ \(from stack config 'logscale:proxy'\)/);
    await expect(read).rejects.toThrow(reason);

    const deletion = failing.delete(id, outs);
    await expect(deletion).rejects.toThrow(`Could not delete organization permissions token '${outs.name}' (${id})`);
    await expect(deletion).rejects.toThrow(reason);

    const messages = `${String(await read.catch((error: unknown) => error))} ${String(await deletion.catch((error: unknown) => error))}`;
    expect(messages).not.toContain("wrong-password-77");
    expect(messages).not.toContain(credentials.password);
    // Still there, so the state that holds it is still right.
    expect((await storedTokens(emulator.url)).some((token) => token.id === id)).toBe(true);
  });

  it("from HTTPS_PROXY, a CONNECT refused with 403 fails the refresh naming the variable", async () => {
    const { id, outs } = await createThroughProxy("kept-403");
    const denying = await startProxy({ denyConnect: true });
    try {
      process.env["HTTPS_PROXY"] = denying.url;
      const read = (await provider()).read(id, outs);
      await expect(read).rejects.toThrow(`through the proxy ${denying.url} (from HTTPS_PROXY): the proxy answered 403 Forbidden to CONNECT`);
    } finally {
      await denying.stop();
    }
  });
});
