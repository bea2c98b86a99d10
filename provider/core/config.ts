/**
 * Where the provider finds LogScale: a resource's own `connection` input, else the stack
 * config (`logscale:*`, given to configure()), else the environment. Read inside the provider
 * process at call time, so nothing of it is ever serialized into state.
 */
import { z } from "zod";

import { configKeys, environmentVariables } from "../program/config-keys";
import { codePointName, firstUnsendableCharacter } from "../client/http/header-values";
import { proxyUrlProblem } from "../client/http/proxy";

export { configKeys, environmentVariables };

/** What configure() keeps of the stack config: each key's text, as `pulumi config` holds it. */
export type StackConnectionConfig = { readonly [field in keyof typeof configKeys]?: string };

/** A resource's `connection` input. */
export interface ConnectionInput {
  readonly url: string;
  readonly token: string;
  readonly organization?: string;
  readonly insecure?: boolean;
  readonly caCertificate?: string;
  readonly proxy?: string;
}

/** Everything the client needs, plus where each credential came from (for messages). */
export interface ConnectionSettings {
  readonly url: string;
  readonly apiToken: string;
  readonly organization?: string;
  readonly insecure: boolean;
  readonly caCertificate?: string;
  /** How long one request may take; the client's default when unset. */
  readonly timeoutMs?: number;
  /** A proxy set for this connection; without one, the client follows HTTPS_PROXY / NO_PROXY. */
  readonly proxy?: string;
  readonly urlSource: string;
  readonly tokenSource: string;
  readonly organizationSource?: string;
  readonly proxySource?: string;
}

/**
 * How messages name the provider's own settings. The dynamic provider reads them from the stack
 * config; the plugin from a provider instance's inputs (the default instance's are the stack
 * config too), which the state keeps.
 */
export interface SettingNames {
  /** "stack config 'logscale:url'", "input 'url' of provider 'eu'". */
  name(field: keyof typeof configKeys): string;
  /** What to do when the URL or the API token is missing. */
  howToSet(field: "url" | "token"): string;
  /** The state keeps these settings, so a token made through them can be deleted through them later. */
  readonly keptInState: boolean;
}

/** The stack config, as the dynamic provider reads it (never stored in state). */
export const stackConfigNames: SettingNames = {
  name: (field) => `stack config '${configKeys[field]}'`,
  howToSet: (field) =>
    field === "url" ? `'pulumi config set ${configKeys.url} https://your-logscale'` : `'pulumi config set --secret ${configKeys.token} <token>'`,
  keptInState: false,
};

export class ConnectionConfigError extends Error {
  override readonly name = "ConnectionConfigError";
}

const urlPattern = /^https?:\/\/[^/\s]+/i;

/** Validation of a URL: the message names the source and never repeats a token. */
export function urlProblem(url: string): string | undefined {
  if (!urlPattern.test(url) || !URL.canParse(url)) return "must be an absolute http:// or https:// URL, e.g. https://logscale.example.com";
  return undefined;
}

export function tokenProblem(token: string): string | undefined {
  if (token.trim() === "") return "must not be empty";
  if (/\s/.test(token)) return "must not contain whitespace or line breaks (was it pasted with a trailing newline?)";
  // Where, never what: the value is a credential.
  const bad = firstUnsendableCharacter(token, false);
  if (bad) return `must contain only visible ASCII characters, as it is sent in the Authorization header; character ${bad.index + 1} is not`;
  return undefined;
}

/** Sent as the ProxyOrganization header, so it must be something Node sends as is. */
export function organizationProblem(organization: string): string | undefined {
  if (organization.trim() !== organization) return "must not begin or end with whitespace";
  const bad = firstUnsendableCharacter(organization, true);
  if (bad) {
    const shown = bad.codePoint > 0x20 && bad.codePoint !== 0x7f ? `'${String.fromCodePoint(bad.codePoint)}' (${codePointName(bad.codePoint)})` : codePointName(bad.codePoint);
    return `must contain only printable ASCII characters (letters, digits, punctuation, spaces), as it is sent as the ProxyOrganization HTTP header; character ${bad.index + 1}, ${shown}, is not`;
  }
  return undefined;
}

