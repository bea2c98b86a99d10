import {
  LogScaleAuthenticationError,
  type LogScaleError,
  LogScaleGraphQLError,
  LogScaleHttpError,
  LogScaleNetworkError,
  LogScaleResponseShapeError,
  LogScaleTimeoutError,
  LogScaleTlsError,
} from "../../provider/client/errors";
import { backoffDelay, isRetryable, type OperationSafety, parseRetryAfter, retryPolicy } from "../../provider/client/http/retry";

const context = { operationName: "Op", endpoint: "http://x/graphql", attempts: 1 };
const refused = new LogScaleNetworkError(context, "ECONNREFUSED", true, "connect ECONNREFUSED");
const reset = new LogScaleNetworkError(context, "ECONNRESET", false, "socket hang up");
const timeout = new LogScaleTimeoutError(context, 1000);
const http = (status: number) => new LogScaleHttpError(context, status, "");

describe("which failures are retried", () => {
  const cases: [string, LogScaleError, Record<OperationSafety, boolean>][] = [
    ["connection refused", refused, { query: true, idempotent: true, "non-idempotent": true }],
    ["connection reset", reset, { query: true, idempotent: true, "non-idempotent": false }],
    ["timeout", timeout, { query: true, idempotent: true, "non-idempotent": false }],
    ["HTTP 429", http(429), { query: true, idempotent: true, "non-idempotent": true }],
    ["HTTP 502", http(502), { query: true, idempotent: true, "non-idempotent": false }],
    ["HTTP 503", http(503), { query: true, idempotent: true, "non-idempotent": false }],
    ["HTTP 504", http(504), { query: true, idempotent: true, "non-idempotent": false }],
    ["a refused certificate", new LogScaleTlsError(context, "DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed"), { query: false, idempotent: false, "non-idempotent": false }],
    ["HTTP 408", http(408), { query: true, idempotent: true, "non-idempotent": false }],
    ["HTTP 500", http(500), { query: true, idempotent: true, "non-idempotent": false }],
    ["HTTP 501", http(501), { query: false, idempotent: false, "non-idempotent": false }],
    ["HTTP 413", http(413), { query: false, idempotent: false, "non-idempotent": false }],
    ["HTTP 400", http(400), { query: false, idempotent: false, "non-idempotent": false }],
    ["HTTP 401", new LogScaleAuthenticationError(context, "x"), { query: false, idempotent: false, "non-idempotent": false }],
    ["GraphQL errors", new LogScaleGraphQLError(context, [{ message: "no" }]), { query: false, idempotent: false, "non-idempotent": false }],
    ["bad response shape", new LogScaleResponseShapeError(context, "data", "x"), { query: false, idempotent: false, "non-idempotent": false }],
  ];
  for (const [label, error, expected] of cases) {
    for (const safety of ["query", "idempotent", "non-idempotent"] as const) {
      it(`${label} for a ${safety} operation: ${expected[safety] ? "retried" : "not retried"}`, () => {
        expect(isRetryable(error, safety)).toBe(expected[safety]);
      });
    }
  }
});

describe("backoff", () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });

  it("grows exponentially with equal jitter between half and the whole ceiling", () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 0.999999)).toBe(100);
    expect(backoffDelay(policy, 2, () => 0)).toBe(100);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(300);
  });

  it("is capped at maxDelayMs", () => {
    expect(backoffDelay(policy, 30, () => 0.999999)).toBe(1000);
    expect(backoffDelay(policy, 30, () => 0)).toBe(500);
  });

  it("rejects nonsensical settings", () => {
    expect(() => retryPolicy({ attempts: 0 })).toThrow("retry attempts must be an integer >= 1, got 0");
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow("retry baseDelayMs must be >= 0, got -1");
  });
});

describe("Retry-After", () => {
  it("reads seconds", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(" 0.5 ")).toBe(500);
  });
  it("reads an HTTP date relative to now", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});
