/**
 * The logscale plugin from a Pulumi YAML program, through the real CLI and the YAML language
 * host: tokens declared in Pulumi.yaml alone, the plugin named by path (a checkout's
 * provider/serving/plugin/bin), LogScale settings in the stack config as for the dynamic
 * resources. Create, a one-permission change previewed as that permission alone, a reorder that
 * is no change, import, a second cluster through a provider instance, destroy.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { projectDir } from "../support/consumer";
import { adminToken, graphql, organizationTokenMadeByHand, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { nodeCompileCache, passphrase, pulumiBinDir, requirePulumiCli } from "../support/pulumi";

jest.setTimeout(300_000);

const pluginDir = path.join(projectDir, "provider", "serving", "plugin", "bin");

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly output: string;
}

type Resources = Record<string, { type: string; properties?: Record<string, unknown>; options?: Record<string, unknown> }>;

let emulator: RunningEmulator;
let second: RunningEmulator;
let scratch: string;
let programDir: string;
let env: NodeJS.ProcessEnv;
/** Everything the CLI printed, except where asked to show secrets: no secret may be in it. */
let transcript = "";

let resources: Resources = {
  ci: { type: "logscale:index:OrgPermissionsToken", properties: { name: "yaml-ci", permissions: ["ManageUsers", "ViewUsage"] } },
  reader: { type: "logscale:index:ViewPermissionsToken", properties: { name: "yaml-reader", viewNames: ["dashboards"], permissions: ["ReadAccess"] } },
};
let extraConfig: Record<string, unknown> = {};

function writeProgram(): void {
  const project = {
    name: "logscale-yaml",
    runtime: "yaml",
    plugins: { providers: [{ name: "logscale", path: pluginDir }] },
    ...(Object.keys(extraConfig).length > 0 ? { config: extraConfig } : {}),
    resources,
    outputs: { ciTokenId: "${ci.tokenId}", ciToken: "${ci.token}" },
  };
  writeFileSync(path.join(programDir, "Pulumi.yaml"), stringify(project));
}

/** Asynchronous: the emulators in this process must keep answering while the CLI runs. */
function pulumi(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(pulumiBinDir, "pulumi"), [...args, "--color", "never"], { cwd: programDir, env });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      if (!args.includes("--show-secrets")) transcript += output;
      resolve({ status, stdout, output });
    });
    child.stdin.end(input);
  });
}

function expectSuccess(run: Run): void {
  if (run.status !== 0) throw new Error(`pulumi exited with ${run.status}:\n${run.output}`);
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
  for (const dir of ["program", "state", "home"]) mkdirSync(path.join(scratch, dir));
  // The connection must come from stack config alone: none of the provider's environment fallbacks.
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, ...inherited } = process.env;
  env = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase }),
    NODE_COMPILE_CACHE: nodeCompileCache,
  };
  writeProgram();
  expectSuccess(await pulumi(["stack", "init", "dev"]));
  expectSuccess(await pulumi(["config", "set", "logscale:url", emulator.url]));
  expectSuccess(await pulumi(["config", "set", "--secret", "logscale:token"], adminToken));
});

