/**
 * The real Pulumi engine for end-to-end tests: the CLI that scripts/ensure-pulumi.sh made
 * available (npm test runs it first), a local file backend, and Automation API inline
 * programs whose `main` is a directory with this package installed, as a user's would be.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { type Consumer, createConsumer, projectDir } from "./consumer";
import { commandKind, timed, timedSync } from "./timing";

export const pulumiBinDir = path.join(projectDir, ".pulumi", "bin");
export const passphrase = "e2e-passphrase";
export const nodeCompileCache = path.join(homedir(), ".cache", "pulumi-logscale-tokens", "node-compile-cache");

export type LogScalePackage = typeof import("../../provider");

export interface Program {
  readonly dir: string;
  /** The package as the program imports it: from its own node_modules. */
  readonly logscale: LogScalePackage;
  readonly backendDir: string;
  stack(name: string, program: () => Promise<Record<string, unknown> | void>, env?: Record<string, string>): Promise<Stack>;
  remove(): void;
}

export function requirePulumiCli(): void {
  if (!existsSync(path.join(pulumiBinDir, "pulumi"))) {
    throw new Error(`No Pulumi CLI in ${pulumiBinDir}: run 'bash scripts/ensure-pulumi.sh' (npm test does) so end-to-end tests can run.`);
  }
}

/** A program directory with its own state backend and Pulumi home. */
/**
 * One program folder for a test file, made before its tests and removed after them. Call it at
 * the top level, above the file's own beforeAll, which can then use it.
 */
export function programPerFile(): Omit<Program, "remove"> {
  let created: Program | undefined;
  const current = (): Program => {
    if (created === undefined) throw new Error("the program is made in beforeAll: use it in tests and hooks");
    return created;
  };
  beforeAll(() => {
    created = createProgram();
  });
  afterAll(() => {
    created?.remove();
  });
  return {
    get dir() {
      return current().dir;
    },
    get logscale() {
      return current().logscale;
    },
    get backendDir() {
      return current().backendDir;
    },
    stack: (name, program, env) => current().stack(name, program, env),
  };
}

export function createProgram(consumer: Consumer = timedSync("program folder", createConsumer)): Program {
  requirePulumiCli();
  const scratch = mkdtempSync(path.join(tmpdir(), "logscale-e2e-"));
  const backendDir = path.join(scratch, "state");
  const home = path.join(scratch, "home");
  mkdirSync(backendDir);
  mkdirSync(home);
  // Everything as the program sees it: this package and the Pulumi SDK from its node_modules.
  const load = createRequire(path.join(consumer.dir, "index.js"));
  const logscale = load("pulumi-logscale-tokens") as LogScalePackage;
  const { LocalWorkspace, PulumiCommand, StackAlreadyExistsError } = load("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const baseEnv: Record<string, string> = {
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home, backendDir, passphrase }),
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    // Every operation starts the dynamic-provider plugin, a Node process that loads @pulumi/pulumi:
    // V8's on-disk code cache makes that start a quarter faster.
    NODE_COMPILE_CACHE: nodeCompileCache,
  };
  // Written once: the workspace would rewrite it for every stack, under the feet of CLI runs in
  // progress. JSON is YAML. The dynamic-provider plugin runs in `main` and resolves
  // @pulumi/pulumi and this package from there.
  const project = { name: "logscale-e2e", runtime: "nodejs", main: consumer.dir, backend: { url: `file://${backendDir}` } };
  writeFileSync(path.join(consumer.dir, "Pulumi.yaml"), JSON.stringify(project, null, 2));
  // Each CLI start costs a few hundred milliseconds of CPU: look the command up once, and
  // create a stack straight away instead of trying to select it first.
  let pulumiCommand: ReturnType<typeof PulumiCommand.get> | undefined;
  const timedCommand = async (): Promise<import("@pulumi/pulumi/automation").PulumiCommand> => {
    const command = await PulumiCommand.get({ root: path.dirname(pulumiBinDir), skipVersionCheck: true });
    // Each CLI run the Automation API makes, timed for the run's per-file breakdown (tests/support/timing.ts).
    const withRun = command as unknown as { run: (args: string[], ...rest: unknown[]) => Promise<unknown> };
    const run = withRun.run.bind(command);
    withRun.run = (args, ...rest) => timed(`${commandKind("pulumi", args)} (automation)`, () => run(args, ...rest));
    return command;
  };
  return {
    dir: consumer.dir,
    logscale,
    backendDir,
    async stack(name, program, env = {}) {
      const args = { stackName: name, projectName: "logscale-e2e", program: program as () => Promise<Record<string, unknown>> };
      const options = {
        pulumiCommand: await (pulumiCommand ??= timedCommand()),
        workDir: consumer.dir,
        envVars: { ...baseEnv, ...env },
      };
      return LocalWorkspace.createStack(args, options).catch((error: unknown) => {
        if (error instanceof StackAlreadyExistsError) return LocalWorkspace.selectStack(args, options);
        throw error;
      });
    },
    remove() {
      consumer.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Points a stack at a LogScale through stack config, the API token as a secret: one CLI call. */
export async function configureLogScale(stack: Stack, url: string, token: string): Promise<void> {
  await stack.setAllConfig({ "logscale:url": { value: url }, "logscale:token": { value: token, secret: true } });
}
