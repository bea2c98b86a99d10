/**
 * Sends one GraphQL operation with retries and turns every way it can fail into a typed,
 * redacted LogScaleError. Knows nothing of tokens: see client.ts for the operations.
 */
import * as http from "node:http";
import type { z } from "zod";
import {
  LogScaleAuthenticationError,
  LogScaleCancelledError,
  type LogScaleError,
  LogScaleForbiddenError,
  LogScaleGraphQLError,
  LogScaleHttpError,
  LogScaleNetworkError,
  LogScaleProxyError,
  LogScaleResponseShapeError,
  LogScaleResponseTooLargeError,
  LogScaleTimeoutError,
  LogScaleTlsError,
  type GraphQLErrorEntry,
  type ProxyInUse,
  type RequestContext,
  type SettingHints,
} from "../errors";
import { type PostOutcome, postOnce } from "../http/transport";
import { backoffDelay, isRetryable, type OperationSafety, parseRetryAfter, type RetryPolicy } from "../http/retry";
import type { Redactor } from "../redact";
import { envelopeSchema } from "./responses";

export interface Operation<TData> {
  /** Must equal the operation name inside `document`. */
  readonly name: string;
  readonly document: string;
  readonly safety: OperationSafety;
  readonly data: z.ZodType<TData>;
}

/** What the client reports as it works; messages are already redacted. */
export type ClientEvent =
  | {
      readonly type: "response";
      readonly operationName: string;
      readonly attempt: number;
      readonly outcome: string;
      readonly durationMs: number;
    }
  | {
      readonly type: "retry";
      readonly operationName: string;
      /** The attempt that failed, and how many there may be in all. */
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
      /** What the request got, in a few words: "HTTP 503", "no answer within 30 s", "connection lost (ECONNRESET)". */
      readonly answer: string;
      readonly reason: string;
    };

export interface ExecutorSettings {
  readonly endpoint: string;
  readonly displayEndpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: http.Agent;
  /** The proxy requests go through, if any, for messages. */
  readonly proxy: ProxyInUse | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly redactor: Redactor;
  readonly credentialSource: string;
  /** How messages name the settings that fix a failure. */
  readonly hints: SettingHints;
  readonly onEvent: (event: ClientEvent) => void;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Once aborted, no attempt is made and no retry waited for. */
  readonly signal: AbortSignal | undefined;
}

/** Longest piece of a server's error body quoted in a message. */
const bodyExcerptLength = 300;

type AttemptResult<TData> = { readonly ok: true; readonly data: TData } | { readonly ok: false; readonly error: LogScaleError; readonly retryAfterMs?: number };

export async function executeOperation<TData>(
  settings: ExecutorSettings,
  operation: Operation<TData>,
  variables: Readonly<Record<string, unknown>>,
): Promise<TData> {
  const body = JSON.stringify({ query: operation.document, variables, operationName: operation.name });
  let previous: LogScaleError | undefined;
  for (let attempt = 1; ; attempt++) {
    if (settings.signal?.aborted) {
      throw new LogScaleCancelledError({ operationName: operation.name, endpoint: settings.displayEndpoint, attempts: attempt - 1 }, previous);
    }
    const started = Date.now();
    const outcome = await postOnce({
      url: settings.endpoint,
      headers: settings.headers,
      body,
      timeoutMs: settings.timeoutMs,
      agent: settings.agent,
    });
    const context: RequestContext = { operationName: operation.name, endpoint: settings.displayEndpoint, attempts: attempt };
    const result = interpret(settings, operation, outcome, context);
    settings.onEvent({
      type: "response",
      operationName: operation.name,
      attempt,
      outcome: result.ok ? "ok" : result.error.kind,
      durationMs: Date.now() - started,
    });
    if (result.ok) return result.data;

    const { error } = result;
    if (attempt >= settings.retry.attempts || !isRetryable(error, operation.safety)) throw error;
    if (result.retryAfterMs !== undefined && result.retryAfterMs > settings.retry.maxRetryAfterMs) throw error;
    const delayMs = Math.max(backoffDelay(settings.retry, attempt, settings.random), result.retryAfterMs ?? 0);
    settings.onEvent({
      type: "retry",
      operationName: operation.name,
      attempt,
      maxAttempts: settings.retry.attempts,
      delayMs,
      answer: shortAnswer(error),
      reason: error.message,
    });
    previous = error;
    await untilAborted(settings.sleep(delayMs), settings.signal);
  }
}

/** The wait, cut short when the signal is aborted (the loop then stops before the next attempt). */
function untilAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    wait.then(done, (error: unknown) => {
      signal.removeEventListener("abort", done);
      reject(error);
    });
  });
}

