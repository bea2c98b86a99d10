/**
 * One HTTP POST through cross-fetch, nothing more: no retries, no GraphQL, no error policy,
 * no redirects. It reports what happened as a value so the caller decides what each outcome
 * means. Keep-alive, TLS and proxies are the agent's (agents.ts).
 */
import type * as http from "node:http";
import crossFetch from "cross-fetch";
import { type ProxyFailure, proxyFailureOf } from "./agents";

export { createAgent, type TlsOptions } from "./agents";

/**
 * The most of an answer we read. LogScale's largest is the list of all views and repositories
 * (about 90 bytes each), so 16 MiB holds some 180,000 of them, far more than a cluster has; a
 * wrong URL that streams a file or an endless body stops here instead of filling the memory of
 * the provider process.
 */
export const maxResponseBytes = 16 * 1024 * 1024;

export interface PostRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly agent: http.Agent;
}

export type PostOutcome =
  | { readonly type: "response"; readonly status: number; readonly retryAfter: string | null; readonly body: string }
  | { readonly type: "network-error"; readonly code: string; readonly connectionRefused: boolean; readonly detail: string }
  | { readonly type: "tls-error"; readonly code: string; readonly detail: string }
  | { readonly type: "proxy-error"; readonly failure: ProxyFailure; readonly detail: string }
  | { readonly type: "too-large"; readonly limitBytes: number }
  | { readonly type: "timeout" };

/** Certificate problems: the handshake failed, so nothing was sent, and retrying cannot help. */
const tlsCodePattern = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH/;

/** Errors that prove no byte of the request reached a server. */
const notConnectedCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

// cross-fetch runs node-fetch 2 on Node, which takes a per-request agent and a body size limit
// (its typings are the DOM's).
type NodeFetchInit = RequestInit & { agent: http.Agent; size: number };

export async function postOnce(request: PostRequest): Promise<PostOutcome> {
  // One timer for the whole exchange: connecting, sending, and reading the body to its end.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), request.timeoutMs);
  try {
    const init: NodeFetchInit = {
      method: "POST",
      headers: { ...request.headers },
      body: request.body,
      signal: abort.signal,
      // A 3xx is an answer like any other: following it could send the API token elsewhere.
      redirect: "manual",
      agent: request.agent,
      size: maxResponseBytes,
    };
    const response = await crossFetch(request.url, init);
    const body = await response.text();
    return { type: "response", status: response.status, retryAfter: response.headers.get("retry-after"), body };
  } catch (error) {
    if (abort.signal.aborted) return { type: "timeout" };
    const outcome = describeFailure(request.url, error);
    // node-fetch stops keeping an answer over the limit but goes on reading it: end the request.
    if (outcome.type === "too-large") abort.abort();
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

function describeFailure(url: string, error: unknown): PostOutcome {
  const record = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; message?: unknown; type?: unknown };
  if (record.type === "max-size") return { type: "too-large", limitBytes: maxResponseBytes };
  const code = typeof record.code === "string" ? record.code : "UNKNOWN";
  const detail = reasonOnly(url, typeof record.message === "string" ? record.message : String(error));
  const proxyFailure = proxyFailureOf(code);
  if (proxyFailure !== undefined) return { type: "proxy-error", failure: proxyFailure, detail };
  if (tlsCodePattern.test(code)) return { type: "tls-error", code, detail };
  return { type: "network-error", code, connectionRefused: notConnectedCodes.has(code), detail };
}

/** node-fetch puts the URL in its messages; the caller shows its own, redacted one. */
function reasonOnly(url: string, message: string): string {
  for (const prefix of [`request to ${url} failed, reason: `, `Invalid response body while trying to fetch ${url}: `]) {
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  }
  return message;
}
