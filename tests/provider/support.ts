import type * as dynamic from "@pulumi/pulumi/dynamic";
import { TokenProvider } from "../../provider/core/token-provider";
import type { TokenKindName } from "../../provider/core/kinds";
import { adminToken } from "../support/emulator";

/** What the provider host hands configure(): the stack config, keys namespaced. */
export function stackConfig(values: Record<string, string>): dynamic.ConfigureRequest {
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

export async function configuredProvider(kind: TokenKindName, url: string, token = adminToken): Promise<TokenProvider> {
  const provider = new TokenProvider(kind);
  await provider.configure(stackConfig({ "logscale:url": url, "logscale:token": token }));
  return provider;
}
