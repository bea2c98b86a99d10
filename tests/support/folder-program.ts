/**
 * A Pulumi program in a folder, as a user has it: node_modules with this package built and
 * installed (tests/support/consumer.ts), a file state backend and Pulumi home of its own, and the
 * real `pulumi` binary run as a command in the folder, each run its own process (so the Node.js
 * language host runs the program, never an Automation API inline program in the test's process).
 * The caller writes the program's files into `dir`. A TypeScript program is type-checked by
 * Pulumi's runtime on the first run of each version of its sources only (typecheck-once.ts).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { type Consumer, createConsumer } from "./consumer";
import { nodeCompileCache, passphrase, pulumiBinDir, requirePulumiCli } from "./pulumi";
import { commandKind, timed, timedSync } from "./timing";
import { runsProgram, typecheckOnce } from "./typecheck-once";

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came. */
  readonly output: string;
}

export interface RunOptions {
  /** Written to the command's standard input (as `config set --secret` reads it). */
  readonly input?: string;
  /** Added to the folder's environment for this run only. */
  readonly env?: Readonly<Record<string, string>>;
  /** A folder below the program's to run in (a Pulumi program per environment). */
  readonly cwd?: string;
  /**
   * The command type-checks the program's sources as Pulumi's runtime would (`tsc --noEmit` with
   * the program's tsconfig): its success spares later runs of the same sources the runtime's check.
   */
  readonly typechecks?: boolean;
}

export interface FolderProgram {
  readonly dir: string;
  readonly backendDir: string;
  /** `pulumi <args>` in the folder. */
  pulumi(args: readonly string[], options?: RunOptions): Promise<Run>;
  /** Any other command a user runs in the folder (bash ci/drift-check.sh, npm run …). */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<Run>;
  /** Everything printed by commands that were not asked to show secrets. */
  transcript(): string;
  remove(): void;
}

/** Fails with the command's own words, which say why. */
export function expectSuccess(run: Run): void {
  if (run.status !== 0) throw new Error(`command exited with ${run.status}:\n${run.output}`);
}

export function createFolderProgram(extraEnv: Readonly<Record<string, string>> = {}): FolderProgram {
  requirePulumiCli();
  const consumer: Consumer = timedSync("program folder", createConsumer);
  const scratch = mkdtempSync(path.join(tmpdir(), "logscale-folder-"));
  const backendDir = path.join(scratch, "state");
  mkdirSync(backendDir);
  mkdirSync(path.join(scratch, "home"));
  // Only what the program's settings give: the provider's environment fallbacks are not inherited.
  // Nor whether TypeScript is type-checked: that is typecheck's call (tests/support/typecheck-once.ts).
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, GITHUB_STEP_SUMMARY: _summary, PULUMI_NODEJS_TRANSPILE_ONLY: _transpile, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir, passphrase }),
    // Every CLI run starts Node processes that load @pulumi/pulumi: the code cache makes that quicker.
    NODE_COMPILE_CACHE: nodeCompileCache,
    ...extraEnv,
  };
  let transcript = "";

  // Asynchronous: an emulator in the calling process must keep answering while the command runs.
  const typecheck = typecheckOnce();
  const run = (command: string, args: readonly string[], options: RunOptions = {}): Promise<Run> =>
    timed(commandKind(command, args), () =>
      typecheck.run(consumer.dir, options.typechecks === true || (path.basename(command) === "pulumi" && runsProgram(args)), (skipCheck) =>
        runUntimed(command, args, { ...options, env: { ...skipCheck, ...options.env } }),
      ),
    );
  const runUntimed = (command: string, args: readonly string[], options: RunOptions): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: path.join(consumer.dir, options.cwd ?? "."), env: { ...env, ...options.env } });
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        output += chunk.toString();
      });
      child.on("error", reject);
      child.on("close", (status) => {
        if (!args.includes("--show-secrets")) transcript += output;
        resolve({ status, stdout, stderr, output });
      });
      child.stdin.end(options.input);
    });

  return {
    dir: consumer.dir,
    backendDir,
    pulumi: (args, options) => run(path.join(pulumiBinDir, "pulumi"), args, options),
    run,
    transcript: () => transcript,
    remove() {
      consumer.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
