import type { Clock } from "./clock";
import { humanDuration, invalidInput, ipFilterNotFound, LogScaleError, searchDomainIdNotFound, tokenNotFound } from "./errors";
import { KIND_LABEL, POLICY_PREFIX, type AssetAssignment, type StoredToken, type TokenKind } from "./model";
import {
  normaliseAssetPermissions,
  normaliseOrganizationPermissions,
  normaliseSystemPermissions,
  normaliseViewPermissions,
} from "./permissions";
import { hashSecret, newTokenId, newTokenSecret } from "./secrets";
import type { Store } from "./store";

export interface CreateTokenRequest {
  kind: TokenKind;
  name: string;
  expireAt: number | null;
  ipFilterId: string | null;
  permissions: readonly string[];
  viewIds: readonly string[];
  assetPermissionAssignments: readonly AssetAssignment[];
}

export type TypeFilter = "ViewPermissionToken" | "OrganizationPermissionToken" | "OrganizationManagementPermissionToken" | "SystemPermissionToken";

export interface ListTokensRequest {
  searchFilter: string | null;
  typeFilter: readonly TypeFilter[] | null;
  parentEntityIdFilter: readonly string[] | null;
  sortBy: "Name" | "ExpirationDate";
  orderBy: "ASC" | "DESC";
  skip: number;
  limit: number;
}

/** OrganizationManagementPermissionToken has no counterpart here: such tokens never exist. */
const TYPE_FILTER_KIND: Readonly<Record<TypeFilter, TokenKind | null>> = {
  ViewPermissionToken: "ViewPermissionsToken",
  OrganizationPermissionToken: "OrganizationPermissionsToken",
  OrganizationManagementPermissionToken: null,
  SystemPermissionToken: "SystemPermissionsToken",
};

const KIND_TITLE: Readonly<Record<TokenKind, string>> = {
  OrganizationPermissionsToken: "Organization permission tokens",
  SystemPermissionsToken: "System permission tokens",
  ViewPermissionsToken: "View permission tokens",
};

export function normalisePermissions(kind: TokenKind, permissions: readonly string[]): string[] {
  switch (kind) {
    case "ViewPermissionsToken":
      return normaliseViewPermissions(permissions);
    case "OrganizationPermissionsToken":
      return normaliseOrganizationPermissions(permissions);
    case "SystemPermissionsToken":
      return normaliseSystemPermissions(permissions);
  }
}

