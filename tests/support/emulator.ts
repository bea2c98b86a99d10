/**
 * The emulator as tests use it, the one helper for every suite: started in-process, driven only
 * through its public interfaces (GraphQL over HTTP and the /_emulator/ control routes) with
 * global fetch, never the project's client.
 */
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator";

import { timed } from "./timing";

export type { RunningEmulator } from "../../emulator";

export const adminToken = "tests-admin-token-0123456789abcdef";

/** An emulator with the tests' admin token; any other option as the emulator takes it. */
export async function startTestEmulator(options: Omit<EmulatorOptions, "adminToken"> = {}): Promise<RunningEmulator> {
  return timed("emulator start", () => startEmulator({ adminToken, ...options }));
}

/**
 * One emulator for a test file (or the describe it is called in): started before its tests,
 * stopped after them, and with `reset` set back to its seed before each test. Call it above the
 * file's own beforeEach, which then runs against the reset emulator.
 */
export function emulatorPerFile(options: { readonly reset?: boolean } = {}): { readonly url: string } {
  let running: RunningEmulator | undefined;
  const url = (): string => {
    if (running === undefined) throw new Error("the emulator starts in beforeAll: use it in tests and hooks");
    return running.url;
  };
  beforeAll(async () => {
    running = await startTestEmulator();
  });
  afterAll(async () => {
    await running?.stop();
  });
  if (options.reset === true) {
    beforeEach(async () => {
      await control(url(), "POST", "reset");
    });
  }
  return {
    get url() {
      return url();
    },
  };
}

export interface ControlResponse<T> {
  readonly status: number;
  readonly json: T;
  readonly text: string;
}

/** A control route's answer, whatever its status: for tests of the routes themselves. */
export async function controlResponse<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token: string = adminToken,
): Promise<ControlResponse<T>> {
  const response = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
  return { status: response.status, json: (isJson ? JSON.parse(text) : {}) as T, text };
}

/** A control route that must succeed: its JSON answer. */
export async function control<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await controlResponse<T>(url, method, path, body);
  if (response.status !== 200) throw new Error(`control ${method} ${path} answered ${response.status}: ${response.text}`);
  return response.json;
}

export interface LoggedRequest {
  readonly operationName: string | null;
  readonly rootFields: string[];
  readonly status: number;
  readonly fault: string | null;
}

export async function requestLog(url: string): Promise<LoggedRequest[]> {
  return (await control<{ requests: LoggedRequest[] }>(url, "GET", "requests")).requests;
}

export async function injectFault(url: string, fault: Record<string, unknown>): Promise<void> {
  await control(url, "POST", "faults", fault);
}

/** A token as the emulator's store holds it (GET /_emulator/store). */
export interface StoredToken {
  readonly id: string;
  readonly kind: string;
  readonly __typename: string;
  readonly name: string;
  readonly permissions: string[];
  readonly viewIds: string[];
  readonly expireAt: number | null;
  readonly createdAt: number;
  readonly ipFilterId: string | null;
  readonly assetPermissionAssignments: Array<{ assetResourceIdentifier: string; permissions: string[] }>;
}

export async function storedTokens(url: string): Promise<StoredToken[]> {
  return (await control<{ tokens: StoredToken[] }>(url, "GET", "store")).tokens;
}

/** The id part of a `<id>~<secret>` token string. */
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

// GraphQL, three ways: raw (gql), must succeed under Jest (ok), must succeed anywhere (graphql).

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

/** The answer as it came: status, headers, text and, when it is JSON, the parsed body. */
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

/** Runs a request that must succeed without GraphQL errors (a Jest expectation) and returns its data. */
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

/**
 * A change made behind Pulumi's back, the way an operator with the admin token would. Throws on
 * any GraphQL error, so it also serves scripts outside Jest (tests/fixtures/drift-summary).
 */
export async function graphql<T = unknown>(url: string, query: string, variables: Record<string, unknown> = {}, token = adminToken): Promise<T> {
  const response = await gql<T>(url, token, query, variables);
  const errors = response.json.errors ?? [];
  if (errors.length > 0) throw new Error(`GraphQL errors: ${errors.map((error) => error.message).join("; ")}`);
  if (response.status !== 200) throw new Error(`GraphQL answered HTTP ${response.status}: ${response.text}`);
  return response.json.data as T;
}

/** The HTTP status LogScale answers a query made with this token (200: it authenticates). */
export async function statusWith(url: string, token: string): Promise<number> {
  return (await gql(url, token, "{ ipFilters { id } }")).status;
}

/** True when `token` authenticates; any answer but 200 or 401 is an error. */
export async function authenticates(url: string, token: string): Promise<boolean> {
  const status = await statusWith(url, token);
  if (status !== 200 && status !== 401) throw new Error(`unexpected status ${status}`);
  return status === 200;
}

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

export async function createOrgToken(url: string, input: Record<string, unknown>, token: string = adminToken): Promise<Created> {
  const data = await ok<{ createOrganizationPermissionsTokenV2: Created }>(url, token, CREATE_ORG, { input });
  return data.createOrganizationPermissionsTokenV2;
}

export async function createSystemToken(url: string, input: Record<string, unknown>, token: string = adminToken): Promise<Created> {
  const data = await ok<{ createSystemPermissionsTokenV2: Created }>(url, token, CREATE_SYSTEM, { input });
  return data.createSystemPermissionsTokenV2;
}

export async function createViewToken(url: string, input: Record<string, unknown>, token: string = adminToken): Promise<Created> {
  const data = await ok<{ createViewPermissionsTokenV2: Created }>(url, token, CREATE_VIEW, { input });
  return data.createViewPermissionsTokenV2;
}

/** A token made by hand, outside Pulumi: its id and the secret its consumers hold. */
export async function organizationTokenMadeByHand(url: string, name: string, permissions: string[]): Promise<{ id: string; secret: string }> {
  const created = await graphql<{ createOrganizationPermissionsTokenV2: { token: string } }>(url, CREATE_ORG, {
    input: { name, organizationPermissions: permissions },
  });
  const secret = created.createOrganizationPermissionsTokenV2.token;
  return { id: tokenId(secret), secret };
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

/** The emulator's default token security policy, as a TokenSecurityPoliciesInput. */
export const PERMISSIVE_POLICIES = {
  personalUserTokensEnabled: true,
  viewPermissionTokensEnabled: true,
  viewPermissionTokensAllowPermissionUpdates: true,
  organizationPermissionTokensEnabled: true,
  organizationPermissionTokensAllowPermissionUpdates: true,
  systemPermissionTokensEnabled: true,
  systemPermissionTokensAllowPermissionUpdates: true,
};

/** The organization's token security policy, as an admin sets it; unnamed flags stay permissive. */
export async function setTokenPolicy(url: string, changes: Record<string, unknown> = {}): Promise<void> {
  await graphql(url, POLICIES_MUTATION, { input: { ...PERMISSIVE_POLICIES, ...changes } });
}
