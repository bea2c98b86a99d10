import { z } from "zod";
import { randomAlphanumeric } from "./secrets";

/**
 * Fault injection for /graphql, so clients can be tested against the failures a real
 * network and a real LogScale produce: error statuses (with Retry-After), slowness, dropped
 * connections, and the nasty one — a mutation that was applied but whose answer was lost.
 */
export const faultSpecSchema = z
  .object({
    count: z.number().int().positive().optional(),
    rate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    match: z.object({ operationName: z.string().optional(), rootField: z.string().optional() }).strict().optional(),
    status: z.number().int().min(200).max(599).optional(),
    // Printable ASCII only: the value goes into a response header verbatim.
    retryAfter: z.union([z.number().int().nonnegative(), z.string().regex(/^[\x20-\x7e]+$/)]).optional(),
    latencyMs: z.number().int().nonnegative().max(600_000).optional(),
    // Holds the request until DELETE /_emulator/held lets it go: a request that lands late, as
    // late as the test says by an event rather than by a time it has to wait out.
    hold: z.literal(true).optional(),
    drop: z.literal(true).optional(),
    loseResponse: z.literal(true).optional(),
    // Answers `{ "data": answer }` without running the request: how a client meets an answer
    // the emulator would never give, such as `deleteToken: false`.
    answer: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (spec.count !== undefined && spec.rate !== undefined) fail("give either count or rate, not both");
    if (spec.seed !== undefined && spec.rate === undefined) fail("seed only applies to rate");
    const outcomes = [spec.status !== undefined, spec.drop === true, spec.loseResponse === true, spec.answer !== undefined].filter(Boolean).length;
    if (outcomes > 1) fail("status, drop, loseResponse and answer are mutually exclusive");
    if (outcomes === 0 && spec.latencyMs === undefined && spec.hold === undefined) fail("a fault needs status, drop, loseResponse, answer, latencyMs or hold");
    if (spec.retryAfter !== undefined && spec.status === undefined) fail("retryAfter needs status");
  });
export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface RequestIdentity {
  operationName: string | null;
  rootFields: readonly string[];
}

export interface ActiveFault {
  readonly id: string;
  readonly spec: FaultSpec;
  /** Remaining applications for count faults; null for rate faults. */
  remaining: number | null;
  readonly random: () => number;
}

/** Names the effects of a fault for the request log, e.g. "latency+status". */
export function faultKind(spec: FaultSpec): string {
  const kinds: string[] = [];
  if (spec.latencyMs !== undefined) kinds.push("latency");
  if (spec.hold === true) kinds.push("hold");
  if (spec.status !== undefined) kinds.push("status");
  if (spec.drop === true) kinds.push("drop");
  if (spec.loseResponse === true) kinds.push("loseResponse");
  if (spec.answer !== undefined) kinds.push("answer");
  return kinds.join("+");
}

/** Requests a `hold` fault keeps waiting, until they are let go together. */
export class HeldRequests {
  private waiting: Array<() => void> = [];

  /** Resolves when released; rejects when `signal` aborts first (the emulator stopping). */
  wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  get count(): number {
    return this.waiting.length;
  }

  /** Lets every held request go on; returns how many there were. */
  releaseAll(): number {
    const released = this.waiting;
    this.waiting = [];
    for (const release of released) release();
    return released.length;
  }
}

/** mulberry32: tiny, seedable, good enough to make "rate" faults reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): string {
    const id = randomAlphanumeric(12);
    const isRate = spec.rate !== undefined;
    this.faults.push({
      id,
      spec,
      remaining: isRate ? null : (spec.count ?? 1),
      random: spec.seed !== undefined ? seededRandom(spec.seed) : Math.random,
    });
    return id;
  }

  list(): Array<{ id: string; remaining: number | null } & FaultSpec> {
    return this.faults.map((f) => ({ id: f.id, remaining: f.remaining, ...f.spec }));
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The first registered fault that matches the request and fires claims it; at most one
   * fault applies per request. Exhausted count faults disappear.
   */
  take(request: RequestIdentity): FaultSpec | null {
    for (const fault of this.faults) {
      const match = fault.spec.match;
      if (match?.operationName !== undefined && match.operationName !== request.operationName) continue;
      if (match?.rootField !== undefined && !request.rootFields.includes(match.rootField)) continue;
      if (fault.remaining === null) {
        if (fault.random() < (fault.spec.rate ?? 0)) return fault.spec;
        continue;
      }
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault.spec;
    }
    return null;
  }
}
