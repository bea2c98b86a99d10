import { z } from "zod";

/**
 * The emulator's data model. Records are zod schemas because they cross a trust boundary
 * twice: seed files written by users and the state file read back from disk.
 */

export const TOKEN_KINDS = ["OrganizationPermissionsToken", "SystemPermissionsToken", "ViewPermissionsToken"] as const;
/** The GraphQL __typename doubles as the kind, so stored records need no mapping on the way out. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

const nonEmpty = z.string().min(1);

export const organizationSchema = z.object({ id: nonEmpty, name: nonEmpty }).strict();
export type OrganizationRecord = z.infer<typeof organizationSchema>;

export const ipFilterSchema = z.object({ id: nonEmpty, name: nonEmpty, ipFilter: z.string() }).strict();
export type IpFilterRecord = z.infer<typeof ipFilterSchema>;

export const REPOSITORY_TYPES = ["PERSONAL", "TRIAL", "DEFAULT", "SYSTEM", "MANAGED"] as const;

const searchDomainBase = {
  id: nonEmpty,
  name: nonEmpty,
  description: z.string().nullable(),
  automaticSearch: z.boolean(),
};

export const searchDomainSchema = z.discriminatedUnion("__typename", [
  z.object({ __typename: z.literal("View"), ...searchDomainBase, isFederated: z.boolean() }).strict(),
  z.object({ __typename: z.literal("Repository"), ...searchDomainBase, type: z.enum(REPOSITORY_TYPES) }).strict(),
]);
export type SearchDomainRecord = z.infer<typeof searchDomainSchema>;

const lifetime = z.number().int().positive().nullable();
const ipFilterRef = nonEmpty.nullable();

/** Same field names as TokenSecurityPoliciesInput, with the "keep current" nulls resolved. */
export const tokenSecurityPoliciesSchema = z
  .object({
    personalUserTokensEnabled: z.boolean(),
    personalUserTokensEnforceExpirationAfterMs: lifetime,
    personalUserTokensEnforceIpFilterId: ipFilterRef,
    viewPermissionTokensEnabled: z.boolean(),
    viewPermissionTokensEnforceExpirationAfterMs: lifetime,
    viewPermissionTokensEnforceIpFilterId: ipFilterRef,
    viewPermissionTokensAllowPermissionUpdates: z.boolean(),
    organizationPermissionTokensEnabled: z.boolean(),
    organizationPermissionTokensEnforceExpirationAfterMs: lifetime,
    organizationPermissionTokensEnforceIpFilterId: ipFilterRef,
    organizationPermissionTokensAllowPermissionUpdates: z.boolean(),
    systemPermissionTokensEnabled: z.boolean(),
    systemPermissionTokensEnforceExpirationAfterMs: lifetime,
    systemPermissionTokensEnforceIpFilterId: ipFilterRef,
    systemPermissionTokensAllowPermissionUpdates: z.boolean(),
  })
  .strict();
export type TokenSecurityPolicies = z.infer<typeof tokenSecurityPoliciesSchema>;

/** Policy field-name prefix per token kind (personal user tokens are never created here). */
export const POLICY_PREFIX: Readonly<Record<TokenKind, "viewPermissionTokens" | "organizationPermissionTokens" | "systemPermissionTokens">> = {
  ViewPermissionsToken: "viewPermissionTokens",
  OrganizationPermissionsToken: "organizationPermissionTokens",
  SystemPermissionsToken: "systemPermissionTokens",
};

export const assetAssignmentSchema = z
  .object({ assetResourceIdentifier: nonEmpty, permissions: z.array(z.string()) })
  .strict();
export type AssetAssignment = z.infer<typeof assetAssignmentSchema>;

export const storedTokenSchema = z
  .object({
    id: nonEmpty,
    kind: z.enum(TOKEN_KINDS),
    name: z.string(),
    permissions: z.array(z.string()),
    viewIds: z.array(z.string()),
    assetPermissionAssignments: z.array(assetAssignmentSchema),
    expireAt: z.number().int().nullable(),
    createdAt: z.number().int(),
    ipFilterId: nonEmpty.nullable(),
    // SHA-256 of the secret part only: the secret itself is never stored anywhere.
    secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type StoredToken = z.infer<typeof storedTokenSchema>;

export const stateSchema = z
  .object({
    version: z.literal(1),
    /** Which LogScale cluster this is (`meta { clusterId }`): the same for as long as the state lives. */
    clusterId: nonEmpty,
    organization: organizationSchema,
    tokenSecurityPolicies: tokenSecurityPoliciesSchema,
    searchDomains: z.array(searchDomainSchema),
    ipFilters: z.array(ipFilterSchema),
    tokens: z.array(storedTokenSchema),
  })
  .strict();
export type State = z.infer<typeof stateSchema>;

/** A state file as read from disk: files written before the cluster id existed have none. */
export const storedStateSchema = stateSchema.extend({ clusterId: nonEmpty.optional() });

/** Human label per kind, used in error messages. */
export const KIND_LABEL: Readonly<Record<TokenKind, string>> = {
  OrganizationPermissionsToken: "organization permission token",
  SystemPermissionsToken: "system permission token",
  ViewPermissionsToken: "view permission token",
};
