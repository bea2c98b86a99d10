/**
 * What a refresh that LogScale (or the proxy) turned away should tell the user about the
 * settings it sent. A plain `pulumi refresh` does not run the program: the engine configures
 * the provider with the stack config stored at the stack's last update, not the stack config as
 * it is now, and read() gets each token's `connection` as the state holds it. So after the API
 * token or the proxy password is rotated in the stack config, a refresh still sends the old one,
 * and "check logscale:token" alone sends the user to a setting they already changed.
 */
import { LogScaleAuthenticationError, LogScaleError, LogScaleForbiddenError, LogScaleProxyError } from "../client/errors";
import type { ConnectionSettings } from "./config";

/** The credential the refusal is about, and where it came from; undefined when it is not a refusal of credentials. */
function refusedSetting(error: LogScaleError, settings: ConnectionSettings): { readonly what: string; readonly source: string } | undefined {
  if (error instanceof LogScaleAuthenticationError || error instanceof LogScaleForbiddenError) return { what: "API token", source: settings.tokenSource };
  if (error instanceof LogScaleProxyError && error.status === 407) return { what: "proxy credentials", source: error.proxy.source };
  return undefined;
}

/**
 * Advice appended to a refresh's 401, 403 or 407, naming the settings the refresh used and the
 * way out; empty when the credential came from the environment (read as it is now) or the error
 * is of another kind.
 */
export function storedSettingsAdvice(error: unknown, settings: ConnectionSettings): string {
  if (!(error instanceof LogScaleError)) return "";
  const refused = refusedSetting(error, settings);
  if (refused === undefined) return "";
  if (refused.source.startsWith("stack config")) {
    return (
      ` This refresh sent the ${refused.what} from ${refused.source} as stored at the stack's last update: ` +
      `'pulumi refresh' configures the provider with the settings stored then, not with the stack config as it is now. ` +
      `If you have changed it since, run 'pulumi refresh --run-program' ` +
      `(it runs the program, so the provider gets the stack config as it is now), or 'pulumi up' first.`
    );
  }
  if (refused.source.startsWith("input '")) {
    return (
      ` This refresh sent the ${refused.what} from ${refused.source} as the Pulumi state holds it from the provider's last update, ` +
      `not as the program says it now. If you have changed it since, run 'pulumi up' first: it stores the provider's new inputs.`
    );
  }
  if (refused.source.startsWith("the resource's connection")) {
    return (
      ` This refresh sent the ${refused.what} from ${refused.source} as the Pulumi state holds it from the token's last update, ` +
      `not as the program says it now. If you have changed it since, run 'pulumi up' first: it stores the new connection.`
    );
  }
  return "";
}
