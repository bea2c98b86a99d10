/**
 * A copy of examples/gitops/ as a team has it after `git clone` and `npm ci`: the example's files,
 * node_modules with this package built and installed (tests/support/consumer.ts), a file state
 * backend and Pulumi home of its own, and the real `pulumi` binary run as a command in the
 * folder. Shared by tests/e2e/gitops.test.ts and the plan-summary fixture capture.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { projectDir } from "./consumer";
import { createFolderProgram, type FolderProgram } from "./folder-program";

export { expectSuccess, type Run } from "./folder-program";

export const exampleDir = path.join(projectDir, "examples", "gitops");
/** What the example's .gitignore keeps out of a clone, should someone have tried it in place. */
const localOnly = ["node_modules", "bin", ".pulumi-state"];

export interface GitopsWorkspace extends Omit<FolderProgram, "pulumi"> {
  /** `pulumi <args>` in the folder; `input` goes to its standard input (as `config set --secret` reads it). */
  pulumi(args: readonly string[], input?: string): ReturnType<FolderProgram["pulumi"]>;
  readTokens(stack: string): string;
  writeTokens(stack: string, text: string): void;
}

export function createGitopsWorkspace(extraEnv: Readonly<Record<string, string>> = {}): GitopsWorkspace {
  const folder = createFolderProgram(extraEnv);
  // What `git clone` gives a team: the example's own files, not what a previous run left there.
  cpSync(exampleDir, folder.dir, { recursive: true, filter: (source) => !localOnly.includes(path.basename(source)) });
  const tokensFile = (stack: string) => path.join(folder.dir, "tokens", `${stack}.yaml`);
  return {
    ...folder,
    pulumi: (args, input) => folder.pulumi(args, { input }),
    readTokens: (stack) => readFileSync(tokensFile(stack), "utf8"),
    writeTokens: (stack, text) => writeFileSync(tokensFile(stack), text),
  };
}
