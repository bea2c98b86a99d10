/**
 * Every provider operation under every fault the emulator injects. For each cell: success
 * (after retries or recovery) or a clean failure, and afterwards LogScale holds exactly what
 * Pulumi's state would: one token per successful create, the old permissions after a failed
 * update, the token still there after a failed delete.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, emulatorPerFile, graphql, injectFault, requestLog, storedTokens } from "../support/emulator";
import { faultedRequestsLanded } from "../support/wait";
import { stackConfig } from "./support";

const emulator = emulatorPerFile();
const warnings: string[] = [];
/** Progress the provider reports while it works: retries and recoveries. */
const progress: string[] = [];
let counter = 0;

/** Per attempt: far beyond any answer's time, so only a request the emulator holds back times out. */
const patientMs = 10_000;
/** The timeout cell: the client gives up after impatientMs; the held request lands when the provider next waits. */
const impatientMs = 1_000;
const late = { hold: true } as const;

/**
 * The provider's waits (retry backoff, Retry-After, the window for a late create) take no time,
 * but none ends before a request the emulator is holding back has been answered: whatever that
 * request does happens within the wait, as it would if the clock had moved on that far.
 * `beforeWait` lets a test act at the moment the provider pauses.
 */
async function providerWith(timeoutMs: number, beforeWait: () => Promise<void> = async () => undefined): Promise<TokenProvider> {
  const provider = new TokenProvider("organization", {
    client: {
      timeoutMs,
      retry: { attempts: 4 },
      sleep: async () => {
        await beforeWait();
        await faultedRequestsLanded(emulator.url);
      },
    },
    warn: (message) => warnings.push(message),
    info: (message) => progress.push(message),
  });
  await provider.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
  return provider;
}

beforeEach(async () => {
  await control(emulator.url, "DELETE", "faults");
  await control(emulator.url, "DELETE", "requests");
  warnings.length = 0;
  progress.length = 0;
});

interface Cell {
  readonly fault: Record<string, unknown>;
  /** The client's timeout per attempt in this cell. */
  readonly timeoutMs: number;
}

const faults: [string, Cell][] = [
  ["HTTP 408", { fault: { status: 408 }, timeoutMs: patientMs }],
  ["HTTP 500", { fault: { status: 500 }, timeoutMs: patientMs }],
  ["HTTP 501", { fault: { status: 501 }, timeoutMs: patientMs }],
  ["HTTP 502", { fault: { status: 502 }, timeoutMs: patientMs }],
  ["HTTP 503", { fault: { status: 503 }, timeoutMs: patientMs }],
  ["HTTP 504", { fault: { status: 504 }, timeoutMs: patientMs }],
  ["HTTP 429 with Retry-After", { fault: { status: 429, retryAfter: 1 }, timeoutMs: patientMs }],
  ["connection reset", { fault: { drop: true }, timeoutMs: patientMs }],
  ["timeout (the request lands late)", { fault: late, timeoutMs: impatientMs }],
  ["latency below the timeout", { fault: { latencyMs: 250 }, timeoutMs: patientMs }],
  ["applied, answer lost", { fault: { loseResponse: true }, timeoutMs: patientMs }],
];

