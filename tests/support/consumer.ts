/**
 * A Pulumi program's directory with this package installed in its node_modules, the way a
 * user consumes it: a copy of package.json and the built dist/ (so `npm test` builds first),
 * and the project's own dependencies linked beside it.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const projectDir = path.resolve(__dirname, "../..");

export interface Consumer {
  readonly dir: string;
  remove(): void;
}

export function createConsumer(): Consumer {
  const dir = mkdtempSync(path.join(tmpdir(), "logscale-consumer-"));
  const modules = path.join(dir, "node_modules");
  const installed = path.join(modules, "pulumi-logscale-tokens");
  mkdirSync(installed, { recursive: true });
  cpSync(path.join(projectDir, "package.json"), path.join(installed, "package.json"));
  cpSync(path.join(projectDir, "dist"), path.join(installed, "dist"), { recursive: true });
  for (const entry of readdirSync(path.join(projectDir, "node_modules"))) {
    // npm start links the package into its own node_modules; the consumer has its own copy.
    if (entry.startsWith(".") || entry === "pulumi-logscale-tokens") continue;
    // The SDK is copied: its closure serializer looks our package up from where the SDK really
    // is, and only beside it, as in an installed program, does it find the package's exports.
    if (entry === "@pulumi") cpSync(path.join(projectDir, "node_modules", entry), path.join(modules, entry), { recursive: true });
    else symlinkSync(path.join(projectDir, "node_modules", entry), path.join(modules, entry));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
