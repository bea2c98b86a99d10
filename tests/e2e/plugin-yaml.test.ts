/**
 * examples/yaml through the real CLI and the YAML language host, as a user types it in the
 * folder: a copy of the folder, its plugins: path made absolute (the checkout's
 * provider/serving/plugin/bin), LogScale settings in the stack config as for the dynamic
 * resources. Create; a one-permission change previewed as that permission alone and applied in
 * place keeping the id and the secret; a reorder that is no change; drift that
 * `preview --refresh --expect-no-changes` catches and `up --refresh` repairs; `pulumi import`
 * and the `import` resource option; a second cluster through a provider instance, moved to
 * another cluster and given another address; the stack config moved; destroy.
 * The packed, installed plugin is tests/e2e/plugin-pack.test.ts.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { projectDir } from "../support/consumer";
import { adminToken, createSystemToken, createViewToken, graphql, organizationTokenMadeByHand, type RunningEmulator, SEED, startTestEmulator, storedTokens } from "../support/emulator";
import { nodeCompileCache, passphrase, pulumiBinDir, requirePulumiCli } from "../support/pulumi";
import { expectSuccess, type Run, run } from "../support/run";

jest.setTimeout(300_000);

const pluginDir = path.join(projectDir, "provider", "serving", "plugin", "bin");
const exampleDir = path.join(projectDir, "examples", "yaml");

type Resources = Record<string, { type: string; properties?: Record<string, unknown>; options?: Record<string, unknown> }>;

let emulator: RunningEmulator;
let second: RunningEmulator;
let scratch: string;
let programDir: string;
let env: NodeJS.ProcessEnv;
/** Everything the CLI printed, except where asked to show secrets: no secret may be in it. */
let transcript = "";

interface Project {
  plugins: { providers: { name: string; path: string }[] };
  config?: Record<string, unknown>;
  resources: Resources;
  outputs: Record<string, string>;
}

/** The example's Pulumi.yaml as the steps change it (read in beforeAll). */
let project: Project;
let resources: Resources;
let extraConfig: Record<string, unknown> = {};

function writeProgram(): void {
  const written = { ...project, ...(Object.keys(extraConfig).length > 0 ? { config: extraConfig } : {}), resources };
  writeFileSync(path.join(programDir, "Pulumi.yaml"), stringify(written));
}

function withProperties(name: string, properties: Record<string, unknown>): Resources {
  const resource = resources[name];
  if (resource === undefined) throw new Error(`examples/yaml has no resource ${name}`);
  return { ...resources, [name]: { ...resource, properties: { ...resource.properties, ...properties } } };
}

const names = (tokens: readonly { name: string }[]): string[] => tokens.map((token) => token.name).sort();

/** In the program's folder; what it printed joins the transcript unless secrets were asked for. */
async function pulumi(args: string[], input?: string): Promise<Run> {
  const result = await run(path.join(pulumiBinDir, "pulumi"), [...args, "--color", "never"], { cwd: programDir, env, ...(input === undefined ? {} : { input }) });
  if (!args.includes("--show-secrets")) transcript += result.output;
  return result;
}

function stateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? stateFiles(full) : [full];
  });
}

/** The lines of a property's detailed diff in `preview --diff`: `~ permissions: [` up to its `]`. */
function propertyDiffLines(output: string, property: string): string[] {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => line.trim() === `~ ${property}: [`);
  if (start < 0) throw new Error(`no diff of ${property} in:\n${output}`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === "]");
  return lines.slice(start + 1, end).map((line) => line.trim());
}

