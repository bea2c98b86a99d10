import {
  buildSchema,
  GraphQLError,
  GraphQLSchema,
  isEnumType,
  isScalarType,
  Kind,
  print,
  type ValueNode,
} from "graphql";

/**
 * The part of the LogScale 1.204.0 GraphQL API that the emulator implements.
 *
 * Written by hand from the API facts; a conformance test checks every name, argument list,
 * type and nullability against the real introspected schema, so a document the real server
 * would reject is rejected here too. Object types are trimmed to the fields the emulator can
 * answer; input types and enums are always complete (enum values in real schema order,
 * because the emulator returns permissions in that order).
 *
 * Kept as a string constant (not a .graphql file) so that it ships inside dist/ unchanged.
 */
export const EMULATOR_SDL = /* GraphQL */ `
schema {
  query: Query
  mutation: Mutation
}

type Query {
  token(tokenId: String!): Token!
  tokens(searchFilter: String, typeFilter: [Tokens__Type!], parentEntityIdFilter: [String!], sortBy: Tokens__SortBy!, orderBy: OrderBy, skip: Int, limit: Int): TokenQueryResultSet!
  ipFilters: [IPFilter!]!
  searchDomain(name: String!): SearchDomain!
  searchDomains(includeHidden: Boolean): [SearchDomain!]!
  repository(name: String!, includeHidden: Boolean): Repository!
  organization: Organization!
  meta(url: String): HumioMetadata!
}

type Mutation {
  createOrganizationPermissionsToken(input: CreateOrganizationPermissionTokenInput!): String!
  createOrganizationPermissionsTokenV2(input: CreateOrganizationPermissionsTokenV2Input!): CreateOrganizationPermissionsTokenV2Output!
  createSystemPermissionsToken(input: CreateSystemPermissionTokenInput!): String!
  createSystemPermissionsTokenV2(input: CreateSystemPermissionTokenV2Input!): CreateSystemPermissionsTokenV2Output!
  createViewPermissionsToken(input: CreateViewPermissionsTokenInput!): String!
  createViewPermissionsTokenV2(input: CreateViewPermissionsTokenV2Input!): CreateViewPermissionsTokenV2Output!
  updateOrganizationPermissionsTokenPermissions(input: UpdateOrganizationPermissionsTokenPermissionsInput!): String!
  updateSystemPermissionsTokenPermissions(input: UpdateSystemPermissionsTokenPermissionsInput!): String!
  updateViewPermissionsTokenPermissions(input: UpdateViewPermissionsTokenPermissionsInput!): String!
  deleteToken(input: InputData!): Boolean!
  rotateToken(input: RotateTokenInputData!): String!
  updateTokenSecurityPolicies(input: TokenSecurityPoliciesInput!): Organization!
  createIPFilter(input: IPFilterInput!): IPFilter!
  updateIPFilter(input: IPFilterUpdateInput!): IPFilter!
  deleteIPFilter(input: IPFilterIdInput!): Boolean!
}

interface Token {
  id: String!
  name: String!
  expireAt: Long
  ipFilter: String
  ipFilterV2: IPFilter
  createdAt: Long!
}

type OrganizationPermissionsToken implements Token {
  permissions: [String!]!
  id: String!
  name: String!
  expireAt: Long
  ipFilter: String
  ipFilterV2: IPFilter
  createdAt: Long!
}

type SystemPermissionsToken implements Token {
  permissions: [String!]!
  id: String!
  name: String!
  expireAt: Long
  ipFilter: String
  ipFilterV2: IPFilter
  createdAt: Long!
}

# searchAssetPermissions is left out: the emulator models no assets to report on.
type ViewPermissionsToken implements Token {
  permissions: [String!]!
  views: [SearchDomain!]!
  id: String!
  name: String!
  expireAt: Long
  ipFilter: String
  ipFilterV2: IPFilter
  createdAt: Long!
}

# Declared so the Token interface has all its real implementations; the emulator has no
# users, so it never creates one.
type PersonalUserToken implements Token {
  id: String!
  name: String!
  expireAt: Long
  ipFilter: String
  ipFilterV2: IPFilter
  createdAt: Long!
}

type TokenQueryResultSet {
  totalResults: Int!
  results: [Token!]!
}

type IPFilter {
  id: String!
  name: String!
  ipFilter: String!
}

input IPFilterInput {
  name: String!
  ipFilter: String!
}

input IPFilterUpdateInput {
  id: String!
  name: String
  ipFilter: String
}

input IPFilterIdInput {
  id: String!
}

input CreateOrganizationPermissionTokenInput {
  name: String!
  expireAt: Long
  ipFilterId: String
  permissions: [OrganizationPermission!]!
}

input CreateOrganizationPermissionsTokenV2Input {
  name: String!
  expireAt: Long
  ipFilterId: String
  organizationPermissions: [OrganizationPermission!]!
}

type CreateOrganizationPermissionsTokenV2Output {
  token: String!
  tokenMetadata: OrganizationPermissionsToken!
}

input CreateSystemPermissionTokenInput {
  name: String!
  expireAt: Long
  ipFilterId: String
  permissions: [SystemPermission!]!
}

input CreateSystemPermissionTokenV2Input {
  name: String!
  expireAt: Long
  ipFilterId: String
  systemPermissions: [SystemPermission!]!
}

type CreateSystemPermissionsTokenV2Output {
  token: String!
  tokenMetadata: SystemPermissionsToken!
}

input CreateViewPermissionsTokenInput {
  name: String!
  expireAt: Long
  ipFilterId: String
  viewIds: [String!]!
  permissions: [Permission!]!
}

input CreateViewPermissionsTokenV2Input {
  name: String!
  expireAt: Long
  ipFilterId: String
  viewIds: [String!]!
  viewPermissions: [Permission!]!
  assetPermissionAssignments: [ViewPermissionsTokenAssetPermissionAssignmentInput!]
}

type CreateViewPermissionsTokenV2Output {
  token: String!
  tokenMetadata: ViewPermissionsToken!
}

input ViewPermissionsTokenAssetPermissionAssignmentInput {
  assetResourceIdentifier: String!
  permissions: [AssetPermission!]!
}

input UpdateOrganizationPermissionsTokenPermissionsInput {
  id: String!
  permissions: [OrganizationPermission!]!
}

input UpdateSystemPermissionsTokenPermissionsInput {
  id: String!
  permissions: [SystemPermission!]!
}

input UpdateViewPermissionsTokenPermissionsInput {
  id: String!
  permissions: [Permission!]!
}

input InputData {
  id: String!
}

input RotateTokenInputData {
  id: String!
}

input TokenSecurityPoliciesInput {
  personalUserTokensEnabled: Boolean!
  personalUserTokensEnforceExpirationAfterMs: Long
  personalUserTokensEnforceIpFilterId: String
  viewPermissionTokensEnabled: Boolean!
  viewPermissionTokensEnforceExpirationAfterMs: Long
  viewPermissionTokensEnforceIpFilterId: String
  viewPermissionTokensAllowPermissionUpdates: Boolean!
  organizationPermissionTokensEnabled: Boolean!
  organizationPermissionTokensEnforceExpirationAfterMs: Long
  organizationPermissionTokensEnforceIpFilterId: String
  organizationPermissionTokensAllowPermissionUpdates: Boolean!
  systemPermissionTokensEnabled: Boolean
  systemPermissionTokensEnforceExpirationAfterMs: Long
  systemPermissionTokensEnforceIpFilterId: String
  systemPermissionTokensAllowPermissionUpdates: Boolean
}

type TokenSecurityPolicies {
  personalUserTokensEnabled: Boolean!
  personalUserTokensEnforceExpirationAfterMs: Long
  personalUserTokensEnforceIpFilter: IPFilter
  viewPermissionTokensEnabled: Boolean!
  viewPermissionTokensEnforceExpirationAfterMs: Long
  viewPermissionTokensEnforceIpFilter: IPFilter
  viewPermissionTokensAllowPermissionUpdates: Boolean
  organizationPermissionTokensEnabled: Boolean!
  organizationPermissionTokensEnforceExpirationAfterMs: Long
  organizationPermissionTokensEnforceIpFilter: IPFilter
  organizationPermissionTokensAllowPermissionUpdates: Boolean
  systemPermissionTokensEnabled: Boolean!
  systemPermissionTokensEnforceExpirationAfterMs: Long
  systemPermissionTokensEnforceIpFilter: IPFilter
  systemPermissionTokensAllowPermissionUpdates: Boolean
}

type Organization {
  id: String!
  name: String!
  configs: OrganizationConfigs!
}

type HumioMetadata {
  clusterId: String!
}

type OrganizationConfigs {
  tokens: TokenSecurityPolicies
}

interface SearchDomain {
  id: String!
  name: RepoOrViewName!
  description: String
  deletedDate: Long
  permanentlyDeletedAt: Long
  automaticSearch: Boolean!
}

type View implements SearchDomain {
  id: String!
  name: RepoOrViewName!
  description: String
  deletedDate: Long
  permanentlyDeletedAt: Long
  automaticSearch: Boolean!
  isFederated: Boolean!
}

type Repository implements SearchDomain {
  id: String!
  name: RepoOrViewName!
  description: String
  deletedDate: Long
  permanentlyDeletedAt: Long
  automaticSearch: Boolean!
  type: RepositoryType!
}

enum RepositoryType {
  PERSONAL
  TRIAL
  DEFAULT
  SYSTEM
  MANAGED
}

enum Tokens__Type {
  ViewPermissionToken
  OrganizationPermissionToken
  OrganizationManagementPermissionToken
  SystemPermissionToken
}

enum Tokens__SortBy {
  ExpirationDate
  Name
}

enum OrderBy {
  DESC
  ASC
}

enum OrganizationPermission {
  ExportOrganization
  ChangeOrganizationPermissions
  ChangeIdentityProviders
  CreateRepository
  ManageUsers
  ViewUsage
  ChangeOrganizationSettings
  ChangeIPFilters
  ChangeSessions
  ChangeAllViewOrRepositoryPermissions
  IngestAcrossAllReposWithinOrganization
  DeleteAllRepositories
  DeleteAllViews
  ViewAllInternalNotifications
  ChangeFleetManagement
  ViewFleetManagement
  ChangeTriggersToRunAsOtherUsers
  MonitorQueries
  BlockQueries
  ChangeSecurityPolicies
  ChangeExternalFunctions
  ChangeFieldAliases
  ManageViewConnections
}

enum SystemPermission {
  ReadHealthCheck
  ViewOrganizations
  ManageOrganizations
  ImportOrganization
  DeleteOrganizations
  ChangeSystemPermissions
  ManageCluster
  IngestAcrossAllReposWithinCluster
  DeleteHumioOwnedRepositoryOrView
  ChangeUsername
  ChangeFeatureFlags
  ChangeSubdomains
  ListSubdomains
  PatchGlobal
  ChangeBucketStorage
  ManageOrganizationLinks
}

enum Permission {
  ChangeUserAccess
  ChangeTriggers
  CreateTriggers
  UpdateTriggers
  DeleteTriggers
  ChangeActions
  CreateActions
  UpdateActions
  DeleteActions
  ChangeDashboards
  CreateDashboards
  UpdateDashboards
  DeleteDashboards
  ChangeDashboardReadonlyToken
  ChangeFiles
  CreateFiles
  UpdateFiles
  DeleteFiles
  ChangeInteractions
  ChangeParsers
  ChangeSavedQueries
  CreateSavedQueries
  UpdateSavedQueries
  DeleteSavedQueries
  ConnectView
  ChangeArchivingSettings
  ChangeDataDeletionPermissions
  ChangeRetention
  ChangeDefaultSearchSettings
  ChangeS3ArchivingSettings
  DeleteDataSources
  DeleteRepositoryOrView
  DeleteEvents
  ReadAccess
  ChangeIngestTokens
  ChangePackages
  ChangeViewOrRepositoryDescription
  ChangeConnections
  EventForwarding
  QueryDashboard
  ChangeViewOrRepositoryPermissions
  ChangeFdrFeeds
  OrganizationOwnedQueries
  ReadExternalFunctions
  ChangeIngestFeeds
  ChangeScheduledReports
  CreateScheduledReports
  UpdateScheduledReports
  DeleteScheduledReports
}

enum AssetPermission {
  UpdateAsset
  DeleteAsset
}

scalar Long

scalar RepoOrViewName
`;

