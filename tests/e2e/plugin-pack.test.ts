/**
 * The packed plugin as users install it: `npm run plugin:pack`'s tarball (packPlugin(), into a
 * folder of this test's), `pulumi plugin install resource logscale <version> --file <tarball>`
 * into a Pulumi home of its own, then a Pulumi YAML program with no `plugins:` path, so the
 * engine runs the installed plugin: up and destroy against the emulator. Installed under the
 * temporary folder, the plugin has no node_modules anywhere above it: the bundle is all it has.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { packPlugin, type PackedPlugin, pluginExecutable, pulumiPlatform } from "../../scripts/plugin-pack";
import { projectDir } from "../support/consumer";
import { adminToken, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { passphrase, pulumiBinDir, requirePulumiCli } from "../support/pulumi";
import { expectSuccess, run } from "../support/run";

jest.setTimeout(300_000);

let emulator: RunningEmulator;
let scratch: string;
let packed: PackedPlugin;
let env: NodeJS.ProcessEnv;

const programDir = () => path.join(scratch, "program");

function pulumi(args: string[], input?: string) {
  return run(path.join(pulumiBinDir, "pulumi"), [...args, "--color", "never"], { cwd: programDir(), env, ...(input === undefined ? {} : { input }) });
}

function ancestors(dir: string): string[] {
  const parent = path.dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestors(parent)];
}

let unpackedDir: string | undefined;

/** The tarball unpacked under the temporary folder, as `pulumi plugin install` would. */
function unpacked(): string {
  if (unpackedDir === undefined) {
    unpackedDir = path.join(scratch, "unpacked");
    mkdirSync(unpackedDir);
    execFileSync("tar", ["-xzf", packed.tarball, "-C", unpackedDir]);
  }
  return unpackedDir;
}

beforeAll(async () => {
  requirePulumiCli();
  if (!existsSync(path.join(projectDir, "dist", "provider", "serving", "plugin", "main.js"))) throw new Error("Run 'npm run build' first: the plugin is packed from dist/.");
  emulator = await startTestEmulator();
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-plugin-pack-"));
  for (const dir of ["out", "program", "state", "home"]) mkdirSync(path.join(scratch, dir));
  packed = await packPlugin(path.join(scratch, "out"));
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, ...inherited } = process.env;
  env = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase }),
    // Only the installed plugin: none found on PATH.
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
  };
});

afterAll(async () => {
  await emulator?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the packed logscale plugin", () => {
  it("is one tarball named for the version and platform, the executable at its root", () => {
    const { version } = JSON.parse(readFileSync(path.join(projectDir, "package.json"), "utf8")) as { version: string };
    const { os, arch } = pulumiPlatform();
    expect(packed.version).toBe(version);
    expect(path.basename(packed.tarball)).toBe(`pulumi-resource-logscale-v${version}-${os}-${arch}.tar.gz`);
    const listing = execFileSync("tar", ["-tvzf", packed.tarball], { encoding: "utf8" }).trim().split("\n");
    expect(listing.map((line) => line.split(/\s+/).pop()).sort()).toEqual(["package.json", pluginExecutable, `${pluginExecutable}.js`, "schema.json"]);
    expect(listing.find((line) => line.endsWith(` ${pluginExecutable}`))).toMatch(/^-rwxr-xr-x/);
  });

  it("starts from the unpacked tarball alone, printing its port and nothing else", async () => {
    const dir = unpacked();
    expect(ancestors(dir).filter((ancestor) => existsSync(path.join(ancestor, "node_modules")))).toEqual([]);
    const child = spawn(path.join(dir, pluginExecutable), [], { cwd: dir, env });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0] ?? "");
      });
      child.on("close", (status) => reject(new Error(`exited with ${status} before printing its port: ${stderr}`)));
    });
    const closed = new Promise((resolve) => child.on("close", resolve));
    child.kill();
    await closed;
    expect(firstLine).toMatch(/^\d+$/);
    // Bundled, Node would warn about its punycode module on every start (the launcher silences that one).
    expect(stderr).toBe("");
  });

  it("refuses a node older than 22 on PATH, saying so", async () => {
    const dir = unpacked();
    const oldNode = path.join(scratch, "old-node");
    mkdirSync(oldNode);
    writeFileSync(path.join(oldNode, "node"), "#!/bin/sh\necho v20.19.0\n", { mode: 0o755 });
    const refused = await run(path.join(dir, pluginExecutable), [], { cwd: dir, env: { PATH: `${oldNode}${path.delimiter}/usr/bin${path.delimiter}/bin` } });
    expect(refused.status).toBe(1);
    expect(refused.output).toContain("it needs Node.js 22 or later on PATH; 'node' there is v20.19.0");
  });

  it("installs with pulumi plugin install --file", async () => {
    const install = await run(path.join(pulumiBinDir, "pulumi"), ["plugin", "install", "resource", "logscale", packed.version, "--file", packed.tarball], { cwd: scratch, env });
    expectSuccess(install);
    const installed = path.join(scratch, "home", "plugins", `resource-logscale-v${packed.version}`);
    expect(statSync(path.join(installed, pluginExecutable)).mode & 0o111).not.toBe(0);
    expect(ancestors(installed).filter((dir) => existsSync(path.join(dir, "node_modules")))).toEqual([]);
    const list = await run(path.join(pulumiBinDir, "pulumi"), ["plugin", "ls", "--json"], { cwd: scratch, env });
    expectSuccess(list);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: "logscale", kind: "resource", version: packed.version })]));
  });

  it("a Pulumi YAML program without a plugins: path runs it: up creates the token, destroy deletes it", async () => {
    const project = {
      name: "logscale-installed",
      runtime: "yaml",
      resources: { ci: { type: "logscale:index:OrgPermissionsToken", properties: { name: "installed-ci", permissions: ["ViewUsage"] } } },
      outputs: { ciTokenId: "${ci.tokenId}" },
    };
    writeFileSync(path.join(programDir(), "Pulumi.yaml"), stringify(project));
    expectSuccess(await pulumi(["stack", "init", "dev"]));
    expectSuccess(await pulumi(["config", "set", "logscale:url", emulator.url]));
    expectSuccess(await pulumi(["config", "set", "--secret", "logscale:token"], adminToken));
    const up = await pulumi(["up", "--yes"]);
    expectSuccess(up);
    expect(up.output).toContain("+ 2 created");
    const tokens = await storedTokens(emulator.url);
    expect(tokens.map((token) => [token.name, token.permissions])).toEqual([["installed-ci", ["ViewUsage"]]]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, string>;
    expect(outputs["ciTokenId"]).toBe(tokens[0]?.id);
    expectSuccess(await pulumi(["preview", "--expect-no-changes"]));
    expectSuccess(await pulumi(["destroy", "--yes"]));
    expect(await storedTokens(emulator.url)).toEqual([]);
  });
});