beforeAll(async () => {
  requirePulumiCli();
  // On PATH, or beside the CLI, where ensure-pulumi.sh links it when it built the CLI.
  const yamlHost = [path.join(pulumiBinDir, "pulumi-language-yaml"), path.join(path.dirname(realpathSync(path.join(pulumiBinDir, "pulumi"))), "pulumi-language-yaml")];
  if (!yamlHost.some((file) => existsSync(file))) {
    throw new Error(`No pulumi-language-yaml beside the Pulumi CLI in ${pulumiBinDir}: run 'bash scripts/ensure-pulumi.sh --with-yaml' (npm test does).`);
  }
  if (!existsSync(path.join(projectDir, "dist", "provider", "serving", "plugin", "main.js"))) throw new Error("Run 'npm run build' first: the plugin runs from dist/.");
  emulator = await startTestEmulator();
  second = await startTestEmulator();
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-yaml-"));
  programDir = path.join(scratch, "program");
  for (const dir of ["state", "home"]) mkdirSync(path.join(scratch, dir));
  // The example as a user copies it; its plugins: path is relative to the checkout's folder.
  cpSync(exampleDir, programDir, { recursive: true });
  project = parse(readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8")) as Project;
  expect(project.plugins.providers).toEqual([{ name: "logscale", path: "../../provider/serving/plugin/bin" }]);
  expect(path.resolve(exampleDir, project.plugins.providers[0]!.path)).toBe(pluginDir);
  project.plugins.providers[0]!.path = pluginDir;
  resources = project.resources;
  // The connection must come from stack config alone: none of the provider's environment fallbacks.
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, ...inherited } = process.env;
  env = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase }),
    NODE_COMPILE_CACHE: nodeCompileCache,
  };
  writeProgram();
  expectSuccess(await pulumi(["stack", "init", "dev"]));
  expectSuccess(await pulumi(["config", "set-all", "--plaintext", `logscale:url=${emulator.url}`, "--secret", `logscale:token=${adminToken}`]));
});

