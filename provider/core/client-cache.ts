/**
 * What one provider process keeps about the LogScale instances it talks to: a client per
 * distinct connection, so keep-alive connections are reused, and the answers that do not
 * change during a run (the token policy, views, IP filters, which cluster and organization it
 * is), asked once per client. The three kinds' providers share one, so a stack of all three
 * kinds reads the policy once, not three times.
 */
import type { IpFilter, LogScaleClient, SearchDomainRef, TokenHome, TokenSecurityPolicies } from "../client/client";
import { LogScaleForbiddenError, LogScaleGraphQLError, LogScaleResponseShapeError } from "../client/errors";

/**
 * One answer per client and process, so previews of large stacks ask once. Null when
 * LogScale refuses to say (the API token may not read it, or an older LogScale lacks it):
 * then nothing is assumed and LogScale itself judges at create time. A wrong API token or an
 * unreachable LogScale fails the preview instead of passing it unchecked, and is asked again
 * next time.
 */
export class AnswerCache<T> {
  private readonly answers = new WeakMap<LogScaleClient, Promise<T | null>>();

  constructor(private readonly ask: (client: LogScaleClient) => Promise<T>) {}

  read(client: LogScaleClient): Promise<T | null> {
    let answer = this.answers.get(client);
    if (!answer) {
      answer = this.ask(client).catch((error: unknown) => {
        if (error instanceof LogScaleForbiddenError || error instanceof LogScaleGraphQLError || error instanceof LogScaleResponseShapeError) return null;
        this.answers.delete(client);
        throw error;
      });
      this.answers.set(client, answer);
    }
    return answer;
  }
}

export class ClientCache {
  /** By a hash of the connection settings (see TokenProvider.client). */
  readonly clients = new Map<string, LogScaleClient>();
  readonly policies = new AnswerCache<TokenSecurityPolicies | null>(async (client) => (await client.tokenSecurityPolicies()).policies);
  readonly views = new AnswerCache<readonly SearchDomainRef[]>((client) => client.searchDomains());
  readonly ipFilters = new AnswerCache<readonly IpFilter[]>((client) => client.ipFilters());
  /** Where the client's URL and API token lead: the home a token made through it lives in. */
  readonly homes = new AnswerCache<TokenHome>((client) => client.home());
}

/** The one the provider modules of this package share within a process. */
export const processClientCache = new ClientCache();