/** The token-lifecycle rules of LogScale, over the store. */
export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** How long an expired token stays listed (the LogScale UI documents about 5 minutes). */
    private readonly expiredTokenVisibilityMs: number,
  ) {}

  private isVisible(token: StoredToken, now: number): boolean {
    return token.expireAt === null || now < token.expireAt + this.expiredTokenVisibilityMs;
  }

  /** Forgets tokens that expired longer ago than the visibility window, as LogScale does. */
  purgeInvisible(): void {
    const now = this.clock.now();
    if (this.store.state.tokens.every((t) => this.isVisible(t, now))) return;
    this.store.mutate((state) => {
      state.tokens = state.tokens.filter((t) => this.isVisible(t, now));
    });
  }

  visibleTokens(): StoredToken[] {
    const now = this.clock.now();
    return this.store.state.tokens.filter((t) => this.isVisible(t, now));
  }

  /** A token that may authenticate: known and not (yet) expired. */
  findLive(id: string): StoredToken | undefined {
    const now = this.clock.now();
    return this.store.state.tokens.find((t) => t.id === id && (t.expireAt === null || now < t.expireAt));
  }

  get(id: string): StoredToken {
    const token = this.visibleTokens().find((t) => t.id === id);
    if (token === undefined) throw tokenNotFound(id);
    return token;
  }

  create(request: CreateTokenRequest): { tokenString: string; token: StoredToken } {
    const now = this.clock.now();
    const prefix = POLICY_PREFIX[request.kind];
    const policies = this.store.state.tokenSecurityPolicies;
    if (!policies[`${prefix}Enabled` as const]) {
      throw new LogScaleError(
        `${KIND_TITLE[request.kind]} are disabled: the organization's token security policy has ${prefix}Enabled set to false`,
        { code: "TokenTypeDisabled", policy: `${prefix}Enabled` },
      );
    }
    if (request.name.trim() === "") throw invalidInput("name", "Token name must not be empty");
    if (request.expireAt !== null && request.expireAt <= now) {
      throw new LogScaleError(
        `expireAt must be in the future: ${request.expireAt} is not after the current time ${now} (epoch milliseconds)`,
        { code: "ExpireAtInPast", field: "expireAt" },
      );
    }
    const maxLifetime = policies[`${prefix}EnforceExpirationAfterMs` as const];
    if (maxLifetime !== null && (request.expireAt === null || request.expireAt > now + maxLifetime)) {
      throw new LogScaleError(
        `The organization's token security policy requires ${KIND_LABEL[request.kind]}s to expire within ${maxLifetime} ms (${humanDuration(maxLifetime)}); expireAt must be set and no later than ${now + maxLifetime}`,
        { code: "ExpirationTooLate", policy: `${prefix}EnforceExpirationAfterMs`, maxExpireAt: String(now + maxLifetime) },
      );
    }
    if (request.ipFilterId !== null) this.requireIpFilter(request.ipFilterId);
    const viewIds = request.kind === "ViewPermissionsToken" ? this.resolveViewIds(request.viewIds) : [];
    const permissions = normalisePermissions(request.kind, request.permissions);
    const assets = request.kind === "ViewPermissionsToken" ? this.checkAssets(request.assetPermissionAssignments, permissions) : [];

    const secret = newTokenSecret();
    const token: StoredToken = {
      id: this.unusedId(),
      kind: request.kind,
      name: request.name,
      permissions,
      viewIds,
      assetPermissionAssignments: assets,
      expireAt: request.expireAt,
      createdAt: now,
      // An enforced policy filter wins over the requested one, as it does for existing tokens.
      ipFilterId: policies[`${prefix}EnforceIpFilterId` as const] ?? request.ipFilterId,
      secretHash: hashSecret(secret),
    };
    this.store.mutate((state) => {
      state.tokens.push(token);
    });
    return { tokenString: `${token.id}~${secret}`, token };
  }

  updatePermissions(kind: TokenKind, id: string, permissions: readonly string[]): string {
    const token = this.get(id);
    if (token.kind !== kind) {
      throw new LogScaleError(`Token '${id}' is ${withArticle(KIND_LABEL[token.kind])}, not ${withArticle(KIND_LABEL[kind])}`, {
        code: "TokenKindMismatch",
        tokenId: id,
      });
    }
    const flag = `${POLICY_PREFIX[kind]}AllowPermissionUpdates` as const;
    if (!this.store.state.tokenSecurityPolicies[flag]) {
      throw new LogScaleError(
        `Permission updates are not allowed for ${KIND_LABEL[kind]}s: the organization's token security policy has ${flag} set to false`,
        { code: "PermissionUpdatesNotAllowed", policy: flag },
      );
    }
    const normalised = normalisePermissions(kind, permissions);
    this.store.mutate(() => {
      token.permissions = normalised;
    });
    return token.id;
  }

  delete(id: string): true {
    const token = this.get(id);
    this.store.mutate((state) => {
      state.tokens = state.tokens.filter((t) => t !== token);
    });
    return true;
  }

  /** Same token under a new id and secret; the old string stops working immediately. */
  rotate(id: string): string {
    const token = this.get(id);
    if (token.expireAt !== null && token.expireAt <= this.clock.now()) {
      throw new LogScaleError(`Token '${id}' has expired and cannot be rotated`, { code: "TokenExpired", tokenId: id });
    }
    const secret = newTokenSecret();
    const newId = this.unusedId();
    this.store.mutate(() => {
      token.id = newId;
      token.secretHash = hashSecret(secret);
    });
    return `${newId}~${secret}`;
  }

  list(request: ListTokensRequest, allowedKinds: ReadonlySet<TokenKind>): { totalResults: number; results: StoredToken[] } {
    if (request.skip < 0) throw invalidInput("skip", "skip must not be negative");
    if (request.limit < 0) throw invalidInput("limit", "limit must not be negative");
    const needle = request.searchFilter?.toLowerCase() ?? "";
    const kinds =
      request.typeFilter === null || request.typeFilter.length === 0
        ? null
        : new Set(request.typeFilter.map((t) => TYPE_FILTER_KIND[t]));
    const parents = request.parentEntityIdFilter === null ? null : new Set(request.parentEntityIdFilter);
    const organizationId = this.store.state.organization.id;
    const matches = this.visibleTokens().filter(
      (t) =>
        allowedKinds.has(t.kind) &&
        (kinds === null || kinds.has(t.kind)) &&
        (needle === "" || t.id.toLowerCase().includes(needle) || t.name.toLowerCase().includes(needle)) &&
        (parents === null || parentEntityIds(t, organizationId).some((p) => parents.has(p))),
    );
    const direction = request.orderBy === "DESC" ? -1 : 1;
    const sorted = [...matches].sort((a, b) => direction * compareTokens(a, b, request.sortBy));
    return { totalResults: sorted.length, results: sorted.slice(request.skip, request.skip + request.limit) };
  }

  private requireIpFilter(id: string): void {
    if (!this.store.state.ipFilters.some((f) => f.id === id)) throw ipFilterNotFound(id);
  }

  private resolveViewIds(requested: readonly string[]): string[] {
    const unique = [...new Set(requested)];
    if (unique.length === 0) {
      throw invalidInput("viewIds", "A view permission token needs at least one view or repository in viewIds");
    }
    for (const id of unique) {
      if (!this.store.state.searchDomains.some((d) => d.id === id)) throw searchDomainIdNotFound(id);
    }
    return unique;
  }

  private checkAssets(assignments: readonly AssetAssignment[], permissions: readonly string[]): AssetAssignment[] {
    if (assignments.length > 0 && !permissions.includes("ReadAccess")) {
      throw invalidInput(
        "assetPermissionAssignments",
        "Asset permissions can only be assigned to a view permission token that has the ReadAccess permission",
      );
    }
    return assignments.map((a) => ({
      assetResourceIdentifier: a.assetResourceIdentifier,
      permissions: normaliseAssetPermissions(a.permissions),
    }));
  }

  private unusedId(): string {
    for (;;) {
      const id = newTokenId();
      if (!this.store.state.tokens.some((t) => t.id === id)) return id;
    }
  }
}

/**
 * parentEntityIdFilter's real meaning is not established. Assumed: the entity a token hangs
 * off — the covered views/repositories for a view token, the organization for an
 * organization token; system tokens have none.
 */
function parentEntityIds(token: StoredToken, organizationId: string): readonly string[] {
  switch (token.kind) {
    case "ViewPermissionsToken":
      return token.viewIds;
    case "OrganizationPermissionsToken":
      return [organizationId];
    case "SystemPermissionsToken":
      return [];
  }
}

/** A token that never expires sorts as if it expired last. Ties fall back to name, then id. */
function compareTokens(a: StoredToken, b: StoredToken, sortBy: ListTokensRequest["sortBy"]): number {
  if (sortBy === "ExpirationDate") {
    const byExpiry = (a.expireAt ?? Number.POSITIVE_INFINITY) - (b.expireAt ?? Number.POSITIVE_INFINITY);
    if (byExpiry !== 0 && !Number.isNaN(byExpiry)) return byExpiry;
  }
  return compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.name, b.name) || compareText(a.id, b.id);
}

function withArticle(label: string): string {
  return `${/^[aeiou]/.test(label) ? "an" : "a"} ${label}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
