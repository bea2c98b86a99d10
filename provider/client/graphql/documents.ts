/**
 * Every GraphQL document the client sends. They are constants: values travel only as
 * variables (tests/schema validates each against the real 1.204.0 schema).
 */

/** What we read of any permissions token; the same selection for creates, reads and lists. */
const tokenFields = /* GraphQL */ `
  fragment TokenFields on Token {
    __typename
    id
    name
    expireAt
    createdAt
    ipFilterV2 { id name ipFilter }
    ... on OrganizationPermissionsToken { permissions }
    ... on SystemPermissionsToken { permissions }
    ... on ViewPermissionsToken {
      permissions
      views { __typename id name }
    }
  }
`;

export const createOrganizationPermissionsTokenV2 = /* GraphQL */ `
  mutation CreateOrganizationPermissionsTokenV2($input: CreateOrganizationPermissionsTokenV2Input!) {
    createOrganizationPermissionsTokenV2(input: $input) {
      token
      tokenMetadata { ...TokenFields }
    }
  }
  ${tokenFields}
`;

export const createSystemPermissionsTokenV2 = /* GraphQL */ `
  mutation CreateSystemPermissionsTokenV2($input: CreateSystemPermissionTokenV2Input!) {
    createSystemPermissionsTokenV2(input: $input) {
      token
      tokenMetadata { ...TokenFields }
    }
  }
  ${tokenFields}
`;

export const createViewPermissionsTokenV2 = /* GraphQL */ `
  mutation CreateViewPermissionsTokenV2($input: CreateViewPermissionsTokenV2Input!) {
    createViewPermissionsTokenV2(input: $input) {
      token
      tokenMetadata { ...TokenFields }
    }
  }
  ${tokenFields}
`;

export const updateOrganizationPermissionsTokenPermissions = /* GraphQL */ `
  mutation UpdateOrganizationPermissionsTokenPermissions($input: UpdateOrganizationPermissionsTokenPermissionsInput!) {
    updateOrganizationPermissionsTokenPermissions(input: $input)
  }
`;

export const updateSystemPermissionsTokenPermissions = /* GraphQL */ `
  mutation UpdateSystemPermissionsTokenPermissions($input: UpdateSystemPermissionsTokenPermissionsInput!) {
    updateSystemPermissionsTokenPermissions(input: $input)
  }
`;

export const updateViewPermissionsTokenPermissions = /* GraphQL */ `
  mutation UpdateViewPermissionsTokenPermissions($input: UpdateViewPermissionsTokenPermissionsInput!) {
    updateViewPermissionsTokenPermissions(input: $input)
  }
`;

export const deleteToken = /* GraphQL */ `
  mutation DeleteToken($id: String!) {
    deleteToken(input: { id: $id })
  }
`;

export const rotateToken = /* GraphQL */ `
  mutation RotateToken($id: String!) {
    rotateToken(input: { id: $id })
  }
`;

export const token = /* GraphQL */ `
  query Token($tokenId: String!) {
    token(tokenId: $tokenId) { ...TokenFields }
  }
  ${tokenFields}
`;

export const tokens = /* GraphQL */ `
  query Tokens(
    $searchFilter: String
    $typeFilter: [Tokens__Type!]
    $sortBy: Tokens__SortBy!
    $orderBy: OrderBy
    $skip: Int
    $limit: Int
  ) {
    tokens(
      searchFilter: $searchFilter
      typeFilter: $typeFilter
      sortBy: $sortBy
      orderBy: $orderBy
      skip: $skip
      limit: $limit
    ) {
      totalResults
      results { ...TokenFields }
    }
  }
  ${tokenFields}
`;

export const searchDomain = /* GraphQL */ `
  query SearchDomain($name: String!) {
    searchDomain(name: $name) { __typename id name }
  }
`;

export const searchDomains = /* GraphQL */ `
  query SearchDomains {
    searchDomains { __typename id name }
  }
`;

export const ipFilters = /* GraphQL */ `
  query IpFilters {
    ipFilters { id name ipFilter }
  }
`;

export const tokenSecurityPolicies = /* GraphQL */ `
  query TokenSecurityPolicies {
    organization {
      id
      name
      configs {
        tokens {
          personalUserTokensEnabled
          personalUserTokensEnforceExpirationAfterMs
          personalUserTokensEnforceIpFilter { id name ipFilter }
          viewPermissionTokensEnabled
          viewPermissionTokensEnforceExpirationAfterMs
          viewPermissionTokensEnforceIpFilter { id name ipFilter }
          viewPermissionTokensAllowPermissionUpdates
          organizationPermissionTokensEnabled
          organizationPermissionTokensEnforceExpirationAfterMs
          organizationPermissionTokensEnforceIpFilter { id name ipFilter }
          organizationPermissionTokensAllowPermissionUpdates
          systemPermissionTokensEnabled
          systemPermissionTokensEnforceExpirationAfterMs
          systemPermissionTokensEnforceIpFilter { id name ipFilter }
          systemPermissionTokensAllowPermissionUpdates
        }
      }
    }
  }
`;

/**
 * Where the API token leads: the cluster (`meta.clusterId`, Long-term) and the organization.
 * A token lives there; another URL that answers the same is the same home.
 */
export const home = /* GraphQL */ `
  query Home {
    meta { clusterId }
    organization { id }
  }
`;

/** All documents by operation name, for tests that validate them against the schema. */
export const allDocuments: Readonly<Record<string, string>> = {
  createOrganizationPermissionsTokenV2,
  createSystemPermissionsTokenV2,
  createViewPermissionsTokenV2,
  updateOrganizationPermissionsTokenPermissions,
  updateSystemPermissionsTokenPermissions,
  updateViewPermissionsTokenPermissions,
  deleteToken,
  rotateToken,
  token,
  tokens,
  searchDomain,
  searchDomains,
  ipFilters,
  tokenSecurityPolicies,
  home,
};
