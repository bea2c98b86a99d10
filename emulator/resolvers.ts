import { z } from "zod";
import {
  administrableKinds,
  assertCanAdminister,
  assertCanAdministerTokens,
  assertCanChangeIpFilters,
  assertCanChangePolicies,
  assertCanReadIpFilters,
  assertCanReadPolicies,
  canSeeSearchDomain,
} from "./access";
import type { Caller } from "./auth";
import { LogScaleError } from "./errors";
import type { IpFilterService } from "./ip-filters";
import type { IpFilterRecord, SearchDomainRecord, StoredToken, TokenKind } from "./model";
import { policiesInputSchema, updateTokenSecurityPolicies } from "./policies";
import type { Store } from "./store";
import type { Clock } from "./clock";
import type { CreateTokenRequest, TokenService } from "./tokens";

/** Per-request context handed to graphql-js `execute`. */
export class RequestContext {
  constructor(readonly caller: Caller) {}
}

export interface ResolverDeps {
  store: Store;
  clock: Clock;
  tokens: TokenService;
  ipFilters: IpFilterService;
}

type RootResolver = (args: unknown, context: unknown) => unknown;

// graphql-js has already checked the arguments against the SDL; these schemas only turn
// `unknown` into typed values without casts.
const idInput = z.object({ input: z.object({ id: z.string() }) });
const createBase = { name: z.string(), expireAt: z.number().nullish(), ipFilterId: z.string().nullish() };
const permissionList = z.array(z.string());
const orgV1 = z.object({ input: z.object({ ...createBase, permissions: permissionList }) });
const orgV2 = z.object({ input: z.object({ ...createBase, organizationPermissions: permissionList }) });
const systemV1 = z.object({ input: z.object({ ...createBase, permissions: permissionList }) });
const systemV2 = z.object({ input: z.object({ ...createBase, systemPermissions: permissionList }) });
const viewV1 = z.object({ input: z.object({ ...createBase, viewIds: z.array(z.string()), permissions: permissionList }) });
const viewV2 = z.object({
  input: z.object({
    ...createBase,
    viewIds: z.array(z.string()),
    viewPermissions: permissionList,
    assetPermissionAssignments: z
      .array(z.object({ assetResourceIdentifier: z.string(), permissions: permissionList }))
      .nullish(),
  }),
});
const updateInput = z.object({ input: z.object({ id: z.string(), permissions: permissionList }) });
const tokensArgs = z.object({
  searchFilter: z.string().nullish(),
  typeFilter: z
    .array(z.enum(["ViewPermissionToken", "OrganizationPermissionToken", "OrganizationManagementPermissionToken", "SystemPermissionToken"]))
    .nullish(),
  parentEntityIdFilter: z.array(z.string()).nullish(),
  sortBy: z.enum(["Name", "ExpirationDate"]),
  orderBy: z.enum(["ASC", "DESC"]).nullish(),
  skip: z.number().int().nullish(),
  limit: z.number().int().nullish(),
});
const tokenArgs = z.object({ tokenId: z.string() });
const nameArgs = z.object({ name: z.string() });
const policiesArgs = z.object({ input: policiesInputSchema });
const ipFilterCreateArgs = z.object({ input: z.object({ name: z.string(), ipFilter: z.string() }) });
const ipFilterUpdateArgs = z.object({ input: z.object({ id: z.string(), name: z.string().nullish(), ipFilter: z.string().nullish() }) });

/** Defaults as documented by LogScale (the SDL cannot carry them). */
const DEFAULT_PAGE_SIZE = 50;

function callerOf(context: unknown): Caller {
  if (!(context instanceof RequestContext)) throw new Error("resolver called without a RequestContext");
  return context.caller;
}

