/**
 * The generated Go SDK (sdk/go) end to end: tests/e2e/go, a Go program using it as a user's
 * program would, run through Pulumi's Go Automation API with an inline program, the real CLI and
 * the logscale plugin installed as users install it (`npm run plugin:pack`'s tarball,
 * `pulumi plugin install resource logscale <version> --file ...`, into a Pulumi home of this
 * test's), against an emulator. The program runs its steps once (create a token of each kind,
 * add a permission to each, import a token made by hand, preview, export the state, destroy) and
 * writes what each returned to a report; the tests below assert it, the engine's output, and
 * the emulator's store after it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { packPlugin } from "../../scripts/plugin-pack";
import { projectDir } from "../support/consumer";
import { adminToken, organizationTokenMadeByHand, type RunningEmulator, SEED, startTestEmulator, storedTokens } from "../support/emulator";
import { passphrase, pulumiBinDir, requirePulumiCli } from "../support/pulumi";
import { expectSuccess, run } from "../support/run";

jest.setTimeout(600_000);

interface Output {
  readonly value: unknown;
  readonly secret: boolean;
}

interface Step {
  readonly changes: Record<string, number>;
  readonly outputs?: Record<string, Output>;
}

interface Report {
  readonly create: Step;
  readonly update: Step;
  readonly import: Step;
  readonly preview: Step;
  readonly destroy: Step;
  readonly deployment: { resources: Array<{ urn: string; type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> };
}

/** Pulumi's marker of a secret value in state. */
const secretSignature = "4dabf18193072939515e22adb298388d";

let emulator: RunningEmulator;
let scratch: string;
let version: string;
let byHand: { id: string; secret: string };
let report: Report;
let output: string;
let storedAfter: Awaited<ReturnType<typeof storedTokens>>;

function outputsOf(step: Step): Record<string, Output> {
  if (step.outputs === undefined) throw new Error("the step has no outputs");
  return step.outputs;
}

function tokenOutput(step: Step, name: string): string {
  const token = outputsOf(step)[name];
  expect(token?.secret).toBe(true);
  if (typeof token?.value !== "string") throw new Error(`${name} is not a string`);
  return token.value;
}

beforeAll(async () => {
  requirePulumiCli();
  emulator = await startTestEmulator();
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-go-e2e-"));
  for (const dir of ["out", "home", "state", "work"]) mkdirSync(path.join(scratch, dir));
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir: path.join(scratch, "state"), passphrase }),
    // Only the installed plugin: none found on PATH.
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
  };

  const [packed, built] = await Promise.all([
    packPlugin(path.join(scratch, "out")),
    // Built by npm test beforehand; a cache hit then.
    run("bash", [path.join(projectDir, "scripts", "ensure-go-programs.sh"), "logscale-go-e2e"], { cwd: projectDir, env: process.env }),
  ]);
  version = packed.version;
  expectSuccess(await run(path.join(pulumiBinDir, "pulumi"), ["plugin", "install", "resource", "logscale", packed.version, "--file", packed.tarball], { cwd: scratch, env }));
  expectSuccess(built);
  const program = built.stdout.trim();

  byHand = await organizationTokenMadeByHand(emulator.url, "go-by-hand", ["ViewUsage"]);
  const reportFile = path.join(scratch, "report.json");
  const result = await run(program, ["-work-dir", path.join(scratch, "work"), "-url", emulator.url, "-import-id", byHand.id, "-report", reportFile], {
    cwd: scratch,
    env: { ...env, LOGSCALE_E2E_API_TOKEN: adminToken },
  });
  output = result.output;
  expectSuccess(result);
  report = JSON.parse(readFileSync(reportFile, "utf8")) as Report;
  storedAfter = await storedTokens(emulator.url);
});

afterAll(async () => {
  await emulator?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("a Go program using sdk/go, through the Automation API", () => {
  it("creates a token of each kind; each `token` output is a secret holding the token's id and secret", () => {
    expect(report.create.changes).toEqual({ create: 4 });
    for (const kind of ["org", "view", "system"]) {
      const id = outputsOf(report.create)[`${kind}Id`];
      expect(id?.secret).toBe(false);
      expect(tokenOutput(report.create, `${kind}Token`)).toMatch(new RegExp(`^${String(id?.value)}~.+`));
    }
  });

  it("updates each token's permissions in place: same ids, same secrets", () => {
    expect(report.update.changes).toEqual({ update: 3, same: 1 });
    for (const name of ["orgId", "orgToken", "viewId", "viewToken", "systemId", "systemToken"]) {
      expect([name, outputsOf(report.update)[name]]).toEqual([name, outputsOf(report.create)[name]]);
    }
  });

  it("imports a token made by hand with the import option; its secret is not known, and the next preview shows no change", () => {
    expect(report.import.changes).toEqual({ import: 1, same: 4 });
    expect(outputsOf(report.import)["adoptedId"]).toEqual({ value: byHand.id, secret: false });
    expect(tokenOutput(report.import, "adoptedToken")).toBe("");
    expect(report.preview.changes).toEqual({ same: 5 });
  });

  it("keeps the state as the plugin reports it: typed resources, the permissions asked for, the installed plugin's version", () => {
    const resource = (name: string) => report.deployment.resources.find((candidate) => candidate.urn.endsWith(`::${name}`));
    expect(["ci", "reader", "health", "adopted"].map((name) => [name, resource(name)?.type])).toEqual([
      ["ci", "logscale:index:OrgPermissionsToken"],
      ["reader", "logscale:index:ViewPermissionsToken"],
      ["health", "logscale:index:SystemPermissionsToken"],
      ["adopted", "logscale:index:OrgPermissionsToken"],
    ]);
    expect(resource("ci")?.outputs?.["permissions"]).toEqual(["ManageUsers", "ViewUsage"]);
    expect(resource("reader")?.outputs?.["permissions"]).toEqual(expect.arrayContaining(["QueryDashboard", "ReadAccess"]));
    expect(resource("reader")?.outputs?.["views"]).toEqual([expect.objectContaining({ id: SEED.dashboards })]);
    expect(resource("health")?.outputs?.["permissions"]).toEqual(["ReadHealthCheck", "ViewOrganizations"]);
    expect(resource("adopted")?.id).toBe(byHand.id);
    const provider = report.deployment.resources.find((candidate) => candidate.type === "pulumi:providers:logscale");
    expect(provider?.inputs?.["version"]).toBe(version);
  });

  it("holds every secret encrypted in the state: no token and no API token in plaintext", () => {
    const state = JSON.stringify(report.deployment);
    const secrets: Record<string, string> = { "the API token": adminToken, "the secret of the token made by hand": byHand.secret };
    for (const kind of ["org", "view", "system"]) secrets[`the ${kind} token`] = tokenOutput(report.create, `${kind}Token`);
    expect(Object.keys(secrets).filter((name) => state.includes(secrets[name]!))).toEqual([]);
    for (const name of ["ci", "reader", "health"]) {
      const resource = report.deployment.resources.find((candidate) => candidate.urn.endsWith(`::${name}`));
      expect(resource?.outputs?.["token"]).toEqual(expect.objectContaining({ [secretSignature]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) }));
    }
  });

  it("destroys everything it manages, the imported token included: the emulator holds no token", () => {
    expect(report.destroy.changes).toEqual({ delete: 5 });
    expect(storedAfter).toEqual([]);
    // The engine's messages never show a secret either.
    for (const kind of ["org", "view", "system"]) expect(output.includes(tokenOutput(report.create, `${kind}Token`))).toBe(false);
  });
});
