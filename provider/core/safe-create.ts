/**
 * Creating a token exactly once, even when the answer to the create is lost, repeatedly.
 *
 * A create whose outcome is unknown (timeout, broken connection, 5xx) may or may not have
 * made a token, and a token whose secret we never saw is useless: we cannot adopt it. So
 * before creating we note the ids of tokens that already carry this name; after an unknown
 * outcome we look again. Exactly one new id: that is our orphan; delete it and create once
 * more. No new id: nothing was made; create once more (after a timeout, first wait a while
 * for a request that may still be in flight). Several new ids: someone else is creating
 * tokens of this name too; stop and name them rather than delete one that is not ours.
 * Every round starts from the same snapshot and ends with no orphan of ours left, so giving
 * up after a few rounds leaves nothing behind either.
 */
import type { CreatedToken, LogScaleClient } from "../client/client";
import { LogScaleError, LogScaleGraphQLError, LogScaleTimeoutError } from "../client/errors";
import { shortAnswer } from "../client/graphql/executor";
import type { TokenKind } from "./kinds";

export interface SafeCreateOptions {
  /** How long to watch for a timed-out create that may still land. */
  readonly lateArrivalWindowMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Told what happened, for the user (progress, while `pulumi up` runs). */
  readonly report: (message: string) => void;
}

export class AmbiguousCreateError extends Error {
  override readonly name = "AmbiguousCreateError";
}

async function idsNamed(client: LogScaleClient, kind: TokenKind, name: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const pageSize = 100;
  for (let skip = 0; ; skip += pageSize) {
    const page = await client.listTokens({ searchFilter: name, types: [kind.name], skip, limit: pageSize });
    for (const token of page.results) if (token.name === name && kind.owns(token)) ids.add(token.id);
    if (page.results.length < pageSize || skip + pageSize >= page.totalResults) return ids;
  }
}

function isUnknownOutcome(error: unknown): error is LogScaleError {
  return error instanceof LogScaleError && !(error instanceof LogScaleGraphQLError) && error.mayHaveBeenApplied;
}

/**
 * Rounds of create-then-recover before giving up, as many as the client's attempts for other
 * requests; each leaves no orphan behind.
 */
const maxRounds = 4;

function nextRound(round: number): string {
  return round < maxRounds ? `the token is created once more (round ${round + 1} of ${maxRounds})` : `that was the last of ${maxRounds} rounds`;
}
/** Recovery reads and deletes are retried on any transient failure, beyond the client's own retries. */
const recoveryTries = 4;

async function persistently<T>(run: () => Promise<T>, options: SafeCreateOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const transient = error instanceof LogScaleError && !["authentication", "forbidden", "graphql", "cancelled"].includes(error.kind);
      if (!transient || attempt >= recoveryTries) throw error;
      await options.sleep(100 * attempt);
    }
  }
}

export async function createOnce(
  client: LogScaleClient,
  kind: TokenKind,
  name: string,
  create: () => Promise<CreatedToken>,
  options: SafeCreateOptions,
): Promise<CreatedToken> {
  const before = await persistently(() => idsNamed(client, kind, name), options);
  const newIds = async () => [...(await persistently(() => idsNamed(client, kind, name), options))].filter((id) => !before.has(id));
  let lastError: LogScaleError | undefined;
  for (let round = 1; round <= maxRounds; round++) {
    try {
      return await create();
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      lastError = error;
      let orphans: string[];
      try {
        orphans = await newIds();
        if (orphans.length === 0 && error instanceof LogScaleTimeoutError) {
          options.report(
            `Creating ${kind.label} '${name}': LogScale did not answer in time, so a token may still be made; ` +
              `watching for it for up to ${Math.round(options.lateArrivalWindowMs / 1000)} s before creating once more.`,
          );
          const step = Math.max(50, Math.floor(options.lateArrivalWindowMs / 4));
          for (let waited = 0; orphans.length === 0 && waited < options.lateArrivalWindowMs; waited += step) {
            await options.sleep(step);
            orphans = await newIds();
          }
        }
      } catch (lookupError) {
        throw new AmbiguousCreateError(
          `The outcome of creating ${kind.label} '${name}' is unknown (${error.message}), and LogScale could not be asked whether a token ` +
            `was made (${lookupError instanceof Error ? lookupError.message : String(lookupError)}). Look in LogScale for a token named '${name}' ` +
            `that is not in the Pulumi state, delete it, then run 'pulumi up' again.`,
        );
      }
      if (orphans.length > 1) {
        throw new AmbiguousCreateError(
          `The outcome of creating ${kind.label} '${name}' is unknown (${error.message}), and ${orphans.length} new tokens with that name ` +
            `appeared meanwhile (${orphans.join(", ")}). Another process may be creating tokens with this name; none was deleted. ` +
            `Delete the ones that are not yours in LogScale, then run 'pulumi up' again.`,
        );
      }
      const orphan = orphans[0];
      if (orphan !== undefined) {
        await persistently(async () => {
          // A retried delete may find the first one succeeded: gone is what we want.
          if (!(await newIds()).includes(orphan)) return;
          try {
            await client.deleteToken(orphan);
          } catch (error) {
            // The client repeats a delete whose answer was lost; the repeat then finds the token
            // gone and LogScale says so with an error. Gone is what we want.
            if (!(error instanceof LogScaleGraphQLError && !(await newIds()).includes(orphan))) throw error;
          }
        }, options);
        options.report(
          `Creating ${kind.label} '${name}': the create got ${shortAnswer(error)}, yet LogScale had made a token (${orphan}); ` +
            `it was deleted; ${nextRound(round)}.`,
        );
      } else {
        options.report(
          `Creating ${kind.label} '${name}': the create got ${shortAnswer(error)} and LogScale made no token; ` +
            `${nextRound(round)}.`,
        );
      }
    }
  }
  throw lastError ?? new Error(`Could not create ${kind.label} '${name}'`);
}
