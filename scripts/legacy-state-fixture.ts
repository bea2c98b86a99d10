/**
 * Writes tests/fixtures/legacy-state/: a stack's state made by an earlier version of this
 * package (its provider serialized by value, about 4.8 KB per resource, and no `requested`
 * record), and the emulator's tokens that state refers to. The upgrade test imports it and
 * refreshes, updates and destroys it with today's package.
 *
 *   npm run fixture:legacy-state [-- <commit>]
 *
 * The commit defaults to the last one before the provider became a one-line `require`. Its
 * provider/ and package.json are built in a scratch folder with this checkout's dependencies,
 * installed into a program's node_modules as a user would have it, and run through the real
 * Pulumi CLI against an emulator whose state file becomes the fixture.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator } from "../emulator";

const projectDir = path.resolve(__dirname, "..");
const fixtureDir = path.join(projectDir, "tests", "fixtures", "legacy-state");
const legacyCommit = process.argv[2] ?? "46c84a49c3253235cf2ab3a588f44019b244acb3";
/** Test values only: the fixture must not hold anything that works outside the tests. */
export const fixtureAdminToken = "legacy-fixture-admin-token";
export const fixturePassphrase = "legacy-fixture-passphrase";

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

/** The package as it was at the commit, built with this checkout's compiler and dependencies. */
function buildLegacyPackage(scratch: string): string {
  const source = path.join(scratch, "source");
  mkdirSync(source);
  const archive = execFileSync("git", ["archive", legacyCommit, "provider", "package.json", "tsconfig.json"], { cwd: projectDir });
  execFileSync("tar", ["-x", "-C", source], { input: archive });
  symlinkSync(path.join(projectDir, "node_modules"), path.join(source, "node_modules"), "dir");
  run(path.join(projectDir, "node_modules", ".bin", "tsc"), ["-p", ".", "--rootDir", ".", "--outDir", "dist", "--types", "node", "--sourceMap", "false"], source);
  return source;
}

/** A program folder whose node_modules holds the legacy package, the rest linked from here. */
function legacyProgram(scratch: string, legacy: string): string {
  const dir = path.join(scratch, "program");
  const installed = path.join(dir, "node_modules", "pulumi-logscale-tokens");
  mkdirSync(installed, { recursive: true });
  cpSync(path.join(legacy, "package.json"), path.join(installed, "package.json"));
  cpSync(path.join(legacy, "dist"), path.join(installed, "dist"), { recursive: true });
  for (const entry of readdirSync(path.join(projectDir, "node_modules"))) {
    if (entry.startsWith(".") || entry === "pulumi-logscale-tokens") continue;
    symlinkSync(path.join(projectDir, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
  // The folder's own Pulumi.yaml: the dynamic-provider plugin runs there and loads the legacy package.
  writeFileSync(path.join(dir, "Pulumi.yaml"), JSON.stringify({ name: "legacy", runtime: "nodejs", main: dir }));
  return dir;
}

async function main(): Promise<void> {
  const binDir = run("bash", [path.join(projectDir, "scripts", "ensure-pulumi.sh")], projectDir).trim().split("\n").pop() ?? "";
  const scratch = mkdtempSync(path.join(tmpdir(), "legacy-fixture-"));
  const emulatorState = path.join(scratch, "emulator-state.json");
  const emulator = await startEmulator({ adminToken: fixtureAdminToken, statePath: emulatorState });
  try {
    const program = legacyProgram(scratch, buildLegacyPackage(scratch));
    const { LocalWorkspace, PulumiCommand } = require(path.join(program, "node_modules", "@pulumi", "pulumi", "automation")) as typeof import("@pulumi/pulumi/automation");
    const legacy = require(path.join(program, "node_modules", "pulumi-logscale-tokens")) as typeof import("../provider");
    const store = (await (await fetch(`${emulator.url}/_emulator/store`, { headers: { Authorization: `Bearer ${fixtureAdminToken}` } })).json()) as {
      searchDomains: { id: string; name: string }[];
    };
    const viewIds = store.searchDomains.filter((domain) => ["dashboards", "security-audit"].includes(domain.name)).map((domain) => domain.id);
    mkdirSync(path.join(scratch, "backend"));
    const environment: Record<string, string> = {
      PATH: [binDir, path.join(projectDir, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(path.delimiter),
      PULUMI_HOME: path.join(scratch, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(scratch, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: fixturePassphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    const stack = await LocalWorkspace.createStack(
      {
        stackName: "legacy",
        projectName: "legacy",
        program: async () => {
          const ci = new legacy.OrgPermissionsToken("ci", { name: "legacy-ci", permissions: ["ManageUsers", "ViewUsage"] });
          const reader = new legacy.ViewPermissionsToken("reader", { name: "legacy-reader", viewIds, permissions: ["ReadAccess"] });
          const ops = new legacy.SystemPermissionsToken("ops", { name: "legacy-ops", permissions: ["ReadHealthCheck"] });
          return { ciId: ci.tokenId, readerId: reader.tokenId, opsId: ops.tokenId };
        },
      },
      {
        workDir: program,
        pulumiCommand: await PulumiCommand.get({ root: path.dirname(binDir), skipVersionCheck: true }),
        envVars: environment,
      },
    );
    await stack.setAllConfig({ "logscale:url": { value: emulator.url }, "logscale:token": { value: fixtureAdminToken, secret: true } });
    await stack.up();
    // The CLI itself, not the Automation API's exportStack, which reveals secrets.
    const deployment = run(path.join(binDir, "pulumi"), ["stack", "export", "--stack", "legacy"], program, { ...process.env, ...environment });
    if (deployment.includes("plaintext")) throw new Error("the exported state holds a plaintext secret");
    mkdirSync(fixtureDir, { recursive: true });
    writeFileSync(path.join(fixtureDir, "deployment.json"), deployment);
    await emulator.stop();
    cpSync(emulatorState, path.join(fixtureDir, "emulator-state.json"));
    writeFileSync(
      path.join(fixtureDir, "README.md"),
      `State written by pulumi-logscale-tokens at commit ${legacyCommit} (three tokens, one of each kind), and the\n` +
        `emulator state it refers to. Generated by \`npm run fixture:legacy-state\` (scripts/legacy-state-fixture.ts);\n` +
        `do not edit by hand. Secrets are encrypted with the test passphrase '${fixturePassphrase}';\n` +
        `the emulator keeps only hashes of the token secrets. Its admin token is '${fixtureAdminToken}'.\n`,
    );
    console.log(`wrote ${path.relative(projectDir, fixtureDir)}/ from commit ${legacyCommit.slice(0, 12)}`);
  } finally {
    await emulator.stop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
