/**
 * npm start (`up`), npm run preview (`preview`), npm run destroy (`destroy`): the Pulumi CLI in
 * the repository root, as a user types it, on the root Pulumi.yaml (the program in
 * examples/quickstart/), against the embedded emulator unless LOGSCALE_URL is set, in which
 * case against that LogScale with LOGSCALE_TOKEN.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { type RunningEmulator, startEmulator } from "../emulator";
import {
  emulatorAdminToken,
  emulatorStateFile,
  ensurePulumi,
  ensureSelfLink,
  projectDir,
  pulumiEnvironment,
  stackName,
} from "./quickstart-env";

type Command = "up" | "destroy" | "preview";

const commandArgs: Record<Command, string[]> = {
  up: ["up", "--yes", "--refresh"],
  preview: ["preview", "--refresh", "--diff"],
  destroy: ["destroy", "--yes", "--refresh"],
};

interface Target {
  readonly url: string;
  readonly token: string;
  readonly description: string;
  readonly emulator?: RunningEmulator;
}

async function target(): Promise<Target> {
  const url = process.env["LOGSCALE_URL"];
  if (url) {
    const token = process.env["LOGSCALE_TOKEN"];
    if (!token) throw new Error("LOGSCALE_URL is set but LOGSCALE_TOKEN is not: set the API token too.");
    return { url, token, description: `LogScale at ${url}` };
  }
  const emulator = await startEmulator({ adminToken: emulatorAdminToken, statePath: emulatorStateFile });
  return { url: emulator.url, token: emulatorAdminToken, description: `the embedded LogScale emulator at ${emulator.url}`, emulator };
}

/** QUICKSTART_VIEWS: the views of your LogScale the view tokens cover, by name. */
function viewNames(): string[] {
  return (process.env["QUICKSTART_VIEWS"] ?? "dashboards,security-audit").split(",").map((name) => name.trim()).filter(Boolean);
}

class CliFailure extends Error {
  constructor(
    what: string,
    readonly status: number,
  ) {
    super(`${what} exited with ${status}`);
  }
}

interface Cli {
  readonly path: string;
  readonly env: NodeJS.ProcessEnv;
}

interface PulumiRun {
  readonly status: number;
  readonly stdout: string;
}

/**
 * Runs the CLI in the project root. Asynchronous on purpose: the embedded emulator lives in
 * this process and must keep answering while the CLI runs. Ctrl-C reaches the whole process
 * group: the CLI then winds down gracefully, which needs the emulator, so this process
 * outlives it instead of dying first.
 */
function pulumi(cli: Cli, args: string[], capture: "stdout" | "none" = "none"): Promise<PulumiRun> {
  const ignoreInterrupt = (): void => undefined;
  process.on("SIGINT", ignoreInterrupt);
  return new Promise<PulumiRun>((resolve, reject) => {
    const child = spawn(cli.path, args, { cwd: projectDir, env: cli.env, stdio: ["inherit", capture === "stdout" ? "pipe" : "inherit", "inherit"] });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ status: code ?? (signal ? 130 : 1), stdout }));
  }).finally(() => process.off("SIGINT", ignoreInterrupt));
}

async function pulumiOrFail(cli: Cli, args: string[]): Promise<void> {
  const { status } = await pulumi(cli, args);
  if (status !== 0) throw new CliFailure(`pulumi ${args[0]} ${args[1] ?? ""}`.trim(), status);
}

/**
 * The engine has just printed the outputs, secrets masked; say what comes next.
 * `pulumi stack output --json` without --show-secrets prints each secret as "[secret]".
 */
function printNextSteps(outputs: Record<string, unknown>): void {
  const secrets = Object.keys(outputs).filter((name) => outputs[name] === "[secret]").sort();
  const example = secrets.includes("ciToken") ? "ciToken" : secrets[0];
  console.log(
    example === undefined
      ? ""
      : `
The token outputs (${secrets.join(", ")}) are Pulumi secrets, masked above.
Reveal one:     npm run pulumi -- stack output ${example} --show-secrets`,
  );
  console.log(`Preview again:  npm run preview
Tear down:      npm run destroy`);
}

async function main(command: Command): Promise<number> {
  const binDir = ensurePulumi();
  ensureSelfLink();
  const logscale = await target();
  try {
    console.log(`Quickstart stack '${stackName}' against ${logscale.description}\n`);
    // The provider reads LOGSCALE_URL / LOGSCALE_TOKEN at run time: no credential in the stack's config file.
    const env = { ...process.env, ...pulumiEnvironment(binDir), LOGSCALE_URL: logscale.url, LOGSCALE_TOKEN: logscale.token };
    const cli: Cli = { path: path.join(binDir, "pulumi"), env };
    await pulumiOrFail(cli, ["stack", "select", "--create", stackName, "--non-interactive"]);
    const config = ["--plaintext", `quickstart:viewNames=${JSON.stringify(viewNames())}`];
    const systemToken = process.env["QUICKSTART_SYSTEM_TOKEN"];
    if (systemToken !== undefined) config.push("--plaintext", `quickstart:systemToken=${systemToken}`);
    await pulumiOrFail(cli, ["config", "set-all", ...config]);

    const { status } = await pulumi(cli, commandArgs[command]);
    if (status !== 0) console.error(`\n${command} failed: pulumi ${command} exited with ${status} (the output above says why)`);
    if (status !== 0 || command !== "up") return status;
    const outputs = await pulumi(cli, ["stack", "output", "--json"], "stdout");
    if (outputs.status !== 0) return outputs.status;
    printNextSteps(JSON.parse(outputs.stdout) as Record<string, unknown>);
    return 0;
  } finally {
    await logscale.emulator?.stop();
  }
}

const command = (process.argv[2] ?? "up") as Command;
if (!["up", "destroy", "preview"].includes(command)) {
  console.error(`usage: start.ts [up|destroy|preview]`);
  process.exit(2);
}
main(command).then(
  // The CLI has printed the details of a failure; its exit code (e.g. preview's) passes through.
  (status) => process.exit(status),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\n${command} failed: ${message}`);
    process.exit(error instanceof CliFailure ? error.status : 1);
  },
);
