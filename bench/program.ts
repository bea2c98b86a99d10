/**
 * The benchmark's Pulumi program folder: this package from `npm pack`, installed into a new
 * folder with the pinned @pulumi/pulumi, as a user installs it; stacks on a file backend of
 * their own, driven through the real CLI by the Automation API.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { offlinePulumiEnvironment } from "../scripts/offline-pulumi-env";

export const projectDir = path.resolve(__dirname, "..");
export const passphrase = "bench-passphrase";
export const projectName = "logscale-bench";

/**
 * The token-shaped resources' provider: a module in the program's node_modules whose `create`
 * returns what a token's does (made-up values, none a credential), loaded by a one-line
 * `__provider` as a token's provider is.
 */
const tokenShapedProviderModule = `module.exports = {
  async create(inputs) {
    return {
      id: "d4VFymjYVABAllpuLE660S0WBkJZGqFN",
      outs: {
        name: inputs.name,
        permissions: inputs.permissions,
        tokenId: "d4VFymjYVABAllpuLE660S0WBkJZGqFN",
        token: "d4VFymjYVABAllpuLE660S0WBkJZGqFN~notASecretButAsLongAsOne0123456789abcdefghij",
        createdAt: 1795978021362,
        requested: {},
      },
    };
  },
};
`;
export const tokenShapedProviderSource = 'exports.handler=()=>require("bench-token-shaped");';

export type LogScalePackage = typeof import("../provider");
export type PulumiSdk = typeof import("@pulumi/pulumi");

export interface BenchProgram {
  readonly dir: string;
  readonly logscale: LogScalePackage;
  readonly pulumi: PulumiSdk;
  /** A new stack on a new, empty file backend. */
  stack(name: string, program: () => Promise<Record<string, unknown> | void>, env: Record<string, string>): Promise<{ stack: Stack; stateFile: string }>;
  remove(): void;
}

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
}

export function ensurePulumi(): string {
  const output = execFileSync("bash", [path.join(projectDir, "scripts", "ensure-pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return output.trim().split("\n").pop() ?? "";
}

export async function installPackedProgram(): Promise<BenchProgram> {
  const binDir = ensurePulumi();
  const scratch = mkdtempSync(path.join(tmpdir(), "logscale-bench-"));
  const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", scratch], projectDir)) as { filename: string }[];
  const dir = path.join(scratch, "program");
  mkdirSync(dir);
  const sdkVersion = (JSON.parse(execFileSync("node", ["-p", "JSON.stringify(require('./package.json').devDependencies)"], { cwd: projectDir, encoding: "utf8" })) as Record<string, string>)["@pulumi/pulumi"];
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-program", private: true }, null, 2));
  npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", path.join(scratch, packed[0]!.filename), `@pulumi/pulumi@${sdkVersion}`], dir);
  mkdirSync(path.join(dir, "node_modules", "bench-token-shaped"));
  writeFileSync(path.join(dir, "node_modules", "bench-token-shaped", "package.json"), JSON.stringify({ name: "bench-token-shaped", main: "index.js" }));
  writeFileSync(path.join(dir, "node_modules", "bench-token-shaped", "index.js"), tokenShapedProviderModule);
  writeFileSync(path.join(dir, "Pulumi.yaml"), JSON.stringify({ name: projectName, runtime: "nodejs", main: dir }));

  const load = createRequire(path.join(dir, "index.js"));
  const { LocalWorkspace, PulumiCommand } = load("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(binDir), skipVersionCheck: true });
  return {
    dir,
    logscale: load("pulumi-logscale-tokens") as LogScalePackage,
    pulumi: load("@pulumi/pulumi") as PulumiSdk,
    async stack(name, program, env) {
      const backend = mkdtempSync(path.join(scratch, "backend-"));
      const stack = await LocalWorkspace.createStack(
        { stackName: name, projectName, program: program as () => Promise<Record<string, unknown>> },
        {
          workDir: dir,
          pulumiCommand,
          envVars: {
            ...offlinePulumiEnvironment({ binDir, home: path.join(scratch, "home"), backendDir: backend, passphrase }),
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            ...env,
          },
        },
      );
      return { stack, stateFile: path.join(backend, ".pulumi", "stacks", projectName, `${name}.json`) };
    },
    remove: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
