/**
 * Drift seen by `preview --refresh`, bad input stopped at preview, and configuration from
 * the environment, through the real Pulumi CLI against the emulator.
 */
import type { OpMap, OutputMap, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import { adminToken, control, emulatorPerFile, graphql, requestLog, storedTokens } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";
import { quickstartProgram, type Spec, tokensInState, viewIdsByName } from "./program";

jest.setTimeout(180_000);

const emulator = emulatorPerFile();
const program = programPerFile();
let baseSpec: Spec;

beforeAll(async () => {
  baseSpec = {
    orgName: "ci-user-admin",
    orgPermissions: ["ManageUsers", "ViewUsage"],
    viewName: "dashboards-reader",
    viewIds: await viewIdsByName(emulator.url, adminToken, ["dashboards", "security-audit"]),
    viewPermissions: ["ReadAccess"],
    systemPermissions: ["ViewOrganizations"],
  };
});

async function configuredStack(name: string, spec: () => Spec): Promise<Stack> {
  const stack = await program.stack(name, quickstartProgram(program.logscale, spec));
  await configureLogScale(stack, emulator.url, adminToken);
  return stack;
}

describe("5. drift made behind Pulumi's back", () => {
  let stack: Stack;
  let outputs: OutputMap;
  const value = (name: string) => String(outputs[name]?.value);

  beforeAll(async () => {
    stack = await configuredStack("drift", () => baseSpec);
    outputs = (await stack.up()).outputs;
    await graphql(emulator.url, "mutation($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ViewUsage] }) }", {
      id: value("ciId"),
    });
    await graphql(emulator.url, "mutation($id: String!) { deleteToken(input: { id: $id }) }", { id: value("readerId") });
  });

  // One drift check serves both tests: its summary event carries the plan before
  // --expect-no-changes fails the run.
  let driftCheck: Promise<PreviewResult>;

  it("preview --refresh reports exactly the changed and the deleted token", async () => {
    let changeSummary: OpMap | undefined;
    driftCheck = stack.preview({
      refresh: true,
      expectNoChanges: true,
      onEvent: (event) => {
        if (event.summaryEvent !== undefined) changeSummary = event.summaryEvent.resourceChanges;
      },
    });
    await driftCheck.catch(() => undefined);
    expect(changeSummary).toEqual({ same: 2, update: 1, create: 1 });
  });

  it("preview --refresh --expect-no-changes fails, as a CI drift check should", async () => {
    await expect(driftCheck).rejects.toThrow(/no changes were expected for preview but changes were proposed/);
  });

  it("up --refresh repairs both; the untouched tokens keep their secrets", async () => {
    const up = await stack.up({ refresh: true });
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1, create: 1 });
    const stored = await storedTokens(emulator.url);
    expect(stored.find((token) => token.id === value("ciId"))?.permissions.sort()).toEqual(["ManageUsers", "ViewUsage"]);
    const after = up.outputs;
    expect(after["ciToken"]?.value).toBe(value("ciToken"));
    expect(after["opsToken"]?.value).toBe(value("opsToken"));
    expect(after["readerId"]?.value).not.toBe(value("readerId"));
    expect(stored.some((token) => token.id === after["readerId"]?.value)).toBe(true);

    await stack.refresh();
    // The tokens' state as the refresh wrote it from read(); the stack's outputs hold what the last up's program returned.
    const refreshed = tokensInState(await stack.exportStack());
    for (const name of ["ciToken", "readerToken", "opsToken"]) expect(refreshed[name.replace("Token", "")]).toBe(after[name]?.value);
    await expect(stack.preview({ refresh: true, expectNoChanges: true })).resolves.toBeDefined();
  });
});

describe("8. bad input", () => {
  // One stack for both programs: a preview that fails leaves it as empty as it was.
  let resources: () => Promise<Record<string, unknown> | void>;
  let stack: Stack;

  beforeAll(async () => {
    stack = await program.stack("bad-input", () => resources());
    await configureLogScale(stack, emulator.url, adminToken);
  });

  it("fails at preview with check()'s message, and nothing reaches LogScale", async () => {
    resources = async () => {
      new program.logscale.OrgPermissionsToken("ci", { name: "ci", permissions: ["ManageUser" as never] });
    };
    await control(emulator.url, "DELETE", "requests");
    const failure = await stack.preview().catch((error: unknown) => error);
    expect(String(failure)).toContain("'ManageUser' is not one of the OrganizationPermission values (did you mean 'ManageUsers'?)");
    expect(await requestLog(emulator.url)).toEqual([]);
  });

  it("beside valid resources: those may be checked first (the engine takes them as they arrive), which only reads", async () => {
    resources = quickstartProgram(program.logscale, () => ({ ...baseSpec, orgPermissions: ["ManageUser" as never] }));
    await control(emulator.url, "DELETE", "requests");
    const failure = await stack.preview().catch((error: unknown) => error);
    expect(String(failure)).toContain("'ManageUser' is not one of the OrganizationPermission values (did you mean 'ManageUsers'?)");
    const reads = ["TokenSecurityPolicies", "SearchDomains", "IpFilters"];
    expect((await requestLog(emulator.url)).filter((entry) => !reads.includes(entry.operationName ?? ""))).toEqual([]);
  });
});

describe("10. configuration", () => {
  it("from LOGSCALE_URL / LOGSCALE_TOKEN when the stack has no logscale config", async () => {
    const stack = await program.stack("from-env", quickstartProgram(program.logscale, () => baseSpec), {
      LOGSCALE_URL: emulator.url,
      LOGSCALE_TOKEN: adminToken,
    });
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    expect((await storedTokens(emulator.url)).some((token) => token.id === up.outputs["opsId"]?.value)).toBe(true);
  });

  // The unconfigured stack, then given a wrong token: a user's next step.
  let unconfigured: Stack;

  it("without any configuration, preview fails saying how to configure", async () => {
    unconfigured = await program.stack("unconfigured", quickstartProgram(program.logscale, () => baseSpec));
    const failure = await unconfigured.preview().catch((error: unknown) => error);
    expect(String(failure)).toContain("No LogScale URL configured. Set it with 'pulumi config set logscale:url https://your-logscale'");
  });

  it("a wrong API token fails the preview with an authentication error naming the config key, and no secret in the output", async () => {
    await configureLogScale(unconfigured, emulator.url, "wrong-api-token-value");
    const failure = await unconfigured.preview().catch((error: unknown) => error);
    const text = String(failure);
    expect(text).toContain("LogScale authentication failed (HTTP 401)");
    expect(text).toContain("stack config 'logscale:token'");
    expect(text.includes("wrong-api-token-value")).toBe(false);
  });
});
