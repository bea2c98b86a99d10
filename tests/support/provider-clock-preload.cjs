/**
 * Moves the provider's clock in end-to-end tests, as POST /_emulator/clock moves the emulator's,
 * so that expiry is reached without waiting for it. The Pulumi CLI starts the dynamic-provider
 * plugin afresh for every operation; with NODE_OPTIONS="--require <this file>" each start reads
 * the offset (milliseconds, a decimal number) from the file LOGSCALE_TEST_CLOCK_FILE names, and
 * Date.now(), the provider's clock, runs ahead by that much for the life of the process.
 *
 * Plain JavaScript: Node loads it before anything else, with no TypeScript compiler around.
 */
"use strict";

const { readFileSync } = require("node:fs");

const file = process.env.LOGSCALE_TEST_CLOCK_FILE;
if (file) {
  let offsetMs = 0;
  try {
    offsetMs = Number(readFileSync(file, "utf8").trim());
  } catch {
    // No file yet: the clock has not been moved.
  }
  if (!Number.isFinite(offsetMs)) throw new Error(`${file} must hold a number of milliseconds`);
  if (offsetMs !== 0) {
    const realNow = Date.now;
    Date.now = () => realNow() + offsetMs;
  }
}