async function createToken(provider: TokenProvider, permissions = ["ViewUsage"]): Promise<{ id: string; outs: TokenOutputs; name: string }> {
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

/** Injects the cell's fault with a clean request log, so the log tells this operation's story alone. */
async function injectOnly(operationName: string, fault: Record<string, unknown>): Promise<void> {
  await control(emulator.url, "DELETE", "requests");
  await injectFault(emulator.url, only(operationName, fault));
}

/** A request held back past the timeout still lands: wait for it before judging the outcome. */
const settle = () => faultedRequestsLanded(emulator.url);

/** Proves the cell tested what it says: the injected fault was used up. */
async function expectFaultConsumed(): Promise<void> {
  expect((await control<{ faults: unknown[] }>(emulator.url, "GET", "faults")).faults).toEqual([]);
}

async function attemptsOf(operationName: string): Promise<number> {
  return (await requestLog(emulator.url)).filter((entry) => entry.operationName === operationName).length;
}

/** A status outside the retried set (408, 429, 500, 502, 503, 504), e.g. 501, fails cleanly. */
const failsCleanly = (fault: Record<string, unknown>) => fault["status"] === 501;
/** Latency below the timeout is no failure at all: one attempt. */
const harmless = (cell: Cell) => cell.fault["status"] === undefined && cell.fault["drop"] === undefined && cell.fault["loseResponse"] === undefined && Number(cell.fault["latencyMs"]) < cell.timeoutMs;

/**
 * How often the operation under test reaches LogScale: a count, not a time, says whether the
 * fault was felt. Creates recover from every failure by creating once more.
 */
function expectedAttempts(cell: Cell, operation: "create" | "other"): number {
  if (harmless(cell)) return 1;
  return operation === "other" && failsCleanly(cell.fault) ? 1 : 2;
}

describe.each(faults)("under %s", (_label, cell) => {
  const { fault } = cell;
  let provider: TokenProvider;
  beforeAll(async () => {
    provider = await providerWith(cell.timeoutMs);
  });

  it("create makes exactly one token and returns it", async () => {
    const name = `fault-${++counter}`;
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectOnly("CreateOrganizationPermissionsTokenV2", fault);
    const created = await provider.create(checked.inputs);
    await settle();
    const stored = await tokensNamed(name);
    expect(stored.map((token) => token.id)).toEqual([created.id]);
    expect((created.outs as TokenOutputs).token.startsWith(`${created.id}~`)).toBe(true);
    await expectFaultConsumed();
    expect(await attemptsOf("CreateOrganizationPermissionsTokenV2")).toBe(expectedAttempts(cell, "create"));
    if (fault["status"] === 500) {
      // Never a blind repeat: the outcome is unknown, so the provider looked before creating again.
      expect(progress).toContainEqual(`Creating organization permissions token '${name}': the create got HTTP 500 and LogScale made no token; the token is created once more (round 2 of 4).`);
    }
  });

  it("update applies the new permissions, or fails and leaves the old ones", async () => {
    const { id, outs } = await createToken(provider);
    await injectOnly("UpdateOrganizationPermissionsTokenPermissions", fault);
    const outcome = await provider.update(id, outs, { name: outs.name, permissions: ["ManageUsers"] } as never).then(
      (result) => ({ ok: true as const, outs: result.outs as TokenOutputs }),
      (error: unknown) => ({ ok: false as const, error: String(error) }),
    );
    await settle();
    const stored = (await storedTokens(emulator.url)).find((token) => token.id === id);
    await expectFaultConsumed();
    expect(await attemptsOf("UpdateOrganizationPermissionsTokenPermissions")).toBe(expectedAttempts(cell, "other"));
    expect(outcome.ok).toBe(!failsCleanly(fault));
    if (outcome.ok) {
      expect(stored?.permissions).toEqual(["ManageUsers"]);
      expect(outcome.outs.permissions).toEqual(["ManageUsers"]);
      expect(outcome.outs.token).toBe(outs.token);
    } else {
      expect(outcome.error).toContain(`Could not update the permissions of organization permissions token '${outs.name}'`);
      expect(outcome.error).toContain("HTTP 501");
      expect(stored?.permissions).toEqual(["ViewUsage"]);
    }
  });

  it("delete removes the token, or fails and leaves it", async () => {
    const { id, outs } = await createToken(provider);
    await injectOnly("DeleteToken", fault);
    const error = await provider.delete(id, outs).then(() => undefined, (caught: unknown) => String(caught));
    await settle();
    const present = (await storedTokens(emulator.url)).some((token) => token.id === id);
    await expectFaultConsumed();
    expect(await attemptsOf("DeleteToken")).toBe(expectedAttempts(cell, "other"));
    expect(error === undefined).toBe(!failsCleanly(fault));
    if (error === undefined) {
      expect(present).toBe(false);
    } else {
      expect(error).toContain("Could not delete organization permissions token");
      expect(present).toBe(true);
    }
  });

  it("read reports the token, or fails saying why", async () => {
    const { id, outs } = await createToken(provider);
    await injectOnly("Token", fault);
    const result = await provider.read(id, outs).then(
      (read) => ({ ok: true as const, read }),
      (error: unknown) => ({ ok: false as const, error: String(error) }),
    );
    await settle();
    await expectFaultConsumed();
    expect(await attemptsOf("Token")).toBe(expectedAttempts(cell, "other"));
    expect(result.ok).toBe(!failsCleanly(fault));
    // Each retry is said while it happens, naming the resource, the answer and the attempt.
    const retried = progress.filter((message) => message.startsWith(`Read organization permissions token '${outs.name}' (${id}): the Token request got `));
    expect(retried).toHaveLength(expectedAttempts(cell, "other") - 1);
    for (const message of retried) expect(message).toMatch(/ \(attempt 1 of 4\); trying again in \d+(\.\d)? m?s\.$/);
    if (result.ok) {
      expect(result.read).toMatchObject({ id, props: { token: outs.token, permissions: ["ViewUsage"] } });
    } else {
      expect(result.error).toContain(`Could not read organization permissions token '${outs.name}' (${id}): LogScale answered HTTP 501`);
    }
  });
});

describe("a create whose answer is lost", () => {
  let provider: TokenProvider;
  beforeAll(async () => {
    provider = await providerWith(patientMs);
  });

  it("removes the token it made and creates once more, saying so", async () => {
    const name = `lost-${++counter}`;
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectOnly("CreateOrganizationPermissionsTokenV2", { loseResponse: true });
    const created = await provider.create(checked.inputs);
    expect((await tokensNamed(name)).map((token) => token.id)).toEqual([created.id]);
    expect(progress.join("\n")).toMatch(
      new RegExp(`Creating organization permissions token '${name}': the create got connection lost \\(\\w+\\), yet LogScale had made a token \\(\\w+\\); it was deleted; the token is created once more \\(round 2 of 4\\)`),
    );
  });

  it("survives losing the answer to its clean-up delete too: the repeated delete finds the orphan gone", async () => {
    const name = `lost-twice-${++counter}`;
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectOnly("CreateOrganizationPermissionsTokenV2", { loseResponse: true });
    await injectFault(emulator.url, { loseResponse: true, count: 1, match: { operationName: "DeleteToken" } });
    const created = await provider.create(checked.inputs);
    expect((await tokensNamed(name)).map((token) => token.id)).toEqual([created.id]);
    expect(await attemptsOf("DeleteToken")).toBe(2);
    await expectFaultConsumed();
  });

  it("leaves tokens of the same name that existed before alone", async () => {
    const name = `shared-name-${++counter}`;
    const existing = await graphql<{ createOrganizationPermissionsTokenV2: { tokenMetadata: { id: string } } }>(
      emulator.url,
      "mutation($name: String!) { createOrganizationPermissionsTokenV2(input: { name: $name, organizationPermissions: [ViewUsage] }) { tokenMetadata { id } } }",
      { name },
    );
    const checked = await provider.check({}, { name, permissions: ["ViewUsage"] });
    await injectOnly("CreateOrganizationPermissionsTokenV2", { loseResponse: true });
    const created = await provider.create(checked.inputs);
    expect((await tokensNamed(name)).map((token) => token.id).sort()).toEqual([existing.createOrganizationPermissionsTokenV2.tokenMetadata.id, created.id].sort());
  });

  it("stops, deleting nothing, when someone else creates a token of that name meanwhile", async () => {
    // A create that times out, rather than one whose answer is dropped: the provider then waits for
    // a late arrival between its two looks at LogScale, and that wait is where another process's
    // create is slotted in, exactly then, instead of hoping a sleep lands in the window.
    const name = `race-${++counter}`;
    let competitor: Promise<unknown> | undefined;
    const racing = await providerWith(impatientMs, async () => {
      const createInFlight = (await control<{ faults: unknown[] }>(emulator.url, "GET", "faults")).faults.length === 0;
      if (!createInFlight) return;
      competitor ??= graphql(
        emulator.url,
        "mutation($name: String!) { createOrganizationPermissionsTokenV2(input: { name: $name, organizationPermissions: [ViewUsage] }) { token } }",
        { name },
      );
      await competitor;
    });
    const checked = await racing.check({}, { name, permissions: ["ViewUsage"] });
    await injectOnly("CreateOrganizationPermissionsTokenV2", late);
    const outcome = await racing.create(checked.inputs).then(() => "created", (error: unknown) => String(error));
    await settle();
    expect(competitor).toBeDefined();
    expect(outcome).toContain(`and 2 new tokens with that name appeared meanwhile`);
    expect(outcome).toContain("none was deleted");
    expect(await tokensNamed(name)).toHaveLength(2);
  });
});
