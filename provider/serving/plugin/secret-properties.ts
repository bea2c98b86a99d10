/**
 * Which properties the plugin marks secret on the wire. The engine keeps a property secret only
 * when the provider's answer says so, and a value derived from a secret input is as secret as the
 * input: `viewIds` (and `views`) resolved from secret `viewNames`, `ipFilterId` from a secret
 * `ipFilterName`, `expireAt` from a secret `expiresIn`, and the record of what the program asked
 * for (`requested`) from any of them.
 */

/** Outputs whose value is a credential, or holds one: secret whatever the inputs were. */
export const alwaysSecretOutputs: readonly string[] = ["token", "connection"];
/** Inputs that hold an API token. */
export const alwaysSecretInputs: readonly string[] = ["connection"];

/** Property to the inputs its value is derived from (besides an input of the same name). */
const derivedFrom: Readonly<Record<string, readonly string[]>> = {
  viewIds: ["viewNames"],
  views: ["viewIds", "viewNames"],
  ipFilterId: ["ipFilterName"],
  expireAt: ["expiresIn"],
  requested: ["expireAt", "expiresIn", "rotateBeforeExpiry", "rotationTrigger", "ipFilterId", "ipFilterName", "viewIds", "viewNames"],
};

/** The properties to mark secret, given the secret ones among the inputs (or the state) they come from. */
export function secretProperties(secretSources: Iterable<string>, always: readonly string[]): Set<string> {
  const secret = new Set([...secretSources, ...always]);
  for (const [property, sources] of Object.entries(derivedFrom)) {
    if (sources.some((source) => secret.has(source))) secret.add(property);
  }
  return secret;
}