afterAll(async () => {
  await emulator?.stop();
  await second?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("examples/yaml: the logscale plugin from a Pulumi YAML program", () => {
  let ciTokenId = "";
  let ciToken = "";

  async function revealedOutputs(): Promise<Record<string, string>> {
    return JSON.parse((await pulumi(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, string>;
  }

  it("pulumi up creates the tokens declared in Pulumi.yaml", async () => {
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect(up.output).toContain("+ 4 created"); // the stack and three tokens, one of each kind
    expect(up.output).toMatch(/ciDeployerToken\s+: \[secret\]/);
    const tokens = await storedTokens(emulator.url);
    expect(names(tokens)).toEqual(["ci-deployer", "cluster-monitor", "dashboards-reader"]);
    expect(tokens.find((token) => token.name === "ci-deployer")?.permissions.sort()).toEqual(["ManageUsers", "ViewUsage"]);
    // viewNames resolved to the view's id by the core's check(), as for the dynamic resources.
    const { searchDomain } = await graphql<{ searchDomain: { id: string } }>(emulator.url, `{ searchDomain(name: "dashboards") { id } }`);
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout) as { deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] } };
    expect(state.deployment.resources.find((resource) => resource.urn.endsWith("::dashboardsReader"))?.outputs?.["viewIds"]).toEqual([searchDomain.id]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, string>;
    ciTokenId = outputs["ciDeployerTokenId"] ?? "";
    expect(ciTokenId).toBe(tokens.find((token) => token.name === "ci-deployer")?.id);
    expect(outputs["ciDeployerToken"]).toBe("[secret]");
    ciToken = (await revealedOutputs())["ciDeployerToken"] ?? "";
    expect(ciToken.startsWith(`${ciTokenId}~`)).toBe(true);
  });

  it("keeps the token and the API token out of the state and of what the CLI printed", async () => {
    const secret = ciToken.split("~")[1] ?? "";
    expect(secret.length).toBeGreaterThanOrEqual(20);
    const files = stateFiles(path.join(scratch, "state")).map((file) => readFileSync(file, "utf8"));
    expect(files.some((text) => text.includes(ciTokenId))).toBe(true);
    // Booleans: were the state wrong, printing it could print a secret.
    for (const value of [secret, adminToken]) {
      expect(files.some((text) => text.includes(value))).toBe(false);
      expect(transcript.includes(value)).toBe(false);
    }
  });

  it("pulumi preview --diff of one more permission names that permission alone", async () => {
    resources = withProperties("ciDeployer", { permissions: ["ManageUsers", "MonitorQueries", "ViewUsage"] });
    writeProgram();
    const preview = await pulumi(["preview", "--diff"]);
    expectSuccess(preview);
    expect(propertyDiffLines(preview.output, "permissions")).toEqual(['+ [1]: "MonitorQueries"']);
    expect(preview.output).toContain("~ 1 to update");
    expect(preview.output).not.toMatch(/(ViewPermissionsToken|SystemPermissionsToken): \(update\)/);
  });

  it("pulumi up updates it in place, keeping its id and its secret", async () => {
    // The preview above was this update's.
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expectSuccess(up);
    expect(up.output).toContain("~ 1 updated");
    const ci = (await storedTokens(emulator.url)).find((token) => token.name === "ci-deployer");
    expect(ci?.id).toBe(ciTokenId);
    expect(ci?.permissions.sort()).toEqual(["ManageUsers", "MonitorQueries", "ViewUsage"]);
    expect((await revealedOutputs())["ciDeployerToken"]).toBe(ciToken);
  });

  it("a reorder of the permissions, with a duplicate, is no change", async () => {
    resources = withProperties("ciDeployer", { permissions: ["ViewUsage", "MonitorQueries", "ManageUsers", "ViewUsage"] });
    writeProgram();
    expectSuccess(await pulumi(["preview", "--diff", "--expect-no-changes"]));
    expectSuccess(await pulumi(["preview", "--refresh", "--expect-no-changes"]));
  });

  it("a replacement names the property that forces it", async () => {
    const before = resources;
    resources = withProperties("dashboardsReader", { name: "dashboards-reader-2" });
    writeProgram();
    const preview = await pulumi(["preview", "--diff"]);
    resources = before;
    writeProgram();
    expectSuccess(preview);
    expect(preview.output).toMatch(/\+-logscale:index:ViewPermissionsToken: \(replace\)/);
    expect(preview.output).toContain('~ name: "dashboards-reader" => "dashboards-reader-2"');
    expect(preview.output).toContain("+-1 to replace");
  });

  it("drift: permissions changed behind Pulumi's back fail preview --refresh --expect-no-changes; up --refresh repairs them", async () => {
    await graphql(emulator.url, "mutation($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ViewUsage] }) }", { id: ciTokenId });
    const check = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(check.status).not.toBe(0);
    expect(check.output).toMatch(/~ logscale:index:OrgPermissionsToken: \(update\)/);
    expect(check.output).toContain("no changes were expected for preview but changes were proposed");
    // The check above was this update's preview.
    const repair = await pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
    expectSuccess(repair);
    expect(repair.output).toContain("~ 1 updated");
    const ci = (await storedTokens(emulator.url)).find((token) => token.name === "ci-deployer");
    expect([ci?.id, ci?.permissions.sort()]).toEqual([ciTokenId, ["ManageUsers", "MonitorQueries", "ViewUsage"]]);
    expect((await revealedOutputs())["ciDeployerToken"]).toBe(ciToken);
    expectSuccess(await pulumi(["preview", "--refresh", "--expect-no-changes"]));
  });

  it("pulumi import adopts a token made by hand; with the generated code, the next preview shows no change", async () => {
    const byHand = await organizationTokenMadeByHand(emulator.url, "made-by-hand", ["ViewUsage", "ChangeSessions"]);
    const generated = path.join(scratch, "imported.yaml");
    const imported = await pulumi(["import", "logscale:index:OrgPermissionsToken", "adopted", byHand.id, "--yes", "--out", generated]);
    expectSuccess(imported);
    expect(imported.output).toContain("= 1 imported");
    const code = parse(readFileSync(generated, "utf8")) as { resources: Resources };
    const adopted = code.resources["adopted"]!;
    expect(adopted.properties).toEqual({ name: "made-by-hand", permissions: ["ChangeSessions", "ViewUsage"] });
    // Imported resources are protected; without that, destroy can delete it.
    resources = { ...resources, adopted: { type: adopted.type, properties: adopted.properties! } };
    writeProgram();
    // The next preview is the update's own; the update drops the protection.
    const up = await pulumi(["up", "--yes", "--diff"]);
    expectSuccess(up);
    expect(up.output).not.toMatch(/OrgPermissionsToken: \(update\)/);
    // LogScale never shows a secret again: the imported token's output is empty, and a secret still.
    const state = JSON.parse((await pulumi(["stack", "export", "--show-secrets"])).stdout) as { deployment: { resources: { urn: string; outputs: Record<string, unknown> }[] } };
    const adoptedState = state.deployment.resources.find((resource) => resource.urn.endsWith("::adopted"));
    expect(adoptedState?.outputs["tokenId"]).toBe(byHand.id);
    expect(adoptedState?.outputs["token"]).toMatchObject({ plaintext: JSON.stringify("") });
  });

  it("the import resource option adopts a view and a system token made by hand; what the program adds is then updated in place", async () => {
    const view = await createViewToken(emulator.url, { name: "audit-by-hand", viewIds: [SEED.securityAudit], viewPermissions: ["ReadAccess"] });
    const system = await createSystemToken(emulator.url, { name: "health-by-hand", systemPermissions: ["ReadHealthCheck"] });
    const adopted: Resources = {
      auditReader: {
        type: "logscale:index:ViewPermissionsToken",
        properties: { name: "audit-by-hand", viewNames: ["security-audit"], permissions: ["ReadAccess"] },
        options: { import: view.tokenMetadata.id },
      },
      // One permission more than the token has: the engine imports it, then the plan updates it.
      healthChecker: {
        type: "logscale:index:SystemPermissionsToken",
        properties: { name: "health-by-hand", permissions: ["ReadHealthCheck", "ViewOrganizations"] },
        options: { import: system.tokenMetadata.id },
      },
    };
    resources = { ...resources, ...adopted };
    writeProgram();
    // The update's own preview, then the update.
    const up = await pulumi(["up", "--yes", "--diff"]);
    expectSuccess(up);
    expect(up.output).toContain("= 2 to import");
    expect(up.output).toContain("~ 1 to update");
    expect(propertyDiffLines(up.output, "permissions")).toEqual(['+ [1]: "ViewOrganizations"']);
    expect(up.output).toContain("= 2 imported");
    expect(up.output).toContain("~ 1 updated");
    const stored = await storedTokens(emulator.url);
    expect(stored.find((token) => token.name === "audit-by-hand")?.id).toBe(view.tokenMetadata.id);
    const health = stored.find((token) => token.name === "health-by-hand");
    expect([health?.id, health?.permissions.sort()]).toEqual([system.tokenMetadata.id, ["ReadHealthCheck", "ViewOrganizations"]]);
    // As the engine asks once they are imported (an imported resource that still names an id may not be replaced).
    resources = Object.fromEntries(Object.entries(resources).map(([name, resource]) => [name, name in adopted ? { type: resource.type, properties: resource.properties! } : resource]));
    writeProgram();
    expectSuccess(await pulumi(["preview", "--diff", "--expect-no-changes"]));
  });

  it("a provider instance manages tokens on a second cluster", async () => {
    extraConfig = { secondUrl: { type: "string" }, secondToken: { type: "string", secret: true } };
    resources = {
      ...resources,
      secondCluster: { type: "pulumi:providers:logscale", properties: { url: "${secondUrl}", token: "${secondToken}" } },
      elsewhere: { type: "logscale:index:SystemPermissionsToken", properties: { name: "yaml-elsewhere", permissions: ["ReadHealthCheck"] }, options: { provider: "${secondCluster}" } },
    };
    writeProgram();
    expectSuccess(await pulumi(["config", "set-all", "--plaintext", `secondUrl=${second.url}`, "--secret", `secondToken=${adminToken}`]));
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect((await storedTokens(second.url)).map((token) => token.name)).toEqual(["yaml-elsewhere"]);
    expect((await storedTokens(emulator.url)).map((token) => token.name)).not.toContain("yaml-elsewhere");
    const files = stateFiles(path.join(scratch, "state")).map((file) => readFileSync(file, "utf8"));
    expect(files.some((text) => text.includes(adminToken))).toBe(false);
    expectSuccess(await pulumi(["preview", "--expect-no-changes"]));
  });

  it("a provider instance moved to another cluster replaces its tokens there: created at the new home, deleted at the old", async () => {
    const [before] = await storedTokens(second.url);
    expect(before?.name).toBe("yaml-elsewhere");
    const atFirst = (await storedTokens(emulator.url)).map((token) => token.id).sort();
    // --config saves the new address to the stack config: the update below uses it too.
    const preview = await pulumi(["preview", "--diff", "--config", `secondUrl=${emulator.url}`]);
    expectSuccess(preview);
    expect(preview.output).toMatch(/\+-pulumi:providers:logscale: \(replace\)/);
    expect(preview.output).toMatch(/\+-logscale:index:SystemPermissionsToken: \(replace\)/);
    expect(preview.output).toContain("+-2 to replace"); // the provider and its one token; nothing else
    expect(preview.output).toContain(`The logscale provider 'secondCluster' led to LogScale cluster ${second.clusterId}`);
    // A preview changes nothing.
    expect((await storedTokens(second.url)).map((token) => token.id)).toEqual([before?.id]);
    // The preview above was this update's.
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expectSuccess(up);
    expect(up.output).toContain("+-2 replaced");
    expect(await storedTokens(second.url)).toEqual([]);
    const moved = (await storedTokens(emulator.url)).filter((token) => !atFirst.includes(token.id));
    expect(moved.map((token) => [token.name, token.permissions])).toEqual([["yaml-elsewhere", ["ReadHealthCheck"]]]);
    expect(moved[0]?.id).not.toBe(before?.id);
    // The provider's API token is in state as a secret (the old instance deleted the old token with it), never as text.
    const files = stateFiles(path.join(scratch, "state")).map((file) => readFileSync(file, "utf8"));
    expect(files.some((text) => text.includes(adminToken))).toBe(false);
    expectSuccess(await pulumi(["preview", "--expect-no-changes"]));
  });

  it("another address of the same cluster for a provider instance changes no token", async () => {
    const ids = (await storedTokens(emulator.url)).map((token) => token.id).sort();
    // The update's own preview, then the update.
    const up = await pulumi(["up", "--yes", "--diff", "--config", `secondUrl=${emulator.url.replace("127.0.0.1", "localhost")}`]);
    expectSuccess(up);
    // The provider's url is stored; its tokens stay as they are.
    expect(up.output).toMatch(/~ pulumi:providers:logscale: \(update\)/);
    expect(up.output).not.toMatch(/PermissionsToken: \((update|replace)\)/);
    expect(up.output).toContain("~ 1 to update");
    expect((await storedTokens(emulator.url)).map((token) => token.id).sort()).toEqual(ids);
    expectSuccess(await pulumi(["preview", "--expect-no-changes"]));
  });

  it("the stack config moved to another cluster replaces the default provider's tokens (its API token is in state, a secret)", async () => {
    const atFirst = await storedTokens(emulator.url);
    const ofDefaultProvider = names(atFirst.filter((token) => token.name !== "yaml-elsewhere"));
    expect(ofDefaultProvider).toEqual(["audit-by-hand", "ci-deployer", "cluster-monitor", "dashboards-reader", "health-by-hand", "made-by-hand"]);
    const up = await pulumi(["up", "--yes", "--config", `logscale:url=${second.url}`]);
    expectSuccess(up);
    expect(up.output).toContain(`+-${ofDefaultProvider.length} replaced`);
    expect(names(await storedTokens(second.url))).toEqual(ofDefaultProvider);
    // Left at the first cluster: the token of the provider instance that points there.
    expect(names(await storedTokens(emulator.url))).toEqual(["yaml-elsewhere"]);
    expectSuccess(await pulumi(["preview", "--expect-no-changes"]));
  });

  it("pulumi destroy leaves no tokens", async () => {
    const destroy = await pulumi(["destroy", "--yes"]);
    expectSuccess(destroy);
    expect(await storedTokens(emulator.url)).toEqual([]);
    expect(await storedTokens(second.url)).toEqual([]);
    // Nothing printed in this file held a secret.
    expect(transcript.includes(adminToken)).toBe(false);
  });
});
