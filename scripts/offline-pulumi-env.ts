/**
 * The environment the Pulumi CLI needs to run on a machine that cannot reach Pulumi's
 * servers: the CLI and this project's Node 22 first on PATH, a state backend and a Pulumi home
 * of the caller's, and neither update checks nor plugin downloads. Shared by npm start, the
 * end-to-end tests and the benchmark, so they run Pulumi the same way.
 */
import * as path from "node:path";

const projectDir = path.resolve(__dirname, "..");

export interface OfflinePulumiPlaces {
  /** The directory holding `pulumi` (scripts/ensure-pulumi.sh prints it). */
  readonly binDir: string;
  readonly home: string;
  readonly backendDir: string;
  /** The secrets passphrase; left out, the caller's environment must give one. */
  readonly passphrase?: string;
}

export function offlinePulumiEnvironment(places: OfflinePulumiPlaces): Record<string, string> {
  return {
    PATH: [places.binDir, path.join(projectDir, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(path.delimiter),
    PULUMI_HOME: places.home,
    PULUMI_BACKEND_URL: `file://${places.backendDir}`,
    ...(places.passphrase === undefined ? {} : { PULUMI_CONFIG_PASSPHRASE: places.passphrase }),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}
