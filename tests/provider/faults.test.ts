/**
 * Every provider operation under every fault the emulator injects. For each cell: success
 * (after retries or recovery) or a clean failure, and afterwards LogScale holds exactly what
 * Pulumi's state would: one token per successful create, the old permissions after a failed
 * update, the token still there after a failed delete.
 */
import type { TokenOutputs } from "../../provider/outputs";
import { TokenProvider } from "../../provider/token-provider";
import { adminToken, control, graphql, injectFault, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { stackConfig } from "./support";

let emulator: RunningEmulator;
const warnings: string[] = [];
let provider: TokenProvider;
let counter = 0;

beforeAll(async () => {
  emulator = await startTestEmulator();
  provider = new TokenProvider("organization", {
    client: { timeoutMs: 400, retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 } },
    warn: (message) => warnings.push(message),
  });
  await provider.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  await control(emulator.url, "DELETE", "faults");
  warnings.length = 0;
});

const faults: [string, Record<string, unknown>][] = [
  ["HTTP 500", { status: 500 }],
  ["HTTP 502", { status: 502 }],
  ["HTTP 503", { status: 503 }],
  ["HTTP 504", { status: 504 }],
  ["HTTP 429 with Retry-After", { status: 429, retryAfter: 1 }],
  ["connection reset", { drop: true }],
  ["timeout (the request lands late)", { latencyMs: 700 }],
  ["latency just under the timeout", { latencyMs: 250 }],
  ["applied, answer lost", { loseResponse: true }],
];

async function createToken(permissions = ["ViewUsage"]): Promise<{ id: string; outs: TokenOutputs; name: string }> {
  const name = `fault-${++counter}`;
  const checked = await provider.check({}, { name, permissions });
  const created = await provider.create(checked.inputs);
  return { id: created.id, outs: created.outs as TokenOutputs, name };
}

async function tokensNamed(name: string) {
  return (await storedTokens(emulator.url)).filter((token) => token.name === name);
}

/** Faults hit only the operation under test, not the lookups around it. */
const only = (operationName: string, fault: Record<string, unknown>) => ({ ...fault, count: 1, match: { operationName } });

/** A request delayed past the timeout still lands: wait for it before judging the outcome. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 800));

/** Proves the cell tested what it says: the injected fault was used up. */
async function expectFaultConsumed(): Promise<void> {
  expect((await control<{ faults: unknown[] }>(emulator.url, "GET", "faults")).faults).toEqual([]);
}

/** A plain 500 is the one fault not retried for idempotent operations: it fails cleanly. */
const failsCleanly = (fault: Record<string, unknown>) => fault["status"] === 500;

