/**
 * Through the real Pulumi CLI: rotation before expiry (with a dependent resource that
 * switches over while both secrets work), adoption of a token made by hand, and view and IP
 * filter names resolved at every preview.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { adminToken, control, emulatorPerFile, organizationTokenMadeByHand, requestLog, statusWith, storedTokens } from "../support/emulator";
import { sharedClock } from "../support/provider-clock";
import { configureLogScale, programPerFile } from "../support/pulumi";

jest.setTimeout(300_000);

const day = 86_400_000;
const emulator = emulatorPerFile();
const program = programPerFile();

async function stackOf(name: string, declare: () => Record<string, unknown>, env: Record<string, string> = {}): Promise<Stack> {
  const stack = await program.stack(name, async () => declare(), env);
  await configureLogScale(stack, emulator.url, adminToken);
  return stack;
}

interface Step {
  readonly op: string;
  /** The resource's name in the program (the end of its URN). */
  readonly resource: string;
  /** Why the engine planned a replacement. */
  readonly keys: string[];
}

interface Observed {
  readonly steps: Step[];
  /**
   * Warnings, from the engine or from a provider. The dynamic-provider plugin has no engine
   * connection for logging: pulumi.log.warn there goes to its stderr, which the engine relays
   * as an info#err diagnostic without a resource, "warning: " first.
   */
  readonly warnings: string[];
  /** Errors, by the resource they are about (a failed check names the resource). */
  readonly errors: { resource: string; message: string }[];
  /** What the operation answered, or how it failed. */
  readonly outcome: unknown;
}

const resourceOf = (urn: string | undefined) => urn?.split("::").pop() ?? "";

/** Runs an operation and collects, from the engine's events, its steps and diagnostics. */
async function observe(run: (onEvent: (event: EngineEvent) => void) => Promise<unknown>): Promise<Observed> {
  const events: EngineEvent[] = [];
  const outcome = await run((event) => events.push(event)).catch((error: unknown) => error);
  events.sort((a, b) => a.sequence - b.sequence);
  const steps: Step[] = [];
  const warnings: Observed["warnings"] = [];
  const errors: Observed["errors"] = [];
  for (const event of events) {
    const metadata = event.resOutputsEvent?.metadata;
    if (metadata && metadata.type !== "pulumi:pulumi:Stack" && !metadata.type.startsWith("pulumi:providers:")) {
      steps.push({ op: metadata.op, resource: resourceOf(metadata.urn), keys: metadata.keys ?? [] });
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.severity === "warning" || (diagnostic?.severity === "info#err" && diagnostic.message.startsWith("warning: "))) warnings.push(diagnostic.message);
    if (diagnostic?.severity === "error") errors.push({ resource: resourceOf(diagnostic.urn), message: diagnostic.message });
  }
  return { steps, warnings, errors, outcome };
}

const opsOf = (steps: Step[], resource: string) => steps.filter((step) => step.resource === resource).map((step) => step.op);

// ---------------------------------------------------------------------------------------------
// A resource that uses a token, as an application's deployment would: a dynamic resource whose
// provider is serialized by value into the state, so it holds nothing but node built-ins and
// fetch. Its update tries the new token and, while it still may, the old one; its outputs are
// what it saw, never a secret (the token it keeps for the next update is a secret output).

interface ConsumerOutputs {
  url: string;
  token: string;
  createWorked: boolean;
  sawNewToken: boolean;
  newWorked: boolean;
  oldStillWorked: boolean;
  updates: number;
}

