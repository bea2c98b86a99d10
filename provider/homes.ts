/**
 * Where a token lives: the LogScale cluster and the organization in it, recorded in state when
 * the token is made. A URL is only an address: another URL that leads to the same cluster and
 * organization is the same home, and the same URL may come to lead elsewhere. So the plan
 * compares homes, not URLs, and says what the user can do when a token would lose its home.
 */
import type { TokenHome } from "./client";
import { PerClient } from "./policies";

export type { TokenHome };

/** One question per client and process, like the policy; null when LogScale will not say. */
export const homeReader = (): PerClient<TokenHome> => new PerClient((client) => client.home());

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

const stateDeleteAdvice =
  "or delete the token in its own LogScale by hand and forget it with `pulumi state delete <URN>` (`pulumi stack --show-urns` lists the URNs); " +
  "the next `pulumi up` then creates it anew where the program points";

/** Said at preview when the program's connection leads elsewhere and the old home is still reachable. */
export function movingWarning(token: TokenRef, from: TokenHome, to: Destination): string {
  return (
    `The ${token.label} '${token.name}' (${token.id}) lives in LogScale ${describeHome(from)}, but ${to.source} (${to.url}) ` +
    `now leads to ${describeHome(to.home)}: it will be replaced. A new token (a new secret) is created there, ` +
    `then the old one is deleted in its own LogScale through the connection it was made with.`
  );
}

/**
 * Why the plan stops when the program now leads elsewhere and nothing in the state reaches the
 * old home (the stack config's API token is never stored, by design).
 * `madeWithConnection`: the token was made through a resource connection kept in state.
 */
export function strandedPlanMessage(token: TokenRef, from: TokenHome, to: Destination, madeWithConnection: boolean): string {
  const keep = madeWithConnection
    ? `point the resource's connection back at the LogScale of ${describeHome(from)}`
    : `point ${to.source} back at the LogScale of ${describeHome(from)} (the token then stays where it is)`;
  const move = madeWithConnection
    ? ""
    : `; to move it, keep ${to.source} on the old LogScale and give this resource a \`connection\` to the new one: ` +
      `the next \`pulumi up\` makes the new token there and deletes the old one through ${to.source}, after which the stack config can follow and the \`connection\` go`;
  return (
    `The ${token.label} '${token.name}' (${token.id}) lives in LogScale ${describeHome(from)}, but ${to.source} (${to.url}) ` +
    `now leads to ${describeHome(to.home)}. Nothing this stack keeps can reach the old one to delete it there: ` +
    `the state holds no API token for it${madeWithConnection ? " that still leads there" : " (stack config credentials are never stored)"}, ` +
    `and a new token made at the new home would leave the old one working and forgotten. Do one of: ${keep}${move}; ${stateDeleteAdvice}.`
  );
}

/** Why a refresh or delete stops rather than act on a LogScale the token does not live in. */
export function strandedStepMessage(step: "refresh" | "delete", token: TokenRef, from: TokenHome, to: Destination): string {
  const consequence =
    step === "refresh"
      ? "There it would find nothing and drop the token from the state while it still works in its own LogScale."
      : "Deleting it there would delete nothing and leave the token working in its own LogScale.";
  return (
    `Cannot ${step} the ${token.label} '${token.name}' (${token.id}): it lives in LogScale ${describeHome(from)}, ` +
    `but ${to.source} (${to.url}) now leads to ${describeHome(to.home)}. ${consequence} ` +
    `Point ${to.source} back at the LogScale of ${describeHome(from)} and run it again, ${stateDeleteAdvice}.`
  );
}
