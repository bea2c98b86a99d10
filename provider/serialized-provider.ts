/**
 * The object Pulumi serializes into state as each token resource's provider.
 *
 * Pulumi stores the provider's code in state and runs that copy for refresh and destroy. So
 * the copy is kept to a few lines holding nothing but the kind's name: every method loads
 * the implementation from the installed package when it is first called. That keeps
 * credentials and URLs out of state, keeps state small, and lets a newer package version
 * fix behaviour for resources created by an older one.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { TokenKindName } from "./kinds";

export class SerializedTokenProvider implements dynamic.ResourceProvider {
  private loaded: dynamic.ResourceProvider | undefined;

  constructor(readonly kindName: TokenKindName) {}

  private implementation(): dynamic.ResourceProvider {
    if (this.loaded === undefined) {
      let module: { TokenProvider: new (kind: TokenKindName) => dynamic.ResourceProvider };
      try {
        // A literal, resolved at call time from the program's node_modules (the provider host's
        // working directory); a variable here would be serialized, a static import inlined.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        module = require("pulumi-logscale-tokens/internal/token-provider");
      } catch (error) {
        throw new Error(
          "Could not load pulumi-logscale-tokens from the Pulumi program's node_modules " +
            `(${error instanceof Error ? error.message.split("\n")[0] : String(error)}). ` +
            "Add it to the program's dependencies: npm install pulumi-logscale-tokens",
        );
      }
      this.loaded = new module.TokenProvider(this.kindName);
    }
    return this.loaded;
  }

  async configure(request: dynamic.ConfigureRequest): Promise<void> {
    await this.implementation().configure?.(request);
  }

  async check(olds: unknown, news: unknown): Promise<dynamic.CheckResult> {
    return await this.implementation().check!(olds, news);
  }

  async diff(id: string, olds: unknown, news: unknown): Promise<dynamic.DiffResult> {
    return await this.implementation().diff!(id, olds, news);
  }

  async create(inputs: unknown): Promise<dynamic.CreateResult> {
    return await this.implementation().create(inputs);
  }

  async read(id: string, props?: unknown): Promise<dynamic.ReadResult> {
    return await this.implementation().read!(id, props);
  }

  async update(id: string, olds: unknown, news: unknown): Promise<dynamic.UpdateResult> {
    return await this.implementation().update!(id, olds, news);
  }

  async delete(id: string, props: unknown): Promise<void> {
    return await this.implementation().delete!(id, props);
  }
}