afterAll(async () => {
  await emulator?.stop();
  await second?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the logscale plugin from a Pulumi YAML program", () => {
  let ciTokenId = "";

  it("pulumi up creates the tokens declared in Pulumi.yaml", async () => {
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect(up.output).toContain("+ 3 created"); // the stack and two tokens
    expect(up.output).toMatch(/ciToken\s+: \[secret\]/);
    const tokens = await storedTokens(emulator.url);
    expect(tokens.map((token) => token.name).sort()).toEqual(["yaml-ci", "yaml-reader"]);
    expect(tokens.find((token) => token.name === "yaml-ci")?.permissions.sort()).toEqual(["ManageUsers", "ViewUsage"]);
    // viewNames resolved to the view's id by the core's check(), as for the dynamic resources.
    const { searchDomain } = await graphql<{ searchDomain: { id: string } }>(emulator.url, `{ searchDomain(name: "dashboards") { id } }`);
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout) as { deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] } };
    expect(state.deployment.resources.find((resource) => resource.urn.endsWith("::reader"))?.outputs?.["viewIds"]).toEqual([searchDomain.id]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, string>;
    ciTokenId = outputs["ciTokenId"] ?? "";
    expect(ciTokenId).toBe(tokens.find((token) => token.name === "yaml-ci")?.id);
    expect(outputs["ciToken"]).toBe("[secret]");
  });

  it("keeps the token and the API token out of the state and of what the CLI printed", async () => {
    const revealed = JSON.parse((await pulumi(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, string>;
    const secret = revealed["ciToken"]?.split("~")[1] ?? "";
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
    resources = { ...resources, ci: { ...resources["ci"]!, properties: { name: "yaml-ci", permissions: ["ManageUsers", "MonitorQueries", "ViewUsage"] } } };
    writeProgram();
    const preview = await pulumi(["preview", "--diff"]);
    expectSuccess(preview);
    expect(propertyDiffLines(preview.output, "permissions")).toEqual(['+ [1]: "MonitorQueries"']);
    expect(preview.output).toContain("~ 1 to update");
    expect(preview.output).not.toMatch(/ViewPermissionsToken: \(update\)/);
  });

  it("pulumi up updates it in place, keeping its id", async () => {
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect(up.output).toContain("~ 1 updated");
    const ci = (await storedTokens(emulator.url)).find((token) => token.name === "yaml-ci");
    expect(ci?.id).toBe(ciTokenId);
    expect(ci?.permissions.sort()).toEqual(["ManageUsers", "MonitorQueries", "ViewUsage"]);
  });

  it("a reorder of the permissions, with a duplicate, is no change", async () => {
    resources = { ...resources, ci: { ...resources["ci"]!, properties: { name: "yaml-ci", permissions: ["ViewUsage", "MonitorQueries", "ManageUsers", "ViewUsage"] } } };
    writeProgram();
    expectSuccess(await pulumi(["preview", "--diff", "--expect-no-changes"]));
    expectSuccess(await pulumi(["preview", "--refresh", "--expect-no-changes"]));
  });

  it("a replacement names the property that forces it", async () => {
    const before = resources;
    resources = { ...resources, reader: { ...resources["reader"]!, properties: { ...resources["reader"]!.properties, name: "yaml-reader-2" } } };
    writeProgram();
    const preview = await pulumi(["preview", "--diff"]);
    resources = before;
    writeProgram();
    expectSuccess(preview);
    expect(preview.output).toMatch(/\+-logscale:index:ViewPermissionsToken: \(replace\)/);
    expect(preview.output).toContain('~ name: "yaml-reader" => "yaml-reader-2"');
    expect(preview.output).toContain("+-1 to replace");
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
    const preview = await pulumi(["preview", "--diff"]);
    expectSuccess(preview);
    expect(preview.output).not.toMatch(/OrgPermissionsToken: \(update\)/);
    expectSuccess(await pulumi(["up", "--yes"])); // drops the protection
    // LogScale never shows a secret again: the imported token's output is empty, and a secret still.
    const state = JSON.parse((await pulumi(["stack", "export", "--show-secrets"])).stdout) as { deployment: { resources: { urn: string; outputs: Record<string, unknown> }[] } };
    const adoptedState = state.deployment.resources.find((resource) => resource.urn.endsWith("::adopted"));
    expect(adoptedState?.outputs["tokenId"]).toBe(byHand.id);
    expect(adoptedState?.outputs["token"]).toMatchObject({ plaintext: JSON.stringify("") });
  });

  it("a provider instance manages tokens on a second cluster", async () => {
    extraConfig = { secondUrl: { type: "string" }, secondToken: { type: "string", secret: true } };
    resources = {
      ...resources,
      secondCluster: { type: "pulumi:providers:logscale", properties: { url: "${secondUrl}", token: "${secondToken}" } },
      elsewhere: { type: "logscale:index:SystemPermissionsToken", properties: { name: "yaml-elsewhere", permissions: ["ReadHealthCheck"] }, options: { provider: "${secondCluster}" } },
    };
    writeProgram();
    expectSuccess(await pulumi(["config", "set", "secondUrl", second.url]));
    expectSuccess(await pulumi(["config", "set", "--secret", "secondToken"], adminToken));
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
    expectSuccess(await pulumi(["config", "set", "secondUrl", emulator.url]));
    const preview = await pulumi(["preview", "--diff"]);
    expectSuccess(preview);
    expect(preview.output).toMatch(/\+-pulumi:providers:logscale: \(replace\)/);
    expect(preview.output).toMatch(/\+-logscale:index:SystemPermissionsToken: \(replace\)/);
    expect(preview.output).toContain("+-2 to replace"); // the provider and its one token; nothing else
    expect(preview.output).toContain(`The logscale provider 'secondCluster' led to LogScale cluster ${second.clusterId}`);
    // A preview changes nothing.
    expect((await storedTokens(second.url)).map((token) => token.id)).toEqual([before?.id]);
    const up = await pulumi(["up", "--yes"]);
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
    expectSuccess(await pulumi(["config", "set", "secondUrl", emulator.url.replace("127.0.0.1", "localhost")]));
    const preview = await pulumi(["preview", "--diff"]);
    expectSuccess(preview);
    // The provider's url is stored; its tokens stay as they are.
    expect(preview.output).toMatch(/~ pulumi:providers:logscale: \(update\)/);
    expect(preview.output).not.toMatch(/PermissionsToken: \((update|replace)\)/);
    expect(preview.output).toContain("~ 1 to update");
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect((await storedTokens(emulator.url)).map((token) => token.id).sort()).toEqual(ids);
    expectSuccess(await pulumi(["preview", "--expect-no-changes"]));
  });

  it("the stack config moved to another cluster replaces the default provider's tokens (its API token is in state, a secret)", async () => {
    const names = (tokens: { name: string }[]) => tokens.map((token) => token.name).sort();
    expect(names(await storedTokens(emulator.url))).toEqual(["made-by-hand", "yaml-ci", "yaml-elsewhere", "yaml-reader"]);
    expectSuccess(await pulumi(["config", "set", "logscale:url", second.url]));
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect(up.output).toContain("+-3 replaced");
    expect(names(await storedTokens(second.url))).toEqual(["made-by-hand", "yaml-ci", "yaml-reader"]);
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
