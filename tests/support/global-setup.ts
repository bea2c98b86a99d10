/**
 * Once per test run. Fill V8's on-disk code cache with the modules the dynamic-provider plugin
 * loads. Every Pulumi operation starts that plugin, and the engine kills it before Node would
 * write the cache itself, so without this each start compiles @pulumi/pulumi afresh.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { projectDir } from "./consumer";
import { nodeCompileCache } from "./pulumi";
import { notRunFileVariable } from "./shared";
import { stepsFileVariable } from "./timing";

const pluginModules = [
  "source-map-support/register",
  "@grpc/grpc-js",
  "@pulumi/pulumi",
  "@pulumi/pulumi/proto/provider_grpc_pb",
  "@pulumi/pulumi/proto/provider_pb",
  "./dist/provider/core/token-provider",
];

export default function globalSetup(): void {
  warmPluginCodeCache();
  // Test files run in workers forked after this, which inherit the variables; the reporter
  // (tests/support/timing-reporter.js) runs in this process and reads the steps before teardown.
  const runDir = mkdtempSync(path.join(tmpdir(), "logscale-test-run-"));
  process.env[notRunFileVariable] = path.join(runDir, "suites.jsonl");
  process.env[stepsFileVariable] = path.join(runDir, "steps.jsonl");
}

function warmPluginCodeCache(): void {
  const script = pluginModules.map((name) => `require(${JSON.stringify(name)});`).join("");
  const result = spawnSync(process.execPath, ["-e", script], { cwd: projectDir, env: { ...process.env, NODE_COMPILE_CACHE: nodeCompileCache }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`warming the plugin's code cache failed: ${result.stderr}`);
}