const consumerProvider: dynamic.ResourceProvider = {
  async create(inputs: Record<string, unknown>) {
    const url = String(inputs["url"]);
    const token = String(inputs["token"]);
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ query: "query ConsumerStarts { ipFilters { id } }" }),
    });
    const body = (await response.json().catch(() => ({ errors: ["not JSON"] }))) as { errors?: unknown };
    const outs: ConsumerOutputs = { url, token, createWorked: response.status === 200 && !body.errors, sawNewToken: false, newWorked: false, oldStillWorked: false, updates: 0 };
    return { id: require("node:crypto").randomUUID() as string, outs };
  },
  async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const url = String(news["url"]);
    const works = async (token: string, operation: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ query: `query ${operation} { ipFilters { id } }` }),
      });
      const body = (await response.json().catch(() => ({ errors: ["not JSON"] }))) as { errors?: unknown };
      return response.status === 200 && !body.errors;
    };
    const newToken = String(news["token"]);
    const oldToken = String(olds["token"]);
    const newWorked = await works(newToken, "ConsumerUsesNewToken");
    const oldStillWorked = await works(oldToken, "ConsumerUsesOldToken");
    const outs: ConsumerOutputs = {
      url,
      token: newToken,
      createWorked: olds["createWorked"] === true,
      sawNewToken: newToken !== oldToken,
      newWorked,
      oldStillWorked,
      updates: Number(olds["updates"] ?? 0) + 1,
    };
    return { outs };
  },
};

/** The consumer resource class, on the program's own @pulumi/pulumi (the one the engine runs). */
function consumerClass() {
  const pulumi = createRequire(path.join(program.dir, "index.js"))("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  return class TokenConsumer extends pulumi.dynamic.Resource {
    declare readonly createWorked: import("@pulumi/pulumi").Output<boolean>;
    declare readonly sawNewToken: import("@pulumi/pulumi").Output<boolean>;
    declare readonly newWorked: import("@pulumi/pulumi").Output<boolean>;
    declare readonly oldStillWorked: import("@pulumi/pulumi").Output<boolean>;
    declare readonly updates: import("@pulumi/pulumi").Output<number>;
    constructor(name: string, args: { url: string; token: import("@pulumi/pulumi").Input<string> }) {
      const outputs = { createWorked: undefined, sawNewToken: undefined, newWorked: undefined, oldStillWorked: undefined, updates: undefined };
      super(consumerProvider, name, { ...args, ...outputs }, { additionalSecretOutputs: ["token"] });
    }
  };
}

