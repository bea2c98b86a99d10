/**
 * What LogScale will accept under the organization's token security policy (read at preview
 * through the ClientCache), so that `pulumi preview` already says what `up` would run into.
 */
import type { TokenSecurityPolicies } from "../client/client";
import type { TokenKind } from "./kinds";

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
