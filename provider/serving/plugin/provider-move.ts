/**
 * Whether a provider instance (`pulumi:providers:logscale`) now leads to another LogScale: the
 * rule a resource's `connection` follows, applied to the provider's settings. A URL is only an
 * address, so the old and new settings are compared by where they lead (cluster and
 * organization), asked once each; another address of the same LogScale is no move.
 */
import { ConnectionConfigError, type StackConnectionConfig } from "../../core/config";
import { type Destination, sameHome } from "../../core/homes";
import { containsUnknown } from "../../core/unknown";
import { changedSettings, type SettingName, stackConfigFrom } from "./provider-config";
import type { PropertyMap } from "./wire";

/** The settings that decide which cluster and organization a provider reaches. */
const leadingSettings: ReadonlySet<string> = new Set<SettingName>(["url", "token", "organization"]);

export interface ProviderMove {
  readonly from: Destination;
  readonly to: Destination;
  /** The changed settings that lead elsewhere, for the engine to name. */
  readonly because: readonly string[];
}

/** Where a provider with these settings leads; null when it cannot tell. */
export type Locate = (config: StackConnectionConfig) => Promise<Destination | null>;

export async function providerMove(olds: PropertyMap, news: PropertyMap, locate: Locate): Promise<ProviderMove | undefined> {
  const because = changedSettings(olds, news).filter((name) => leadingSettings.has(name));
  // Nothing that leads elsewhere changed; or, in a preview, it is not known yet (`up` knows it).
  if (because.length === 0 || because.some((name) => containsUnknown(news[name]))) return undefined;
  const whereTo = async (settings: PropertyMap): Promise<Destination | null> => {
    try {
      return await locate(stackConfigFrom(settings).config);
    } catch (error) {
      // Incomplete settings lead nowhere to compare; CheckConfig and the resources say what is missing.
      if (error instanceof ConnectionConfigError) return null;
      throw error;
    }
  };
  const from = await whereTo(olds);
  if (from === null) return undefined;
  const to = await whereTo(news);
  if (to === null || sameHome(from.home, to.home)) return undefined;
  return { from, to, because };
}
