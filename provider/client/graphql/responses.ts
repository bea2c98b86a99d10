/**
 * zod schemas of every answer the client accepts, and the plain types the rest of the
 * package sees. Nothing from the network is used before it passes one of these.
 */
import { z } from "zod";

/** The GraphQL envelope. LogScale adds a string map `state` to error entries. */
export const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.object({
        message: z.string(),
        path: z.array(z.union([z.string(), z.number()])).optional(),
        state: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

const epochMs = z.number().int();

const ipFilterSchema = z.object({ id: z.string(), name: z.string(), ipFilter: z.string() });
export type IpFilter = z.infer<typeof ipFilterSchema>;

const searchDomainSchema = z.object({
  __typename: z.enum(["View", "Repository"]),
  id: z.string(),
  name: z.string(),
});
export interface SearchDomainRef {
  readonly kind: "View" | "Repository";
  readonly id: string;
  readonly name: string;
}
const toSearchDomainRef = (domain: z.infer<typeof searchDomainSchema>): SearchDomainRef => ({
  kind: domain.__typename,
  id: domain.id,
  name: domain.name,
});

const commonTokenFields = {
  id: z.string().min(1),
  name: z.string(),
  expireAt: epochMs.nullable(),
  createdAt: epochMs,
  ipFilterV2: ipFilterSchema.nullable(),
};

const tokenFieldsSchema = z.discriminatedUnion("__typename", [
  z.object({ __typename: z.literal("OrganizationPermissionsToken"), ...commonTokenFields, permissions: z.array(z.string()) }),
  z.object({ __typename: z.literal("SystemPermissionsToken"), ...commonTokenFields, permissions: z.array(z.string()) }),
  z.object({
    __typename: z.literal("ViewPermissionsToken"),
    ...commonTokenFields,
    permissions: z.array(z.string()),
    views: z.array(searchDomainSchema),
  }),
  z.object({ __typename: z.literal("PersonalUserToken"), ...commonTokenFields }),
]);

export type TokenType = "organization" | "system" | "view" | "personal";

const tokenTypeByTypename = {
  OrganizationPermissionsToken: "organization",
  SystemPermissionsToken: "system",
  ViewPermissionsToken: "view",
  PersonalUserToken: "personal",
} as const;

/** A token as the server reports it. `permissions` are strings: the server may know newer values. */
export interface TokenMetadata {
  readonly type: TokenType;
  readonly id: string;
  readonly name: string;
  /** Epoch milliseconds, or null when the token never expires. */
  readonly expireAt: number | null;
  readonly createdAt: number;
  readonly ipFilter: IpFilter | null;
  readonly permissions: readonly string[];
  /** View tokens only: the views and repositories the token covers (as far as the caller can see). */
  readonly views: readonly SearchDomainRef[];
}

const tokenMetadataSchema = tokenFieldsSchema.transform(
  (token): TokenMetadata => ({
    type: tokenTypeByTypename[token.__typename],
    id: token.id,
    name: token.name,
    expireAt: token.expireAt,
    createdAt: token.createdAt,
    ipFilter: token.ipFilterV2,
    permissions: "permissions" in token ? token.permissions : [],
    views: "views" in token ? token.views.map(toSearchDomainRef) : [],
  }),
);

export interface CreatedToken {
  /** The credential `<tokenId>~<secret>`. Only creation and rotation ever reveal it. */
  readonly token: string;
  readonly metadata: TokenMetadata;
}

const createdTokenSchema = z
  .object({ token: z.string().min(1), tokenMetadata: tokenMetadataSchema })
  .transform((created): CreatedToken => ({ token: created.token, metadata: created.tokenMetadata }));

export const createOrganizationPermissionsTokenV2Data = z
  .object({ createOrganizationPermissionsTokenV2: createdTokenSchema })
  .transform((data) => data.createOrganizationPermissionsTokenV2);
export const createSystemPermissionsTokenV2Data = z
  .object({ createSystemPermissionsTokenV2: createdTokenSchema })
  .transform((data) => data.createSystemPermissionsTokenV2);
export const createViewPermissionsTokenV2Data = z
  .object({ createViewPermissionsTokenV2: createdTokenSchema })
  .transform((data) => data.createViewPermissionsTokenV2);

export const updateOrganizationPermissionsTokenPermissionsData = z
  .object({ updateOrganizationPermissionsTokenPermissions: z.string() })
  .transform((data) => data.updateOrganizationPermissionsTokenPermissions);
export const updateSystemPermissionsTokenPermissionsData = z
  .object({ updateSystemPermissionsTokenPermissions: z.string() })
  .transform((data) => data.updateSystemPermissionsTokenPermissions);
export const updateViewPermissionsTokenPermissionsData = z
  .object({ updateViewPermissionsTokenPermissions: z.string() })
  .transform((data) => data.updateViewPermissionsTokenPermissions);

export const deleteTokenData = z.object({ deleteToken: z.boolean() }).transform((data) => data.deleteToken);
export const rotateTokenData = z.object({ rotateToken: z.string().min(1) }).transform((data) => data.rotateToken);

export const tokenData = z.object({ token: tokenMetadataSchema }).transform((data) => data.token);

export interface TokenPage {
  readonly totalResults: number;
  readonly results: readonly TokenMetadata[];
}
export const tokensData = z
  .object({ tokens: z.object({ totalResults: z.number().int(), results: z.array(tokenMetadataSchema) }) })
  .transform((data): TokenPage => data.tokens);

export const searchDomainData = z
  .object({ searchDomain: searchDomainSchema })
  .transform((data) => toSearchDomainRef(data.searchDomain));

export const searchDomainsData = z
  .object({ searchDomains: z.array(searchDomainSchema) })
  .transform((data) => data.searchDomains.map(toSearchDomainRef));

export const ipFiltersData = z.object({ ipFilters: z.array(ipFilterSchema) }).transform((data) => data.ipFilters);

const tokenSecurityPoliciesSchema = z.object({
  personalUserTokensEnabled: z.boolean(),
  personalUserTokensEnforceExpirationAfterMs: epochMs.nullable(),
  personalUserTokensEnforceIpFilter: ipFilterSchema.nullable(),
  viewPermissionTokensEnabled: z.boolean(),
  viewPermissionTokensEnforceExpirationAfterMs: epochMs.nullable(),
  viewPermissionTokensEnforceIpFilter: ipFilterSchema.nullable(),
  viewPermissionTokensAllowPermissionUpdates: z.boolean().nullable(),
  organizationPermissionTokensEnabled: z.boolean(),
  organizationPermissionTokensEnforceExpirationAfterMs: epochMs.nullable(),
  organizationPermissionTokensEnforceIpFilter: ipFilterSchema.nullable(),
  organizationPermissionTokensAllowPermissionUpdates: z.boolean().nullable(),
  systemPermissionTokensEnabled: z.boolean(),
  systemPermissionTokensEnforceExpirationAfterMs: epochMs.nullable(),
  systemPermissionTokensEnforceIpFilter: ipFilterSchema.nullable(),
  systemPermissionTokensAllowPermissionUpdates: z.boolean().nullable(),
});
export type TokenSecurityPolicies = z.infer<typeof tokenSecurityPoliciesSchema>;

export interface OrganizationTokenPolicies {
  readonly organizationId: string;
  readonly organizationName: string;
  /** Null when the server does not report policies (older versions). */
  readonly policies: TokenSecurityPolicies | null;
}
export const tokenSecurityPoliciesData = z
  .object({
    organization: z.object({
      id: z.string(),
      name: z.string(),
      configs: z.object({ tokens: tokenSecurityPoliciesSchema.nullable() }),
    }),
  })
  .transform(
    (data): OrganizationTokenPolicies => ({
      organizationId: data.organization.id,
      organizationName: data.organization.name,
      policies: data.organization.configs.tokens,
    }),
  );

/** Where a token lives: which LogScale cluster, and which organization in it. */
export interface TokenHome {
  readonly clusterId: string;
  readonly organizationId: string;
}
export const homeData = z
  .object({ meta: z.object({ clusterId: z.string().min(1) }), organization: z.object({ id: z.string().min(1) }) })
  .transform((data): TokenHome => ({ clusterId: data.meta.clusterId, organizationId: data.organization.id }));