describe.each(faults)("under %s", (_label, fault) => {
  it("create makes exactly one token and returns it", async () => {
    const name = `fault-${++counter}`;
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectFault(emulator.url, only("CreateOrganizationPermissionsTokenV2", fault));
    const created = await provider.create(checked.inputs);
    await settle();
    const stored = await tokensNamed(name);
    expect(stored.map((token) => token.id)).toEqual([created.id]);
    expect((created.outs as TokenOutputs).token.startsWith(`${created.id}~`)).toBe(true);
    await expectFaultConsumed();
  });

  it("update applies the new permissions, or fails and leaves the old ones", async () => {
    const { id, outs } = await createToken();
    await injectFault(emulator.url, only("UpdateOrganizationPermissionsTokenPermissions", fault));
    const outcome = await provider.update(id, outs, { name: outs.name, permissions: ["ManageUsers"] } as never).then(
      (result) => ({ ok: true as const, outs: result.outs as TokenOutputs }),
      (error: unknown) => ({ ok: false as const, error: String(error) }),
    );
    await settle();
    const stored = (await storedTokens(emulator.url)).find((token) => token.id === id);
    await expectFaultConsumed();
    expect(outcome.ok).toBe(!failsCleanly(fault));
    if (outcome.ok) {
      expect(stored?.permissions).toEqual(["ManageUsers"]);
      expect(outcome.outs.permissions).toEqual(["ManageUsers"]);
      expect(outcome.outs.token).toBe(outs.token);
    } else {
      expect(outcome.error).toContain(`Could not update the permissions of organization permissions token '${outs.name}'`);
      expect(outcome.error).toContain("HTTP 500");
      expect(stored?.permissions).toEqual(["ViewUsage"]);
    }
  });

  it("delete removes the token, or fails and leaves it", async () => {
    const { id, outs } = await createToken();
    await injectFault(emulator.url, only("DeleteToken", fault));
    const error = await provider.delete(id, outs).then(() => undefined, (caught: unknown) => String(caught));
    await settle();
    const present = (await storedTokens(emulator.url)).some((token) => token.id === id);
    await expectFaultConsumed();
    expect(error === undefined).toBe(!failsCleanly(fault));
    if (error === undefined) {
      expect(present).toBe(false);
    } else {
      expect(error).toContain("Could not delete organization permissions token");
      expect(present).toBe(true);
    }
  });

  it("read reports the token, or fails saying why", async () => {
    const { id, outs } = await createToken();
    await injectFault(emulator.url, only("Token", fault));
    const result = await provider.read(id, outs).then(
      (read) => ({ ok: true as const, read }),
      (error: unknown) => ({ ok: false as const, error: String(error) }),
    );
    await expectFaultConsumed();
    expect(result.ok).toBe(!failsCleanly(fault));
    if (result.ok) {
      expect(result.read).toMatchObject({ id, props: { token: outs.token, permissions: ["ViewUsage"] } });
    } else {
      expect(result.error).toContain(`Could not read organization permissions token '${outs.name}' (${id}): LogScale answered HTTP 500`);
    }
  });
});

describe("a create whose answer is lost", () => {
  it("removes the token it made and creates once more, saying so", async () => {
    const name = `lost-${++counter}`;
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectFault(emulator.url, only("CreateOrganizationPermissionsTokenV2", { loseResponse: true }));
    const created = await provider.create(checked.inputs);
    expect((await tokensNamed(name)).map((token) => token.id)).toEqual([created.id]);
    expect(warnings.join("\n")).toMatch(new RegExp(`Creating organization permissions token '${name}' lost its answer \\(network\\); removed the token it made \\(\\w+\\) and created it once more`));
  });

  it("leaves tokens of the same name that existed before alone", async () => {
    const name = `shared-name-${++counter}`;
    const existing = await graphql<{ createOrganizationPermissionsTokenV2: { tokenMetadata: { id: string } } }>(
      emulator.url,
      "mutation($name: String!) { createOrganizationPermissionsTokenV2(input: { name: $name, organizationPermissions: [ViewUsage] }) { tokenMetadata { id } } }",
      { name },
    );
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectFault(emulator.url, only("CreateOrganizationPermissionsTokenV2", { loseResponse: true }));
    const created = await provider.create(checked.inputs);
    expect((await tokensNamed(name)).map((token) => token.id).sort()).toEqual([existing.createOrganizationPermissionsTokenV2.tokenMetadata.id, created.id].sort());
  });

  it("stops, deleting nothing, when someone else creates a token of that name meanwhile", async () => {
    const name = `race-${++counter}`;
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectFault(emulator.url, only("CreateOrganizationPermissionsTokenV2", { loseResponse: true, latencyMs: 300 }));
    const creating = provider.create(checked.inputs).then(() => "created", (error: unknown) => String(error));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await graphql(emulator.url, "mutation($name: String!) { createOrganizationPermissionsTokenV2(input: { name: $name, organizationPermissions: [ViewUsage] }) { token } }", { name });
    const outcome = await creating;
    expect(outcome).toContain(`and 2 new tokens with that name appeared meanwhile`);
    expect(outcome).toContain("none was deleted");
    expect(await tokensNamed(name)).toHaveLength(2);
  });
});
