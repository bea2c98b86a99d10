/**
 * Permission lists compared as sets, the way the provider plans them: order and duplicates do
 * not matter, and a view token's list means what LogScale would grant for it (umbrellas as
 * their trio, OrganizationOwnedQueries implied). One place, so the plan and a detailed diff of
 * it cannot disagree.
 */
import type { TokenKindName } from "./kinds";
import { effectiveViewPermissions } from "../program/permissions";

/** What a list of a kind's permissions grants, sorted. */
export function grantedPermissions(kind: TokenKindName, permissions: readonly string[]): string[] {
  return kind === "view" ? effectiveViewPermissions(permissions) : [...new Set(permissions)].sort();
}

/** Positions in each list of the permissions one grants and the other does not. */
export interface PermissionChanges {
  /** Indexes into the new list of permissions that add a grant. */
  readonly added: readonly number[];
  /** Indexes into the old list of permissions whose grant goes. */
  readonly removed: readonly number[];
}

export function permissionChanges(kind: TokenKindName, olds: readonly string[], news: readonly string[]): PermissionChanges {
  const oldGrants = new Set(grantedPermissions(kind, olds));
  const newGrants = new Set(grantedPermissions(kind, news));
  // A permission counts as added when something it grants is new: an umbrella whose trio was
  // partly there before is added, a repeat of one already listed is not.
  const firstIndexes = (list: readonly string[]) => list.map((permission, index) => (list.indexOf(permission) === index ? index : -1)).filter((index) => index >= 0);
  return {
    added: firstIndexes(news).filter((index) => grantedPermissions(kind, [news[index]!]).some((grant) => !oldGrants.has(grant))),
    removed: firstIndexes(olds).filter((index) => grantedPermissions(kind, [olds[index]!]).some((grant) => !newGrants.has(grant))),
  };
}
