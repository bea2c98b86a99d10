/**
 * A small by-value stand-in for a kind's provider, serialized into state when the package is
 * not loaded from a node_modules folder (a linked checkout, this repository's own quickstart):
 * there Pulumi would inline the whole provider instead of writing one `require` line.
 *
 * It holds nothing but the kind's name and loads the implementation from the installed package
 * when first called, so credentials and URLs stay out of state. States written by versions
 * before the one-line providers hold this object too: the path it requires stays exported.
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
