/**
 * npm run plugin:pack: the logscale plugin as users install it, one tarball per platform,
 *   dist/plugin/pulumi-resource-logscale-v<version>-<os>-<arch>.tar.gz
 * for `pulumi plugin install resource logscale <version> --file <tarball>`. At its root: the
 * executable `pulumi-resource-logscale` (a shell script running the node on PATH, >= 22), the
 * compiled plugin bundled with every module it loads into one JavaScript file, so nothing beside
 * it is installed, schema.json (also inside the bundle, which serves it), and a package.json
 * naming the version the plugin reports.
 *
 * Bundles dist/ (npm run build first: the npm script does). Tests call packPlugin() with an
 * output folder of their own, so the dist/ other tests run from is never rebuilt under them.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { packageVersion } from "../provider/serving/plugin/package-version";

const projectDir = path.resolve(__dirname, "..");
export const pluginExecutable = "pulumi-resource-logscale";
const minimumNodeMajor = 22;

/** Pulumi's names for the platform, as in its own plugin tarballs (linux-amd64, darwin-arm64). */
export function pulumiPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): { os: string; arch: string } {
  const os = { linux: "linux", darwin: "darwin" }[platform as string];
  const cpu = { x64: "amd64", arm64: "arm64" }[arch];
  if (os === undefined || cpu === undefined) {
    throw new Error(`The plugin is packed for linux and darwin on x64 or arm64 (its executable is a shell script); this is ${platform}-${arch}.`);
  }
  return { os, arch: cpu };
}

/*
 * The node on PATH runs it. `--disable-warning=DEP0040`: bundled, the URL parser that cross-fetch
 * brings loads Node's punycode module from outside node_modules, where Node warns about it on
 * every start, in the middle of the engine's output.
 */
const launcher = `#!/bin/sh
# pulumi-resource-logscale: the logscale Pulumi provider plugin, run by the node on PATH (>= ${minimumNodeMajor}).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! version=$(node --version 2>/dev/null); then
  echo "pulumi-resource-logscale: no 'node' on PATH; it needs Node.js ${minimumNodeMajor} or later" >&2
  exit 1
fi
major=\${version#v}
major=\${major%%.*}
if [ "$major" -lt ${minimumNodeMajor} ]; then
  echo "pulumi-resource-logscale: it needs Node.js ${minimumNodeMajor} or later on PATH; 'node' there is $version" >&2
  exit 1
fi
exec node --disable-warning=DEP0040 "$here/${pluginExecutable}.js" "$@"
`;

export interface PackedPlugin {
  readonly tarball: string;
  readonly version: string;
}

export async function packPlugin(outDir: string = path.join(projectDir, "dist", "plugin")): Promise<PackedPlugin> {
  const entry = path.join(projectDir, "dist", "provider", "serving", "plugin", "main.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run build' first.`);
  const version = packageVersion(projectDir);
  const { os, arch } = pulumiPlatform();
  const stage = mkdtempSync(path.join(tmpdir(), "logscale-plugin-pack-"));
  try {
    await build({
      entryPoints: [entry],
      outfile: path.join(stage, `${pluginExecutable}.js`),
      bundle: true,
      platform: "node",
      target: `node${minimumNodeMajor}`,
      format: "cjs",
      logLevel: "warning",
      legalComments: "eof",
    });
    const launcherFile = path.join(stage, pluginExecutable);
    writeFileSync(launcherFile, launcher);
    chmodSync(launcherFile, 0o755);
    copyFileSync(path.join(projectDir, "provider", "serving", "plugin", "schema.json"), path.join(stage, "schema.json"));
    // Where packageVersion() finds the version the plugin reports (GetPluginInfo, the schema).
    writeFileSync(path.join(stage, "package.json"), `${JSON.stringify({ name: "pulumi-logscale-tokens", version, private: true }, null, 2)}\n`);
    mkdirSync(outDir, { recursive: true });
    const tarball = path.join(outDir, `${pluginExecutable}-v${version}-${os}-${arch}.tar.gz`);
    execFileSync("tar", ["-czf", tarball, "-C", stage, pluginExecutable, `${pluginExecutable}.js`, "schema.json", "package.json"]);
    return { tarball, version };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  packPlugin().then(
    ({ tarball, version }) => {
      console.log(tarball);
      console.log(`Install it: pulumi plugin install resource logscale ${version} --file ${path.relative(process.cwd(), tarball)}`);
    },
    (error: unknown) => {
      console.error(`plugin:pack failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
