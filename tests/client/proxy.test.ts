/**
 * Through a real proxy process on loopback: HTTPS tunnelled by CONNECT (LogScale's private CA
 * checked inside the tunnel), plain HTTP forwarded, NO_PROXY going around it, credentials, and
 * every way a proxy can fail, each a typed error that names the proxy and never its password.
 */
import { LogScaleNetworkError, LogScaleProxyError, LogScaleTlsError } from "../../provider/client/errors";
import { closedPort, droppingServer, type RunningProxy, startProxy } from "../support/proxy";
import { startTlsFront, type TlsFront } from "../support/tls-front";
import { requestLog, type RunningEmulator, startTestEmulator, testClient } from "./support";

const proxyVariables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"];
const savedEnvironment = new Map(proxyVariables.map((name) => [name, process.env[name]]));

/** The proxy environment for one test: the machine's own proxy settings never leak in. */
function proxyEnvironment(values: Record<string, string>): void {
  for (const name of proxyVariables) delete process.env[name];
  Object.assign(process.env, values);
}

let emulator: RunningEmulator;
let front: TlsFront;
let proxy: RunningProxy;
/** The emulator's and the TLS front's `host:port`, as a CONNECT names them. */
let frontAuthority: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  front = await startTlsFront(emulator.url);
  frontAuthority = new URL(front.url).host;
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.stop();
  await front.close();
  await emulator.stop();
});
beforeEach(() => proxyEnvironment({}));
afterEach(() => {
  for (const [name, value] of savedEnvironment) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** What the proxy received during `work`. */
async function throughProxy<T>(running: RunningProxy, work: () => Promise<T>): Promise<{ result: T; seen: readonly string[] }> {
  const before = (await running.seen()).length;
  const result = await work();
  return { result, seen: (await running.seen()).slice(before).map((request) => `${request.method} ${request.url}`) };
}

describe("HTTPS_PROXY", () => {
  it("tunnels HTTPS with CONNECT, checks LogScale's private CA inside the tunnel, and keeps the tunnel alive", async () => {
    proxyEnvironment({ HTTPS_PROXY: proxy.url });
    const { client } = testClient(front.url, { caCertificate: front.caCertificate });
    const { result, seen } = await throughProxy(proxy, async () => [await client.ipFilters(), await client.searchDomains()]);
    client.close();
    expect(result[0]?.length).toBeGreaterThan(0);
    // Two requests, one tunnel: keep-alive holds through the proxy.
    expect(seen).toEqual([`CONNECT ${frontAuthority}`]);
  });

  it("refuses LogScale's certificate inside the tunnel when it is not trusted, and accepts it with insecure", async () => {
    proxyEnvironment({ https_proxy: proxy.url });
    const untrusting = testClient(front.url);
    const error = await untrusting.client.ipFilters().catch((caught: unknown) => caught);
    untrusting.client.close();
    expect(error).toBeInstanceOf(LogScaleTlsError);

    const insecure = testClient(front.url, { insecure: true });
    const { seen } = await throughProxy(proxy, () => insecure.client.ipFilters());
    insecure.client.close();
    expect(seen).toEqual([`CONNECT ${frontAuthority}`]);
  });

  it("is not used for an http:// URL, which HTTP_PROXY forwards as an absolute-URL request", async () => {
    proxyEnvironment({ HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}`, HTTP_PROXY: proxy.url });
    const { client } = testClient(emulator.url);
    const { seen } = await throughProxy(proxy, () => client.ipFilters());
    client.close();
    expect(seen).toEqual([`POST ${emulator.url}/graphql`]);
  });

  it("is gone around for a host in NO_PROXY: the proxy sees nothing", async () => {
    proxyEnvironment({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost, 127.0.0.1" });
    const { client } = testClient(front.url, { caCertificate: front.caCertificate });
    const { result, seen } = await throughProxy(proxy, () => client.ipFilters());
    client.close();
    expect(result.length).toBeGreaterThan(0);
    expect(seen).toEqual([]);
  });

  it("is overridden by a proxy given in settings", async () => {
    proxyEnvironment({ HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` });
    const { client } = testClient(front.url, { caCertificate: front.caCertificate, proxy: proxy.url, proxySource: "logscale:proxy" });
    const { seen } = await throughProxy(proxy, () => client.ipFilters());
    client.close();
    expect(seen).toEqual([`CONNECT ${frontAuthority}`]);
  });
});

describe("a proxy that wants credentials", () => {
  const credentials = { user: "proxy-user", password: "proxy-pass-7f3a9c" };
  let guarded: RunningProxy;
  beforeAll(async () => {
    guarded = await startProxy({ credentials });
  });
  afterAll(async () => {
    await guarded.stop();
  });
  const withCredentials = (password: string) => `http://${credentials.user}:${password}@127.0.0.1:${guarded.port}`;

  it("gets them from the proxy URL, for CONNECT and for forwarded requests", async () => {
    proxyEnvironment({ HTTPS_PROXY: withCredentials(credentials.password), HTTP_PROXY: withCredentials(credentials.password) });
    const tunnelled = testClient(front.url, { caCertificate: front.caCertificate });
    const forwarded = testClient(emulator.url);
    const before = (await guarded.seen()).length;
    await tunnelled.client.ipFilters();
    await forwarded.client.ipFilters();
    tunnelled.client.close();
    forwarded.client.close();
    const seen = (await guarded.seen()).slice(before);
    expect(seen.map((request) => [request.method, request.authorized])).toEqual([
      ["CONNECT", true],
      ["POST", true],
    ]);
  });

  it("answers CONNECT with 407 to wrong ones: a proxy error naming the proxy without the credentials, not retried", async () => {
    proxyEnvironment({ HTTPS_PROXY: withCredentials("wrong-pass-51d2e8") });
    const { client, events } = testClient(front.url, { caCertificate: front.caCertificate });
    const requestsBefore = (await requestLog(emulator.url)).length;
    const error = await client.createOrganizationPermissionsTokenV2({ name: "through-407", permissions: ["ViewUsage"] }).catch((caught: unknown) => caught);
    client.close();
    expect(error).toBeInstanceOf(LogScaleProxyError);
    expect(error).toMatchObject({ status: 407, mayHaveBeenApplied: false, attempts: 1, proxy: { display: `http://127.0.0.1:${guarded.port}`, source: "HTTPS_PROXY" } });
    expect(String(error)).toContain(`through the proxy http://127.0.0.1:${guarded.port} (from HTTPS_PROXY)`);
    expect(String(error)).toContain("the proxy answered 407 Proxy Authentication Required");
    const everything = `${String(error)} ${JSON.stringify(events)}`;
    for (const secret of ["wrong-pass-51d2e8", credentials.user, Buffer.from(`${credentials.user}:wrong-pass-51d2e8`).toString("base64")]) {
      expect(everything).not.toContain(secret);
    }
    // It never reached LogScale.
    expect((await requestLog(emulator.url)).length).toBe(requestsBefore);
  });

  it("answers a forwarded http:// request with 407 when they are missing: a proxy error too", async () => {
    proxyEnvironment({ HTTP_PROXY: guarded.url });
    const { client } = testClient(emulator.url);
    const error = await client.ipFilters().catch((caught: unknown) => caught);
    client.close();
    expect(error).toBeInstanceOf(LogScaleProxyError);
    expect(error).toMatchObject({ status: 407, attempts: 1 });
    expect(String(error)).toContain(`through the proxy ${guarded.url} (from HTTP_PROXY): the proxy answered 407 Proxy Authentication Required`);
  });
});

describe("a proxy that fails", () => {
  it("refusing the connection is a proxy error naming it; the request never left, so even a create is retried", async () => {
    const port = await closedPort();
    proxyEnvironment({ HTTPS_PROXY: `http://127.0.0.1:${port}` });
    const { client, events } = testClient(front.url, { caCertificate: front.caCertificate });
    const error = await client.createOrganizationPermissionsTokenV2({ name: "through-refused", permissions: ["ViewUsage"] }).catch((caught: unknown) => caught);
    client.close();
    expect(error).toBeInstanceOf(LogScaleProxyError);
    expect(error).toMatchObject({ mayHaveBeenApplied: false, attempts: 4, status: undefined });
    expect(String(error)).toContain(`through the proxy http://127.0.0.1:${port} (from HTTPS_PROXY)`);
    expect(String(error)).toContain("the proxy refused the connection (ECONNREFUSED)");
    expect(events.filter((event) => event.type === "retry")).toHaveLength(3);
  });

  it("closing the connection before it answers is a proxy error naming it", async () => {
    const dropping = await droppingServer();
    proxyEnvironment({ HTTPS_PROXY: dropping.url });
    const { client } = testClient(front.url, { caCertificate: front.caCertificate, retry: { attempts: 1 } });
    const error = await client.ipFilters().catch((caught: unknown) => caught);
    client.close();
    await dropping.close();
    expect(error).toBeInstanceOf(LogScaleProxyError);
    expect(String(error)).toContain(`through the proxy ${dropping.url} (from HTTPS_PROXY): the proxy closed the connection before it answered`);
    expect(dropping.connections()).toBe(1);
  });

  it("a connection lost once the tunnel is up is no proxy error: LogScale may have acted, the outcome is unknown", async () => {
    const cutting = await startTlsFront(emulator.url, (request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" });
        response.write('{"data":{"createOrganizationPermissionsTokenV2":{"token":"abc~', () => response.socket?.destroy());
      });
    });
    proxyEnvironment({ HTTPS_PROXY: proxy.url });
    const { client } = testClient(cutting.url, { caCertificate: cutting.caCertificate });
    const { result: error, seen } = await throughProxy(proxy, () =>
      client.createOrganizationPermissionsTokenV2({ name: "cut-in-the-tunnel", permissions: ["ViewUsage"] }).catch((caught: unknown) => caught),
    ).finally(() => cutting.close());
    client.close();
    expect(error).toBeInstanceOf(LogScaleNetworkError);
    expect(error).toMatchObject({ mayHaveBeenApplied: true, attempts: 1 });
    expect(String(error)).toContain("the outcome is unknown");
    expect(seen).toEqual([`CONNECT ${new URL(cutting.url).host}`]);
  });

  it("answering CONNECT with 403 is a proxy error with the status, not retried, and LogScale sees nothing", async () => {
    const denying = await startProxy({ denyConnect: true });
    proxyEnvironment({ HTTPS_PROXY: denying.url });
    const { client } = testClient(front.url, { caCertificate: front.caCertificate });
    const requestsBefore = (await requestLog(emulator.url)).length;
    const { result: error, seen } = await throughProxy(denying, () => client.ipFilters().catch((caught: unknown) => caught)).finally(() => denying.stop());
    client.close();
    expect(error).toBeInstanceOf(LogScaleProxyError);
    expect(error).toMatchObject({ status: 403, attempts: 1, mayHaveBeenApplied: false });
    expect(String(error)).toContain(`through the proxy ${denying.url} (from HTTPS_PROXY): the proxy answered 403 Forbidden to CONNECT`);
    expect(seen).toEqual([`CONNECT ${frontAuthority}`]);
    expect((await requestLog(emulator.url)).length).toBe(requestsBefore);
  });
});
