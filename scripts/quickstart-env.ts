/**
 * Where the quickstart keeps things, shared by `npm start`, `npm run destroy` and
 * `npm run pulumi`: a local file state backend under .pulumi/ (git-ignored), a demo
 * passphrase unless you set your own, and the Pulumi CLI from scripts/ensure-pulumi.sh.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { offlinePulumiEnvironment } from "./offline-pulumi-env";

export const projectDir = path.resolve(__dirname, "..");
export const stackName = "quickstart";

/** QUICKSTART_STATE_DIR moves it (the tests use a temporary one). */
export const stateDir = process.env["QUICKSTART_STATE_DIR"] ?? path.join(projectDir, ".pulumi", "quickstart");
export const emulatorStateFile = path.join(stateDir, "emulator-state.json");
/** The embedded emulator's admin token: a local demo value, not a credential of anything real. */
export const emulatorAdminToken = "quickstart-emulator-admin-token";
export const demoPassphrase = "quickstart-demo-passphrase";

/** The directory holding a `pulumi` of the pinned version (built on first use where missing). */
export function ensurePulumi(): string {
  const output = execFileSync("bash", [path.join(projectDir, "scripts", "ensure-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return output.trim().split("\n").pop() ?? "";
}

/**
 * The quickstart program and the provider host load this package by name from node_modules,
 * as they would in a user's project; in this repository that name is a link to the
 * repository itself.
 */
export function ensureSelfLink(): void {
  const link = path.join(projectDir, "node_modules", "pulumi-logscale-tokens");
  if (!existsSync(path.join(projectDir, "dist", "provider", "core", "token-provider.js"))) {
    throw new Error("dist/ is missing: run 'npm run build' first (npm start does).");
  }
  try {
    lstatSync(link);
  } catch {
    symlinkSync("..", link, "dir");
  }
}

/** Environment for the Pulumi CLI and, through it, the provider process. */
export function pulumiEnvironment(binDir: string): Record<string, string> {
  mkdirSync(path.join(stateDir, "backend"), { recursive: true });
  mkdirSync(path.join(stateDir, "home"), { recursive: true });
  const ownPassphrase = process.env["PULUMI_CONFIG_PASSPHRASE"] !== undefined || process.env["PULUMI_CONFIG_PASSPHRASE_FILE"] !== undefined;
  return offlinePulumiEnvironment({
    binDir,
    home: path.join(stateDir, "home"),
    backendDir: path.join(stateDir, "backend"),
    ...(ownPassphrase ? {} : { passphrase: demoPassphrase }),
  });
}
