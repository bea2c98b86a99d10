/**
 * The README's promise about Node: `npm ci` installs Node 22 (the `node` devDependency) and npm
 * puts it first on PATH for everything it runs, so a system whose own `node` is older still runs
 * the project, its tests and `npm exec` on Node 22. Proved with an older `node` first on PATH.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { projectDir } from "../support/consumer";

const olderNode = "18.20.0";
let shimDir: string;

/** npm's own script: run with this Node, so that the older `node` on PATH cannot run npm itself. */
function npmCli(): string {
  const running = process.env["npm_execpath"];
  if (running !== undefined && /npm-cli\.js$/.test(running)) return running;
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "npm");
    if (dir !== "" && existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error("npm is not on PATH");
}

/** PATH as on a machine whose system node is older: that node first. */
function pathWithOlderNode(): string {
  return [shimDir, process.env["PATH"] ?? ""].join(path.delimiter);
}

function nodeVersionAndPath(command: string, args: string[]): { version: string; execPath: string } {
  const result = spawnSync(command, args, { cwd: projectDir, encoding: "utf8", env: { ...process.env, PATH: pathWithOlderNode(), npm_config_update_notifier: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}: ${result.stderr}`);
  const [version = "", execPath = ""] = result.stdout.trim().split("\n").pop()!.split(" ");
  return { version, execPath };
}

const printVersion = ["-p", "process.versions.node + ' ' + process.execPath"];

beforeAll(() => {
  shimDir = mkdtempSync(path.join(tmpdir(), "logscale-older-node-"));
  // Answers as an older Node would, whatever it is asked.
  writeFileSync(path.join(shimDir, "node"), `#!/bin/sh\necho "${olderNode} ${path.join(shimDir, "node")}"\n`);
  chmodSync(path.join(shimDir, "node"), 0o755);
});
afterAll(() => rmSync(shimDir, { recursive: true, force: true }));

describe("the Node that npm runs the project with", () => {
  it("is the older one when called directly (the situation the promise is about)", () => {
    expect(nodeVersionAndPath("node", printVersion).version).toBe(olderNode);
  });

  it("is the node devDependency's, satisfying the engines floor, when npm runs it", () => {
    const { version, execPath } = nodeVersionAndPath(process.execPath, [npmCli(), "exec", "--offline", "--", "node", ...printVersion]);
    const floor = /^>=(\d+)$/.exec((JSON.parse(readFileSync(path.join(projectDir, "package.json"), "utf8")) as { engines: { node: string } }).engines.node)?.[1];
    expect(floor).toBe("22");
    expect(Number(version.split(".")[0])).toBeGreaterThanOrEqual(Number(floor));
    expect(realpathSync(execPath).startsWith(path.join(projectDir, "node_modules", "node") + path.sep)).toBe(true);
  });
});
