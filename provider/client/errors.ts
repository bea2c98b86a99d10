/**
 * Typed errors of the LogScale client. Every message is redacted before it reaches these
 * constructors (see client.ts), and no error keeps the raw request, response or library error
 * as `cause`: those hold headers and bodies that may contain credentials.
 */

/** Where the API token comes from, for messages that tell the user what to fix. */
export const defaultCredentialSource = "stack config 'logscale:token' or the LOGSCALE_TOKEN environment variable";

/**
 * How messages name the settings that fix a failure. The client knows no more than their names:
 * the stack config's keys by default; a caller that takes them from elsewhere says so.
 */
export interface SettingHints {
  /** Where the URL is set: "logscale:url / LOGSCALE_URL". */
  readonly url: string;
  readonly caCertificate: string;
  readonly insecure: string;
  readonly timeout: string;
}

export const defaultSettingHints: SettingHints = {
  url: "logscale:url / LOGSCALE_URL",
  caCertificate: "'logscale:caCertificate'",
  insecure: "'logscale:insecure'",
  timeout: "stack config 'logscale:timeoutSeconds'",
};

export type LogScaleErrorKind =
  | "authentication"
  | "forbidden"
  | "graphql"
  | "http"
  | "network"
  | "tls"
  | "timeout"
  | "proxy"
  | "response-too-large"
  | "response-shape"
  | "cancelled";

export interface RequestContext {
  /** The GraphQL operation name, e.g. `CreateOrganizationPermissionsToken`. */
  readonly operationName: string;
  /** `POST https://host/graphql`, without credentials or query string. */
  readonly endpoint: string;
  /** How many HTTP attempts were made before giving up. */
  readonly attempts: number;
}

export abstract class LogScaleError extends Error {
  abstract readonly kind: LogScaleErrorKind;
  readonly operationName: string;
  readonly endpoint: string;
  readonly attempts: number;
  /**
   * False only when the server provably did not act on the request: the connection was refused,
   * it answered 401/403/429, or the proxy never passed the request on. A mutation whose error
   * says true may have been applied.
   */
  abstract readonly mayHaveBeenApplied: boolean;

  protected constructor(message: string, context: RequestContext) {
    super(message);
    this.operationName = context.operationName;
    this.endpoint = context.endpoint;
    this.attempts = context.attempts;
  }
}

function attemptsSuffix(context: RequestContext): string {
  return context.attempts > 1 ? ` after ${context.attempts} attempts` : "";
}

/** HTTP 401: the API token is missing, wrong or expired. */
export class LogScaleAuthenticationError extends LogScaleError {
  override readonly name = "LogScaleAuthenticationError";
  readonly kind = "authentication";
  readonly mayHaveBeenApplied = false;
  readonly status = 401;

  constructor(context: RequestContext, credentialSource: string) {
    super(
      `LogScale authentication failed (HTTP 401) for ${context.operationName} at ${context.endpoint}: ` +
        `the API token was rejected. Check the API token in ${credentialSource}; it may be wrong, expired or deleted.`,
      context,
    );
  }
}

/** HTTP 403: authenticated but refused, e.g. by the API token's IP filter. */
export class LogScaleForbiddenError extends LogScaleError {
  override readonly name = "LogScaleForbiddenError";
  readonly kind = "forbidden";
  readonly mayHaveBeenApplied = false;
  readonly status = 403;

  constructor(context: RequestContext, readonly body: string) {
    super(
      `LogScale refused ${context.operationName} at ${context.endpoint} (HTTP 403)` +
        (body ? `: ${body}` : "") +
        `. The API token is valid but not allowed here; check its permissions and IP filter.`,
      context,
    );
  }
}

/** One entry of a GraphQL response's `errors`, with LogScale's extra `state` map. */
export interface GraphQLErrorEntry {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly state?: Readonly<Record<string, string>>;
}

