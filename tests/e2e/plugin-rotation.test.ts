/**
 * The logscale plugin through the real CLI and the YAML language host, for what only the
 * engine's own display and state show: a rotation that is due previews as a replacement whose
 * reason is named by the provider's warning (the window), with no input shown as changed; and an
 * IP filter id resolved from a secret ipFilterName stays secret in the state.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { projectDir } from "../support/consumer";
import { adminToken, graphql, type RunningEmulator, startTestEmulator } from "../support/emulator";
import { type SharedClock, sharedClock } from "../support/provider-clock";
import { nodeCompileCache, passphrase, pulumiBinDir, requirePulumiCli } from "../support/pulumi";
import { expectSuccess, type Run, run } from "../support/run";

jest.setTimeout(300_000);

const day = 86_400_000;
const pluginDir = path.join(projectDir, "provider", "serving", "plugin", "bin");

let emulator: RunningEmulator;
let scratch: string;
let programDir: string;
let clock: SharedClock;
let env: NodeJS.ProcessEnv;

async function pulumi(args: string[], input?: string): Promise<Run> {
  return run(path.join(pulumiBinDir, "pulumi"), [...args, "--color", "never"], { cwd: programDir, env, ...(input === undefined ? {} : { input }) });
}

function stateText(dir: string): string {
  return readdirSync(dir)
    .map((entry) => path.join(dir, entry))
    .map((full) => (statSync(full).isDirectory() ? stateText(full) : readFileSync(full, "utf8")))
    .join("\n");
}

beforeAll(async () => {
  requirePulumiCli();
  emulator = await startTestEmulator();
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-plugin-rotation-"));
  programDir = path.join(scratch, "program");
  for (const dir of ["program", "state", "home"]) mkdirSync(path.join(scratch, dir));
  clock = sharedClock(scratch, emulator.url);
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, ...inherited } = process.env;
  env = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase }),
    NODE_COMPILE_CACHE: nodeCompileCache,
    ...clock.env,
  };
  writeFileSync(
    path.join(programDir, "Pulumi.yaml"),
    stringify({
      name: "logscale-plugin-rotation",
      runtime: "yaml",
      plugins: { providers: [{ name: "logscale", path: pluginDir }] },
      config: { filter: { type: "string", secret: true } },
      resources: {
        rolling: {
          type: "logscale:index:OrgPermissionsToken",
          properties: { name: "rolling", permissions: ["ViewUsage"], expiresIn: "30d", rotateBeforeExpiry: "7d", ipFilterName: "${filter}" },
        },
      },
    }),
  );
  expectSuccess(await pulumi(["stack", "init", "dev"]));
  expectSuccess(await pulumi(["config", "set", "logscale:url", emulator.url]));
  expectSuccess(await pulumi(["config", "set", "--secret", "logscale:token"], adminToken));
  expectSuccess(await pulumi(["config", "set", "--secret", "filter", "office"]));
  expectSuccess(await pulumi(["up", "--yes"]));
});

afterAll(async () => {
  await emulator?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it("keeps the IP filter id resolved from a secret ipFilterName secret in the state", async () => {
  const { ipFilters } = await graphql<{ ipFilters: { id: string; name: string }[] }>(emulator.url, "{ ipFilters { id name } }");
  const office = ipFilters.find((filter) => filter.name === "office")?.id ?? "";
  expect(office).not.toBe("");
  const state = JSON.parse((await pulumi(["stack", "export"])).stdout) as { deployment: { resources: { urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
  const rolling = state.deployment.resources.find((resource) => resource.urn.endsWith("::rolling"));
  expect(rolling?.outputs?.["ipFilterId"]).toMatchObject({ ciphertext: expect.any(String) });
  expect(rolling?.inputs?.["ipFilterId"]).toMatchObject({ ciphertext: expect.any(String) });
  expect(stateText(path.join(scratch, "state")).includes(office)).toBe(false);
});

it("previews a rotation that is due as a replacement the warning explains, with no input shown as changed", async () => {
  expectSuccess(await pulumi(["preview", "--diff", "--expect-no-changes"]));
  await clock.advance(24 * day);
  const preview = await pulumi(["preview", "--diff"]);
  expectSuccess(preview);
  expect(preview.output).toMatch(/\+-\s*logscale:index:OrgPermissionsToken: \(replace\)/);
  expect(preview.output).toMatch(/warning: The organization permissions token 'rolling' \(\w+\) expires at .*, within its rotateBeforeExpiry window of 7d/);
  expect(preview.output).not.toMatch(/[~+-] rotateBeforeExpiry/);
  expect(preview.output).not.toMatch(/[~+-] expireAt/);
  expect(preview.output).toContain("+-1 to replace");

  const json = await pulumi(["preview", "--json"]);
  expectSuccess(json);
  const steps = (JSON.parse(json.stdout) as { steps: { op: string; urn: string; replaceReasons?: string[] }[] }).steps;
  expect(steps.find((step) => step.urn.endsWith("::rolling"))).toMatchObject({ op: "replace", replaceReasons: ["expireAt"] });
});
