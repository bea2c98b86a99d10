/**
 * `pulumi up` in a folder, as users type it: a Pulumi.yaml with `runtime: nodejs`, a
 * TypeScript index.ts importing this package from its node_modules, LogScale settings in stack
 * config, and the CLI binary run as a command (so the Node.js language host runs the program,
 * not an Automation API inline program).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { type Consumer, createConsumer } from "../support/consumer";
import { adminToken, graphql, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { nodeCompileCache, passphrase, pulumiBinDir, requirePulumiCli } from "../support/pulumi";

jest.setTimeout(300_000);

const program = `import * as pulumi from "@pulumi/pulumi";
import * as logscale from "pulumi-logscale-tokens";

const config = new pulumi.Config();

const ci = new logscale.OrgPermissionsToken("ci", {
  name: "folder-ci",
  permissions: ["ManageUsers", "ViewUsage"],
});

const reader = new logscale.ViewPermissionsToken("reader", {
  name: "folder-reader",
  viewIds: [config.require("viewId")],
  permissions: ["ReadAccess"],
});

export const ciTokenId = ci.tokenId;
export const ciToken = ci.token;
export const readerTokenId = reader.tokenId;
export const readerToken = reader.token;
`;

/** What \`pulumi new typescript\` writes, minus what would need the network. */
const files: Record<string, string> = {
  "Pulumi.yaml": "name: logscale-folder\nruntime: nodejs\ndescription: LogScale tokens from a folder\n",
  "package.json": JSON.stringify(
    {
      name: "logscale-folder",
      main: "index.ts",
      devDependencies: { "@types/node": "^22", typescript: "^5", "ts-node": "^10" },
      dependencies: { "@pulumi/pulumi": "^3", "pulumi-logscale-tokens": "^0.1.0" },
    },
    null,
    2,
  ),
  "tsconfig.json": JSON.stringify(
    {
      compilerOptions: { strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true },
      files: ["index.ts"],
    },
    null,
    2,
  ),
  "index.ts": program,
};

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly output: string;
}

let emulator: RunningEmulator;
let consumer: Consumer;
let scratch: string;
let env: NodeJS.ProcessEnv;
/** Everything the CLI printed in this file, except where asked to show secrets: no secret may be in it. */
let transcript = "";

/** Asynchronous: the emulator in this process must keep answering while the CLI runs. */
function pulumi(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(pulumiBinDir, "pulumi"), args, { cwd: consumer.dir, env });
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

/** Fails with the CLI's own words, which say why. */
function expectSuccess(run: Run): void {
  if (run.status !== 0) throw new Error(`pulumi exited with ${run.status}:\n${run.output}`);
}

function outputsOf(run: Run): Record<string, string> {
  expectSuccess(run);
  return JSON.parse(run.stdout) as Record<string, string>;
}

/** Every file the file backend wrote for this project: checkpoints, history and backups. */
function stateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? stateFiles(full) : [full];
  });
}

async function status(url: string, query: string, token: string): Promise<number> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ query }),
  });
  await response.text();
  return response.status;
}

beforeAll(async () => {
  requirePulumiCli();
  emulator = await startTestEmulator();
  consumer = createConsumer();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(consumer.dir, name), text);
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-folder-"));
  mkdirSync(path.join(scratch, "state"));
  mkdirSync(path.join(scratch, "home"));
  // The connection must come from stack config alone: none of the provider's environment fallbacks.
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, ...inherited } = process.env;
  env = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase }),
    // Every CLI run starts Node processes that load @pulumi/pulumi: the code cache makes that quicker.
    NODE_COMPILE_CACHE: nodeCompileCache,
  };
  expectSuccess(await pulumi(["stack", "init", "dev"]));
  expectSuccess(await pulumi(["config", "set", "logscale:url", emulator.url]));
  // From stdin, as a careful user pipes it: a command-line argument is visible to every process.
  expectSuccess(await pulumi(["config", "set", "--secret", "logscale:token"], adminToken));
  const { searchDomain } = await graphql<{ searchDomain: { id: string } }>(emulator.url, `{ searchDomain(name: "dashboards") { id } }`);
  expectSuccess(await pulumi(["config", "set", "viewId", searchDomain.id]));
});

