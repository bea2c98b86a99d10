/**
 * Through the real Pulumi CLI: what the organization's policy and expiry look like
 * in a preview, faults during up and destroy, and that nothing the engine prints holds a
 * secret.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { OpMap, Stack } from "@pulumi/pulumi/automation";
import { adminToken, control, emulatorPerFile, injectFault, setTokenPolicy, storedTokens } from "../support/emulator";
import { sharedClock } from "../support/provider-clock";
import { configureLogScale, programPerFile } from "../support/pulumi";

jest.setTimeout(240_000);

// Both go with the file: a stack that is not about destroy is left as its last up made it.
const emulator = emulatorPerFile();
const program = programPerFile();
/** Everything the engine printed, and every secret it must not have printed. */
const printed: string[] = [];
const secrets = new Set<string>([adminToken]);
const collect = (text: string) => printed.push(text);

interface Declared {
  ciPermissions: string[];
  opsExpireAt?: number;
  withOps: boolean;
}

async function stackFor(name: string, declared: () => Declared, env: Record<string, string> = {}): Promise<Stack> {
  const { logscale } = program;
  const stack = await program.stack(name, async () => {
    const current = declared();
    const ci = new logscale.OrgPermissionsToken("ci", { name: `${name}-ci`, permissions: current.ciPermissions as never });
    const outputs: Record<string, unknown> = { ciId: ci.tokenId, ciToken: ci.token };
    if (current.withOps) {
      const ops = new logscale.SystemPermissionsToken("ops", {
        name: `${name}-ops`,
        permissions: ["ReadHealthCheck"],
        ...(current.opsExpireAt ? { expireAt: current.opsExpireAt } : {}),
      });
      outputs["opsId"] = ops.tokenId;
      outputs["opsToken"] = ops.token;
    }
    return outputs;
  }, env);
  await configureLogScale(stack, emulator.url, adminToken);
  return stack;
}

async function run<T>(operation: Promise<T>): Promise<T | string> {
  return operation.then(
    (result) => {
      const outputs = (result as { outputs?: Record<string, { value: unknown; secret: boolean }> }).outputs ?? {};
      for (const output of Object.values(outputs)) if (output.secret) secrets.add(String(output.value));
      const { stdout = "", stderr = "" } = result as { stdout?: string; stderr?: string };
      collect(stdout + stderr);
      return result;
    },
    (error: unknown) => {
      collect(String(error));
      return String(error);
    },
  );
}

const setPolicy = (changes: Record<string, unknown>) => setTokenPolicy(emulator.url, changes);

describe("the organization's policy, seen at preview", () => {
  afterEach(async () => {
    await setPolicy({});
  });

  it("forbidden permission updates: preview plans a replacement and says why; up does it without failing", async () => {
    const declared: Declared = { ciPermissions: ["ViewUsage"], withOps: false };
    const stack = await stackFor("policy-updates", () => declared);
    const first = await run(stack.up());
    expect(typeof first).not.toBe("string");
    await setPolicy({ organizationPermissionTokensAllowPermissionUpdates: false });

    declared.ciPermissions = ["ViewUsage", "ManageUsers"];
    const preview = await run(stack.preview());
    expect(preview).toMatchObject({ changeSummary: { same: 1, replace: 1 } });
    const said = typeof preview === "string" ? preview : preview.stdout + preview.stderr;
    expect(said).toContain("organizationPermissionTokensAllowPermissionUpdates is false");

    const up = await run(stack.up());
    expect(up).toMatchObject({ summary: { resourceChanges: { same: 1, replace: 1 } } });
    const ci = (await storedTokens(emulator.url)).filter((token) => token.name === "policy-updates-ci");
    expect(ci.map((token) => token.permissions.sort())).toEqual([["ManageUsers", "ViewUsage"]]);
  });

  it("an enforced maximum lifetime: an expireAt beyond it fails at preview with the limit", async () => {
    await setPolicy({ systemPermissionTokensEnforceExpirationAfterMs: 7 * 86_400_000 });
    const stack = await stackFor("policy-lifetime", () => ({ ciPermissions: ["ViewUsage"], withOps: true, opsExpireAt: Date.now() + 60 * 86_400_000 }));
    const preview = await run(stack.preview());
    expect(String(preview)).toContain("expireAt must be set and at most 7 days from now");
    expect((await storedTokens(emulator.url)).filter((token) => token.name.startsWith("policy-lifetime"))).toEqual([]);
  });
});

