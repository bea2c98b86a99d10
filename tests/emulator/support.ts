import { startEmulator, type EmulatorOptions } from "../../emulator";
import { PERMISSIVE_POLICIES } from "../support/emulator";

/** Raw HTTP helpers for emulator tests: global fetch only, never the project's client. */

export const ADMIN_TOKEN = "test-admin-token-0123456789";

export interface GqlError {
  message: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  state?: Record<string, string>;
}

export interface GqlResponse<T> {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: T | null; errors?: GqlError[] };
}

export interface TestEmulator {
  url: string;
  adminToken: string;
  stop(): Promise<void>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  return startEmulator({ adminToken: ADMIN_TOKEN, ...options });
}

export async function gql<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
): Promise<GqlResponse<T>> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers["Authorization"] = `Bearer ${token}`;
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables, operationName }),
  });
  const text = await response.text();
  let json: GqlResponse<T>["json"] = {};
  if ((response.headers.get("content-type") ?? "").includes("application/json")) json = JSON.parse(text) as GqlResponse<T>["json"];
  return { status: response.status, headers: response.headers, text, json };
}

/** Runs a request that must succeed without GraphQL errors and returns its data. */
export async function ok<T = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
): Promise<T> {
  const response = await gql<T>(url, token, query, variables, operationName);
  expect({ status: response.status, errors: response.json.errors }).toEqual({ status: 200, errors: undefined });
  if (response.json.data === undefined || response.json.data === null) throw new Error(`no data: ${response.text}`);
  return response.json.data;
}

/** Runs a request that must fail with exactly one GraphQL error, and returns it. */
export async function gqlError(
  url: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlError & { data: unknown }> {
  const response = await gql(url, token, query, variables);
  expect(response.status).toBe(200);
  expect(response.json.errors).toHaveLength(1);
  const error = response.json.errors?.[0];
  if (error === undefined) throw new Error("unreachable");
  return { ...error, data: response.json.data };
}

export async function control<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token: string = ADMIN_TOKEN,
): Promise<{ status: number; json: T; text: string }> {
  const response = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
  return { status: response.status, json: (isJson ? JSON.parse(text) : {}) as T, text };
}

export interface StoreToken {
  id: string;
  kind: string;
  __typename: string;
  name: string;
  permissions: string[];
  viewIds: string[];
  expireAt: number | null;
  createdAt: number;
  ipFilterId: string | null;
  assetPermissionAssignments: Array<{ assetResourceIdentifier: string; permissions: string[] }>;
}

export async function storeTokens(url: string): Promise<StoreToken[]> {
  const { json } = await control<{ tokens: StoreToken[] }>(url, "GET", "store");
  return json.tokens;
}

export function tokenId(tokenString: string): string {
  return tokenString.slice(0, tokenString.indexOf("~"));
}

/** Ids of the default seed (see emulator/seed.ts). */
export const SEED = {
  organizationId: "Qm3Ht8LwZ2pXa6RyN0cVb4Ks",
  productionLogs: "Rp7Xk2LmQ9sT4vWz1yB6nC3d",
  stagingLogs: "Rs4Gh8JkL2mN6pQ0rT3vW9xZ",
  dashboards: "Vd5Fg1HjK7lM3nP9qR2sT6uW",
  securityAudit: "Va8Bc4De0Fg6Hi2Jk7Lm1No5",
  officeFilter: "If3Kx9Pz6Lw2Qm8Rt5Vy1Bc4",
} as const;

export const CREATE_ORG = `mutation ($input: CreateOrganizationPermissionsTokenV2Input!) {
  createOrganizationPermissionsTokenV2(input: $input) { token tokenMetadata { id name permissions expireAt createdAt ipFilterV2 { id } } }
}`;
export const CREATE_SYSTEM = `mutation ($input: CreateSystemPermissionTokenV2Input!) {
  createSystemPermissionsTokenV2(input: $input) { token tokenMetadata { id name permissions expireAt } }
}`;
export const CREATE_VIEW = `mutation ($input: CreateViewPermissionsTokenV2Input!) {
  createViewPermissionsTokenV2(input: $input) { token tokenMetadata { id name permissions expireAt views { __typename id name } } }
}`;

interface Created {
  token: string;
  tokenMetadata: { id: string; name: string; permissions: string[]; expireAt: number | null };
}

export async function createOrgToken(url: string, input: Record<string, unknown>, token: string = ADMIN_TOKEN): Promise<Created> {
  const data = await ok<{ createOrganizationPermissionsTokenV2: Created }>(url, token, CREATE_ORG, { input });
  return data.createOrganizationPermissionsTokenV2;
}

export async function createSystemToken(url: string, input: Record<string, unknown>, token: string = ADMIN_TOKEN): Promise<Created> {
  const data = await ok<{ createSystemPermissionsTokenV2: Created }>(url, token, CREATE_SYSTEM, { input });
  return data.createSystemPermissionsTokenV2;
}

export async function createViewToken(url: string, input: Record<string, unknown>, token: string = ADMIN_TOKEN): Promise<Created> {
  const data = await ok<{ createViewPermissionsTokenV2: Created }>(url, token, CREATE_VIEW, { input });
  return data.createViewPermissionsTokenV2;
}

export const TOKEN_QUERY = `query ($id: String!) {
  token(tokenId: $id) {
    __typename id name expireAt createdAt ipFilter ipFilterV2 { id name ipFilter }
    ... on OrganizationPermissionsToken { permissions }
    ... on SystemPermissionsToken { permissions }
    ... on ViewPermissionsToken { permissions views { __typename id name } }
  }
}`;

export const TOKENS_QUERY = `query ($search: String, $types: [Tokens__Type!], $parents: [String!], $sortBy: Tokens__SortBy!,
  $orderBy: OrderBy, $skip: Int, $limit: Int) {
  tokens(searchFilter: $search, typeFilter: $types, parentEntityIdFilter: $parents, sortBy: $sortBy, orderBy: $orderBy,
    skip: $skip, limit: $limit) {
    totalResults
    results { __typename id name expireAt }
  }
}`;

export const POLICIES_MUTATION = `mutation ($input: TokenSecurityPoliciesInput!) {
  updateTokenSecurityPolicies(input: $input) { id name configs { tokens {
    viewPermissionTokensEnabled viewPermissionTokensEnforceExpirationAfterMs viewPermissionTokensEnforceIpFilter { id name }
    viewPermissionTokensAllowPermissionUpdates
    organizationPermissionTokensEnabled organizationPermissionTokensEnforceExpirationAfterMs
    organizationPermissionTokensEnforceIpFilter { id name } organizationPermissionTokensAllowPermissionUpdates
    systemPermissionTokensEnabled systemPermissionTokensEnforceExpirationAfterMs systemPermissionTokensEnforceIpFilter { id }
    systemPermissionTokensAllowPermissionUpdates personalUserTokensEnabled
  } } }
}`;

export { PERMISSIVE_POLICIES };

export async function setPolicies(url: string, overrides: Record<string, unknown>, token: string = ADMIN_TOKEN): Promise<void> {
  await ok(url, token, POLICIES_MUTATION, { input: { ...PERMISSIVE_POLICIES, ...overrides } });
}

/** True when `token` authenticates (any 200 to a harmless query). */
export async function authenticates(url: string, token: string): Promise<boolean> {
  const response = await gql(url, token, "{ organization { id } }");
  if (response.status !== 200 && response.status !== 401) throw new Error(`unexpected status ${response.status}`);
  return response.status === 200;
}
