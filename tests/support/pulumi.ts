/**
 * The real Pulumi engine for end-to-end tests: the CLI that scripts/ensure-pulumi.sh made
 * available (npm test runs it first), a local file backend, and Automation API inline
 * programs whose `main` is a directory with this package installed, as a user's would be.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { type Consumer, createConsumer, projectDir } from "./consumer";

export const pulumiBinDir = path.join(projectDir, ".pulumi", "bin");
export const passphrase = "e2e-passphrase";

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
export function createProgram(consumer: Consumer = createConsumer()): Program {
  requirePulumiCli();
  const scratch = mkdtempSync(path.join(tmpdir(), "logscale-e2e-"));
  const backendDir = path.join(scratch, "state");
  const home = path.join(scratch, "home");
  mkdirSync(backendDir);
  mkdirSync(home);
  // Everything as the program sees it: this package and the Pulumi SDK from its node_modules.
  const load = createRequire(path.join(consumer.dir, "index.js"));
  const logscale = load("pulumi-logscale-tokens") as LogScalePackage;
  const { LocalWorkspace, PulumiCommand } = load("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const baseEnv: Record<string, string> = {
    PATH: [pulumiBinDir, path.join(projectDir, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
  };
  return {
    dir: consumer.dir,
    logscale,
    backendDir,
    async stack(name, program, env = {}) {
      const pulumiCommand = await PulumiCommand.get({ root: path.dirname(pulumiBinDir), skipVersionCheck: true });
      return LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: "logscale-e2e", program: program as () => Promise<Record<string, unknown>> },
        {
          pulumiCommand,
          workDir: consumer.dir,
          // The dynamic-provider plugin runs in `main` and resolves @pulumi/pulumi and this package from there.
          projectSettings: { name: "logscale-e2e", runtime: "nodejs", main: consumer.dir, backend: { url: `file://${backendDir}` } },
          envVars: { ...baseEnv, ...env },
        },
      );
    },
    remove() {
      consumer.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
