/**
 * A Pulumi program that depends on its own `@pulumi/pulumi` and on this package from `npm pack`,
 * run through the real CLI (decision 13: the user's SDK is the SDK). One SDK version per test
 * file: @pulumi/pulumi keeps its runtime state in globals (`global.globalStore`,
 * `global.asyncLocalStorage`) that every copy loaded in one context shares on purpose, so two
 * versions in one file would run one's program on the other's state. A user's program has one.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { projectDir } from "../support/consumer";
import { adminToken, graphql, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { configureLogScale, createProgram, type Program, pulumiBinDir, requirePulumiCli } from "../support/pulumi";
import { packedPackage } from "../support/packed";
import { commandKind, timedSync } from "../support/timing";

interface Manifest {
  readonly version?: string;
  readonly peerDependencies?: Record<string, string>;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}

const manifest = readManifest(path.join(projectDir, "package.json"));

export const peerRange = manifest.peerDependencies?.["@pulumi/pulumi"] ?? "";

/**
 * Read from the peer range rather than written here, so the range we publish is the one proven:
 * moving its floor moves the test with it.
 */
export const minimumVersion = floorOf(peerRange);

function floorOf(range: string): string {
  return /^\^(3\.\d+\.\d+)$/.exec(range)?.[1] ?? `(no floor in peer range '${range}')`;
}

/** The version the Pulumi CLI the tests run reports (`pulumi version`), without its `v`. */
function cliVersion(): string {
  requirePulumiCli();
  const printed = execFileSync(path.join(pulumiBinDir, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return printed.trim().replace(/^v/, "");
}

/**
 * The newest 3.x npm served when this was written (`npm view @pulumi/pulumi version`): ahead of
 * the CLI, as a user's SDK is once they upgrade it and not the CLI. Pinned so that every run
 * installs the same thing.
 */
export const newerVersion = "3.276.0";

/**
 * The last version npm serves below the floor: its provider host drops the `inputs` read()
 * returns. npm must refuse it, so the range itself keeps programs off it.
 */
export const belowMinimumVersion = "3.215.0";

function isNewer(a: string, b: string): boolean {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  const index = x.findIndex((part, i) => part !== y[i]);
  return index >= 0 && x[index]! > y[index]!;
}

const npmEnv = { ...process.env, npm_config_update_notifier: "false" };
export function npm(args: string[], cwd: string): string {
  return timedSync(commandKind("npm", args), () => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: npmEnv }));
}

/** A program folder outside the repository depending on exactly `sdkVersion` and the tarball. */
export function writeUserProgram(dir: string, sdkVersion: string, tarball: string): void {
  mkdirSync(dir);
  const dependencies = { "@pulumi/pulumi": sdkVersion, "pulumi-logscale-tokens": `file:${tarball}` };
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "user-program", private: true, dependencies }, null, 2));
}

export interface UserSdkSuite {
  /** The scratch folder of this file, removed after it. */
  readonly work: () => string;
  readonly tarball: () => string;
}

/** How the program's SDK stands to the CLI and to the peer range of the package it installed. */
export type SdkPlace = "newer than the CLI" | "the peer range's floor";

/**
 * Packs the package, installs it beside `sdkVersion` in a new program, checks that the install
 * holds the SDK the suite is about (`place`), and runs a stack there.
 */
