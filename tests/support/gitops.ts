/**
 * A copy of a GitOps example as a team has it after `git clone` and `npm ci`: the example's files,
 * node_modules with this package built and installed (tests/support/consumer.ts), a file state
 * backend and Pulumi home of its own, and the real `pulumi` binary run as a command in the
 * stack's program folder. Two flavours: examples/gitops (TypeScript, tokens/<stack>.yaml) and
 * examples/gitops-yaml (Pulumi YAML through the logscale plugin, environments/<stack>/Pulumi.yaml).
 * Shared by tests/e2e/gitops*.test.ts (tests/support/gitops-scenario.ts) and the plan-summary
 * fixture capture.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { projectDir } from "./consumer";
import { createFolderProgram, type FolderProgram, type Run } from "./folder-program";

export { expectSuccess, type Run } from "./folder-program";

export interface GitopsFlavour {
  /** The example's folder under examples/. */
  readonly example: string;
  /** Where a stack's tokens are written down, relative to the example. */
  tokensFile(stack: string): string;
  /** Where `pulumi` runs for a stack, relative to the example. */
  programDir(stack: string): string;
}

export const typescriptGitops: GitopsFlavour = {
  example: "gitops",
  tokensFile: (stack) => path.join("tokens", `${stack}.yaml`),
  programDir: () => ".",
};

export const yamlGitops: GitopsFlavour = {
  example: "gitops-yaml",
  tokensFile: (stack) => path.join("environments", stack, "Pulumi.yaml"),
  programDir: (stack) => path.join("environments", stack),
};

export const exampleDir = exampleDirOf(typescriptGitops);

export function exampleDirOf(flavour: GitopsFlavour): string {
  return path.join(projectDir, "examples", flavour.example);
}

/** What the examples' .gitignore keeps out of a clone, should someone have tried one in place. */
const localOnly = ["node_modules", "bin", ".pulumi-state"];

export interface GitopsWorkspace extends Omit<FolderProgram, "pulumi"> {
  readonly stack: string;
  /** `pulumi <args>` in the stack's program folder; `input` goes to its standard input (as `config set --secret` reads it). */
  pulumi(args: readonly string[], input?: string): Promise<Run>;
  /** The stack's file of tokens, relative to `dir`. */
  readonly tokensFile: string;
  /** The stack's settings, Pulumi.<stack>.yaml beside its program. */
  readonly stackFile: string;
  readTokens(stack: string): string;
  writeTokens(stack: string, text: string): void;
}

export function createGitopsWorkspace(extraEnv: Readonly<Record<string, string>> = {}, flavour: GitopsFlavour = typescriptGitops, stack = "staging"): GitopsWorkspace {
  const folder = createFolderProgram(extraEnv);
  // What `git clone` gives a team: the example's own files, not what a previous run left there;
  // the scripts the YAML flavour links from the TypeScript one as files (`cp -rL`, as its README says).
  cpSync(exampleDirOf(flavour), folder.dir, { recursive: true, dereference: true, filter: (source) => !localOnly.includes(path.basename(source)) });
  const tokensFile = (name: string) => path.join(folder.dir, flavour.tokensFile(name));
  return {
    ...folder,
    stack,
    pulumi: (args, input) => folder.pulumi(args, { input, cwd: flavour.programDir(stack) }),
    tokensFile: flavour.tokensFile(stack),
    stackFile: path.join(folder.dir, flavour.programDir(stack), `Pulumi.${stack}.yaml`),
    readTokens: (name) => readFileSync(tokensFile(name), "utf8"),
    writeTokens: (name, text) => writeFileSync(tokensFile(name), text),
  };
}
