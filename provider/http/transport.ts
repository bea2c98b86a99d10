/**
 * One HTTP POST, nothing more: no retries, no GraphQL, no error policy, no redirects. It
 * reports what happened as a value so the caller decides what each outcome means. Written on
 * node:http itself: a fetch layer costs the provider process more to load and to run than the
 * request does, and it runs once per token.
 */
import * as http from "node:http";
import * as https from "node:https";

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

export function postOnce(request: PostRequest): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const url = new URL(request.url);
    const send = url.protocol === "https:" ? https.request : http.request;
    const outgoing = send(url, {
      method: "POST",
      agent: request.agent,
      headers: { ...request.headers, "Content-Length": String(Buffer.byteLength(request.body)) },
    });
    // The whole exchange, body included, must end within the timeout.
    const timer = setTimeout(() => {
      settle({ type: "timeout" });
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on("error", (error) => settle(describeNetworkError(error)));
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => settle(describeNetworkError(error)));
      response.on("end", () => {
        const retryAfter = response.headers["retry-after"];
        settle({ type: "response", status: response.statusCode ?? 0, retryAfter: retryAfter === undefined ? null : retryAfter, body: Buffer.concat(chunks).toString("utf8") });
      });
      // Closed before the body was whole (no "end"): what the server meant is unknown.
      response.on("close", () => settle(describeNetworkError(Object.assign(new Error("the connection closed before the response was complete"), { code: "ECONNRESET" }))));
    });
    outgoing.end(request.body);
  });
}

function describeNetworkError(error: unknown): PostOutcome {
  const record = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const code = typeof record.code === "string" ? record.code : "UNKNOWN";
  const message = typeof record.message === "string" ? record.message : String(error);
  if (tlsCodePattern.test(code)) return { type: "tls-error", code, detail: message };
  return { type: "network-error", code, connectionRefused: notConnectedCodes.has(code), detail: message };
}
