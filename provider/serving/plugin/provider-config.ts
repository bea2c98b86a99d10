/**
 * The provider's own settings: the default provider's come from the stack config (`logscale:url`,
 * `logscale:token`, … — the keys the dynamic resources read), an explicit provider's
 * (`pulumi:providers:logscale`) from its inputs. Both arrive as the provider's inputs, named
 * after the key without its `logscale:` namespace, and both are kept in state. Messages name
 * them as the user wrote them: stack config keys, or the inputs of the named provider.
 */
import { ConnectionConfigError, configKeys, resolveConnection, type SettingNames, type StackConnectionConfig, stackConfigNames } from "../../core/config";
import { isUnknown } from "../../core/unknown";
import type { PropertyMap } from "./wire";

export type SettingName = keyof typeof configKeys;

export const settingNames = Object.keys(configKeys) as SettingName[];

/** Settings whose value is a credential: kept secret in state whatever the program wrote. */
export const secretSettings: ReadonlySet<string> = new Set<SettingName>(["token", "proxy"]);

/** Inputs the engine adds to every provider; not settings of ours. */
const engineInputs: ReadonlySet<string> = new Set(["version", "pluginDownloadURL"]);

/** The engine names the default provider `default` or `default_<version>…`. */
const defaultProviderName = /^default(_|$)/;

/** How messages name a provider's settings, and any other property given to it. */
export interface ProviderSettingNames extends SettingNames {
  property(name: string): string;
}

/**
 * How messages name the settings of the provider whose URN this is (its name is the URN's last
 * part); the default provider's when there is no URN (engines that do not send one).
 */
export function settingNamesOf(providerUrn: string | undefined): ProviderSettingNames {
  const provider = providerUrn?.split("::").pop();
  if (provider === undefined || provider === "" || defaultProviderName.test(provider)) {
    return { ...stackConfigNames, keptInState: true, property: (name) => `stack config 'logscale:${name}'` };
  }
  const property = (name: string) => `input '${name}' of provider '${provider}'`;
  return { name: property, property, howToSet: (field) => `the '${field}' input of provider '${provider}'`, keptInState: true };
}

export interface SettingFailure {
  readonly property: string;
  readonly reason: string;
}

function isSetting(name: string): name is SettingName {
  return (settingNames as string[]).includes(name);
}

/**
 * Settings as the core's stack config holds them: text. Stack config is text already; a
 * program's provider inputs may be booleans or numbers. Unknown values (a provider input computed
 * by another resource, during preview) are left out.
 */
export function stackConfigFrom(inputs: PropertyMap, names: ProviderSettingNames = settingNamesOf(undefined)): { config: StackConnectionConfig; failures: SettingFailure[] } {
  const config: { -readonly [name in SettingName]?: string } = {};
  const failures: SettingFailure[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    if (engineInputs.has(name) || value === undefined || value === null || isUnknown(value)) continue;
    if (!isSetting(name)) {
      const known = settingNames.map((setting) => names.name(setting)).join(", ");
      failures.push({ property: name, reason: `${capitalised(names.property(name))} is not a setting of the logscale provider. Its settings are ${known}` });
      continue;
    }
    if (typeof value === "string") {
      if (value !== "") config[name] = value;
    } else if (typeof value === "boolean" || typeof value === "number") {
      config[name] = String(value);
    } else {
      failures.push({ property: name, reason: `${capitalised(names.name(name))} must be ${name === "insecure" ? "true or false" : name === "timeoutSeconds" ? "a number of seconds" : "a string"}` });
    }
  }
  return { config, failures };
}

/**
 * CheckConfig: each setting given is valid. The core's own rules judge them, exactly as it
 * would at the first operation; a missing URL or token is not a failure here, since the
 * environment (LOGSCALE_URL, LOGSCALE_TOKEN) or each resource's `connection` may give them.
 */
export function settingFailures(inputs: PropertyMap, names: ProviderSettingNames = settingNamesOf(undefined)): SettingFailure[] {
  const { config, failures } = stackConfigFrom(inputs, names);
  if (failures.length > 0) return failures;
  // Stand-ins for what is missing, so that each given setting is judged on its own.
  const complete = { ...config, url: config.url ?? "https://logscale.invalid", token: config.token ?? "placeholder" };
  try {
    resolveConnection(undefined, complete, {}, names);
    return [];
  } catch (error) {
    if (!(error instanceof ConnectionConfigError)) throw error;
    // The core's messages name the setting as `names` does, and never repeat a credential.
    const message = error.message.toLowerCase();
    const property = settingNames.find((name) => message.includes(names.name(name).toLowerCase())) ?? "";
    return [{ property, reason: error.message }];
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Settings that differ between two sets of provider inputs. */
export function changedSettings(olds: PropertyMap, news: PropertyMap): string[] {
  const names = new Set([...Object.keys(olds), ...Object.keys(news)].filter((name) => !engineInputs.has(name)));
  return [...names].filter((name) => JSON.stringify(olds[name] ?? null) !== JSON.stringify(news[name] ?? null)).sort();
}