/** The server answered with `errors` (even beside `data`): it understood and refused. */
export class LogScaleGraphQLError extends LogScaleError {
  override readonly name = "LogScaleGraphQLError";
  readonly kind = "graphql";
  // Each of our operations has one root field, so an error there means that field was refused.
  readonly mayHaveBeenApplied = false;

  constructor(
    context: RequestContext,
    readonly errors: readonly GraphQLErrorEntry[],
  ) {
    super(`LogScale returned an error for ${context.operationName}: ${describeGraphQLErrors(errors)}`, context);
  }

  /** Whether any entry's message mentions `text` (case-insensitive). */
  mentions(text: string): boolean {
    const needle = text.toLowerCase();
    return this.errors.some((entry) => entry.message.toLowerCase().includes(needle));
  }
}

function describeGraphQLErrors(errors: readonly GraphQLErrorEntry[]): string {
  return errors
    .map((entry) => {
      const where = entry.path && entry.path.length > 0 ? ` (at ${entry.path.join(".")})` : "";
      const state =
        entry.state && Object.keys(entry.state).length > 0
          ? ` [${Object.entries(entry.state)
              .map(([key, value]) => `${key}: ${value}`)
              .join(", ")}]`
          : "";
      return `${entry.message}${where}${state}`;
    })
    .join("; ");
}

/** Any other non-2xx answer. 408/429/500/502/503/504 are retried before this is thrown. */
export class LogScaleHttpError extends LogScaleError {
  override readonly name = "LogScaleHttpError";
  readonly kind = "http";
  readonly mayHaveBeenApplied: boolean;

  constructor(
    context: RequestContext,
    readonly status: number,
    readonly body: string,
  ) {
    super(
      `LogScale answered HTTP ${status} to ${context.operationName} at ${context.endpoint}${attemptsSuffix(context)}` +
        (body ? `: ${body}` : ""),
      context,
    );
    // A rate limiter answers before the request is acted on; any other status proves nothing.
    this.mayHaveBeenApplied = status !== 429;
  }
}

/** The connection failed. `connectionRefused` means the request provably never reached LogScale. */
export class LogScaleNetworkError extends LogScaleError {
  override readonly name = "LogScaleNetworkError";
  readonly kind = "network";
  readonly mayHaveBeenApplied: boolean;

  constructor(
    context: RequestContext,
    readonly code: string,
    readonly connectionRefused: boolean,
    detail: string,
    hints: SettingHints = defaultSettingHints,
  ) {
    super(
      `Could not reach LogScale at ${context.endpoint} for ${context.operationName}${attemptsSuffix(context)}: ${detail}` +
        (connectionRefused
          ? `. Check ${hints.url} and that LogScale is running.`
          : ". The connection broke before an answer arrived, so the outcome is unknown."),
      context,
    );
    this.mayHaveBeenApplied = !connectionRefused;
  }
}

/** The server's certificate was not accepted; nothing was sent. */
export class LogScaleTlsError extends LogScaleError {
  override readonly name = "LogScaleTlsError";
  readonly kind = "tls";
  readonly mayHaveBeenApplied = false;

  constructor(
    context: RequestContext,
    readonly code: string,
    detail: string,
    hints: SettingHints = defaultSettingHints,
  ) {
    super(
      `TLS with LogScale at ${context.endpoint} failed for ${context.operationName} (${code}): ${detail}. ` +
        `If LogScale uses a private CA, set ${hints.caCertificate} to its PEM certificate; ` +
        `${hints.insecure} skips verification (test clusters only).`,
      context,
    );
  }
}

/** The proxy a request goes through, as messages name it: without credentials. */
export interface ProxyInUse {
  /** `http://proxy.example.com:3128`: scheme, host and port only. */
  readonly display: string;
  /** Where it was configured: `HTTPS_PROXY`, `logscale:proxy`, `connection.proxy`. */
  readonly source: string;
}

/** Proxy answers that may be gone on the next try; any other status is the proxy's decision. */
const transientProxyStatuses = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The proxy did not take the request to LogScale: it could not be reached, closed the
 * connection before answering, or refused (e.g. 407: it wants credentials, 403: LogScale's
 * address is not allowed). LogScale never saw the request, so even a create may be sent again.
 */