/** Long is a JSON number on the wire; only safe integers survive a round trip through JS. */
function toLong(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  throw new GraphQLError(`Long cannot represent a non-integer or unsafe value: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "a list" : typeof value;
}

function parseLongLiteral(node: ValueNode): number {
  const value = node.kind === Kind.INT ? Number(node.value) : undefined;
  if (value !== undefined && Number.isSafeInteger(value)) return value;
  // `nodes` gives the validation error a location, like every other document error.
  throw new GraphQLError(`Long cannot represent a non-integer or unsafe value: ${print(node)}`, { nodes: node });
}

function buildEmulatorSchema(): GraphQLSchema {
  const schema = buildSchema(EMULATOR_SDL);
  const long = schema.getType("Long");
  if (!isScalarType(long)) throw new Error("emulator SDL lacks the Long scalar");
  // buildSchema gives custom scalars pass-through behaviour; Long needs real coercion so a
  // fractional or string expireAt is rejected the way a JVM server rejects it.
  long.serialize = toLong;
  long.parseValue = toLong;
  long.parseLiteral = parseLongLiteral;
  return schema;
}

export const emulatorSchema: GraphQLSchema = buildEmulatorSchema();

/** Values of an SDL enum in schema order; the emulator sorts permission lists by it. */
export function enumValues(name: string): readonly string[] {
  const type = emulatorSchema.getType(name);
  if (!isEnumType(type)) throw new Error(`emulator SDL has no enum ${name}`);
  return type.getValues().map((v) => v.name);
}
