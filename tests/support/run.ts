/**
 * A command run the way end-to-end tests need it: asynchronously, so an emulator in the test's
 * own process keeps answering while the command (the Pulumi CLI, a plugin, npm) talks to it.
 */
import { spawn } from "node:child_process";
import { commandKind, timed } from "./timing";

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  /** stdout and stderr as they came. */
  readonly output: string;
}

export function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
  return timed(commandKind(command, args), () => runUntimed(command, args, options));
}

function runUntimed(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, output }));
    child.stdin.end(options.input);
  });
}

export function expectSuccess(result: Run): void {
  if (result.status !== 0) throw new Error(`exited with ${result.status}:\n${result.output}`);
}
