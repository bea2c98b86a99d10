import type * as dynamic from "@pulumi/pulumi/dynamic";
import { configKeys, type StackConnectionConfig } from "../../provider/core/config";
import { type MessageSink, TokenProvider } from "../../provider/core/token-provider";
import type { TokenKindName } from "../../provider/core/kinds";
import { adminToken } from "../support/emulator";

/** The provider's settings from stack config keys (`logscale:url`, …), as the dynamic serving reads them. */
export function stackConfig(values: Record<string, string>): StackConnectionConfig {
  return Object.fromEntries(
    (Object.entries(configKeys) as [keyof typeof configKeys, string][]).filter(([, key]) => values[key] !== undefined).map(([field, key]) => [field, values[key]]),
  );
}

/** What the dynamic provider host hands configure(): the stack config, keys namespaced. */
export function configureRequest(values: Record<string, string>): dynamic.ConfigureRequest {
  return {
    config: {
      get: (key: string) => values[key],
      require: (key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
        return value;
      },
    },
  };
}

/** Messages nobody reads. */
export const quiet: MessageSink = { warn: () => undefined, info: () => undefined };

export async function configuredProvider(kind: TokenKindName, url: string, token = adminToken): Promise<TokenProvider> {
  const provider = new TokenProvider(kind, quiet);
  await provider.configure(stackConfig({ "logscale:url": url, "logscale:token": token }));
  return provider;
}
