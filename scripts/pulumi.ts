/**
 * npm run pulumi -- <args>: the Pulumi CLI on the quickstart's state, e.g.
 * `npm run pulumi -- stack output ciToken --show-secrets`.
 */
import { spawnSync } from "node:child_process";
import { ensurePulumi, projectDir, pulumiEnvironment, stackName } from "./quickstart-env";

const binDir = ensurePulumi();
const env = { ...process.env, ...pulumiEnvironment(binDir) };
const select = spawnSync("pulumi", ["stack", "select", stackName, "--non-interactive"], { cwd: projectDir, env, stdio: ["ignore", "ignore", "inherit"] });
if (select.status !== 0) {
  console.error(`No quickstart stack yet: run 'npm start' first.`);
  process.exit(select.status ?? 1);
}
const result = spawnSync("pulumi", process.argv.slice(2), { cwd: projectDir, env, stdio: "inherit" });
process.exit(result.status ?? 1);