export function createRootValue(deps: ResolverDeps): Record<string, RootResolver> {
  const { store, clock, tokens, ipFilters } = deps;

  const presentIpFilter = (id: string | null): IpFilterRecord | null => {
    const filter = id === null ? undefined : ipFilters.find(id);
    return filter === undefined ? null : { ...filter };
  };

  const presentSearchDomain = (domain: SearchDomainRecord): Record<string, unknown> => ({
    ...domain,
    deletedDate: null,
    permanentlyDeletedAt: null,
  });

  const presentToken = (token: StoredToken, caller: Caller): Record<string, unknown> => {
    const filter = presentIpFilter(token.ipFilterId);
    return {
      __typename: token.kind,
      id: token.id,
      name: token.name,
      expireAt: token.expireAt,
      createdAt: token.createdAt,
      // The legacy string form: taken to be the filter's rule text (not established).
      ipFilter: filter?.ipFilter ?? null,
      ipFilterV2: filter,
      permissions: [...token.permissions],
      // "views" lists only the search domains the caller can see, as the real schema says.
      views: token.viewIds
        .map((id) => store.state.searchDomains.find((d) => d.id === id))
        .filter((d): d is SearchDomainRecord => d !== undefined && canSeeSearchDomain(caller, d))
        .map(presentSearchDomain),
    };
  };

  const presentPolicies = (): Record<string, unknown> => {
    const p = store.state.tokenSecurityPolicies;
    return {
      personalUserTokensEnabled: p.personalUserTokensEnabled,
      personalUserTokensEnforceExpirationAfterMs: p.personalUserTokensEnforceExpirationAfterMs,
      personalUserTokensEnforceIpFilter: presentIpFilter(p.personalUserTokensEnforceIpFilterId),
      viewPermissionTokensEnabled: p.viewPermissionTokensEnabled,
      viewPermissionTokensEnforceExpirationAfterMs: p.viewPermissionTokensEnforceExpirationAfterMs,
      viewPermissionTokensEnforceIpFilter: presentIpFilter(p.viewPermissionTokensEnforceIpFilterId),
      viewPermissionTokensAllowPermissionUpdates: p.viewPermissionTokensAllowPermissionUpdates,
      organizationPermissionTokensEnabled: p.organizationPermissionTokensEnabled,
      organizationPermissionTokensEnforceExpirationAfterMs: p.organizationPermissionTokensEnforceExpirationAfterMs,
      organizationPermissionTokensEnforceIpFilter: presentIpFilter(p.organizationPermissionTokensEnforceIpFilterId),
      organizationPermissionTokensAllowPermissionUpdates: p.organizationPermissionTokensAllowPermissionUpdates,
      systemPermissionTokensEnabled: p.systemPermissionTokensEnabled,
      systemPermissionTokensEnforceExpirationAfterMs: p.systemPermissionTokensEnforceExpirationAfterMs,
      systemPermissionTokensEnforceIpFilter: presentIpFilter(p.systemPermissionTokensEnforceIpFilterId),
      systemPermissionTokensAllowPermissionUpdates: p.systemPermissionTokensAllowPermissionUpdates,
    };
  };

  const presentOrganization = (caller: Caller): Record<string, unknown> => ({
    id: store.state.organization.id,
    name: store.state.organization.name,
    configs: {
      // Checked lazily so that `organization { id name }` stays readable for every caller.
      tokens: () => {
        assertCanReadPolicies(caller);
        return presentPolicies();
      },
    },
  });

  /** Looks a token up for an operation that needs to know its kind before authorizing. */
  const administeredToken = (caller: Caller, id: string): StoredToken => {
    assertCanAdministerTokens(caller);
    const token = tokens.get(id);
    assertCanAdminister(caller, token.kind);
    return token;
  };

  const create = (caller: Caller, request: CreateTokenRequest): { tokenString: string; metadata: Record<string, unknown> } => {
    assertCanAdminister(caller, request.kind);
    const { tokenString, token } = tokens.create(request);
    return { tokenString, metadata: presentToken(token, caller) };
  };

  const base = (
    kind: TokenKind,
    input: { name: string; expireAt?: number | null | undefined; ipFilterId?: string | null | undefined },
  ): Omit<CreateTokenRequest, "permissions"> => ({
    kind,
    name: input.name,
    expireAt: input.expireAt ?? null,
    ipFilterId: input.ipFilterId ?? null,
    viewIds: [],
    assetPermissionAssignments: [],
  });

  const update = (kind: TokenKind) => (args: unknown, context: unknown) => {
    const caller = callerOf(context);
    const { input } = updateInput.parse(args);
    administeredToken(caller, input.id);
    return tokens.updatePermissions(kind, input.id, input.permissions);
  };

  const findSearchDomain = (caller: Caller, name: string, repositoriesOnly: boolean): SearchDomainRecord => {
    const domain = store.state.searchDomains.find(
      (d) => d.name.toLowerCase() === name.toLowerCase() && (!repositoriesOnly || d.__typename === "Repository"),
    );
    if (domain === undefined || !canSeeSearchDomain(caller, domain)) {
      const what = repositoriesOnly ? "a repository" : "a view or repository";
      throw new LogScaleError(`Could not find ${what} with name '${name}'`, { code: "SearchDomainNotFound", name });
    }
    return domain;
  };

  return {
    // ---- queries ----
    token: (args, context) => {
      const caller = callerOf(context);
      const { tokenId } = tokenArgs.parse(args);
      return presentToken(administeredToken(caller, tokenId), caller);
    },
    tokens: (args, context) => {
      const caller = callerOf(context);
      assertCanAdministerTokens(caller);
      const a = tokensArgs.parse(args);
      const page = tokens.list(
        {
          searchFilter: a.searchFilter ?? null,
          typeFilter: a.typeFilter ?? null,
          parentEntityIdFilter: a.parentEntityIdFilter ?? null,
          sortBy: a.sortBy,
          orderBy: a.orderBy ?? "ASC",
          skip: a.skip ?? 0,
          limit: a.limit ?? DEFAULT_PAGE_SIZE,
        },
        administrableKinds(caller),
      );
      return { totalResults: page.totalResults, results: page.results.map((t) => presentToken(t, caller)) };
    },
    ipFilters: (_args, context) => {
      assertCanReadIpFilters(callerOf(context));
      return ipFilters.list();
    },
    searchDomain: (args, context) => presentSearchDomain(findSearchDomain(callerOf(context), nameArgs.parse(args).name, false)),
    repository: (args, context) => presentSearchDomain(findSearchDomain(callerOf(context), nameArgs.parse(args).name, true)),
    searchDomains: (_args, context) => {
      const caller = callerOf(context);
      return store.state.searchDomains.filter((d) => canSeeSearchDomain(caller, d)).map(presentSearchDomain);
    },
    organization: (_args, context) => presentOrganization(callerOf(context)),
    // Any authenticated caller may ask which cluster this is; the emulator ignores `url`.
    meta: () => ({ clusterId: store.state.clusterId }),

    // ---- token creation ----
    createOrganizationPermissionsToken: (args, context) => {
      const { input } = orgV1.parse(args);
      return create(callerOf(context), { ...base("OrganizationPermissionsToken", input), permissions: input.permissions }).tokenString;
    },
    createOrganizationPermissionsTokenV2: (args, context) => {
      const { input } = orgV2.parse(args);
      const created = create(callerOf(context), {
        ...base("OrganizationPermissionsToken", input),
        permissions: input.organizationPermissions,
      });
      return { token: created.tokenString, tokenMetadata: created.metadata };
    },
    createSystemPermissionsToken: (args, context) => {
      const { input } = systemV1.parse(args);
      return create(callerOf(context), { ...base("SystemPermissionsToken", input), permissions: input.permissions }).tokenString;
    },
    createSystemPermissionsTokenV2: (args, context) => {
      const { input } = systemV2.parse(args);
      const created = create(callerOf(context), { ...base("SystemPermissionsToken", input), permissions: input.systemPermissions });
      return { token: created.tokenString, tokenMetadata: created.metadata };
    },
    createViewPermissionsToken: (args, context) => {
      const { input } = viewV1.parse(args);
      return create(callerOf(context), {
        ...base("ViewPermissionsToken", input),
        viewIds: input.viewIds,
        permissions: input.permissions,
      }).tokenString;
    },
    createViewPermissionsTokenV2: (args, context) => {
      const { input } = viewV2.parse(args);
      const created = create(callerOf(context), {
        ...base("ViewPermissionsToken", input),
        viewIds: input.viewIds,
        permissions: input.viewPermissions,
        assetPermissionAssignments: input.assetPermissionAssignments ?? [],
      });
      return { token: created.tokenString, tokenMetadata: created.metadata };
    },

    // ---- token maintenance ----
    updateOrganizationPermissionsTokenPermissions: update("OrganizationPermissionsToken"),
    updateSystemPermissionsTokenPermissions: update("SystemPermissionsToken"),
    updateViewPermissionsTokenPermissions: update("ViewPermissionsToken"),
    deleteToken: (args, context) => {
      const { input } = idInput.parse(args);
      administeredToken(callerOf(context), input.id);
      return tokens.delete(input.id);
    },
    rotateToken: (args, context) => {
      const { input } = idInput.parse(args);
      administeredToken(callerOf(context), input.id);
      return tokens.rotate(input.id);
    },

    // ---- organization settings ----
    updateTokenSecurityPolicies: (args, context) => {
      const caller = callerOf(context);
      assertCanChangePolicies(caller);
      updateTokenSecurityPolicies(store, clock, policiesArgs.parse(args).input);
      return presentOrganization(caller);
    },
    createIPFilter: (args, context) => {
      assertCanChangeIpFilters(callerOf(context));
      const { input } = ipFilterCreateArgs.parse(args);
      return ipFilters.create(input.name, input.ipFilter);
    },
    updateIPFilter: (args, context) => {
      assertCanChangeIpFilters(callerOf(context));
      const { input } = ipFilterUpdateArgs.parse(args);
      return ipFilters.update(input.id, input.name ?? null, input.ipFilter ?? null);
    },
    deleteIPFilter: (args, context) => {
      assertCanChangeIpFilters(callerOf(context));
      return ipFilters.delete(idInput.parse(args).input.id);
    },
  };
}