export class LogScaleProxyError extends LogScaleError {
  override readonly name = "LogScaleProxyError";
  readonly kind = "proxy";
  readonly mayHaveBeenApplied = false;
  /** Worth another try: the proxy was unreachable or closed the connection, or answered a transient status. */
  readonly transient: boolean;

  constructor(
    context: RequestContext,
    readonly proxy: ProxyInUse,
    /** The proxy's HTTP status, when it answered. */
    readonly status: number | undefined,
    detail: string,
  ) {
    super(
      `Could not reach LogScale at ${context.endpoint} for ${context.operationName}${attemptsSuffix(context)} ` +
        `through the proxy ${proxy.display} (from ${proxy.source}): ${detail}. ` +
        (status === 407
          ? `Put the proxy's user name and password in ${proxy.source} (http://user:password@host:port).`
          : `Check ${proxy.source}, that the proxy runs, and that it lets this machine reach LogScale` +
            (/_proxy$/i.test(proxy.source) ? " (or list LogScale's host in NO_PROXY to go around it)." : ".")),
      context,
    );
    this.transient = status === undefined || transientProxyStatuses.has(status);
  }
}

/** The answer was larger than the client reads: not a LogScale answer, or not one we asked for. */
export class LogScaleResponseTooLargeError extends LogScaleError {
  override readonly name = "LogScaleResponseTooLargeError";
  readonly kind = "response-too-large";
  readonly mayHaveBeenApplied = true;

  constructor(
    context: RequestContext,
    readonly limitBytes: number,
  ) {
    super(
      `The answer to ${context.operationName} from ${context.endpoint} was larger than ${limitBytes / (1024 * 1024)} MiB, ` +
        `the most this provider reads, so it was dropped. Is the URL a LogScale server?`,
      context,
    );
  }
}

/** No answer within the timeout. */
export class LogScaleTimeoutError extends LogScaleError {
  override readonly name = "LogScaleTimeoutError";
  readonly kind = "timeout";
  readonly mayHaveBeenApplied = true;

  constructor(
    context: RequestContext,
    readonly timeoutMs: number,
    hints: SettingHints = defaultSettingHints,
  ) {
    super(
      `LogScale did not answer ${context.operationName} at ${context.endpoint} within ${timeoutMs} ms${attemptsSuffix(context)}. ` +
        `If LogScale is slow, raise ${hints.timeout}; otherwise check the network.`,
      context,
    );
  }
}

/** The answer was not what the schema promises: a proxy page, an incompatible LogScale version. */
export class LogScaleResponseShapeError extends LogScaleError {
  override readonly name = "LogScaleResponseShapeError";
  readonly kind = "response-shape";
  readonly mayHaveBeenApplied = true;

  constructor(
    context: RequestContext,
    readonly path: string,
    detail: string,
  ) {
    super(
      `Unexpected response to ${context.operationName} from ${context.endpoint}: at ${path || "(root)"}: ${detail}. ` +
        `Is the URL a LogScale server of version 1.174 or later?`,
      context,
    );
  }
}

/**
 * The operation was cancelled (the caller aborted the client's signal) before an attempt or while
 * waiting to retry one: nothing more was sent. `previous` is what the last attempt got, if any.
 */
export class LogScaleCancelledError extends LogScaleError {
  override readonly name = "LogScaleCancelledError";
  readonly kind = "cancelled";
  readonly mayHaveBeenApplied: boolean;

  constructor(
    context: RequestContext,
    readonly previous: LogScaleError | undefined,
  ) {
    super(
      previous === undefined
        ? `${context.operationName} at ${context.endpoint} was cancelled before it was sent.`
        : `${context.operationName} at ${context.endpoint} was cancelled while waiting to try again; the last attempt failed: ${previous.message}`,
      context,
    );
    this.mayHaveBeenApplied = previous?.mayHaveBeenApplied ?? false;
  }
}
