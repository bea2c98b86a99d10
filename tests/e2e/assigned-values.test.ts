/**
 * Values LogScale assigns, through the real Pulumi CLI: an IP filter and a lifetime that the
 * organization's token security policy enforces are outputs, never a planned change; a value
 * the program sets still replaces the token; a policy changed behind Pulumi's back shows in
 * `preview --refresh` as changed outputs, not as a replacement.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { adminToken, control, emulatorPerFile, setTokenPolicy, storedTokens } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";

jest.setTimeout(300_000);

const day = 86_400_000;

interface Spec {
  ipFilterId?: string;
  expireAt?: number;
}

const emulator = emulatorPerFile();
const program = programPerFile();
let officeFilterId: string;

beforeAll(async () => {
  const store = await control<{ ipFilters: { id: string; name: string }[] }>(emulator.url, "GET", "store");
  officeFilterId = store.ipFilters.find((filter) => filter.name === "office")!.id;
});

async function stackOf(name: string, spec: () => Spec): Promise<Stack> {
  const stack = await program.stack(name, async () => {
    const current = spec();
    const ci = new program.logscale.OrgPermissionsToken("ci", {
      name: `${name}-ci`,
      permissions: ["ViewUsage"],
      ...(current.ipFilterId === undefined ? {} : { ipFilterId: current.ipFilterId }),
      ...(current.expireAt === undefined ? {} : { expireAt: current.expireAt }),
    });
    return { ciId: ci.tokenId, ciIpFilterId: ci.ipFilterId, ciExpireAt: ci.expireAt };
  });
  await configureLogScale(stack, emulator.url, adminToken);
  return stack;
}

interface Step {
  readonly op: string;
  readonly urn: string;
  /** What made the engine plan a replacement. */
  readonly replaceKeys: string[];
  /** Outputs that differ between the step's old and new state (a refresh's findings). */
  readonly changedOutputs: string[];
}

/**
 * The engine's view of each step of the token resources, from its events (a dynamic provider
 * reports no per-property diffs): when a step is done, its old and new state.
 */
async function plannedSteps(run: (onEvent: (event: EngineEvent) => void) => Promise<unknown>): Promise<Step[]> {
  const steps: Step[] = [];
  await run((event) => {
    const metadata = event.resOutputsEvent?.metadata;
    if (!metadata?.type.includes(":dynamic/logscale:")) return;
    const before = metadata.old?.outputs ?? {};
    const after = metadata.new?.outputs ?? {};
    const changedOutputs = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .sort();
    steps.push({ op: metadata.op, urn: metadata.urn, replaceKeys: metadata.keys ?? [], changedOutputs });
  });
  return steps;
}

describe("a policy that enforces an IP filter and a maximum lifetime", () => {
  let stack: Stack;
  let spec: Spec;

  beforeAll(async () => {
    await setTokenPolicy(emulator.url, {
      organizationPermissionTokensEnforceIpFilterId: officeFilterId,
      organizationPermissionTokensEnforceExpirationAfterMs: 90 * day,
    });
    const { now } = await control<{ now: number }>(emulator.url, "GET", "clock");
    spec = { expireAt: now + 30 * day };
    stack = await stackOf("enforced", () => spec);
  });
  // The stack stays: nothing later counts on its token gone, and the file's state goes with it.
  afterAll(async () => {
    await setTokenPolicy(emulator.url);
  });

  it("up gives the token the enforced filter as an output; preview --expect-no-changes then passes, twice", async () => {
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    expect(up.outputs["ciIpFilterId"]?.value).toBe(officeFilterId);
    expect(up.outputs["ciExpireAt"]?.value).toBe(spec.expireAt);
    const stored = await storedTokens(emulator.url);
    expect(stored.map((token) => token.id)).toEqual([up.outputs["ciId"]?.value]);

    await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
    await expect(stack.preview({ expectNoChanges: true, refresh: true })).resolves.toBeDefined();
    expect((await storedTokens(emulator.url)).map((token) => token.id)).toEqual([up.outputs["ciId"]?.value]);
  });

  it("setting ipFilterId in the program still plans a replacement", async () => {
    spec = { ...spec, ipFilterId: officeFilterId };
    const steps = await plannedSteps((onEvent) => stack.preview({ onEvent }));
    const replace = steps.find((step) => step.op === "replace");
    expect(replace?.urn).toMatch(/::ci$/);
    expect(replace?.replaceKeys).toEqual(["ipFilterId"]);
    expect(steps.map((step) => step.op).sort()).toEqual(["create-replacement", "delete-replaced", "replace"]);
    spec = { expireAt: spec.expireAt! };
  });
});

describe("a policy changed behind Pulumi's back", () => {
  let stack: Stack;

  beforeAll(async () => {
    await setTokenPolicy(emulator.url);
    stack = await stackOf("later-policy", () => ({}));
  });
  afterAll(async () => {
    await setTokenPolicy(emulator.url);
  });

  it("puts a filter on the existing token: preview --refresh shows changed outputs, not a replacement; up --refresh keeps the token", async () => {
    const up = await stack.up();
    const id = up.outputs["ciId"]?.value;
    expect(up.outputs["ciIpFilterId"]?.value).toBeUndefined();
    await setTokenPolicy(emulator.url, { organizationPermissionTokensEnforceIpFilterId: officeFilterId });
    expect((await storedTokens(emulator.url)).find((token) => token.id === id)?.ipFilterId).toBe(officeFilterId);

    const steps = await plannedSteps((onEvent) => stack.preview({ refresh: true, onEvent }));
    const forToken = steps.filter((step) => step.urn.endsWith("::ci"));
    // The refresh reads the filter LogScale put on the token; the plan after it changes nothing.
    expect(forToken.find((step) => step.op === "refresh")?.changedOutputs).toEqual(["ipFilterId"]);
    expect(forToken.filter((step) => step.op !== "refresh").map((step) => step.op)).toEqual(["same"]);

    const repaired = await stack.up({ refresh: true });
    expect(repaired.outputs["ciId"]?.value).toBe(id);
    expect(repaired.outputs["ciIpFilterId"]?.value).toBe(officeFilterId);
    expect(repaired.summary.resourceChanges?.["replace"]).toBeUndefined();
    await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();
  });
});