afterAll(async () => {
  await emulator?.stop();
  consumer?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("pulumi up in a folder", () => {
  it("keeps the API token encrypted in the stack's config file", () => {
    const settings = readFileSync(path.join(consumer.dir, "Pulumi.dev.yaml"), "utf8");
    expect(settings).toContain("logscale:token:\n    secure: ");
    expect(settings.includes(adminToken)).toBe(false);
  });

  it("pulumi up --yes creates the tokens in LogScale", async () => {
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect(up.output).toContain("+ 3 created");
    expect(up.output).toMatch(/ciToken\s+: \[secret\]/);
    const tokens = await storedTokens(emulator.url);
    expect(tokens.map((token) => token.name).sort()).toEqual(["folder-ci", "folder-reader"]);
    expect(tokens.find((token) => token.name === "folder-ci")?.permissions.sort()).toEqual(["ManageUsers", "ViewUsage"]);
  });

  it("exports the token ids, and the tokens as secrets that authenticate", async () => {
    const masked = outputsOf(await pulumi(["stack", "output", "--json"]));
    const revealed = outputsOf(await pulumi(["stack", "output", "--json", "--show-secrets"]));
    const ids = (await storedTokens(emulator.url)).map((token) => token.id).sort();
    expect([masked["ciTokenId"], masked["readerTokenId"]].sort()).toEqual(ids);
    expect(masked["ciToken"]).toBe("[secret]");
    expect(masked["readerToken"]).toBe("[secret]");

    const ciToken = revealed["ciToken"] ?? "";
    const readerToken = revealed["readerToken"] ?? "";
    // Booleans, so that a failure does not print a secret.
    expect(new RegExp(`^${masked["ciTokenId"]}~\\S{20,}$`).test(ciToken)).toBe(true);
    expect(new RegExp(`^${masked["readerTokenId"]}~\\S{20,}$`).test(readerToken)).toBe(true);
    // Each token is accepted as itself: the org token reads the IP filters, the view token sees only its view.
    const filters = await graphql<{ ipFilters: { name: string }[] }>(emulator.url, "{ ipFilters { name } }", {}, ciToken);
    expect(filters.ipFilters.map((filter) => filter.name)).toContain("office");
    const views = await graphql<{ searchDomains: { name: string }[] }>(emulator.url, "{ searchDomains { name } }", {}, readerToken);
    expect(views.searchDomains.map((view) => view.name)).toEqual(["dashboards"]);
    expect(await status(emulator.url, "{ ipFilters { name } }", `${masked["ciTokenId"]}~not-the-secret`)).toBe(401);
  });

  it("keeps the secrets out of the state and out of everything the CLI printed", async () => {
    const revealed = outputsOf(await pulumi(["stack", "output", "--json", "--show-secrets"]));
    const secrets = [revealed["ciToken"], revealed["readerToken"]].map((token) => token?.split("~")[1] ?? "");
    expect(secrets.every((secret) => secret.length >= 20)).toBe(true);

    const exported = await pulumi(["stack", "export"]);
    expectSuccess(exported);
    // Booleans here too: were the state wrong, printing it could print a secret.
    expect(exported.stdout.includes(revealed["ciTokenId"] ?? "no id")).toBe(true);
    expect(exported.stdout.includes('"ciphertext"')).toBe(true);
    const files = stateFiles(path.join(scratch, "state")).map((file) => readFileSync(file, "utf8"));
    expect(files.some((text) => text.includes(revealed["ciTokenId"] ?? "no id"))).toBe(true);
    expect(transcript).toContain("+ 3 created");
    for (const secret of [...secrets, adminToken]) {
      expect(exported.stdout.includes(secret)).toBe(false);
      expect(files.some((text) => text.includes(secret))).toBe(false);
      expect(transcript.includes(secret)).toBe(false);
    }
  });

  it("pulumi preview --refresh --expect-no-changes finds nothing to change", async () => {
    const preview = await pulumi(["preview", "--refresh", "--expect-no-changes"]);
    expectSuccess(preview);
    expect(preview.output).toContain("3 unchanged");
  });

  it("pulumi destroy --yes deletes the tokens from LogScale", async () => {
    const destroy = await pulumi(["destroy", "--yes"]);
    expectSuccess(destroy);
    expect(destroy.output).toContain("- 3 deleted");
    expect(await storedTokens(emulator.url)).toEqual([]);
  });
});