/** What went wrong in a few words, for progress messages (never a body: it may quote a secret). */
export function shortAnswer(error: LogScaleError): string {
  if (error instanceof LogScaleHttpError) return `HTTP ${error.status}`;
  if (error instanceof LogScaleTimeoutError) return `no answer within ${Math.round(error.timeoutMs / 100) / 10} s`;
  if (error instanceof LogScaleProxyError) return error.status === undefined ? `no way through the proxy ${error.proxy.display}` : `HTTP ${error.status} from the proxy ${error.proxy.display}`;
  if (error instanceof LogScaleNetworkError) return error.connectionRefused ? "connection refused" : `connection lost (${error.code})`;
  return error.kind;
}

function interpret<TData>(
  settings: ExecutorSettings,
  operation: Operation<TData>,
  outcome: PostOutcome,
  context: RequestContext,
): AttemptResult<TData> {
  const redact = (text: string) => settings.redactor.redact(text);
  switch (outcome.type) {
    case "timeout":
      return { ok: false, error: new LogScaleTimeoutError(context, settings.timeoutMs, settings.hints) };
    case "network-error":
      return {
        ok: false,
        error: new LogScaleNetworkError(context, outcome.code, outcome.connectionRefused, redact(outcome.detail), settings.hints),
      };
    case "tls-error":
      return { ok: false, error: new LogScaleTlsError(context, outcome.code, redact(outcome.detail), settings.hints) };
    case "proxy-error":
      return {
        ok: false,
        error: new LogScaleProxyError(context, settings.proxy ?? { display: "(unknown)", source: "(unknown)" }, outcome.failure.reason === "answered" ? outcome.failure.status : undefined, redact(outcome.detail)),
      };
    case "too-large":
      return { ok: false, error: new LogScaleResponseTooLargeError(context, outcome.limitBytes) };
    case "response":
      break;
  }

  const { status } = outcome;
  // A proxy that forwards plain http:// asks for its credentials with 407 instead of forwarding.
  if (status === 407 && settings.proxy !== undefined) {
    return { ok: false, error: new LogScaleProxyError(context, settings.proxy, status, `the proxy answered 407 ${http.STATUS_CODES[407]}`) };
  }
  if (status === 401) return { ok: false, error: new LogScaleAuthenticationError(context, settings.credentialSource) };
  if (status === 403) return { ok: false, error: new LogScaleForbiddenError(context, excerpt(redact(outcome.body))) };

  const json = parseJson(outcome.body);
  const envelope = json === undefined ? undefined : envelopeSchema.safeParse(json);
  const graphQLErrors = envelope?.success ? envelope.data.errors : undefined;
  // Some servers send document-validation errors with 400; they are still GraphQL answers.
  if (graphQLErrors && graphQLErrors.length > 0 && (status < 300 || status === 400 || status === 422)) {
    return { ok: false, error: new LogScaleGraphQLError(context, graphQLErrors.map((entry) => redactEntry(entry, redact))) };
  }
  if (status < 200 || status >= 300) {
    const retryAfterMs = parseRetryAfter(outcome.retryAfter);
    return {
      ok: false,
      error: new LogScaleHttpError(context, status, excerpt(redact(outcome.body))),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (!envelope) {
    return { ok: false, error: new LogScaleResponseShapeError(context, "(body)", `not JSON: ${excerpt(redact(outcome.body))}`) };
  }
  if (!envelope.success || envelope.data.data === undefined || envelope.data.data === null) {
    return { ok: false, error: new LogScaleResponseShapeError(context, "data", "missing, and no errors were given") };
  }
  const parsed = operation.data.safeParse(envelope.data.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ["data", ...(issue?.path ?? []).map(String)].join(".");
    return { ok: false, error: new LogScaleResponseShapeError(context, path, redact(issue?.message ?? "invalid")) };
  }
  return { ok: true, data: parsed.data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > bodyExcerptLength ? `${oneLine.slice(0, bodyExcerptLength)}…` : oneLine;
}

function redactEntry(
  entry: { message: string; path?: (string | number)[] | undefined; state?: Record<string, unknown> | undefined },
  redact: (text: string) => string,
): GraphQLErrorEntry {
  const state =
    entry.state === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(entry.state).map(([key, value]) => [key, redact(typeof value === "string" ? value : JSON.stringify(value))]),
        );
  return {
    message: redact(entry.message),
    ...(entry.path ? { path: entry.path } : {}),
    ...(state ? { state } : {}),
  };
}
