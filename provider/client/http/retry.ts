/**
 * When a failed request is tried again, and after how long.
 *
 * Rules (each is tested in tests/unit/retry.test.ts):
 * - Retried: network errors, timeouts, HTTP 408, 429, 500, 502, 503 and 504 (ky's list, less
 *   413: LogScale's request bodies are small and would be as large again). Nothing else: a
 *   401, 403, other 4xx/5xx, a GraphQL `errors` answer or an unexpected response shape fails at once.
 * - A proxy that could not be reached, closed the connection before answering, or answered
 *   408/429/5xx to CONNECT is retried too; LogScale never saw that request, so a create is
 *   retried as well. A proxy's 403 or 407 fails at once.
 * - Queries and idempotent mutations (permission updates, delete) retry on all of those.
 * - Non-idempotent mutations (create, rotate) retry only when the server provably did not act:
 *   the connection was refused, or it answered 429. A timeout, a reset connection, a 408 or a
 *   5xx leaves the outcome unknown, so repeating could mint a second token: the provider's
 *   create recovers from those instead (it looks for the token it may have made).
 * - Delay before retry n (1-based): equal jitter over base * 2^(n-1), capped at maxDelayMs.
 *   A `Retry-After` header (seconds or HTTP date) sets a floor; when it asks for more than
 *   maxRetryAfterMs we stop instead of sleeping that long.
 */
import { type LogScaleError, LogScaleHttpError, LogScaleNetworkError, LogScaleProxyError, LogScaleTimeoutError } from "../errors";

export type OperationSafety = "query" | "idempotent" | "non-idempotent";

export interface RetryOptions {
  /** Total attempts including the first. Default 4. */
  readonly attempts?: number;
  /** Backoff base. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** Backoff cap. Default 8 s. */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` we honour. Default 60 s. */
  readonly maxRetryAfterMs?: number;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = {
    attempts: options.attempts ?? 4,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RangeError(`retry attempts must be an integer >= 1, got ${policy.attempts}`);
  }
  for (const key of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    if (!(policy[key] >= 0)) throw new RangeError(`retry ${key} must be >= 0, got ${policy[key]}`);
  }
  return policy;
}

const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryable(error: LogScaleError, safety: OperationSafety): boolean {
  const transient =
    error instanceof LogScaleNetworkError ||
    error instanceof LogScaleTimeoutError ||
    (error instanceof LogScaleProxyError && error.transient) ||
    (error instanceof LogScaleHttpError && retryableStatuses.has(error.status));
  if (!transient) return false;
  return safety !== "non-idempotent" || !error.mayHaveBeenApplied;
}

/** Milliseconds to wait before the given retry (1 = first retry); `random` in [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as milliseconds from `now`, or undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
