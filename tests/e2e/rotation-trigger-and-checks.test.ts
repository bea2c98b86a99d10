/**
 * Through the real Pulumi CLI, rotation on demand and the newer inputs' checks: rotationTrigger replaces on demand (the new
 * token first, then the old one deleted), and the new inputs' bad values fail at preview naming
 * the property, with nothing reaching LogScale but reads.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { adminToken, control, emulatorPerFile, requestLog, storedTokens } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";

jest.setTimeout(600_000);

const emulator = emulatorPerFile();
const program = programPerFile();

async function stackOf(name: string, args: () => Record<string, unknown>): Promise<Stack> {
  const stack = await program.stack(name, async () => {
    const ci = new program.logscale.OrgPermissionsToken("ci", { name: `${name}-ci`, permissions: ["ViewUsage"], ...args() } as never);
    return { ciId: ci.tokenId };
  });
  await configureLogScale(stack, emulator.url, adminToken);
  return stack;
}

it("changing rotationTrigger replaces the token: the new one is created before the old one is deleted", async () => {
  let trigger = "2026-Q4";
  const stack = await stackOf("trigger", () => ({ rotationTrigger: trigger, expiresIn: "90d" }));
  const first = await stack.up();
  const oldId = String(first.outputs["ciId"]?.value);
  await expect(stack.preview({ expectNoChanges: true })).resolves.toBeDefined();

  // The update's own steps say why it replaces: the same plan a preview would show.
  trigger = "2027-Q1";
  const replaceKeys: string[][] = [];
  await control(emulator.url, "DELETE", "requests");
  const second = await stack.up({
    onEvent: (event: EngineEvent) => {
      const metadata = event.resourcePreEvent?.metadata;
      if (metadata?.op === "replace") replaceKeys.push(metadata.keys ?? []);
    },
  });
  expect(replaceKeys).toEqual([["rotationTrigger"]]);
  const newId = String(second.outputs["ciId"]?.value);
  expect(newId).not.toBe(oldId);
  const order = (await requestLog(emulator.url)).map((entry) => entry.operationName).filter((name) => name === "CreateOrganizationPermissionsTokenV2" || name === "DeleteToken");
  expect(order).toEqual(["CreateOrganizationPermissionsTokenV2", "DeleteToken"]);
  expect((await storedTokens(emulator.url)).map((token) => token.id)).toEqual([newId]);
});

describe("bad values of the new inputs fail at preview, naming the property", () => {
  // One stack for every case: a failed preview leaves it as it was, and only the program's inputs change.
  let args: Record<string, unknown> = {};
  let stack: Promise<Stack> | undefined;
  it.each([
    ["a duration that is not one", { expiresIn: "90 days" }, 'expiresIn must be a duration such as "90d"'],
    ["expireAt and expiresIn together", { expireAt: "2030-01-01T00:00:00Z", expiresIn: "30d" }, "give either expireAt or expiresIn, not both"],
    ["a window as long as the lifetime", { expiresIn: "7d", rotateBeforeExpiry: "7d" }, "rotateBeforeExpiry (7d) must be shorter than expiresIn (7d)"],
    ["a window without a lifetime", { rotateBeforeExpiry: "7d" }, "rotateBeforeExpiry needs expiresIn"],
    ["an unknown IP filter name", { ipFilterName: "ofice" }, "ipFilterName 'ofice' (did you mean 'office'?)"],
    ["rotateOnAdopt alone", { rotateOnAdopt: true }, "rotateOnAdopt only applies with adoptTokenId"],
  ])("%s", async (_label, badArgs, message) => {
    args = badArgs;
    stack ??= stackOf("bad-new-input", () => args);
    await control(emulator.url, "DELETE", "requests");
    const failure = await (await stack).preview().catch((error: unknown) => String(error));
    expect(failure).toContain(message);
    const writes = (await requestLog(emulator.url)).filter((entry) => !["TokenSecurityPolicies", "SearchDomains", "IpFilters", "Token"].includes(entry.operationName ?? ""));
    expect(writes).toEqual([]);
  });
});
