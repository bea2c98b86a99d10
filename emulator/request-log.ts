/**
 * What tests need to know about /graphql traffic, and nothing more: no headers, no
 * variables, no bodies — so nothing secret can ever be read back from the log.
 */
export interface RequestLogEntry {
  operationName: string | null;
  rootFields: string[];
  /** HTTP status sent; 0 when the connection was destroyed without an answer. */
  status: number;
  durationMs: number;
  /** Fault kind applied ("status", "latency+drop", ...), or null. */
  fault: string | null;
  /** Emulator clock (epoch ms) when the request arrived. */
  at: number;
}

/** Bounded so a long-running emulator in CI cannot grow without limit. */
const MAX_ENTRIES = 10_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e, rootFields: [...e.rootFields] }));
  }

  clear(): void {
    this.entries = [];
  }
}
