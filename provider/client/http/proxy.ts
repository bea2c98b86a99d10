/**
 * Which proxy, if any, requests to LogScale go through, and how messages name it.
 *
 * A proxy given in settings (`logscale:proxy`, a resource's `connection.proxy`) is used as
 * given. Otherwise the environment is read as curl and npm read it, through proxy-from-env:
 * `https_proxy`/`HTTPS_PROXY` for https:// URLs, `http_proxy`/`HTTP_PROXY` for http://,
 * `all_proxy`/`ALL_PROXY` for either, lower case first; `no_proxy`/`NO_PROXY` lists the hosts
 * reached directly (`*` for all, `.example.com` or `*.example.com` for a domain's hosts,
 * `host:port` for one port). Two readings are curl's rather than proxy-from-env's: a bare
 * `example.com` in NO_PROXY covers its subdomains too, and a proxy written without a scheme is
 * an http:// proxy.
 */
import { getProxyForUrl } from "proxy-from-env";

/** A proxy as configured: its URL (which may hold credentials) and where it came from. */
export interface ProxySetting {
  readonly url: string;
  /** `logscale:proxy`, `connection.proxy`, `HTTPS_PROXY`, …: named in messages. */
  readonly source: string;
}

/** The proxy in use, parsed, with what messages may show of it and what they must not. */
export interface ChosenProxy {
  readonly url: URL;
  /** Scheme, host and port: never the user info. */
  readonly display: string;
  readonly source: string;
  /** The credentials in its URL, in every form they could be echoed in. */
  readonly secrets: readonly string[];
}

export class ProxySettingError extends Error {
  override readonly name = "ProxySettingError";
}

/** What is wrong with a proxy URL; never quotes it, as it may hold a password. */
export function proxyUrlProblem(value: string): string | undefined {
  const example = "such as http://proxy.example.com:3128 (with user:password@ before the host if the proxy wants credentials)";
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || !URL.canParse(value)) return `must be an http:// or https:// URL ${example}`;
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `must be an http:// or https:// URL ${example}; ${url.protocol.replace(/:$/, "")} proxies are not supported`;
  }
  if (url.hostname === "") return `must name the proxy's host, ${example}`;
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") return `must be the proxy's address alone, without a path or query, ${example}`;
  return undefined;
}

/** The proxy for requests to `target`: the given setting, else the environment's, else none. */
export function chooseProxy(target: string, setting: ProxySetting | undefined): ChosenProxy | undefined {
  const chosen = setting ?? environmentProxy(target);
  if (chosen === undefined) return undefined;
  const problem = proxyUrlProblem(chosen.url);
  if (problem !== undefined) throw new ProxySettingError(`The proxy from ${chosen.source} ${problem}.`);
  const url = new URL(chosen.url);
  return { url, display: `${url.protocol}//${url.host}`, source: chosen.source, secrets: credentialForms(url) };
}

function environmentProxy(target: string): ProxySetting | undefined {
  if (getProxyForUrl(target) === "") return undefined;
  const url = new URL(target);
  if (coveredAsParentDomain(url.hostname.toLowerCase())) return undefined;
  // proxy-from-env says which proxy, not which variable it read; its order is this one.
  const scheme = url.protocol.replace(/:$/, "");
  for (const name of [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, "all_proxy", "ALL_PROXY"]) {
    const value = process.env[name];
    if (value) return { url: value.includes("://") ? value : `http://${value}`, source: name };
  }
  return undefined;
}

/** curl and npm read a bare `example.com` in NO_PROXY as that domain and every host in it. */
function coveredAsParentDomain(hostname: string): boolean {
  const noProxy = (process.env["no_proxy"] || process.env["NO_PROXY"] || "").toLowerCase();
  return noProxy.split(/[,\s]+/).some((entry) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(entry) && hostname.endsWith(`.${entry}`));
}

function credentialForms(url: URL): string[] {
  if (url.username === "" && url.password === "") return [];
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return [
    url.username,
    url.password,
    user,
    password,
    `${url.username}:${url.password}`,
    // The Proxy-Authorization header's value.
    Buffer.from(`${user}:${password}`).toString("base64"),
  ].filter((form) => form !== "" && form !== ":");
}
