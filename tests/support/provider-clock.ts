/**
 * One clock for both sides of an end-to-end test: the emulator's (POST /_emulator/clock) and
 * the provider's, in the plugin processes the Pulumi CLI starts (see provider-clock-preload.cjs).
 * Moving them together reaches an expiry date without waiting for it.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { control } from "./emulator";

export interface SharedClock {
  /** For program.stack(): that stack's provider processes run on this clock. */
  readonly env: Readonly<Record<string, string>>;
  /** Moves both clocks forward; the next Pulumi operation's provider sees the new time. */
  advance(ms: number): Promise<void>;
  /** Both back to real time. */
  reset(): Promise<void>;
}

export function sharedClock(dir: string, emulatorUrl: string): SharedClock {
  const file = path.join(dir, "provider-clock-offset-ms");
  let offsetMs = 0;
  const write = () => writeFileSync(file, String(offsetMs));
  write();
  return {
    env: { NODE_OPTIONS: `--require ${path.join(__dirname, "provider-clock-preload.cjs")}`, LOGSCALE_TEST_CLOCK_FILE: file },
    async advance(ms) {
      offsetMs += ms;
      write();
      await control(emulatorUrl, "POST", "clock", { advanceMs: ms });
    },
    async reset() {
      offsetMs = 0;
      write();
      await control(emulatorUrl, "POST", "clock", { offsetMs: 0 });
    },
  };
}
