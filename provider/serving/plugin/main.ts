/**
 * pulumi-resource-logscale: the engine starts it with its own address as the first argument
 * (and logging flags), reads the port from the first line it prints, and talks gRPC to it.
 */
import { packageVersion } from "./package-version";
import { serve } from "./server";

async function main(args: readonly string[]): Promise<void> {
  const engineAddress = args.find((arg) => !arg.startsWith("-"));
  const { port } = await serve({ version: packageVersion(), ...(engineAddress === undefined ? {} : { engineAddress }) });
  // The engine reads this line; anything printed later is shown as the plugin's output.
  process.stdout.write(`${port}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-logscale could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
