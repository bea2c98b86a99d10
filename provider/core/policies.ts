/** Whether the organization's token security policy lets permissions change in place (diff). */
import type { TokenSecurityPolicies } from "../client/client";
import type { TokenKind } from "./kinds";

export function permissionUpdatesForbidden(kind: TokenKind, policies: TokenSecurityPolicies | null): boolean {
  return policies?.[kind.policy.allowUpdates] === false;
}
