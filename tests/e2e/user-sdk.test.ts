/**
 * 13. The user's SDK is the SDK: a program on a newer `@pulumi/pulumi` than our CLI's gets one
 * copy of it, which runs the program and the dynamic provider; a program below the peer range is
 * refused by npm. The range's floor runs in user-sdk-minimum.test.ts (its own file: see user-sdk.ts).
 */
import * as path from "node:path";
import { belowMinimumVersion, newerVersion, npm, peerRange, userSdkSuite, writeUserProgram } from "./user-sdk";

jest.setTimeout(600_000);

const suite = userSdkSuite("newer than the CLI", newerVersion);

it(`npm refuses a program whose own @pulumi/pulumi is below the range (${belowMinimumVersion})`, () => {
  const dir = path.join(suite.work(), "program-below-range");
  writeUserProgram(dir, belowMinimumVersion, suite.tarball());
  let stderr = "";
  try {
    npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], dir);
  } catch (error) {
    stderr = String((error as { stderr?: unknown }).stderr);
  }
  expect(stderr).toContain("ERESOLVE");
  expect(stderr).toContain(`peer @pulumi/pulumi@"${peerRange}" from pulumi-logscale-tokens`);
});
