/**
 * Durations as the program writes them, through the real Pulumi CLI: `expiresIn: "90d"` is what
 * the state holds and what `preview --diff` shows, and a state written when the provider stored
 * milliseconds plans no change for the same durations, then holds the text after the next `up`
 * (the engine writes a resource's new inputs even when it stays the same).
 */
import type { Deployment, Stack } from "@pulumi/pulumi/automation";
import { adminToken, emulatorPerFile } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";

jest.setTimeout(300_000);

const emulator = emulatorPerFile();
const program = programPerFile();
const day = 86_400_000;

interface StateResource {
  readonly urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

let permissions = ["CreateRepository", "ViewUsage"];
let stack: Stack;
/** The state as the first up wrote it; previews write none. */
let written: Deployment;

function ciOf(deployment: Deployment): StateResource {
  const resource = (deployment.deployment as { resources: StateResource[] }).resources.find((candidate) => candidate.urn.endsWith("::ci"));
  if (resource === undefined) throw new Error("no ci token in the state");
  return resource;
}

beforeAll(async () => {
  stack = await program.stack("durations", async () => {
    const ci = new program.logscale.OrgPermissionsToken("ci", { name: "durations-ci", permissions: permissions as never, expiresIn: "90d", rotateBeforeExpiry: "14d" });
    return { ciId: ci.tokenId };
  });
  await configureLogScale(stack, emulator.url, adminToken);
  await stack.up();
  written = await stack.exportStack();
});

it("the state holds the durations as written, and preview --diff shows them so", async () => {
  const ci = ciOf(written);
  expect(ci.inputs).toMatchObject({ expiresIn: "90d", rotateBeforeExpiry: "14d" });
  expect(ci.outputs?.["requested"]).toEqual({ expiresIn: "90d", rotateBeforeExpiry: "14d" });

  permissions = ["CreateRepository", "ManageUsers", "ViewUsage"];
  const preview = await stack.preview({ diff: true });
  expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
  expect(preview.stdout).toMatch(/^\s+expiresIn\s+: "90d"$/m);
  expect(preview.stdout).toMatch(/^\s+rotateBeforeExpiry: "14d"$/m);
  expect(preview.stdout).not.toContain(String(90 * day));
  // With --refresh the old inputs are what read() returns: the window among them, not shown as added.
  const refreshed = await stack.preview({ diff: true, refresh: true });
  expect(refreshed.stdout).toMatch(/^\s+rotateBeforeExpiry: "14d"$/m);
  expect(refreshed.stdout).toMatch(/^\s+expiresIn\s+: "90d"$/m);
  permissions = ["CreateRepository", "ViewUsage"];
});

describe("a state whose durations are milliseconds, as earlier versions wrote them", () => {
  beforeAll(async () => {
    const deployment = JSON.parse(JSON.stringify(written)) as Deployment;
    const ci = ciOf(deployment);
    ci.inputs = { ...ci.inputs, expiresIn: 90 * day, rotateBeforeExpiry: 14 * day };
    ci.outputs = { ...ci.outputs, requested: { expiresIn: 90 * day } };
    await stack.importStack(deployment);
    expect(ciOf(await stack.exportStack()).inputs).toMatchObject({ expiresIn: 90 * day });
  });

  it("plans no change for the same durations written as text", async () => {
    const preview = await stack.preview({ expectNoChanges: true, diff: true });
    expect(preview.changeSummary).toEqual({ same: 2 });
  });

  it("beside a real change, the engine's own diff of the inputs shows the stored milliseconds next to the text; the plan is the change alone", async () => {
    permissions = ["CreateRepository", "ManageUsers", "ViewUsage"];
    const preview = await stack.preview({ diff: true });
    permissions = ["CreateRepository", "ViewUsage"];
    // A dynamic provider cannot give the engine a detailed diff: it shows every input that differs in form.
    expect(preview.stdout).toMatch(/^\s+~ expiresIn\s+: 7776000000 => "90d"$/m);
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
  });

  it("holds the text after the next up, which changes nothing in LogScale", async () => {
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 2 });
    // The engine stores the program's inputs for a resource that stays the same.
    const ci = ciOf(await stack.exportStack());
    expect(ci.inputs).toMatchObject({ expiresIn: "90d", rotateBeforeExpiry: "14d" });
    // What the last create asked for stays as it was written then, and still compares equal.
    expect(ci.outputs?.["requested"]).toEqual({ expiresIn: 90 * day });
    await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
  });
});
