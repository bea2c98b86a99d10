/**
 * What LogScale will accept, asked at preview time so that `pulumi preview` already says
 * what `up` would run into: the organization's token security policy, and which views and IP
 * filters exist.
 */
import type { IpFilter, LogScaleClient, SearchDomainRef, TokenSecurityPolicies } from "./client";
import { LogScaleForbiddenError, LogScaleGraphQLError, LogScaleResponseShapeError } from "./errors";
import type { TokenKind } from "./kinds";

/**
 * One answer per client and process, so previews of large stacks ask once. Null when
 * LogScale refuses to say (the API token may not read it, or an older LogScale lacks it):
 * then nothing is assumed and LogScale itself judges at create time. A wrong API token or an
 * unreachable LogScale fails the preview instead of passing it unchecked, and is asked again
 * next time.
 */
export class PerClient<T> {
  private readonly cache = new WeakMap<LogScaleClient, Promise<T | null>>();

  constructor(private readonly fetch: (client: LogScaleClient) => Promise<T>) {}

  read(client: LogScaleClient): Promise<T | null> {
    let answer = this.cache.get(client);
    if (!answer) {
      answer = this.fetch(client).catch((error: unknown) => {
        if (error instanceof LogScaleForbiddenError || error instanceof LogScaleGraphQLError || error instanceof LogScaleResponseShapeError) return null;
        this.cache.delete(client);
        throw error;
      });
      this.cache.set(client, answer);
    }
    return answer;
  }
}

export const policyReader = (): PerClient<TokenSecurityPolicies | null> =>
  new PerClient(async (client) => (await client.tokenSecurityPolicies()).policies);

export const viewReader = (): PerClient<readonly SearchDomainRef[]> => new PerClient((client) => client.searchDomains());
export const ipFilterReader = (): PerClient<readonly IpFilter[]> => new PerClient((client) => client.ipFilters());

export function permissionUpdatesForbidden(kind: TokenKind, policies: TokenSecurityPolicies | null): boolean {
  return policies?.[kind.policy.allowUpdates] === false;
}

const day = 86_400_000;

function duration(ms: number): string {
  if (ms % day === 0) return `${ms / day} day${ms === day ? "" : "s"}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${ms} ms`;
}

/**
 * Why LogScale would refuse to create a token of this kind with this expiry, if it would.
 * `expiresIn`: the lifetime the expiry was computed from, when the program gave one.
 */
export function creationProblem(
  kind: TokenKind,
  policies: TokenSecurityPolicies | null,
  expireAt: number | undefined,
  now: number,
  expiresIn?: number,
): { property: string; reason: string } | undefined {
  if (!policies) return undefined;
  if (policies[kind.policy.enabled] === false) {
    return {
      property: "name",
      reason: `${kind.resourceType}: the organization's token security policy disables ${kind.label}s (${kind.policy.enabled} is false), so LogScale would refuse to create one`,
    };
  }
  const maxLifetimeMs = policies[kind.policy.maxLifetimeMs];
  if (maxLifetimeMs === null || maxLifetimeMs === undefined) return undefined;
  const latest = now + maxLifetimeMs;
  if (expiresIn !== undefined && expiresIn > maxLifetimeMs) {
    return {
      property: "expiresIn",
      reason:
        `expiresIn (${duration(expiresIn)}) must be at most ${duration(maxLifetimeMs)}: the organization's token security policy limits ` +
        `${kind.label}s to that lifetime (${kind.policy.maxLifetimeMs})`,
    };
  }
  if (expireAt === undefined || expireAt > latest) {
    return {
      property: "expireAt",
      reason:
        `expireAt must be set and at most ${duration(maxLifetimeMs)} from now (before ${new Date(latest).toISOString()}): ` +
        `the organization's token security policy limits ${kind.label}s to that lifetime (${kind.policy.maxLifetimeMs})` +
        (expireAt === undefined ? "" : `; got ${new Date(expireAt).toISOString()}`),
    };
  }
  return undefined;
}
