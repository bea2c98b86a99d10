/**
 * `pulumi up` in a folder, as users type it: a Pulumi.yaml with `runtime: nodejs`, a
 * TypeScript index.ts importing this package from its node_modules, LogScale settings in stack
 * config, and the CLI binary run as a command (so the Node.js language host runs the program,
 * not an Automation API inline program).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { adminToken, emulatorPerFile, graphql, statusWith, storedTokens } from "../support/emulator";
import { createFolderProgram, expectSuccess, type FolderProgram, type Run } from "../support/folder-program";

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

const emulator = emulatorPerFile();
let folder: FolderProgram;

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

beforeAll(async () => {
  folder = createFolderProgram();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder.dir, name), text);
  expectSuccess(await pulumi(["stack", "init", "dev"]));
  expectSuccess(await pulumi(["config", "set", "logscale:url", emulator.url]));
  // From stdin, as a careful user pipes it: a command-line argument is visible to every process.
  expectSuccess(await pulumi(["config", "set", "--secret", "logscale:token"], adminToken));
  const { searchDomain } = await graphql<{ searchDomain: { id: string } }>(emulator.url, `{ searchDomain(name: "dashboards") { id } }`);
  expectSuccess(await pulumi(["config", "set", "viewId", searchDomain.id]));
});

afterAll(() => {
  folder?.remove();
});

/** `pulumi <args>` in the folder; `input` goes to its standard input. */
function pulumi(args: string[], input?: string): Promise<Run> {
  return folder.pulumi(args, { input });
}

describe("pulumi up in a folder", () => {
  it("keeps the API token encrypted in the stack's config file", () => {
    const settings = readFileSync(path.join(folder.dir, "Pulumi.dev.yaml"), "utf8");
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
    expect(await statusWith(emulator.url, `${masked["ciTokenId"]}~not-the-secret`)).toBe(401);
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
    const files = stateFiles(folder.backendDir).map((file) => readFileSync(file, "utf8"));
    expect(files.some((text) => text.includes(revealed["ciTokenId"] ?? "no id"))).toBe(true);
    expect(folder.transcript()).toContain("+ 3 created");
    for (const secret of [...secrets, adminToken]) {
      expect(exported.stdout.includes(secret)).toBe(false);
      expect(files.some((text) => text.includes(secret))).toBe(false);
      expect(folder.transcript().includes(secret)).toBe(false);
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
