/**
 * The emulator's notion of "now". Tests shift it through the control API to reach expiry
 * times without waiting; the offset is deliberately not persisted.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): number {
    this.offsetMs += ms;
    return this.now();
  }

  setOffset(ms: number): number {
    this.offsetMs = ms;
    return this.now();
  }
}