describe("rotation before expiry, with a resource that uses the token", () => {
  it("plans nothing at day 22, a replacement at day 24 that the consumer switches to while the old secret still works, then nothing again", async () => {
    const clock = sharedClock(program.dir, emulator.url);
    const TokenConsumer = consumerClass();
    const stack = await stackOf(
      "rotation",
      () => {
        const ci = new program.logscale.OrgPermissionsToken("ci", { name: "rotating-ci", permissions: ["ViewUsage"], expiresIn: "30d", rotateBeforeExpiry: "7d" });
        const app = new TokenConsumer("app", { url: emulator.url, token: ci.token });
        return {
          ciId: ci.tokenId,
          ciToken: ci.token,
          ciExpireAt: ci.expireAt,
          appCreateWorked: app.createWorked,
          appSawNewToken: app.sawNewToken,
          appNewWorked: app.newWorked,
          appOldStillWorked: app.oldStillWorked,
          appUpdates: app.updates,
        };
      },
      { ...clock.env },
    );
    try {
      const created = await stack.up();
      expect(created.summary.resourceChanges).toEqual({ create: 3 });
      expect(created.outputs["appCreateWorked"]?.value).toBe(true);
      const first = created.outputs;
      const oldId = String(first["ciId"]?.value);
      const oldToken = String(first["ciToken"]?.value);
      expect(first["ciToken"]?.secret).toBe(true);
      expect(oldToken.startsWith(`${oldId}~`)).toBe(true);
      // The lifetime is counted from the creation, which came before this reading of the clock.
      const { now: afterCreation } = await control<{ now: number }>(emulator.url, "GET", "clock");
      const oldExpireAt = Number(first["ciExpireAt"]?.value);
      expect(oldExpireAt).toBeLessThanOrEqual(afterCreation + 30 * day);

      // Day 22: eight days to go, outside the seven-day window.
      await clock.advance(22 * day);
      await expect(stack.preview({ expectNoChanges: true })).resolves.toMatchObject({ changeSummary: { same: 3 } });

      // Day 24: six days to go. A drift check fails and says which token and why.
      await clock.advance(2 * day);
      const due = await observe((onEvent) => stack.preview({ expectNoChanges: true, onEvent }));
      expect(String(due.outcome)).toContain("no changes were expected");
      expect(due.steps.find((step) => step.resource === "ci" && step.op === "replace")?.keys).toEqual(["expireAt"]);
      expect(opsOf(due.steps, "app")).toEqual(["update"]);
      expect(due.warnings.join("\n")).toMatch(
        new RegExp(`organization permissions token 'rotating-ci' \\(${oldId}\\) expires at .*, within its rotateBeforeExpiry window of 7d`),
      );
      expect((await storedTokens(emulator.url)).filter((token) => token.name === "rotating-ci").map((token) => token.id)).toEqual([oldId]);

      // up: the new token first, then the consumer (both secrets work), then the old token goes.
      await control(emulator.url, "DELETE", "requests");
      const rotation = await observe((onEvent) => stack.up({ onEvent }));
      const rotated = rotation.outcome as Awaited<ReturnType<Stack["up"]>>;
      expect(rotated.summary?.resourceChanges).toEqual({ same: 1, replace: 1, update: 1 });
      const order = rotation.steps.filter((step) => step.op !== "same" && step.op !== "replace").map((step) => `${step.op} ${step.resource}`);
      expect(order).toEqual(["create-replacement ci", "update app", "delete-replaced ci"]);

      const log = (await requestLog(emulator.url)).map((request) => ({ operation: request.operationName, status: request.status }));
      const interesting = ["CreateOrganizationPermissionsTokenV2", "ConsumerUsesNewToken", "ConsumerUsesOldToken", "DeleteToken"];
      expect(log.filter((request) => interesting.includes(request.operation ?? ""))).toEqual([
        { operation: "CreateOrganizationPermissionsTokenV2", status: 200 },
        { operation: "ConsumerUsesNewToken", status: 200 },
        { operation: "ConsumerUsesOldToken", status: 200 },
        { operation: "DeleteToken", status: 200 },
      ]);
      expect(rotated.outputs["appSawNewToken"]?.value).toBe(true);
      expect(rotated.outputs["appNewWorked"]?.value).toBe(true);
      expect(rotated.outputs["appOldStillWorked"]?.value).toBe(true);
      expect(rotated.outputs["appUpdates"]?.value).toBe(1);

      const after = rotated.outputs;
      const newId = String(after["ciId"]?.value);
      const newToken = String(after["ciToken"]?.value);
      expect(newId).not.toBe(oldId);
      expect(newToken.startsWith(`${newId}~`)).toBe(true);
      expect(await statusWith(emulator.url, oldToken)).toBe(401);
      expect(await statusWith(emulator.url, newToken)).toBe(200);
      expect((await storedTokens(emulator.url)).filter((token) => token.name === "rotating-ci").map((token) => token.id)).toEqual([newId]);
      // The new token's 30 days count from day 24.
      expect(Number(after["ciExpireAt"]?.value) - oldExpireAt).toBeGreaterThanOrEqual(24 * day);

      // The consumer keeps the secret for its next update, but only as a secret in the state.
      const state = readFileSync(path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", "rotation.json"), "utf8");
      const resources = (JSON.parse(state) as { checkpoint: { latest: { resources: { urn: string; outputs?: Record<string, unknown> }[] } } }).checkpoint.latest.resources;
      const app = resources.find((resource) => resource.urn.endsWith("::app"))?.outputs;
      expect(app).toMatchObject({ updates: 1, token: { ciphertext: expect.any(String) } });
      expect(state.includes(newToken.split("~")[1]!)).toBe(false);
      expect(state.includes(oldToken.split("~")[1]!)).toBe(false);

      await expect(stack.preview({ expectNoChanges: true })).resolves.toMatchObject({ changeSummary: { same: 3 } });
    } finally {
      await clock.reset();
    }
  });
});

// ---------------------------------------------------------------------------------------------

function adopting(tokenName: string, adoptTokenId: string, extra: Record<string, unknown> = {}): () => Record<string, unknown> {
  return () => {
    const ci = new program.logscale.OrgPermissionsToken("adopted", {
      name: tokenName,
      permissions: ["ManageUsers", "ViewUsage"],
      adoptTokenId,
      ...extra,
    });
    return { ciId: ci.tokenId, ciToken: ci.token, ciPermissions: ci.permissions };
  };
}

describe("adoptTokenId", () => {
  it("takes over a token made by hand: same id, the program's permissions, the consumers' secret still works, no token output", async () => {
    const existing = await organizationTokenMadeByHand(emulator.url, "hand-made", ["ViewUsage"]);
    let tokenName = "other-name";
    const stack = await stackOf("adopt", () => adopting(tokenName, existing.id)());

    // A program that describes another token cannot adopt it, and says how they differ. The
    // refused preview leaves the stack empty, so the same stack then adopts with the right name.
    const refused = await observe((onEvent) => stack.preview({ onEvent }));
    expect(String(refused.outcome)).toContain("CommandError");
    const reasons = refused.errors.filter((error) => error.resource === "adopted").map((error) => error.message).join("\n");
    expect(reasons).toContain(`token '${existing.id}' does not match the program`);
    expect(reasons).toContain("name: the program says 'other-name', the token is named 'hand-made'");
    expect((await storedTokens(emulator.url)).filter((token) => token.name === "hand-made" || token.name === "other-name").map((token) => token.id)).toEqual([existing.id]);

    tokenName = "hand-made";
    const preview = await observe((onEvent) => stack.preview({ onEvent }));
    expect(preview.outcome).toMatchObject({ changeSummary: { create: 2 } });
    expect(opsOf(preview.steps, "adopted")).toEqual(["create"]);
    expect(preview.warnings.join("\n")).toContain(
      `'hand-made' adopts organization permissions token ${existing.id}. LogScale never shows a token's secret again, so its token output stays empty`,
    );

    await control(emulator.url, "DELETE", "requests");
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    expect((await requestLog(emulator.url)).map((request) => request.operationName)).not.toContain("CreateOrganizationPermissionsTokenV2");
    const outputs = up.outputs;
    expect(outputs["ciId"]?.value).toBe(existing.id);
    expect(outputs["ciToken"]?.value).toBe("");
    expect(outputs["ciPermissions"]?.value).toEqual(["ManageUsers", "ViewUsage"]);
    const mine = (await storedTokens(emulator.url)).filter((token) => token.name === "hand-made");
    expect(mine.map((token) => ({ id: token.id, permissions: [...token.permissions].sort() }))).toEqual([{ id: existing.id, permissions: ["ManageUsers", "ViewUsage"] }]);
    expect(await statusWith(emulator.url, existing.secret)).toBe(200);
    // Managed from then on like any other token.
    await expect(stack.preview({ expectNoChanges: true, refresh: true })).resolves.toBeDefined();

    await expect(stack.destroy()).resolves.toMatchObject({ summary: { resourceChanges: { delete: 2 } } });
    expect((await storedTokens(emulator.url)).filter((token) => token.name === "hand-made")).toEqual([]);
    expect(await statusWith(emulator.url, existing.secret)).toBe(401);
  });

  it("rotateOnAdopt: a new id and secret that Pulumi holds; the hand-made secret stops working", async () => {
    const existing = await organizationTokenMadeByHand(emulator.url, "hand-made-rotated", ["ViewUsage"]);
    const stack = await stackOf("adopt-rotate", adopting("hand-made-rotated", existing.id, { rotateOnAdopt: true }));

    const preview = await observe((onEvent) => stack.preview({ onEvent }));
    expect(opsOf(preview.steps, "adopted")).toEqual(["create"]);
    expect(preview.warnings.join("\n")).toContain(
      `'hand-made-rotated' adopts organization permissions token ${existing.id} and rotates it once (rotateOnAdopt)`,
    );

    const outputs = (await stack.up()).outputs;
    const id = String(outputs["ciId"]?.value);
    const token = String(outputs["ciToken"]?.value);
    expect(id).not.toBe(existing.id);
    expect(outputs["ciToken"]?.secret).toBe(true);
    expect(token.startsWith(`${id}~`)).toBe(true);
    expect(await statusWith(emulator.url, token)).toBe(200);
    expect(await statusWith(emulator.url, existing.secret)).toBe(401);
    expect((await storedTokens(emulator.url)).filter((stored) => stored.name === "hand-made-rotated").map((stored) => stored.id)).toEqual([id]);

    await expect(stack.destroy()).resolves.toMatchObject({ summary: { resourceChanges: { delete: 2 } } });
    expect((await storedTokens(emulator.url)).filter((stored) => stored.name === "hand-made-rotated")).toEqual([]);
    expect(await statusWith(emulator.url, token)).toBe(401);
  });
});

// ---------------------------------------------------------------------------------------------

describe("viewNames and ipFilterName", () => {
  it("resolve to ids at preview; an unknown name fails naming the closest; a view re-created under its name replaces only the token on it", async () => {
    const store = await control<{ searchDomains: { id: string; name: string }[]; ipFilters: { id: string; name: string }[] }>(emulator.url, "GET", "store");
    const dashboardsId = store.searchDomains.find((domain) => domain.name === "dashboards")!.id;
    const officeId = store.ipFilters.find((filter) => filter.name === "office")!.id;
    const names = { view: "dashboards", ipFilter: "office" };
    const stack = await stackOf("names", () => {
      const reader = new program.logscale.ViewPermissionsToken("reader", { name: "names-reader", permissions: ["ReadAccess"], viewNames: [names.view] });
      const filtered = new program.logscale.OrgPermissionsToken("filtered", { name: "names-filtered", permissions: ["ViewUsage"], ipFilterName: names.ipFilter });
      return { readerId: reader.tokenId, readerViewIds: reader.viewIds, filteredId: filtered.tokenId, filteredIpFilterId: filtered.ipFilterId };
    });

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    expect(up.outputs["readerViewIds"]?.value).toEqual([dashboardsId]);
    expect(up.outputs["filteredIpFilterId"]?.value).toBe(officeId);
    const stored = await storedTokens(emulator.url);
    expect(stored.find((token) => token.id === up.outputs["filteredId"]?.value)?.ipFilterId).toBe(officeId);

    // A misspelt name fails the preview, naming the closest known name; nothing changes.
    // (One at a time: the engine stops at the first resource whose check fails.)
    const refusal = async (resource: string) => {
      const preview = await observe((onEvent) => stack.preview({ onEvent }));
      expect(String(preview.outcome)).toContain("CommandError");
      expect(preview.steps.filter((step) => step.op !== "same")).toEqual([]);
      return preview.errors.filter((error) => error.resource === resource).map((error) => error.message).join("\n");
    };
    names.view = "dashboard";
    expect(await refusal("reader")).toContain("viewNames 'dashboard' (did you mean 'dashboards'?) is not the name of a view or repository the API token can see. Known: ");
    names.view = "dashboards";
    names.ipFilter = "ofice";
    expect(await refusal("filtered")).toContain("ipFilterName 'ofice' (did you mean 'office'?) is not the name of an IP filter of the organization. Known: office");
    names.ipFilter = "office";
    expect((await storedTokens(emulator.url)).filter((token) => token.name.startsWith("names-")).length).toBe(2);

    // The view is deleted and re-created under the same name behind the stack's back.
    await control(emulator.url, "POST", "search-domains", { remove: dashboardsId });
    const { id: recreatedId } = await control<{ id: string }>(emulator.url, "POST", "search-domains", { add: { name: "dashboards" } });
    expect(recreatedId).not.toBe(dashboardsId);

    const drift = await observe((onEvent) => stack.preview({ refresh: true, onEvent }));
    expect(drift.outcome).toMatchObject({ changeSummary: { same: 2, replace: 1 } });
    const planned = drift.steps.filter((step) => step.op !== "refresh");
    expect(planned.find((step) => step.resource === "reader" && step.op === "replace")?.keys).toContain("viewIds");
    expect(opsOf(planned, "filtered")).toEqual(["same"]);

    const repaired = await stack.up({ refresh: true });
    expect(repaired.outputs["readerViewIds"]?.value).toEqual([recreatedId]);
    expect(repaired.outputs["readerId"]?.value).not.toBe(up.outputs["readerId"]?.value);
    expect(repaired.outputs["filteredId"]?.value).toBe(up.outputs["filteredId"]?.value);
    await expect(stack.preview({ expectNoChanges: true, refresh: true })).resolves.toBeDefined();
  });
});
