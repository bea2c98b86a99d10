/**
 * Tests drive the emulator only through its public interfaces: GraphQL over HTTP and the
 * /_emulator/ control routes.
 */
import { startEmulator } from "../../emulator";

export const adminToken = "tests-admin-token-0123456789abcdef";

export interface RunningEmulator {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startTestEmulator(port = 0): Promise<RunningEmulator> {
  return startEmulator({ adminToken, port });
}

/**
 * One emulator for a test file: started before its tests, stopped after them, and with `reset`
 * set back to its seed before each test. Call it at the top level, above the file's own
 * beforeEach, which then runs against the reset emulator.
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

export async function control<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`control ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
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

export interface StoredToken {
  readonly id: string;
  readonly name: string;
  readonly permissions: string[];
  readonly expireAt: number | null;
  readonly ipFilterId: string | null;
}

export async function storedTokens(url: string): Promise<StoredToken[]> {
  return (await control<{ tokens: StoredToken[] }>(url, "GET", "store")).tokens;
}

/** A change made behind Pulumi's back, the way an operator with the admin token would. */
export async function graphql<T = unknown>(url: string, query: string, variables: Record<string, unknown> = {}, token = adminToken): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${body.errors.map((error) => error.message).join("; ")}`);
  return body.data as T;
}

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
  await graphql(url, "mutation($input: TokenSecurityPoliciesInput!) { updateTokenSecurityPolicies(input: $input) { id } }", {
    input: { ...PERMISSIVE_POLICIES, ...changes },
  });
}

/** A token made by hand, outside Pulumi: its id and the secret its consumers hold. */
export async function organizationTokenMadeByHand(url: string, name: string, permissions: string[]): Promise<{ id: string; secret: string }> {
  const created = await graphql<{ createOrganizationPermissionsTokenV2: { token: string } }>(
    url,
    "mutation($input: CreateOrganizationPermissionsTokenV2Input!) { createOrganizationPermissionsTokenV2(input: $input) { token } }",
    { input: { name, organizationPermissions: permissions } },
  );
  const secret = created.createOrganizationPermissionsTokenV2.token;
  return { id: secret.split("~")[0]!, secret };
}

/** The HTTP status LogScale answers a query made with this token (200: it authenticates). */
export async function statusWith(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ query: "{ ipFilters { id } }" }),
  });
  await response.arrayBuffer();
  return response.status;
}
