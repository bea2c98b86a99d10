const { availableParallelism } = require("node:os");

/**
 * Two projects. `e2e` is tests/e2e: every file that runs the Pulumi CLI (tests/unit/test-layout.test.ts
 * holds every other test file to that). `fast` is everything else (unit, client, provider, plugin,
 * emulator, schema, resources): no CLI, no language host, `npm run test:fast` runs it alone.
 */
const common = {
  preset: "ts-jest",
  testEnvironment: "node",
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: "fast", roots: ["<rootDir>/tests"], testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/e2e/"] },
    { ...common, displayName: "e2e", roots: ["<rootDir>/tests/e2e"], testMatch: ["**/*.test.ts"] },
  ],
  testTimeout: 30000,
  globalSetup: "<rootDir>/tests/support/global-setup.ts",
  globalTeardown: "<rootDir>/tests/support/global-teardown.ts",
  reporters: ["default", "<rootDir>/tests/support/timing-reporter.js"],
  testSequencer: "<rootDir>/tests/support/sequencer.js",
  // End-to-end suites spend much of their time waiting on the Pulumi CLI and its plugins, so two
  // workers pay off even on two cores, where Jest's default (cores - 1) would run one.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
