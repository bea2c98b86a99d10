/**
 * 9. The package as a user gets it: `npm pack`, installed from the tarball into a new
 * project outside this repository, a stack run there; its state's `__provider` requires
 * the kind's provider module of the package instead of inlining it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { adminToken, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { configureLogScale, createProgram, type Program } from "../support/pulumi";
import { packedPackage } from "../support/packed";
import { commandKind, timedSync } from "../support/timing";

jest.setTimeout(600_000);

let emulator: RunningEmulator;
let program: Program;
let work: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  work = mkdtempSync(path.join(tmpdir(), "logscale-packed-"));
  const npm = (args: string[], cwd: string) =>
    timedSync(commandKind("npm", args), () =>
      execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } }),
    );
  // Packed once per run, shared with the other files that install it.
  const { tarball, files } = await packedPackage();
  // The tarball ships the built package and nothing of the repository's tests or tooling.
  expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/provider/index.js", "dist/provider/core/token-provider.js", "dist/provider/serving/dynamic/organization.js", "dist/emulator/cli.js"]));
  expect(files.filter((file) => !file.startsWith("dist/") && !["package.json", "README.md"].includes(file))).toEqual([]);

  const user = path.join(work, "user-project");
  execFileSync("mkdir", ["-p", user]);
  writeFileSync(path.join(user, "package.json"), JSON.stringify({ name: "user-project", private: true }, null, 2));
  npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball], user);
  program = createProgram({ dir: user, remove: () => undefined });
}, 600_000);

afterAll(async () => {
  program?.remove();
  rmSync(work, { recursive: true, force: true });
  await emulator.stop();
});

it("a stack in a project that installed the tarball works, and its __provider requires the package", async () => {
  const { logscale } = program;
  const stack = await program.stack("packed", async () => {
    const ops = new logscale.SystemPermissionsToken("ops", { name: "packed-ops", permissions: ["ReadHealthCheck"] });
    return { opsId: ops.tokenId };
  });
  await configureLogScale(stack, emulator.url, adminToken);
  const up = await stack.up();
  expect((await storedTokens(emulator.url)).map((token) => token.id)).toEqual([up.outputs["opsId"]?.value]);

  const stateFile = path.join(program.backendDir, ".pulumi", "stacks", "logscale-e2e", "packed.json");
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { checkpoint: { latest: { resources: { type: string; inputs?: { __provider?: string } }[] } } };
  const provider = state.checkpoint.latest.resources.find((resource) => resource.type.endsWith(":SystemPermissionsToken"))?.inputs?.__provider ?? "";
  const bytes = Buffer.byteLength(provider);
  console.log(`serialized __provider in a user's state: ${bytes} bytes`);
  // One line that requires the kind's provider module: the whole provider is a few hundred bytes.
  expect(provider).toContain('require("pulumi-logscale-tokens/internal/provider/system")');
  expect(bytes).toBeLessThanOrEqual(512);

  // refresh and destroy run the provider stored in state.
  expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 2 });
  await stack.destroy();
  expect(await storedTokens(emulator.url)).toEqual([]);
  expect(readdirSync(path.join(program.dir, "node_modules", "pulumi-logscale-tokens"))).toContain("dist");
});
