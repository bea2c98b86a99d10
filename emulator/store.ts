import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stateSchema, type State } from "./model";
import { stateFromSeed, type ParsedSeed } from "./seed";

/**
 * The emulator's whole world, in memory, optionally mirrored to a JSON state file.
 *
 * Every write goes through `mutate`, which persists once afterwards, so a multi-step change
 * (a policy update that also deletes and shortens tokens) reaches the disk as one file.
 */
export class Store {
  private current: State;

  constructor(
    private readonly seed: ParsedSeed,
    private readonly statePath?: string,
  ) {
    this.current = statePath !== undefined && existsSync(statePath) ? loadState(statePath) : stateFromSeed(seed);
    this.persist();
  }

  get state(): Readonly<State> {
    return this.current;
  }

  mutate<T>(change: (state: State) => T): T {
    const result = change(this.current);
    this.persist();
    return result;
  }

  reset(): void {
    this.current = stateFromSeed(this.seed);
    this.persist();
  }

  private persist(): void {
    if (this.statePath === undefined) return;
    // Write-then-rename: a crash mid-write never leaves a truncated state file behind.
    mkdirSync(dirname(this.statePath), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.current, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.statePath);
  }
}

function loadState(path: string): State {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`state file ${path} is not readable JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`state file ${path} is not a valid emulator state: ${parsed.error.message}`);
  }
  return parsed.data;
}
