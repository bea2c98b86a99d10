import { resolveConnection } from "../../provider/core/config";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, injectFault, requestLog, type RunningEmulator, startTestEmulator } from "../support/emulator";
import { quiet, stackConfig } from "./support";

describe("where the connection comes from", () => {
  const env = { LOGSCALE_URL: "https://env.example.com", LOGSCALE_TOKEN: "env-token" };

  it("stack config wins over the environment", () => {
    const settings = resolveConnection(undefined, { url: "https://stack.example.com", token: "stack-token" }, env);
    expect(settings).toMatchObject({ url: "https://stack.example.com", apiToken: "stack-token", tokenSource: "stack config 'logscale:token'" });
  });

  it("the environment fills in what the stack config lacks", () => {
    expect(resolveConnection(undefined, { url: "https://stack.example.com" }, env)).toMatchObject({
      url: "https://stack.example.com",
      apiToken: "env-token",
      tokenSource: "the LOGSCALE_TOKEN environment variable",
    });
  });

  it("HUMIO_ADDRESS / HUMIO_TOKEN work as aliases", () => {
    expect(resolveConnection(undefined, {}, { HUMIO_ADDRESS: "https://humio.example.com", HUMIO_TOKEN: "humio-token" })).toMatchObject({
      url: "https://humio.example.com",
      apiToken: "humio-token",
      urlSource: "the HUMIO_ADDRESS environment variable",
    });
  });

  it("a resource's connection wins over everything", () => {
    expect(resolveConnection({ url: "https://mine.example.com", token: "mine", insecure: true }, { url: "https://stack.example.com", token: "t" }, env)).toMatchObject({
      url: "https://mine.example.com",
      apiToken: "mine",
      insecure: true,
      tokenSource: "the resource's connection.token",
    });
  });

  it("organization, insecure and caCertificate come from the stack config", () => {
    expect(resolveConnection(undefined, { url: "https://x.example.com", token: "t", organization: "acme", insecure: "true", caCertificate: "PEM" }, {})).toMatchObject({
      organization: "acme",
      insecure: true,
      caCertificate: "PEM",
    });
  });

  it("a proxy comes from logscale:proxy or a resource's connection.proxy, and a connection does not inherit the stack's", () => {
    const stack = { url: "https://x.example.com", token: "t", proxy: "http://proxy.example.com:3128" };
    expect(resolveConnection(undefined, stack, {})).toMatchObject({ proxy: "http://proxy.example.com:3128", proxySource: "stack config 'logscale:proxy'" });
    expect(resolveConnection({ url: "https://mine.example.com", token: "mine", proxy: "http://other.example.com:8080" }, stack, {})).toMatchObject({
      proxy: "http://other.example.com:8080",
      proxySource: "the resource's connection.proxy",
    });
    // Without a proxy of its own, a connection follows the environment (HTTPS_PROXY, NO_PROXY) as the client reads it.
    expect(resolveConnection({ url: "https://mine.example.com", token: "mine" }, stack, {})).not.toHaveProperty("proxy");
  });

  it("timeoutSeconds from the stack config applies to every connection, a resource's own included", () => {
    const stack = { url: "https://x.example.com", token: "t", timeoutSeconds: "2.5" };
    expect(resolveConnection(undefined, stack, {})).toMatchObject({ timeoutMs: 2500 });
    expect(resolveConnection({ url: "https://mine.example.com", token: "mine" }, stack, {})).toMatchObject({ timeoutMs: 2500 });
    expect(resolveConnection(undefined, { url: "https://x.example.com", token: "t" }, {})).not.toHaveProperty("timeoutMs");
  });

  it.each([
    [{}, {}, "No LogScale URL configured. Set it with 'pulumi config set logscale:url https://your-logscale' or the LOGSCALE_URL environment variable"],
    [{ url: "https://x.example.com" }, {}, "No LogScale API token configured. Set it with 'pulumi config set --secret logscale:token <token>' or the LOGSCALE_TOKEN environment variable"],
    [{ url: "x.example.com", token: "t" }, {}, "The LogScale URL from stack config 'logscale:url' must be an absolute http:// or https:// URL"],
    [{}, { LOGSCALE_URL: "https://x", LOGSCALE_TOKEN: "secret-with-newline\n" }, "The LogScale API token from the LOGSCALE_TOKEN environment variable must not contain whitespace or line breaks"],
    [{ url: "https://x", token: "t", insecure: "yes" }, {}, "Stack config 'logscale:insecure' must be true or false, got 'yes'."],
    [{ url: "https://x", token: "t", timeoutSeconds: "30s" }, {}, "Stack config 'logscale:timeoutSeconds' must be a number of seconds above 0 and at most 600, got '30s'."],
    [{ url: "https://x", token: "t", timeoutSeconds: "0" }, {}, "Stack config 'logscale:timeoutSeconds' must be a number of seconds above 0 and at most 600, got '0'."],
    [{ url: "https://x", token: "t", timeoutSeconds: " " }, {}, "Stack config 'logscale:timeoutSeconds' must be a number of seconds above 0 and at most 600, got ' '."],
    [{ url: "https://x", token: "t", timeoutSeconds: "3600" }, {}, "Stack config 'logscale:timeoutSeconds' must be a number of seconds above 0 and at most 600, got '3600'."],
    [{ url: "https://x", token: "t", proxy: "proxy.example.com:3128" }, {}, "The proxy from stack config 'logscale:proxy' must be an http:// or https:// URL such as http://proxy.example.com:3128"],
    [{ url: "https://x", token: "t", proxy: "socks5://proxy.example.com:1080" }, {}, "The proxy from stack config 'logscale:proxy' must be an http:// or https:// URL such as http://proxy.example.com:3128 (with user:password@ before the host if the proxy wants credentials); socks5 proxies are not supported."],
    [{ url: "https://x", token: "t", organization: "Acme Ø" }, {}, "The organization from stack config 'logscale:organization' must contain only printable ASCII characters (letters, digits, punctuation, spaces), as it is sent as the ProxyOrganization HTTP header; character 6, 'Ø' (U+00D8), is not."],
    [{ url: "https://x", token: "t", organization: "acme\u0007" }, {}, "The organization from stack config 'logscale:organization' must contain only printable ASCII characters (letters, digits, punctuation, spaces), as it is sent as the ProxyOrganization HTTP header; character 5, U+0007, is not."],
    [{ url: "https://x", token: "t", organization: "acme " }, {}, "The organization from stack config 'logscale:organization' must not begin or end with whitespace."],
    [{ url: "https://x" }, { LOGSCALE_TOKEN: "abc€def" }, "The LogScale API token from the LOGSCALE_TOKEN environment variable must contain only visible ASCII characters, as it is sent in the Authorization header; character 4 is not."],
    [{ url: "https://x", token: "abc\u0000def" }, {}, "The LogScale API token from stack config 'logscale:token' must contain only visible ASCII characters, as it is sent in the Authorization header; character 4 is not."],
  ])("explains what is missing or wrong (%#)", (stack, environment, message) => {
    expect(() => resolveConnection(undefined, stack, environment)).toThrow(message);
  });

  it("never repeats a proxy's credentials in its errors", () => {
    for (const proxy of ["socks5://user:proxy-secret-1@proxy.example.com:1080", "http://user:proxy-secret-1@proxy.example.com:3128/path?x=1"]) {
      expect(() => resolveConnection(undefined, { url: "https://x", token: "t", proxy }, {})).toThrow("The proxy from stack config 'logscale:proxy' must");
      try {
        resolveConnection(undefined, { url: "https://x", token: "t", proxy }, {});
      } catch (error) {
        expect(String(error)).not.toContain("proxy-secret-1");
      }
    }
  });

  it("never repeats the token in its errors", () => {
    const token = "my-secret-token value";
    expect(() => resolveConnection(undefined, { url: "https://x", token }, {})).toThrow(/must not contain whitespace/);
    try {
      resolveConnection(undefined, { url: "https://x", token }, {});
    } catch (error) {
      expect(String(error)).not.toContain(token);
    }
  });
});

