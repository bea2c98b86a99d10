/**
 * A copy of examples/gitops/ as a team has it after `git clone` and `npm ci`: the example's files,
 * node_modules with this package built and installed (tests/support/consumer.ts), a file state
 * backend and Pulumi home of its own, and the real `pulumi` binary run as a command in the
 * folder. Shared by tests/e2e/gitops.test.ts and the plan-summary fixture capture.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { offlinePulumiEnvironment } from "../../scripts/offline-pulumi-env";
import { type Consumer, createConsumer, projectDir } from "./consumer";
import { nodeCompileCache, passphrase, pulumiBinDir, requirePulumiCli } from "./pulumi";

export const exampleDir = path.join(projectDir, "examples", "gitops");
/** What the example's .gitignore keeps out of a clone, should someone have tried it in place. */
const localOnly = ["node_modules", "bin", ".pulumi-state"];

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came. */
  readonly output: string;
}

export interface GitopsWorkspace {
  readonly dir: string;
  readonly backendDir: string;
  /** `pulumi <args>` in the folder; `input` goes to its standard input (as `config set --secret` reads it). */
  pulumi(args: readonly string[], input?: string): Promise<Run>;
  /** Any other command a team runs in the folder (bash ci/drift-check.sh, npm run …). */
  run(command: string, args: readonly string[]): Promise<Run>;
  readTokens(stack: string): string;
  writeTokens(stack: string, text: string): void;
  /** Everything printed by commands that were not asked to show secrets. */
  transcript(): string;
  remove(): void;
}

/** Fails with the command's own words, which say why. */
export function expectSuccess(run: Run): void {
  if (run.status !== 0) throw new Error(`command exited with ${run.status}:\n${run.output}`);
}

export function createGitopsWorkspace(extraEnv: Readonly<Record<string, string>> = {}): GitopsWorkspace {
  requirePulumiCli();
  const consumer: Consumer = createConsumer();
  // What `git clone` gives a team: the example's own files, not what a previous run left there.
  cpSync(exampleDir, consumer.dir, { recursive: true, filter: (source) => !localOnly.includes(path.basename(source)) });
  const scratch = mkdtempSync(path.join(tmpdir(), "logscale-gitops-"));
  const backendDir = path.join(scratch, "state");
  mkdirSync(backendDir);
  mkdirSync(path.join(scratch, "home"));
  // Only what the README tells a team to set; the provider's environment fallbacks are not inherited.
  const { LOGSCALE_URL: _url, LOGSCALE_TOKEN: _token, HUMIO_ADDRESS: _address, HUMIO_TOKEN: _humio, GITHUB_STEP_SUMMARY: _summary, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...offlinePulumiEnvironment({ binDir: pulumiBinDir, home: path.join(scratch, "home"), backendDir, passphrase }),
    NODE_COMPILE_CACHE: nodeCompileCache,
    ...extraEnv,
  };
  let transcript = "";

  // Asynchronous: an emulator in the calling process must keep answering while the command runs.
  const run = (command: string, args: readonly string[], input?: string): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: consumer.dir, env });
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
      child.stdin.end(input);
    });

  const tokensFile = (stack: string) => path.join(consumer.dir, "tokens", `${stack}.yaml`);
  return {
    dir: consumer.dir,
    backendDir,
    pulumi: (args, input) => run(path.join(pulumiBinDir, "pulumi"), args, input),
    run: (command, args) => run(command, args),
    readTokens: (stack) => readFileSync(tokensFile(stack), "utf8"),
    writeTokens: (stack, text) => writeFileSync(tokensFile(stack), text),
    transcript: () => transcript,
    remove() {
      consumer.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