const booleanText = z.enum(["true", "false"]);
const maxTimeoutSeconds = 600;
const timeoutSecondsText = z.coerce.number().positive().max(maxTimeoutSeconds);

/** Applies to every connection, a resource's own included: it is about the network, not the target. */
function timeout(stack: StackConnectionConfig, names: SettingNames): { timeoutMs?: number } {
  if (stack.timeoutSeconds === undefined) return {};
  const parsed = timeoutSecondsText.safeParse(stack.timeoutSeconds.trim() === "" ? Number.NaN : stack.timeoutSeconds);
  if (!parsed.success) {
    throw new ConnectionConfigError(
      `${capitalised(names.name("timeoutSeconds"))} must be a number of seconds above 0 and at most ${maxTimeoutSeconds}, got '${stack.timeoutSeconds}'.`,
    );
  }
  return { timeoutMs: Math.round(parsed.data * 1000) };
}

export function resolveConnection(
  override: ConnectionInput | undefined,
  stack: StackConnectionConfig,
  env: NodeJS.ProcessEnv,
  names: SettingNames = stackConfigNames,
): ConnectionSettings {
  if (override) {
    return validated({
      url: override.url,
      apiToken: override.token,
      insecure: override.insecure === true,
      urlSource: "the resource's connection.url",
      tokenSource: "the resource's connection.token",
      ...timeout(stack, names),
      ...(override.organization ? { organization: override.organization, organizationSource: "the resource's connection.organization" } : {}),
      ...(override.caCertificate ? { caCertificate: override.caCertificate } : {}),
      // A connection is whole: without a proxy of its own it follows the environment, not logscale:proxy.
      ...(override.proxy ? { proxy: override.proxy, proxySource: "the resource's connection.proxy" } : {}),
    });
  }
  const fromEnv = (names: readonly string[]) => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined && value !== "") return { value, source: `the ${name} environment variable` };
    }
    return undefined;
  };
  const url = stack.url ? { value: stack.url, source: names.name("url") } : fromEnv(environmentVariables.url);
  const token = stack.token ? { value: stack.token, source: names.name("token") } : fromEnv(environmentVariables.token);
  if (!url) {
    throw new ConnectionConfigError(
      `No LogScale URL configured. Set it with ${names.howToSet("url")} or the LOGSCALE_URL environment variable (or give the resource a 'connection').`,
    );
  }
  if (!token) {
    throw new ConnectionConfigError(
      `No LogScale API token configured. Set it with ${names.howToSet("token")} or the LOGSCALE_TOKEN environment variable (or give the resource a 'connection').`,
    );
  }
  let insecure = false;
  if (stack.insecure !== undefined) {
    const parsed = booleanText.safeParse(stack.insecure);
    if (!parsed.success) {
      throw new ConnectionConfigError(`${capitalised(names.name("insecure"))} must be true or false, got '${stack.insecure}'.`);
    }
    insecure = parsed.data === "true";
  }
  return validated({
    url: url.value,
    apiToken: token.value,
    insecure,
    urlSource: url.source,
    tokenSource: token.source,
    ...timeout(stack, names),
    ...(stack.organization ? { organization: stack.organization, organizationSource: names.name("organization") } : {}),
    ...(stack.caCertificate ? { caCertificate: stack.caCertificate } : {}),
    ...(stack.proxy ? { proxy: stack.proxy, proxySource: names.name("proxy") } : {}),
  });
}

function validated(settings: ConnectionSettings): ConnectionSettings {
  const badUrl = urlProblem(settings.url);
  if (badUrl) throw new ConnectionConfigError(`The LogScale URL from ${settings.urlSource} ${badUrl}.`);
  const badToken = tokenProblem(settings.apiToken);
  if (badToken) throw new ConnectionConfigError(`The LogScale API token from ${settings.tokenSource} ${badToken}.`);
  const badOrganization = settings.organization === undefined ? undefined : organizationProblem(settings.organization);
  if (badOrganization) throw new ConnectionConfigError(`The organization from ${settings.organizationSource ?? "the settings"} ${badOrganization}.`);
  const badProxy = settings.proxy === undefined ? undefined : proxyUrlProblem(settings.proxy);
  if (badProxy) throw new ConnectionConfigError(`The proxy from ${settings.proxySource ?? "the settings"} ${badProxy}.`);
  return settings;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
