import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type State, storedStateSchema } from "./model";
import { randomAlphanumeric } from "./secrets";
import { stateFromSeed, type ParsedSeed } from "./seed";

/** Cluster ids are opaque strings to clients; 24 characters like the emulator's other ids. */
export function newClusterId(): string {
  return randomAlphanumeric(24);
}

/**
 * The emulator's whole world, in memory, optionally mirrored to a JSON state file.
 *
 * Every write goes through `mutate`, which persists once afterwards, so a multi-step change
 * (a policy update that also deletes and shortens tokens) reaches the disk as one file.
 */
export class Store {
  private current: State;

  /**
   * `clusterId`: which cluster this emulator is. Given, it wins; otherwise the state file's, so an
   * emulator restarted on its state is the same cluster; otherwise a new one, so two emulators are
   * two clusters, as two LogScale installations are.
   */
  constructor(
    private readonly seed: ParsedSeed,
    private readonly statePath?: string,
    clusterId?: string,
  ) {
    const loaded = statePath !== undefined && existsSync(statePath) ? loadState(statePath) : undefined;
    const cluster = clusterId ?? loaded?.clusterId ?? newClusterId();
    this.current = loaded ? { ...loaded, clusterId: cluster } : stateFromSeed(seed, cluster);
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

  /** Back to the seed, on the same cluster. */
  reset(): void {
    this.current = stateFromSeed(this.seed, this.current.clusterId);
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

function loadState(path: string): Omit<State, "clusterId"> & { clusterId?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`state file ${path} is not readable JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = storedStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`state file ${path} is not a valid emulator state: ${parsed.error.message}`);
  }
  return parsed.data;
}
