/**
 * The agents every request to LogScale goes through: keep-alive, LogScale's certificate checked
 * against a private CA (or not at all with `insecure`), and a proxy when there is one: a
 * CONNECT tunnel for https:// (https-proxy-agent), forwarding for http:// (http-proxy-agent).
 *
 * They also report two failures that node-fetch 2 would otherwise leave to the timer:
 * - an answer cut off after its headers (node-fetch only notices that for chunked bodies);
 * - a proxy that did not open the tunnel (https-proxy-agent hands a refusing proxy's answer to
 *   the request as if LogScale had sent it).
 * node-fetch keeps only the `code` and the message of an agent's error, so a proxy failure is
 * told by its code (see `proxyFailureCode` / `proxyFailureOf`).
 */
import * as http from "node:http";
import * as https from "node:https";
import type * as net from "node:net";
import * as tls from "node:tls";
import { HttpProxyAgent } from "http-proxy-agent";
import { HttpsProxyAgent } from "https-proxy-agent";

export interface TlsOptions {
  /** PEM bundle to trust instead of the system roots (as curl --cacert), for a private CA. */
  readonly caCertificate?: string;
  /** Skip certificate verification. Only for test clusters. */
  readonly insecure?: boolean;
}

/** Why a request never got through the proxy to LogScale. */
export type ProxyFailure =
  | { readonly reason: "unreachable"; readonly code: string }
  | { readonly reason: "closed" }
  | { readonly reason: "answered"; readonly status: number };

const proxyCodePrefix = "ERR_LOGSCALE_PROXY_";

export function proxyFailureCode(failure: ProxyFailure): string {
  switch (failure.reason) {
    case "unreachable":
      return `${proxyCodePrefix}UNREACHABLE_${failure.code}`;
    case "closed":
      return `${proxyCodePrefix}CLOSED`;
    case "answered":
      return `${proxyCodePrefix}ANSWERED_${failure.status}`;
  }
}

/** The failure an error code stands for, or undefined when it is no proxy failure of ours. */
export function proxyFailureOf(code: string): ProxyFailure | undefined {
  if (!code.startsWith(proxyCodePrefix)) return undefined;
  const rest = code.slice(proxyCodePrefix.length);
  if (rest === "CLOSED") return { reason: "closed" };
  if (rest.startsWith("UNREACHABLE_")) return { reason: "unreachable", code: rest.slice("UNREACHABLE_".length) };
  const status = Number(rest.slice("ANSWERED_".length));
  return rest.startsWith("ANSWERED_") && Number.isInteger(status) ? { reason: "answered", status } : undefined;
}

/** Codes of a connection that was never made: refused, unresolvable, unroutable. */
const unreachableCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function proxyError(failure: ProxyFailure, message: string): Error {
  return Object.assign(new Error(message), { code: proxyFailureCode(failure) });
}

/** What went wrong while reaching the proxy or asking it for the tunnel. */
function describeProxyFailure(error: unknown): Error {
  const record = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const code = typeof record.code === "string" ? record.code : undefined;
  if (code !== undefined && unreachableCodes.has(code)) {
    return proxyError({ reason: "unreachable", code }, code === "ECONNREFUSED" ? "the proxy refused the connection (ECONNREFUSED)" : `the proxy could not be reached (${code})`);
  }
  // https-proxy-agent says "Proxy connection ended before receiving CONNECT response".
  if (code === undefined || code === "ECONNRESET" || code === "EPIPE") {
    return proxyError({ reason: "closed" }, "the proxy closed the connection before it answered");
  }
  const message = typeof record.message === "string" ? record.message : String(error);
  return proxyError({ reason: "unreachable", code }, `the proxy could not be reached: ${message} (${code})`);
}

/**
 * Ends a request whose answer was cut off after its headers with an error, as node-fetch ends
 * one whose chunked body was: it then fails the body it is reading instead of waiting for it.
 */
function reportCutOffAnswers(request: http.ClientRequest): void {
  request.once("response", (response: http.IncomingMessage) => {
    response.once("error", () => {
      if (request.listenerCount("error") === 0) return;
      request.emit("error", Object.assign(new Error("the connection closed before the response was complete"), { code: "ECONNRESET" }));
    });
  });
}

/** `addRequest` is how Node's http hands a request to its agent; @types/node does not declare it. */
type AddRequest = (request: http.ClientRequest, options: http.RequestOptions) => void;

function watched<TAgent extends http.Agent>(agent: TAgent): TAgent {
  const internals = agent as unknown as { addRequest: AddRequest };
  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (request, options) => {
    reportCutOffAnswers(request);
    addRequest(request, options);
  };
  return agent;
}

function targetTls(options: TlsOptions): https.AgentOptions {
  return { ...(options.caCertificate ? { ca: options.caCertificate } : {}), rejectUnauthorized: options.insecure !== true };
}

const poolOptions = { keepAlive: true, maxSockets: 16 } as const;

/**
 * Tunnels through the proxy with CONNECT; LogScale's TLS runs inside the tunnel with our CA
 * options (https-proxy-agent takes those from the request, which node-fetch does not fill).
 * A tunnel the proxy refused, or a proxy that could not be reached, is an error: the request
 * provably never reached LogScale.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    private readonly tls: https.AgentOptions,
  ) {
    super(proxy, poolOptions);
  }

  override async connect(request: http.ClientRequest, options: Parameters<HttpsProxyAgent<string>["connect"]>[1]): Promise<net.Socket> {
    let answer: { statusCode: number; statusText: string } | undefined;
    const onProxyConnect = (connect: { statusCode: number; statusText: string }) => (answer = connect);
    request.once("proxyConnect", onProxyConnect);
    let socket: net.Socket;
    // https-proxy-agent starts TLS without the host, so Node would check the certificate
    // against "localhost" for an IP address (an IP may not be sent as the server name).
    const identity = { checkServerIdentity: (_host: string, certificate: tls.PeerCertificate) => tls.checkServerIdentity(options.host ?? "", certificate) };
    try {
      socket = await super.connect(request, { ...options, ...this.tls, ...identity });
    } catch (error) {
      throw describeProxyFailure(error);
    } finally {
      request.removeListener("proxyConnect", onProxyConnect);
    }
    if (answer !== undefined && answer.statusCode !== 200) {
      socket.destroy();
      const text = answer.statusText || http.STATUS_CODES[answer.statusCode] || "";
      throw proxyError({ reason: "answered", status: answer.statusCode }, `the proxy answered ${answer.statusCode}${text ? ` ${text}` : ""} to CONNECT`);
    }
    return socket;
  }
}

/** Sends http:// requests to the proxy to forward; a proxy that cannot be reached is an error of its own. */
class ForwardAgent extends HttpProxyAgent<string> {
  constructor(proxy: URL) {
    super(proxy, poolOptions);
  }

  override async connect(...[request, options]: Parameters<HttpProxyAgent<string>["connect"]>): Promise<net.Socket> {
    try {
      return await super.connect(request, options);
    } catch (error) {
      throw describeProxyFailure(error);
    }
  }
}

/** The agent for requests to `url`, through `proxy` when given. */
export function createAgent(url: string, tlsOptions: TlsOptions, proxy?: URL): http.Agent {
  const secure = new URL(url).protocol === "https:";
  if (proxy !== undefined) return watched(secure ? new TunnelAgent(proxy, targetTls(tlsOptions)) : new ForwardAgent(proxy));
  return watched(secure ? new https.Agent({ ...poolOptions, ...targetTls(tlsOptions) }) : new http.Agent(poolOptions));
}
