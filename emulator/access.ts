import type { Caller } from "./auth";
import { notAllowed } from "./errors";
import { KIND_LABEL, type SearchDomainRecord, type TokenKind } from "./model";

/*
 * Coarse authorization. Which grantable permission gives LogScale's internal
 * "AdministerTokens" capability is not established, so the emulator assumes:
 *  - the admin token (standing in for a root user's token) may do everything;
 *  - a view permission token administers no tokens, reads no policies and no IP filters,
 *    and sees only the views/repositories it covers;
 *  - an organization permission token with ChangeOrganizationPermissions administers (and
 *    lists) organization and view permission tokens;
 *  - only a system permission token with ChangeSystemPermissions administers (and lists)
 *    system permission tokens;
 *  - changing token security policies needs ChangeSecurityPolicies (org token); reading them
 *    needs ChangeSecurityPolicies or ChangeOrganizationPermissions (org token) or
 *    ChangeSystemPermissions (system token);
 *  - changing IP filters needs ChangeIPFilters (org token); org and system tokens may list
 *    IP filters and search domains.
 */

const VIEW_TOKENS_CANNOT = "view permission tokens cannot";

function has(caller: Caller, permission: string): boolean {
  return caller.kind === "token" && caller.permissions.includes(permission);
}

function kindOf(caller: Caller): TokenKind | "admin" {
  return caller.kind === "admin" ? "admin" : caller.tokenKind;
}

/** Token kinds the caller may create, read, update, rotate and delete. */
export function administrableKinds(caller: Caller): ReadonlySet<TokenKind> {
  switch (kindOf(caller)) {
    case "admin":
      return new Set<TokenKind>(["OrganizationPermissionsToken", "SystemPermissionsToken", "ViewPermissionsToken"]);
    case "OrganizationPermissionsToken":
      return new Set<TokenKind>(
        has(caller, "ChangeOrganizationPermissions") ? ["OrganizationPermissionsToken", "ViewPermissionsToken"] : [],
      );
    case "SystemPermissionsToken":
      return new Set<TokenKind>(has(caller, "ChangeSystemPermissions") ? ["SystemPermissionsToken"] : []);
    case "ViewPermissionsToken":
      return new Set<TokenKind>();
  }
}

/** For operations on tokens in general (listing, lookup by id before the kind is known). */
export function assertCanAdministerTokens(caller: Caller): void {
  if (administrableKinds(caller).size > 0) return;
  switch (kindOf(caller)) {
    case "ViewPermissionsToken":
      throw notAllowed(`${VIEW_TOKENS_CANNOT} administer tokens`);
    case "OrganizationPermissionsToken":
      throw notAllowed("administering tokens requires the ChangeOrganizationPermissions organization permission");
    default:
      throw notAllowed("administering tokens requires the ChangeSystemPermissions system permission");
  }
}

export function assertCanAdminister(caller: Caller, kind: TokenKind): void {
  assertCanAdministerTokens(caller);
  if (administrableKinds(caller).has(kind)) return;
  if (kind === "SystemPermissionsToken") {
    throw notAllowed(
      "only the admin token or a system permission token with ChangeSystemPermissions can administer system permission tokens",
    );
  }
  throw notAllowed(`system permission tokens cannot administer ${KIND_LABEL[kind]}s`);
}

export function assertCanChangePolicies(caller: Caller): void {
  if (caller.kind === "admin" || (caller.tokenKind === "OrganizationPermissionsToken" && has(caller, "ChangeSecurityPolicies"))) return;
  if (kindOf(caller) === "ViewPermissionsToken") throw notAllowed(`${VIEW_TOKENS_CANNOT} change token security policies`);
  throw notAllowed("changing token security policies requires the ChangeSecurityPolicies organization permission");
}

export function assertCanReadPolicies(caller: Caller): void {
  if (caller.kind === "admin") return;
  if (
    (caller.tokenKind === "OrganizationPermissionsToken" &&
      (has(caller, "ChangeSecurityPolicies") || has(caller, "ChangeOrganizationPermissions"))) ||
    (caller.tokenKind === "SystemPermissionsToken" && has(caller, "ChangeSystemPermissions"))
  ) {
    return;
  }
  if (caller.tokenKind === "ViewPermissionsToken") throw notAllowed(`${VIEW_TOKENS_CANNOT} read token security policies`);
  throw notAllowed(
    "reading token security policies requires ChangeSecurityPolicies or ChangeOrganizationPermissions (organization) or ChangeSystemPermissions (system)",
  );
}

export function assertCanReadIpFilters(caller: Caller): void {
  if (kindOf(caller) === "ViewPermissionsToken") throw notAllowed(`${VIEW_TOKENS_CANNOT} read IP filters`);
}

export function assertCanChangeIpFilters(caller: Caller): void {
  if (caller.kind === "admin" || (caller.tokenKind === "OrganizationPermissionsToken" && has(caller, "ChangeIPFilters"))) return;
  if (kindOf(caller) === "ViewPermissionsToken") throw notAllowed(`${VIEW_TOKENS_CANNOT} change IP filters`);
  throw notAllowed("changing IP filters requires the ChangeIPFilters organization permission");
}

/** A view token sees only what it covers; LogScale hides, rather than refuses, the rest. */
export function canSeeSearchDomain(caller: Caller, domain: SearchDomainRecord): boolean {
  return caller.kind === "admin" || caller.tokenKind !== "ViewPermissionsToken" || caller.viewIds.includes(domain.id);
}
