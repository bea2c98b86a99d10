/**
 * After the API token is rotated in the stack config (the old one deleted in LogScale), what each
 * refreshing command sends, through the real Pulumi CLI: a plain `pulumi refresh` configures the
 * provider with the stack config of the last update, so it sends the old token and its message
 * says so and gives the way out; `pulumi refresh --run-program` uses the stack config as it is
 * now. What `preview --refresh` and `up --refresh` do is recorded here, as the README says it.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { createOrgToken, emulatorPerFile, graphql, storedTokens, tokenId } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";

jest.setTimeout(180_000);

const emulator = emulatorPerFile();
const program = programPerFile();

/** An API token that may administer organization tokens, as a CI runner's would be. */
async function apiToken(name: string): Promise<string> {
  return (await createOrgToken(emulator.url, { name, organizationPermissions: ["ChangeOrganizationPermissions", "ViewUsage"] })).token;
}

describe("the API token rotated in the stack config, the old one deleted", () => {
  let stack: Stack;
  let oldToken: string;

  beforeAll(async () => {
    oldToken = await apiToken("ci-api-old");
    stack = await program.stack("rotated", async () => {
      new program.logscale.OrgPermissionsToken("ci", { name: "ci-managed", permissions: ["ViewUsage"] });
    });
    await configureLogScale(stack, emulator.url, oldToken);
    await stack.up();
    const newToken = await apiToken("ci-api-new");
    await stack.setConfig("logscale:token", { value: newToken, secret: true });
    await graphql(emulator.url, "mutation ($id: String!) { deleteToken(input: { id: $id }) }", { id: tokenId(oldToken) });
  });

  it("pulumi refresh sends the stored settings, and its message says so and gives the way out", async () => {
    const error = String(await stack.refresh().then(() => "no error", (caught: unknown) => caught));
    expect(error).toContain("LogScale authentication failed (HTTP 401)");
    expect(error).toContain("This refresh sent the API token from stack config 'logscale:token' as stored at the stack's last update");
    expect(error).toContain("'pulumi refresh --run-program'");
    expect(error).not.toContain(oldToken);
  });

  it("pulumi preview --refresh and pulumi up --refresh also refresh with the stored settings; with --run-program, the current ones", async () => {
    const preview = String(await stack.preview({ refresh: true }).then(() => "ok", (caught: unknown) => caught));
    const up = String(await stack.up({ refresh: true }).then(() => "ok", (caught: unknown) => caught));
    // As the README says: both refresh with the stored settings unless told to run the program.
    expect({ preview: preview === "ok" ? "ok" : /HTTP 401/.test(preview) ? "401" : preview, up: up === "ok" ? "ok" : /HTTP 401/.test(up) ? "401" : up }).toEqual({ preview: "401", up: "401" });
    expect(/This refresh sent the API token from stack config 'logscale:token' as stored/.test(preview)).toBe(true);
    await expect(stack.preview({ refresh: true, runProgram: true, expectNoChanges: true })).resolves.toBeDefined();
  });

  it("pulumi refresh --run-program uses the stack config as it is now; the managed token stays", async () => {
    await stack.refresh({ runProgram: true });
    expect((await storedTokens(emulator.url)).some((token) => token.name === "ci-managed")).toBe(true);
    expect((await stack.exportStack()).deployment.resources.some((resource: { type: string }) => resource.type.endsWith("OrgPermissionsToken"))).toBe(true);
  });
});
