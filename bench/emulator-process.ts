/**
 * The emulator for the stack benchmarks, in a process of its own as LogScale is: in the
 * benchmark's process it would share one event loop with the Automation API's inline program
 * and slow the program down by the work of the server it talks to.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { once } from "node:events";
import { projectDir } from "./program";

export interface EmulatorProcess {
  readonly url: string;
  readonly adminToken: string;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(adminToken: string): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [path.join(projectDir, "dist", "emulator", "cli.js"), "--port", "0", "--admin-token", adminToken], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited (code ${code}) before listening: ${output}`)));
  });
  return {
    url,
    adminToken,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
