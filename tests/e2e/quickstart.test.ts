/**
 * The main job: `npm start` (twice: the second run changes nothing), revealing a token, and
 * `npm run destroy`, as a user runs them; then `npm start` against a LogScale given by
 * LOGSCALE_URL / LOGSCALE_TOKEN (an emulator started separately stands in for it).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { projectDir } from "../support/consumer";
import { adminToken, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { requirePulumiCli } from "../support/pulumi";
import { type Run, run } from "../support/run";
import { typecheckOnce } from "../support/typecheck-once";

jest.setTimeout(300_000);

let stateDir: string;
beforeAll(() => {
  requirePulumiCli();
  stateDir = mkdtempSync(path.join(tmpdir(), "logscale-quickstart-"));
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** The quickstart program is type-checked by Pulumi's runtime on the first `npm start` only (see typecheck-once.ts). */
const typecheck = typecheckOnce();

/** Asynchronous: an emulator in this process must keep answering while npm runs. */
function npm(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, PULUMI_NODEJS_TRANSPILE_ONLY: _transpile, ...inherited } = process.env;
  // npm start runs `pulumi up`, which runs the program.
  return typecheck.run(projectDir, args[0] === "start", (skipCheck) => run("npm", args, { cwd: projectDir, env: { ...inherited, QUICKSTART_STATE_DIR: stateDir, ...skipCheck, ...env } }));
}

function tokensInEmulatorState(): unknown[] {
  const state = JSON.parse(readFileSync(path.join(stateDir, "emulator-state.json"), "utf8")) as { tokens: unknown[] };
  return state.tokens;
}

describe("npm start on the embedded emulator", () => {
  it("creates the quickstart's tokens and prints them masked, with what to do next", async () => {
    const first = await npm(["start"]);
    expect(first.status).toBe(0);
    expect(first.output).toContain("+ 5 created");
    expect(first.output).toMatch(/ciToken\s+: \[secret\]/);
    expect(first.output).toContain("npm run pulumi -- stack output ciToken --show-secrets");
    expect(first.output).toContain("npm run destroy");
    expect(tokensInEmulatorState()).toHaveLength(4);
  });

  it("a second run finds nothing to change", async () => {
    const second = await npm(["start"]);
    expect(second.status).toBe(0);
    expect(second.output).toContain("5 unchanged");
  });

  it("reveals a token on request", async () => {
    const id = (await npm(["run", "--silent", "pulumi", "--", "stack", "output", "ciTokenId"])).stdout.trim();
    const secret = (await npm(["run", "--silent", "pulumi", "--", "stack", "output", "ciToken", "--show-secrets"])).stdout.trim();
    expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret).toMatch(new RegExp(`^${id}~\\S{20,}$`));
  });

  it("npm run destroy removes every token", async () => {
    const destroy = await npm(["run", "destroy"]);
    expect(destroy.status).toBe(0);
    expect(destroy.output).toContain("- 5 deleted");
    expect(tokensInEmulatorState()).toEqual([]);
  });
});

describe("npm start against LOGSCALE_URL", () => {
  let logscale: RunningEmulator;
  beforeAll(async () => {
    logscale = await startTestEmulator();
  });
  afterAll(async () => {
    await logscale.stop();
  });

  it("uses that LogScale and LOGSCALE_TOKEN, and never prints the token", async () => {
    const env = { LOGSCALE_URL: logscale.url, LOGSCALE_TOKEN: adminToken, QUICKSTART_STATE_DIR: path.join(stateDir, "remote") };
    const up = await npm(["start"], env);
    expect(up.status).toBe(0);
    expect(up.output).toContain(`against LogScale at ${logscale.url}`);
    expect(await storedTokens(logscale.url)).toHaveLength(4);
    expect(up.output.includes(adminToken)).toBe(false);
    expect((await npm(["run", "destroy"], env)).status).toBe(0);
    expect(await storedTokens(logscale.url)).toEqual([]);
  });
});
