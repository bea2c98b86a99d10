/**
 * adoptTokenId: a new resource takes over an existing token, checked at preview against the
 * program, its permissions brought to the program's, its id kept; rotateOnAdopt rotates it once.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, control, emulatorPerFile, organizationTokenMadeByHand, requestLog, statusWith, storedTokens } from "../support/emulator";
import { stackConfig } from "./support";

const emulator = emulatorPerFile({ reset: true });
const warnings: string[] = [];

async function provider(kind: "organization" | "view" = "organization"): Promise<TokenProvider> {
  const created = new TokenProvider(kind, { info: () => undefined, warn: (message) => warnings.push(message) });
  await created.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
  return created;
}

/** Whether LogScale accepts this token string. */
const authenticates = async (token: string) => (await statusWith(emulator.url, token)) !== 401;

beforeEach(async () => {
  warnings.length = 0;
});

it("takes the token over: same id, permissions set to the program's, secret untouched, token output empty", async () => {
  const existing = await organizationTokenMadeByHand(emulator.url, "by-hand", ["ViewUsage"]);
  const org = await provider();
  const checked = await org.check({}, { name: "by-hand", permissions: ["ManageUsers", "ViewUsage"], adoptTokenId: existing.id });
  expect(checked.failures).toEqual([]);
  expect(warnings.join("\n")).toContain(`'by-hand' adopts organization permissions token ${existing.id}. LogScale never shows a token's secret again, so its token output stays empty`);
  await control(emulator.url, "DELETE", "requests");

  const created = await org.create(checked.inputs);
  expect(created.id).toBe(existing.id);
  const outs = created.outs as TokenOutputs;
  expect(outs.token).toBe("");
  expect(outs.permissions).toEqual(["ManageUsers", "ViewUsage"]);
  expect((await storedTokens(emulator.url)).map((token) => token.id)).toEqual([existing.id]);
  expect((await requestLog(emulator.url)).map((request) => request.operationName)).not.toContain("CreateOrganizationPermissionsTokenV2");
  expect(await authenticates(existing.secret)).toBe(true);

  // From then on it is managed like any other: refresh and the next plan see no change.
  const read = await org.read(existing.id, outs);
  expect(read.props?.token).toBe("");
  expect((await org.diff(existing.id, read.props as TokenOutputs, checked.inputs as never)).changes).toBe(false);
});

it("rotateOnAdopt rotates it once: a new id and secret in state, the old secret stops working", async () => {
  const existing = await organizationTokenMadeByHand(emulator.url, "to-rotate", ["ViewUsage"]);
  const org = await provider();
  const checked = await org.check({}, { name: "to-rotate", permissions: ["ViewUsage"], adoptTokenId: existing.id, rotateOnAdopt: true });
  expect(checked.failures).toEqual([]);
  expect(warnings.join("\n")).toContain("rotates it once (rotateOnAdopt): LogScale gives it a new id and secret, and the secret its consumers use now stops working");
  const created = await org.create(checked.inputs);
  const outs = created.outs as TokenOutputs;
  expect(created.id).not.toBe(existing.id);
  expect(outs.token.startsWith(`${created.id}~`)).toBe(true);
  expect(await authenticates(outs.token)).toBe(true);
  expect(await authenticates(existing.secret)).toBe(false);
});

it("a token that does not match the program fails at preview, naming each difference", async () => {
  const existing = await organizationTokenMadeByHand(emulator.url, "real-name", ["ViewUsage"]);
  const checked = await (await provider()).check({}, { name: "other-name", permissions: ["ViewUsage"], ipFilterName: "office", adoptTokenId: existing.id });
  expect(checked.failures).toHaveLength(1);
  expect(checked.failures![0]).toMatchObject({ property: "adoptTokenId" });
  const reason = checked.failures![0]!.reason;
  expect(reason).toContain(`token '${existing.id}' does not match the program`);
  expect(reason).toContain("name: the program says 'other-name', the token is named 'real-name'");
  expect(reason).toContain(`IP filter: the program says 'office', the token has none`);
});

it("a token of another kind, or none at all, fails at preview", async () => {
  const existing = await organizationTokenMadeByHand(emulator.url, "org-token", ["ViewUsage"]);
  const view = await provider("view");
  const wrongKind = await view.check({}, { name: "org-token", permissions: ["ReadAccess"], viewNames: ["dashboards"], adoptTokenId: existing.id });
  expect(wrongKind.failures).toEqual([
    expect.objectContaining({ property: "adoptTokenId", reason: expect.stringContaining("is an organization permissions token, not a view permissions token") }),
  ]);
  const missing = await (await provider()).check({}, { name: "x", permissions: ["ViewUsage"], adoptTokenId: "no-such-token" });
  expect(missing.failures).toEqual([expect.objectContaining({ property: "adoptTokenId", reason: expect.stringContaining("'no-such-token' is not the id of a token LogScale has") })]);
  const alone = await (await provider()).check({}, { name: "x", permissions: ["ViewUsage"], rotateOnAdopt: true });
  expect(alone.failures).toEqual([expect.objectContaining({ property: "rotateOnAdopt" })]);
});

it("an existing resource never adopts: its replacement creates a new token", async () => {
  const existing = await organizationTokenMadeByHand(emulator.url, "adopted", ["ViewUsage"]);
  const org = await provider();
  const raw = { name: "adopted", permissions: ["ViewUsage"], adoptTokenId: existing.id };
  const first = await org.check({}, raw);
  await org.create(first.inputs);
  const renamed = await org.check(first.inputs, { ...raw, name: "renamed" });
  expect(renamed.inputs).not.toHaveProperty("adoptTokenId");
  const replacement = await org.create(renamed.inputs);
  expect(replacement.id).not.toBe(existing.id);
  expect((await storedTokens(emulator.url)).map((token) => token.id).sort()).toEqual([existing.id, replacement.id].sort());
});
