const { availableParallelism } = require("node:os");

/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  testTimeout: 30000,
  globalSetup: "<rootDir>/tests/support/global-setup.ts",
  globalTeardown: "<rootDir>/tests/support/global-teardown.ts",
  // End-to-end suites spend much of their time waiting on the Pulumi CLI and its plugins, so two
  // workers pay off even on two cores, where Jest's default (cores - 1) would run one.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
