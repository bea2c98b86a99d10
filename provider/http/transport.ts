/**
 * One HTTP POST, nothing more: no retries, no GraphQL, no error policy. It reports what
 * happened as a value so the caller decides what each outcome means.
 */
import * as http from "node:http";
import * as https from "node:https";
import crossFetch from "cross-fetch";

export interface TlsOptions {
  /** PEM bundle to trust instead of the system roots (as curl --cacert), for a private CA. */
  readonly caCertificate?: string;
  /** Skip certificate verification. Only for test clusters. */
  readonly insecure?: boolean;
}

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
  | { readonly type: "timeout" };

/** Certificate problems: the handshake failed, so nothing was sent, and retrying cannot help. */
const tlsCodePattern = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH/;

/** Errors that prove no byte of the request reached a server. */
const notConnectedCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function createAgent(url: string, tls: TlsOptions): http.Agent {
  const options = { keepAlive: true, maxSockets: 16 };
  if (new URL(url).protocol === "https:") {
    return new https.Agent({
      ...options,
      ...(tls.caCertificate ? { ca: tls.caCertificate } : {}),
      rejectUnauthorized: tls.insecure !== true,
    });
  }
  return new http.Agent(options);
}

// cross-fetch runs node-fetch 2 on Node, which takes a per-request agent (its typings are the DOM's).
type NodeFetchInit = RequestInit & { agent: http.Agent };

export async function postOnce(request: PostRequest): Promise<PostOutcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), request.timeoutMs);
  try {
    const init: NodeFetchInit = {
      method: "POST",
      headers: { ...request.headers },
      body: request.body,
      signal: abort.signal,
      redirect: "manual",
      agent: request.agent,
    };
    const response = await crossFetch(request.url, init);
    const body = await response.text();
    return { type: "response", status: response.status, retryAfter: response.headers.get("retry-after"), body };
  } catch (error) {
    if (abort.signal.aborted) return { type: "timeout" };
    return describeNetworkError(error);
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(error: unknown): PostOutcome {
  const record = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const code = typeof record.code === "string" ? record.code : "UNKNOWN";
  const message = typeof record.message === "string" ? record.message : String(error);
  // node-fetch says "request to <url> failed, reason: <why>"; keep only the why (the URL is ours to show).
  const reason = message.includes("reason: ") ? message.slice(message.indexOf("reason: ") + 8) : message;
  if (tlsCodePattern.test(code)) return { type: "tls-error", code, detail: reason };
  return { type: "network-error", code, connectionRefused: notConnectedCodes.has(code), detail: reason };
}
