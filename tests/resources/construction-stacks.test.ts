/**
 * What constructing a token costs in stack traces: the SDK's promises capture none while our
 * constructor runs, the limit is put back, PULUMI_DEBUG_PROMISE_LEAKS keeps full stacks, and an
 * error thrown during construction still says where the program made the token.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPermissionsToken } from "../../provider";

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) }, "project", "stack", false);
});

afterEach(() => {
  delete process.env["PULUMI_DEBUG_PROMISE_LEAKS"];
});

/** Stack frames V8 hands to formatting while `construct` runs. */
function framesFormatted(construct: () => void): number {
  const formatter = Error.prepareStackTrace;
  let frames = 0;
  Error.prepareStackTrace = (error, callSites) => {
    frames += callSites.length;
    return formatter ? formatter(error, callSites) : `${String(error)}\n${callSites.map((site) => `    at ${String(site)}`).join("\n")}`;
  };
  try {
    construct();
  } finally {
    Error.prepareStackTrace = formatter;
  }
  return frames;
}

let serial = 0;
const makeToken = () => new OrgPermissionsToken(`stacks-${serial++}`, { name: `stacks-${serial}`, permissions: ["ViewUsage"] });

test("a token's construction formats only the frames of its source position", () => {
  const limit = Error.stackTraceLimit;
  const quiet = framesFormatted(makeToken);
  process.env["PULUMI_DEBUG_PROMISE_LEAKS"] = "1";
  const debugging = framesFormatted(makeToken);
  // One stack at full depth for the source position; without the limit, every promise adds its own.
  expect(debugging).toBeGreaterThan(quiet * 3);
  expect(Error.stackTraceLimit).toBe(limit);
});

test("the stack trace limit is put back after construction, thrown or not", () => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 17;
  try {
    makeToken();
    expect(Error.stackTraceLimit).toBe(17);
    expect(() => new OrgPermissionsToken("", { name: "nameless", permissions: ["ViewUsage"] })).toThrow();
    expect(Error.stackTraceLimit).toBe(17);
  } finally {
    Error.stackTraceLimit = limit;
  }
});

test("an error thrown during construction names the program's line", () => {
  let thrown: unknown;
  try {
    new OrgPermissionsToken("", { name: "nameless", permissions: ["ViewUsage"] });
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(Error);
  const stack = (thrown as Error).stack ?? "";
  expect(stack).toContain("Missing resource name argument");
  expect(stack).toContain("construction-stacks.test.ts");
});
