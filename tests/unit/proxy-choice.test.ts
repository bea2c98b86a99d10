/**
 * Which proxy a request to LogScale goes through, read from the environment as curl and npm
 * read it (through proxy-from-env), or from a setting, which wins.
 */
import { chooseProxy, ProxySettingError } from "../../provider/client/http/proxy";

const proxyVariables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"];
const saved = new Map(proxyVariables.map((name) => [name, process.env[name]]));

function environment(values: Record<string, string>): void {
  for (const name of proxyVariables) delete process.env[name];
  Object.assign(process.env, values);
}
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The chosen proxy as `display (from source)`, or "direct". */
function choice(target: string, values: Record<string, string>, setting?: { url: string; source: string }): string {
  environment(values);
  const chosen = chooseProxy(target, setting);
  return chosen === undefined ? "direct" : `${chosen.display} (from ${chosen.source})`;
}

describe("the environment's proxy", () => {
  it.each([
    ["https://logscale.example.com/graphql", { HTTPS_PROXY: "http://p1:3128" }, "http://p1:3128 (from HTTPS_PROXY)"],
    ["https://logscale.example.com/graphql", { https_proxy: "http://lower:3128", HTTPS_PROXY: "http://upper:3128" }, "http://lower:3128 (from https_proxy)"],
    ["https://logscale.example.com/graphql", { HTTP_PROXY: "http://p1:3128" }, "direct"],
    ["http://logscale.example.com/graphql", { HTTP_PROXY: "http://p2:8080", HTTPS_PROXY: "http://p1:3128" }, "http://p2:8080 (from HTTP_PROXY)"],
    ["https://logscale.example.com/graphql", { ALL_PROXY: "http://all:3128" }, "http://all:3128 (from ALL_PROXY)"],
    ["https://logscale.example.com/graphql", { HTTPS_PROXY: "http://p1:3128", ALL_PROXY: "http://all:3128" }, "http://p1:3128 (from HTTPS_PROXY)"],
    // curl reads a proxy without a scheme as http:// (proxy-from-env would take the target's https://).
    ["https://logscale.example.com/graphql", { HTTPS_PROXY: "p1:3128" }, "http://p1:3128 (from HTTPS_PROXY)"],
    ["https://logscale.example.com/graphql", {}, "direct"],
  ])("%s with %j: %s", (target, values, expected) => {
    expect(choice(target, values)).toBe(expected);
  });
});

describe("NO_PROXY", () => {
  const proxy = { HTTPS_PROXY: "http://p1:3128" };
  it.each([
    ["*", "https://logscale.example.com/graphql", "direct"],
    ["logscale.example.com", "https://logscale.example.com/graphql", "direct"],
    // curl and npm: a bare domain covers its hosts.
    ["example.com", "https://logscale.example.com/graphql", "direct"],
    [".example.com", "https://logscale.example.com/graphql", "direct"],
    ["*.example.com", "https://logscale.example.com/graphql", "direct"],
    ["example.com", "https://logscale.notexample.com/graphql", "http://p1:3128 (from HTTPS_PROXY)"],
    ["other.com, localhost", "https://logscale.example.com/graphql", "http://p1:3128 (from HTTPS_PROXY)"],
    ["logscale.example.com:8443", "https://logscale.example.com:8443/graphql", "direct"],
    ["logscale.example.com:8443", "https://logscale.example.com/graphql", "http://p1:3128 (from HTTPS_PROXY)"],
    ["LOGSCALE.Example.COM", "https://logscale.example.com/graphql", "direct"],
  ])("%p for %s: %s", (noProxy, target, expected) => {
    expect(choice(target, { ...proxy, NO_PROXY: noProxy })).toBe(expected);
  });

  it("is read in lower case too", () => {
    expect(choice("https://logscale.example.com/graphql", { ...proxy, no_proxy: "example.com" })).toBe("direct");
  });
});

describe("a proxy setting", () => {
  it("wins over the environment, NO_PROXY included", () => {
    const setting = { url: "http://mine:3128", source: "stack config 'logscale:proxy'" };
    expect(choice("https://logscale.example.com/graphql", { HTTPS_PROXY: "http://p1:3128", NO_PROXY: "*" }, setting)).toBe(
      "http://mine:3128 (from stack config 'logscale:proxy')",
    );
  });

  it("is shown without its credentials, which become secrets in every form they could be echoed in", () => {
    environment({});
    const chosen = chooseProxy("https://logscale.example.com", { url: "http://proxy%20user:p%40ss-word@proxy.example.com:3128", source: "logscale:proxy" });
    expect(chosen?.display).toBe("http://proxy.example.com:3128");
    expect(chosen?.secrets).toEqual(
      expect.arrayContaining(["p%40ss-word", "p@ss-word", "proxy user", Buffer.from("proxy user:p@ss-word").toString("base64")]),
    );
  });

  it.each([
    ["socks5://user:pw-1234567@proxy:1080", "The proxy from HTTPS_PROXY must be an http:// or https:// URL"],
    ["http://user:pw-1234567@proxy:3128/some/path", "The proxy from HTTPS_PROXY must be the proxy's address alone"],
  ])("from the environment, a bad one is an error naming the variable and never the value (%#)", (value, message) => {
    environment({ HTTPS_PROXY: value });
    expect(() => chooseProxy("https://logscale.example.com", undefined)).toThrow(ProxySettingError);
    expect(() => chooseProxy("https://logscale.example.com", undefined)).toThrow(message);
    try {
      chooseProxy("https://logscale.example.com", undefined);
    } catch (error) {
      expect(String(error)).not.toContain("pw-1234567");
    }
  });
});
