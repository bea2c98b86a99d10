/**
 * What a Pulumi program loads when it imports this package: the resource classes, never the
 * provider's implementation (client, zod, GraphQL documents). Only the provider host needs
 * those, and a program that loaded them would pay for it at every `pulumi up` and `preview`.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const projectDir = path.resolve(__dirname, "../..");

it("importing the package loads five of its modules and no dependency", () => {
  const script = `
    require("@pulumi/pulumi");
    const before = new Set(Object.keys(require.cache));
    require(${JSON.stringify(path.join(projectDir, "dist", "provider"))});
    console.log(JSON.stringify(Object.keys(require.cache).filter((file) => !before.has(file))));`;
  const loaded = (JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: projectDir, encoding: "utf8" })) as string[]).map((file) => path.relative(projectDir, file));
  expect(loaded.sort()).toEqual(["dist/provider/index.js", "dist/provider/program/config-keys.js", "dist/provider/program/construction-stacks.js", "dist/provider/program/permissions.js", "dist/provider/program/resources.js"]);
});
