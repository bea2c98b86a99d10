/**
 * Where a token lives: the LogScale cluster and the organization in it, recorded in state when
 * the token is made. A URL is only an address: another URL that leads to the same cluster and
 * organization is the same home, and the same URL may come to lead elsewhere. So the plan
 * compares homes, not URLs, and says what the user can do when a token would lose its home.
 */
import type { TokenHome } from "../client/client";

export type { TokenHome };

export function sameHome(a: TokenHome, b: TokenHome): boolean {
  return a.clusterId === b.clusterId && a.organizationId === b.organizationId;
}

export function describeHome(home: TokenHome): string {
  return `cluster ${home.clusterId} (organization ${home.organizationId})`;
}

/** The token, as messages name it. */
export interface TokenRef {
  readonly label: string;
  readonly name: string;
  readonly id: string;
}

/** Where a connection leads now, and what it is (for messages). */
export interface Destination {
  readonly home: TokenHome;
  /** e.g. "stack config 'logscale:url'", "the resource's connection.url". */
  readonly source: string;
  /** Without credentials. */
  readonly url: string;
}

/** The way out that always exists; `cluster`: where the token lives. */
function forgetIt(cluster: string): string {
  return (
    `forget it: delete the token in ${cluster} by hand, then \`pulumi state delete <URN>\` (\`pulumi stack --show-urns\` lists the URNs); ` +
    `the next \`pulumi up\` creates it where the program points`
  );
}

const options = (choices: readonly string[]): string => `Do one of:\n${choices.map((choice) => `  - ${choice};`).join("\n")}`;

/** Said at preview when the program's connection leads elsewhere and the old home is still reachable. */
export function movingWarning(token: TokenRef, from: TokenHome, to: Destination): string {
  return (
    `The ${token.label} '${token.name}' (${token.id}) lives in LogScale ${describeHome(from)}, but ${to.source} (${to.url}) ` +
    `now leads to ${describeHome(to.home)}: it will be replaced. A new token (a new secret) is created there, ` +
    `then the old one is deleted in its own LogScale through the connection it was made with.`
  );
}

/**
 * Said at preview when a provider instance's settings now lead to another cluster or
 * organization: the engine replaces the instance and every token it manages.
 */
export function providerMovingWarning(provider: string, from: Destination, to: Destination): string {
  return (
    `The logscale provider '${provider}' led to LogScale ${describeHome(from.home)} (${from.url}), but its settings now lead to ` +
    `${describeHome(to.home)} (${to.url}): it will be replaced, and so will every token it manages. Each new token (a new secret) ` +
    `is created there, then the old one is deleted in its own LogScale through the provider's old settings, which the state keeps.`
  );
}

/** How the old token would be reached to delete it: the connection it was made with, or the stack config. */
export interface OldWay {
  /** The token was made through a resource `connection` (kept in state), not the stack config. */
  readonly connection: boolean;
  /** e.g. "stack config 'logscale:url'". */
  readonly source: string;
  /** The provider's settings (not a connection) are kept in state: the plugin's provider inputs. */
  readonly settingsKept: boolean;
  /** Where it leads now, when that is another place than the program's connection; null: nowhere (not configured). */
  readonly leadsTo?: TokenHome | null;
}

/**
 * Why the plan stops when the program now leads elsewhere and nothing in the state reaches the
 * old home to delete the old token there: the stack config's API token is never stored, and
 * settings the state keeps (a connection, a provider's inputs) lead elsewhere now.
 */
export function strandedPlanMessage(token: TokenRef, from: TokenHome, to: Destination, old: OldWay, programHasConnection: boolean): string {
  const cluster = `cluster ${from.clusterId}`;
  const oldWayNow =
    old.leadsTo === undefined ? "" : old.leadsTo === null ? `, and ${old.source} is not set` : `, and ${old.source} leads to ${describeHome(old.leadsTo)}`;
  const why = old.connection
    ? "the connection it was made with leads elsewhere now"
    : old.settingsKept
      ? "the provider settings it was made with, which the state keeps, lead elsewhere now"
      : "stack config credentials are never stored";
  const choices = old.connection
    ? [`keep it: point the resource's connection at ${cluster} again (the next \`pulumi up\` stores it); it can move from there`, forgetIt(cluster)]
    : [
        programHasConnection
          ? `move it: point ${old.source} (and its API token) back at ${cluster}; the next \`pulumi up\` makes the new token at the connection's LogScale and deletes the old one through ${old.source}`
          : `keep it: point ${old.source} (and its API token) back at ${cluster}`,
        ...(programHasConnection
          ? []
          : [
              `move it: with ${old.source} still on ${cluster}, give this resource a \`connection\` to the new LogScale; the next \`pulumi up\` ` +
                `makes the new token there and deletes the old one, after which ${old.source} can follow and the \`connection\` go`,
            ]),
        forgetIt(cluster),
      ];
  return (
    `The ${token.label} '${token.name}' (${token.id}) lives in LogScale ${describeHome(from)}, but ${to.source} (${to.url}) ` +
    `now leads to ${describeHome(to.home)}${oldWayNow}. The state keeps no API token that could delete it there (${why}), ` +
    `and a new token at the new home would leave the old one working and forgotten. ${options(choices)}`
  );
}

/** Why a refresh or delete stops rather than act on a LogScale the token does not live in. */
export function strandedStepMessage(step: "refresh" | "delete", token: TokenRef, from: TokenHome, to: Destination): string {
  const consequence =
    step === "refresh"
      ? "A refresh there would find nothing and drop the token from the state while it still works in its own LogScale."
      : "A delete there would delete nothing and leave the token working in its own LogScale.";
  const cluster = `cluster ${from.clusterId}`;
  return (
    `Cannot ${step} the ${token.label} '${token.name}' (${token.id}): it lives in LogScale ${describeHome(from)}, ` +
    `but ${to.source} (${to.url}) now leads to ${describeHome(to.home)}. ${consequence} ` +
    options([`point ${to.source} (and its API token) back at ${cluster} and run it again`, forgetIt(cluster)])
  );
}
