/**
 * This package's version, the plugin's: from the package.json above this module, whether it runs
 * compiled (dist/provider/serving/plugin) or from source (tests).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";

const packageJson = z.object({ name: z.literal("pulumi-logscale-tokens"), version: z.string().min(1) });

export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const parsed = packageJson.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (parsed.success) return parsed.data.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`No package.json of pulumi-logscale-tokens above ${from}.`);
  }
}