export function userSdkSuite(place: SdkPlace, sdkVersion: string): UserSdkSuite {
  let emulator: RunningEmulator;
  let work: string;
  let tarball: string;
  let dir: string;
  let program: Program | undefined;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    work = mkdtempSync(path.join(tmpdir(), "logscale-user-sdk-"));
    // Packed once per run, shared with the other files that install it.
    tarball = (await packedPackage()).tarball;
    dir = path.join(work, "program");
    writeUserProgram(dir, sdkVersion, tarball);
    const started = process.hrtime.bigint();
    npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], dir);
    // Informational, no bound: what the install costs the suite, cold npm cache or warm.
    console.log(`npm install with @pulumi/pulumi ${sdkVersion}: ${Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000} s`);
    // The folder stays where it is (remove does nothing): afterAll deletes `work` with it.
    program = createProgram({ dir, remove: () => undefined });
  }, 600_000);

  afterAll(async () => {
    program?.remove();
    rmSync(work, { recursive: true, force: true });
    await emulator.stop();
  });

  describe(`a program whose own @pulumi/pulumi is ${place} (${sdkVersion})`, () => {
    it("npm installs exactly one @pulumi/pulumi, the program's, and the package and the provider plugin resolve that copy", () => {
      // One line per distinct copy, `path:name@version`; npm ls also fails if a peer is unmet or invalid.
      const copies = npm(["ls", "@pulumi/pulumi", "--all", "--parseable", "--long"], dir).trim().split("\n");
      const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi");
      expect(copies).toEqual([`${sdk}:@pulumi/pulumi@${sdkVersion}`]);
      const fromPackage = createRequire(path.join(dir, "node_modules", "pulumi-logscale-tokens", "package.json"));
      expect(fromPackage.resolve("@pulumi/pulumi/package.json")).toBe(path.join(sdk, "package.json"));
      // The resolution the dynamic-provider plugin script makes from the program's folder.
      expect(createRequire(path.join(dir, "index.js")).resolve("@pulumi/pulumi/cmd/dynamic-provider")).toBe(path.join(sdk, "cmd", "dynamic-provider", "index.js"));
    });

    it(`the SDK installed is ${place}: against \`pulumi version\` and the installed package's peer range`, () => {
      const installed = readManifest(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json")).version ?? "";
      const range = readManifest(path.join(dir, "node_modules", "pulumi-logscale-tokens", "package.json")).peerDependencies?.["@pulumi/pulumi"] ?? "";
      const cli = cliVersion();
      expect(installed).toBe(sdkVersion);
      expect(cli).toMatch(/^3\.\d+\.\d+$/);
      if (place === "newer than the CLI") {
        expect(isNewer(installed, cli)).toBe(true);
      } else {
        expect(installed).toBe(floorOf(range));
        // The CLI the tests run is within the range too, so the floor is older than it.
        expect(isNewer(installed, cli)).toBe(false);
      }
    });

    it("up, preview, refresh after drift, and destroy run through the CLI; LogScale holds the tokens exactly while the stack does", async () => {
      const { logscale } = program!;
      const stack = await program!.stack("user-sdk", async () => {
        const ci = new logscale.OrgPermissionsToken("ci", { name: "user-sdk-ci", permissions: ["ManageUsers", "ViewUsage"] });
        const ops = new logscale.SystemPermissionsToken("ops", { name: "user-sdk-ops", permissions: ["ReadHealthCheck"] });
        return { ciId: ci.tokenId, opsId: ops.tokenId, ciToken: ci.token };
      });
      await configureLogScale(stack, emulator.url, adminToken);

      const up = await stack.up();
      expect(up.summary.resourceChanges).toEqual({ create: 3 });
      // A CLI that minded an SDK newer or older than itself would say so here.
      expect(up.stderr).toBe("");
      expect(up.stdout).not.toMatch(/warning|error/i);
      const ciId = String(up.outputs["ciId"]?.value);
      const stored = await storedTokens(emulator.url);
      expect(stored.map(({ id, name, permissions }) => ({ id, name, permissions: [...permissions].sort() })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { id: ciId, name: "user-sdk-ci", permissions: ["ManageUsers", "ViewUsage"] },
        { id: up.outputs["opsId"]?.value, name: "user-sdk-ops", permissions: ["ReadHealthCheck"] },
      ]);
      expect(up.outputs["ciToken"]).toMatchObject({ secret: true });
      expect(String(up.outputs["ciToken"]?.value).split("~")[0]).toBe(ciId);

      // The program's SDK serializes the provider into state (decision 12): a require of the
      // kind's module of this package, whichever SDK version wrote it.
      const stateFile = path.join(program!.backendDir, ".pulumi", "stacks", "logscale-e2e", "user-sdk.json");
      type State = { checkpoint: { latest: { resources: { type: string; inputs?: { __provider?: string } }[] } } };
      const resources = (JSON.parse(readFileSync(stateFile, "utf8")) as State).checkpoint.latest.resources;
      const providerOf = (type: string) => resources.find((resource) => resource.type.endsWith(`:${type}`))?.inputs?.__provider ?? "";
      expect(providerOf("OrgPermissionsToken")).toContain('require("pulumi-logscale-tokens/internal/provider/organization")');
      expect(providerOf("SystemPermissionsToken")).toContain('require("pulumi-logscale-tokens/internal/provider/system")');
      console.log(`serialized __provider with @pulumi/pulumi ${sdkVersion}: ${Buffer.byteLength(providerOf("SystemPermissionsToken"))} bytes`);

      expect((await stack.preview({ expectNoChanges: true })).changeSummary).toEqual({ same: 3 });

      // What sets the floor: read() returns `inputs`, and only a 3.216+ provider host passes them
      // on to replace the stored ones. Below it, every later refresh reports the same drift again.
      await graphql(emulator.url, "mutation($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ViewUsage] }) }", {
        id: ciId,
      });
      expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 2, update: 1 });
      expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 3 });
      // The program still asks for both permissions: the drift stays a planned change.
      expect((await stack.preview()).changeSummary).toEqual({ same: 2, update: 1 });

      expect((await stack.destroy()).summary.resourceChanges).toEqual({ delete: 3 });
      expect(await storedTokens(emulator.url)).toEqual([]);
    });
  });

  return { work: () => work, tarball: () => tarball };
}
