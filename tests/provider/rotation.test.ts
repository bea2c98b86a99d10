/**
 * expiresIn, rotateBeforeExpiry and rotationTrigger at provider level, with the provider's and
 * the emulator's clocks moved together: the plan replaces a token once it expires within its
 * window, says why, and leaves it alone before.
 */
import { createsTokenWith } from "../../provider/core/inputs";
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, emulatorPerFile, setTokenPolicy } from "../support/emulator";
import { stackConfig } from "./support";

const day = 86_400_000;
const emulator = emulatorPerFile({ reset: true });
let offset = 0;
const warnings: string[] = [];

async function provider(): Promise<TokenProvider> {
  const created = new TokenProvider("organization", { info: () => undefined, now: () => Date.now() + offset, warn: (message) => warnings.push(message) });
  await created.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
  return created;
}

/** Both clocks, as time passes for a stack. */
async function advance(ms: number): Promise<void> {
  offset += ms;
  await control(emulator.url, "POST", "clock", { offsetMs: offset });
}

beforeEach(async () => {
  offset = 0;
  await advance(0);
  warnings.length = 0;
});

const rolling = { name: "rolling", permissions: ["ViewUsage"], expiresIn: "30d", rotateBeforeExpiry: "7d" };

it("expiresIn sets the expiry from the creation; the window plans a replacement from expireAt − window on, saying why", async () => {
  const org = await provider();
  const checked = await org.check({}, rolling);
  expect(checked.failures).toEqual([]);
  expect(checked.inputs).toMatchObject({ expiresIn: "30d", rotateBeforeExpiry: "7d" });
  const before = Date.now() + offset;
  const created = (await org.create(checked.inputs)).outs as TokenOutputs;
  expect(created.expireAt! - before).toBeGreaterThanOrEqual(30 * day);
  expect(created.expireAt! - (Date.now() + offset)).toBeLessThanOrEqual(30 * day);
  expect(created.requested).toEqual({ expiresIn: "30d", rotateBeforeExpiry: "7d" });

  await advance(22 * day);
  expect(await (await provider()).diff(created.tokenId, created, checked.inputs as never)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  expect(warnings).toEqual([]);

  await advance(2 * day);
  expect(await (await provider()).diff(created.tokenId, created, checked.inputs as never)).toEqual({
    changes: true,
    replaces: ["expireAt"],
    deleteBeforeReplace: false,
  });
  expect(warnings.join("\n")).toContain(`The organization permissions token 'rolling' (${created.tokenId}) expires at ${new Date(created.expireAt!).toISOString()}, within its rotateBeforeExpiry window of 7d`);

  // The replacement `up` makes lives 30 days from now, so the next plan is quiet again.
  const replacement = (await (await provider()).create(checked.inputs)).outs as TokenOutputs;
  expect(replacement.tokenId).not.toBe(created.tokenId);
  expect(replacement.expireAt! - created.expireAt!).toBeGreaterThanOrEqual(24 * day);
  expect((await (await provider()).diff(replacement.tokenId, replacement, checked.inputs as never)).changes).toBe(false);
});

it("without rotateBeforeExpiry an expired token behaves as before: a change that update() leaves alone, with a warning", async () => {
  const org = await provider();
  const checked = await org.check({}, { name: "plain", permissions: ["ViewUsage"], expiresIn: "1d" });
  const created = (await org.create(checked.inputs)).outs as TokenOutputs;
  await advance(2 * day);
  expect(await (await provider()).diff(created.tokenId, created, checked.inputs as never)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(warnings.join("\n")).toContain("expired at");
});

it("changing rotationTrigger or expiresIn replaces the token; changing the window alone does not", async () => {
  const org = await provider();
  const checked = await org.check({}, { ...rolling, rotationTrigger: "2026-Q4" });
  const created = (await org.create(checked.inputs)).outs as TokenOutputs;
  const diffWith = async (change: Record<string, unknown>) =>
    (await provider()).diff(created.tokenId, created, (await org.check(checked.inputs, { ...rolling, rotationTrigger: "2026-Q4", ...change })).inputs as never);
  expect((await diffWith({ rotationTrigger: "2027-Q1" })).replaces).toEqual(["rotationTrigger"]);
  expect((await diffWith({ expiresIn: "60d" })).replaces).toEqual(["expiresIn"]);
  expect(await diffWith({ rotateBeforeExpiry: "10d" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
});

describe("durations as the program writes them", () => {
  it("are kept as text in the checked inputs and in what the state records as asked for", async () => {
    const org = await provider();
    const checked = await org.check({}, { name: "written", permissions: ["ViewUsage"], expiresIn: " 1d12h ", rotateBeforeExpiry: "2h" });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ expiresIn: "1d12h", rotateBeforeExpiry: "2h" });
    const before = Date.now() + offset;
    const created = (await org.create(checked.inputs)).outs as TokenOutputs;
    expect(created.requested).toEqual({ expiresIn: "1d12h", rotateBeforeExpiry: "2h" });
    // The provider computes the expiry from the text: 36 hours.
    expect(created.expireAt! - before).toBeGreaterThanOrEqual(36 * 3_600_000);
    expect(created.expireAt! - (Date.now() + offset)).toBeLessThanOrEqual(36 * 3_600_000);
    // Refresh stores what read() returns as the inputs: both durations as written, none missing.
    const read = await (await provider()).read(created.tokenId, created);
    expect(read.inputs).toMatchObject({ expiresIn: "1d12h", rotateBeforeExpiry: "2h" });
  });

  /** A token as a version that stored durations in milliseconds left it in state: inputs and outputs. */
  async function legacyToken(): Promise<{ olds: Record<string, unknown>; outputs: TokenOutputs }> {
    const org = await provider();
    const checked = await org.check({}, rolling);
    const created = (await org.create(checked.inputs)).outs as TokenOutputs;
    return {
      olds: { ...checked.inputs, expiresIn: 30 * day, rotateBeforeExpiry: 7 * day },
      outputs: { ...created, requested: { expiresIn: 30 * day } },
    };
  }

  it("a state holding milliseconds shows no change for the same durations written as text", async () => {
    const { olds, outputs } = await legacyToken();
    for (const written of [rolling, { ...rolling, expiresIn: "720h", rotateBeforeExpiry: "1w" }]) {
      const checked = await (await provider()).check(olds, written);
      expect(checked.failures).toEqual([]);
      expect(checked.inputs).toMatchObject({ expiresIn: written.expiresIn, rotateBeforeExpiry: written.rotateBeforeExpiry });
      // Not a token check() must vet as if it were created anew.
      expect(createsTokenWith(olds, { ...checked.inputs })).toBe(false);
      expect(await (await provider()).diff(outputs.tokenId, outputs, checked.inputs as never)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    }
    expect(warnings).toEqual([]);
  });

  it("against a state holding milliseconds, a real change does what it does today: expiresIn replaces, the window alone changes nothing", async () => {
    const { olds, outputs } = await legacyToken();
    const diffWith = async (change: Record<string, unknown>) =>
      (await provider()).diff(outputs.tokenId, outputs, (await (await provider()).check(olds, { ...rolling, ...change })).inputs as never);
    expect(await diffWith({ expiresIn: "60d" })).toEqual({ changes: true, replaces: ["expiresIn"], deleteBeforeReplace: false });
    expect(createsTokenWith(olds, { ...olds, expiresIn: "60d" })).toBe(true);
    expect(await diffWith({ rotateBeforeExpiry: "10d" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("a state holding milliseconds is due for rotation when the window, written as text, says so", async () => {
    const { outputs } = await legacyToken();
    const checked = await (await provider()).check({}, rolling);
    await advance(24 * day);
    expect((await (await provider()).diff(outputs.tokenId, outputs, checked.inputs as never)).replaces).toEqual(["expireAt"]);
    expect(warnings.join("\n")).toContain("within its rotateBeforeExpiry window of 7d");
  });
});

describe("check() refuses, naming the property", () => {
  it.each([
    ["a bad duration", { expiresIn: "90 days" }, "expiresIn", 'expiresIn must be a duration such as "90d", "12h", "2w" or "1d12h"'],
    ["expireAt with expiresIn", { expiresIn: "30d", expireAt: "2030-01-01T00:00:00Z" }, "expiresIn", "give either expireAt or expiresIn, not both"],
    ["a window without a lifetime", { rotateBeforeExpiry: "7d" }, "rotateBeforeExpiry", "rotateBeforeExpiry needs expiresIn"],
    ["a window with a fixed expireAt", { expireAt: "2030-01-01T00:00:00Z", rotateBeforeExpiry: "7d" }, "rotateBeforeExpiry", "rotateBeforeExpiry needs expiresIn instead of expireAt"],
    ["a window as long as the lifetime", { expiresIn: "7d", rotateBeforeExpiry: "1w" }, "rotateBeforeExpiry", "rotateBeforeExpiry (7d) must be shorter than expiresIn (7d)"],
    ["an empty rotationTrigger", { rotationTrigger: "" }, "rotationTrigger", "rotationTrigger must be any text"],
  ])("%s", async (_label, change, property, message) => {
    const checked = await (await provider()).check({}, { name: "bad", permissions: ["ViewUsage"], ...change });
    expect(checked.failures).toEqual([expect.objectContaining({ property, reason: expect.stringContaining(message) })]);
  });

  it("a lifetime, and so a window, beyond the policy's maximum lifetime", async () => {
    await setTokenPolicy(emulator.url, { organizationPermissionTokensEnforceExpirationAfterMs: 30 * day });
    const checked = await (await provider()).check({}, { name: "long", permissions: ["ViewUsage"], expiresIn: "60d", rotateBeforeExpiry: "40d" });
    expect(checked.failures).toEqual([
      expect.objectContaining({ property: "expiresIn", reason: expect.stringContaining("expiresIn (60 days) must be at most 30 days: the organization's token security policy") }),
    ]);
    await setTokenPolicy(emulator.url);
  });
});
