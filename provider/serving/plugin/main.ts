/**
 * pulumi-resource-logscale: the engine starts it with its arguments (engine-args.ts), reads the
 * port from the first line it prints, and talks gRPC to it. When the engine is done with it, it
 * sends SIGINT (SIGTERM from elsewhere): the plugin stops what is under way at its next wait,
 * lets the requests in flight answer, and exits 0 before the engine would kill it.
 */
import { EngineArgsError, parseEngineArgs } from "./engine-args";
import { packageVersion } from "./package-version";
import { serve } from "./server";

async function main(argv: readonly string[]): Promise<void> {
  const args = parseEngineArgs(argv);
  const plugin = await serve({ version: packageVersion(), ...(args.engineAddress === undefined ? {} : { engineAddress: args.engineAddress }) });
  // Before the port is printed: the engine may signal as soon as it has read it.
  const stop = () => void plugin.shutdown().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // The engine reads this line; anything printed later is shown as the plugin's output.
  process.stdout.write(`${plugin.port}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-logscale could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  // As Go's flag package exits on a bad argument.
  process.exit(error instanceof EngineArgsError ? 2 : 1);
});