describe("configure() and check() together", () => {
  const saved = { ...process.env };
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("check fails the preview when no connection is configured anywhere", async () => {
    delete process.env["LOGSCALE_URL"];
    delete process.env["HUMIO_ADDRESS"];
    const provider = new TokenProvider("organization", quiet);
    await provider.configure(stackConfig({}));
    await expect(provider.check({}, { name: "x", permissions: [] })).rejects.toThrow("No LogScale URL configured");
  });

  it("a resource connection is enough, without stack config", async () => {
    const provider = new TokenProvider("organization", quiet);
    await provider.configure(stackConfig({}));
    const result = await provider.check({}, { name: "x", permissions: [], connection: { url: emulator.url, token: adminToken } });
    expect(result.failures).toEqual([]);
  });

  it("a bad connection input is reported in our words, never as a failure whose value the engine would print", async () => {
    const provider = new TokenProvider("organization", quiet);
    await provider.configure(stackConfig({}));
    const secret = "api-token-with-newline";
    const outcome = provider.check({}, { name: "x", permissions: [], connection: { url: emulator.url, token: `${secret}\n` } });
    await expect(outcome).rejects.toThrow(
      "OrgPermissionsToken has invalid inputs: property connection: connection token must not contain whitespace or line breaks",
    );
    await expect(outcome).rejects.not.toThrow(secret);
  });

  it.each([
    ["logscale:organization", "Acme Ø", "The organization from stack config 'logscale:organization' must contain only printable ASCII characters"],
    ["logscale:proxy", "proxy.example.com:3128", "The proxy from stack config 'logscale:proxy' must be an http:// or https:// URL"],
  ])("a bad %s fails check() naming the setting, before any request", async (key, value, message) => {
    const provider = new TokenProvider("organization", quiet);
    await provider.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken, [key]: value }));
    const before = (await requestLog(emulator.url)).length;
    await expect(provider.check({}, { name: "x", permissions: ["ViewUsage"] })).rejects.toThrow(message);
    expect((await requestLog(emulator.url)).length).toBe(before);
  });

  it("the environment is read at call time, after configure()", async () => {
    const provider = new TokenProvider("organization", quiet);
    await provider.configure(stackConfig({}));
    process.env["LOGSCALE_URL"] = emulator.url;
    process.env["LOGSCALE_TOKEN"] = adminToken;
    await expect(provider.check({}, { name: "x", permissions: [] })).resolves.toMatchObject({ failures: [] });
  });

  it("requests give up after logscale:timeoutSeconds, and the error says which setting to raise", async () => {
    const provider = new TokenProvider("organization", { ...quiet, client: { retry: { attempts: 1 } } });
    await provider.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken, "logscale:timeoutSeconds": "0.2" }));
    await injectFault(emulator.url, { latencyMs: 1_000, count: 1 });
    const outcome = provider.read("some-token-id", { name: "x", permissions: [] } as never);
    await expect(outcome).rejects.toThrow("within 200 ms");
    await expect(outcome).rejects.toThrow("If LogScale is slow, raise stack config 'logscale:timeoutSeconds'");
    await control(emulator.url, "DELETE", "faults");
  });
});
