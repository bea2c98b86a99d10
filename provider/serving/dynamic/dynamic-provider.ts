/**
 * The core served as a dynamic provider: what the Node.js dynamic provider host calls for the
 * resource classes' `pulumi-nodejs:dynamic/logscale:*` types. It reads the stack config given to
 * configure() and puts the core's messages where that host shows them.
 */
// pulumi.log itself, without the SDK's index: the provider host loads this per process.
import * as log from "@pulumi/pulumi/log";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { configKeys, type StackConnectionConfig } from "../../core/config";
import type { TokenInputs } from "../../core/inputs";
import type { TokenKindName } from "../../core/kinds";
import type { TokenOutputs } from "../../core/outputs";
import { TokenProvider, type TokenProviderOptions } from "../../core/token-provider";

/** Where the dynamic provider host shows warnings and progress. */
const hostMessages = {
  warn: (message: string) => void log.warn(message),
  // The provider host forwards what the provider prints as the stack's info messages; pulumi.log
  // has no engine connection in that process and would only add "info: [runtime]" to each line.
  info: (message: string) => void process.stdout.write(`${message}\n`),
};

/** The stack config keys (`logscale:url`, …) as the core's settings. */
export function stackConfigFrom(config: { get(key: string): string | undefined }): StackConnectionConfig {
  const settings: { -readonly [field in keyof StackConnectionConfig]: string } = {};
  for (const [field, key] of Object.entries(configKeys) as [keyof typeof configKeys, string][]) {
    const value = config.get(key);
    if (value !== undefined && value !== "") settings[field] = value;
  }
  return settings;
}

export class DynamicTokenProvider implements dynamic.ResourceProvider {
  private readonly core: TokenProvider;

  constructor(kindName: TokenKindName, options: Partial<TokenProviderOptions> = {}) {
    this.core = new TokenProvider(kindName, { ...hostMessages, ...options });
  }

  async configure(request: dynamic.ConfigureRequest): Promise<void> {
    this.core.configure(stackConfigFrom(request.config));
  }

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult> {
    const { inputs, failures } = await this.core.check(olds, news);
    return { inputs, failures: [...failures] };
  }

  async diff(id: string, olds: TokenOutputs, news: TokenInputs): Promise<dynamic.DiffResult> {
    const { changes, replaces, deleteBeforeReplace } = await this.core.diff(id, olds, news);
    return { changes, replaces: [...replaces], deleteBeforeReplace };
  }

  create(inputs: TokenInputs): Promise<dynamic.CreateResult<TokenOutputs>> {
    return this.core.create(inputs);
  }

  async read(id: string, props: TokenOutputs): Promise<dynamic.ReadResult> {
    // The host stores `inputs` as the resource's inputs after a refresh (typed there as outputs).
    return this.core.read(id, props);
  }

  update(id: string, olds: TokenOutputs, news: TokenInputs): Promise<dynamic.UpdateResult<TokenOutputs>> {
    return this.core.update(id, olds, news);
  }

  delete(id: string, props: TokenOutputs): Promise<void> {
    return this.core.delete(id, props);
  }
}