describe("an expired token", () => {
  it("shows in preview --refresh as a change with a message naming it, and blocks nothing", async () => {
    // An hour ahead; later both clocks move past it: expired, and still within the minutes
    // LogScale keeps listing an expired token.
    const hour = 3_600_000;
    const clock = sharedClock(program.dir, emulator.url);
    const declared: Declared = { ciPermissions: ["ViewUsage"], withOps: true, opsExpireAt: Date.now() + hour };
    const stack = await stackFor("expiry", () => declared, { ...clock.env });
    try {
      expect(await run(stack.up())).toMatchObject({ summary: { resourceChanges: { create: 3 } } });
      expect(await run(stack.preview({ refresh: true }))).toMatchObject({ changeSummary: { same: 3 } });
      await clock.advance(hour + 60_000);

      // A drift check notices it, and says which token and what to change. One preview shows
      // both: its summary event holds the plan, and --expect-no-changes makes it fail on that plan.
      let planned: OpMap | undefined;
      const onEvent = (event: { summaryEvent?: { resourceChanges: OpMap } }) => {
        planned = event.summaryEvent?.resourceChanges ?? planned;
      };
      const preview = await run(stack.preview({ refresh: true, expectNoChanges: true, onEvent }));
      expect(planned).toMatchObject({ same: 2, update: 1 });
      const said = typeof preview === "string" ? preview : preview.stdout + preview.stderr;
      expect(said).toMatch(/The system permissions token 'expiry-ops' \(\w+\) expired at .*Set its expireAt to a future date/);
      expect(String(preview)).toContain("no changes were expected");

      // up leaves the expired token alone (with the same message) and applies the other change.
      declared.ciPermissions = ["ViewUsage", "ManageUsers"];
      const up = await run(stack.up({ refresh: true }));
      expect(up).toMatchObject({ summary: { resourceChanges: { update: 2 } } });
      const ci = (await storedTokens(emulator.url)).find((token) => token.name === "expiry-ci");
      expect(ci?.permissions.sort()).toEqual(["ManageUsers", "ViewUsage"]);

      // With a new date the expired token is replaced by a working one.
      declared.opsExpireAt = Date.now() + hour + 86_400_000;
      const fixed = await run(stack.up());
      expect(fixed).toMatchObject({ summary: { resourceChanges: { same: 2, replace: 1 } } });
      const opsToken = typeof fixed === "string" ? "" : String(fixed.outputs["opsToken"]?.value);
      const check = await fetch(`${emulator.url}/graphql`, {
        method: "POST",
        headers: { Authorization: `Bearer ${opsToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ query: "{ organization { id } }" }),
      });
      expect(check.status).toBe(200);
    } finally {
      await clock.reset();
    }
  });
});

describe("faults during up and destroy", () => {
  it("a lost create answer, then a 503 on update and a 501 (not retried) on delete: state and LogScale agree after each", async () => {
    const declared: Declared = { ciPermissions: ["ViewUsage"], withOps: false };
    const stack = await stackFor("faults", () => declared);

    await injectFault(emulator.url, { loseResponse: true, count: 1, match: { operationName: "CreateOrganizationPermissionsTokenV2" } });
    const up = await run(stack.up());
    expect(up).toMatchObject({ summary: { resourceChanges: { create: 2 } } });
    const ciId = typeof up === "string" ? "" : String(up.outputs["ciId"]?.value);
    expect((await storedTokens(emulator.url)).filter((token) => token.name === "faults-ci").map((token) => token.id)).toEqual([ciId]);

    declared.ciPermissions = ["ManageUsers"];
    await injectFault(emulator.url, { status: 503, count: 2, match: { operationName: "UpdateOrganizationPermissionsTokenPermissions" } });
    expect(await run(stack.up())).toMatchObject({ summary: { resourceChanges: { update: 1 } } });
    expect((await storedTokens(emulator.url)).find((token) => token.id === ciId)?.permissions).toEqual(["ManageUsers"]);

    await injectFault(emulator.url, { status: 501, count: 1, match: { operationName: "DeleteToken" } });
    const failed = await run(stack.destroy());
    expect(String(failed)).toContain("Could not delete organization permissions token 'faults-ci'");
    expect(String(failed)).toContain("HTTP 501");
    const mine = async () => (await storedTokens(emulator.url)).filter((token) => token.name.startsWith("faults-")).map((token) => token.id);
    expect(await mine()).toEqual([ciId]);
    // The backend's file, as `pulumi stack export` would read it: ids are not secret.
    const state = JSON.parse(readFileSync(path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", "faults.json"), "utf8")) as {
      checkpoint: { latest: { resources: { id?: string }[] } };
    };
    expect(state.checkpoint.latest.resources.some((resource) => resource.id === ciId)).toBe(true);

    expect(await run(stack.destroy())).toMatchObject({ summary: { resourceChanges: { delete: 2 } } });
    expect(await mine()).toEqual([]);
  });
});

it("nothing the engine printed in any of these runs holds a token secret or the API token", async () => {
  await control(emulator.url, "DELETE", "faults");
  const everything = printed.join("\n");
  expect(printed.length).toBeGreaterThanOrEqual(8);
  const leaked = [...secrets].filter((secret) => everything.includes(secret) || everything.includes(secret.split("~")[1] ?? secret));
  expect(leaked).toEqual([]);
});
