import { LogScaleAuthenticationError, LogScaleGraphQLError } from "../../provider/client/errors";
import type { LogScaleClient } from "../../provider/client/client";
import { control, requestLog, type RunningEmulator, startTestEmulator, storedTokens, testClient } from "./support";

let emulator: RunningEmulator;
let client: LogScaleClient;
let viewIds: string[];

beforeAll(async () => {
  emulator = await startTestEmulator();
  client = testClient(emulator.url).client;
  const dashboards = await client.searchDomain("dashboards");
  const audit = await client.searchDomain("security-audit");
  viewIds = [dashboards.id, audit.id];
});
afterAll(async () => {
  client.close();
  await emulator.stop();
});
beforeEach(async () => {
  await control(emulator.url, "DELETE", "requests");
});

const tokenString = /^([A-Za-z0-9]+)~(\S+)$/;

describe("creating tokens (V2 mutations)", () => {
  it("creates an organization token and returns its secret string and metadata", async () => {
    const before = Date.now();
    const created = await client.createOrganizationPermissionsTokenV2({
      name: "ci-user-admin",
      permissions: ["ManageUsers", "ViewUsage"],
      expireAt: Date.now() + 86_400_000,
    });
    const [, id] = tokenString.exec(created.token) ?? [];
    expect(id).toBe(created.metadata.id);
    expect(created.metadata).toMatchObject({ type: "organization", name: "ci-user-admin", ipFilter: null, views: [] });
    expect([...created.metadata.permissions].sort()).toEqual(["ManageUsers", "ViewUsage"]);
    expect(created.metadata.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(created.metadata.expireAt).toBeGreaterThan(Date.now());
    expect((await requestLog(emulator.url)).map((entry) => entry.operationName)).toEqual(["CreateOrganizationPermissionsTokenV2"]);
  });

  it("creates a system token", async () => {
    const created = await client.createSystemPermissionsTokenV2({ name: "ops", permissions: ["ViewOrganizations", "ManageOrganizations"] });
    expect(created.metadata).toMatchObject({ type: "system", name: "ops", expireAt: null });
    expect([...created.metadata.permissions].sort()).toEqual(["ManageOrganizations", "ViewOrganizations"]);
  });

  it("creates a view token on two views, with the server's normalised permissions and view names", async () => {
    const created = await client.createViewPermissionsTokenV2({ name: "dashboards-reader", viewIds, permissions: ["ReadAccess"] });
    expect(created.metadata.type).toBe("view");
    expect([...created.metadata.permissions].sort()).toEqual(["OrganizationOwnedQueries", "ReadAccess"]);
    expect(created.metadata.views.map((view) => view.name).sort()).toEqual(["dashboards", "security-audit"]);
    expect(created.metadata.views.map((view) => view.id).sort()).toEqual([...viewIds].sort());
  });

  it("sets the IP filter by id", async () => {
    const [office] = await client.ipFilters();
    expect(office).toBeDefined();
    const created = await client.createOrganizationPermissionsTokenV2({ name: "filtered", permissions: ["ViewUsage"], ipFilterId: office!.id });
    expect(created.metadata.ipFilter).toEqual(office);
  });

  it("a created token authenticates as itself", async () => {
    const created = await client.createOrganizationPermissionsTokenV2({
      name: "can-list",
      permissions: ["ChangeOrganizationPermissions"],
    });
    const asToken = testClient(emulator.url, { apiToken: created.token }).client;
    const found = await asToken.getToken(created.metadata.id);
    asToken.close();
    expect(found?.name).toBe("can-list");
  });
});

describe("updating permissions replaces the whole set", () => {
  it("for each kind", async () => {
    const org = await client.createOrganizationPermissionsTokenV2({ name: "u-org", permissions: ["ManageUsers", "ViewUsage"] });
    await client.updateOrganizationPermissionsTokenPermissions(org.metadata.id, ["ChangeIPFilters"]);
    expect((await client.getToken(org.metadata.id))?.permissions).toEqual(["ChangeIPFilters"]);

    const system = await client.createSystemPermissionsTokenV2({ name: "u-sys", permissions: ["ReadHealthCheck"] });
    await client.updateSystemPermissionsTokenPermissions(system.metadata.id, ["ManageCluster", "ViewOrganizations"]);
    expect([...((await client.getToken(system.metadata.id))?.permissions ?? [])].sort()).toEqual(["ManageCluster", "ViewOrganizations"]);

    const view = await client.createViewPermissionsTokenV2({ name: "u-view", viewIds, permissions: ["ReadAccess"] });
    await client.updateViewPermissionsTokenPermissions(view.metadata.id, ["ChangeDashboards"]);
    expect([...((await client.getToken(view.metadata.id))?.permissions ?? [])].sort()).toEqual([
      "CreateDashboards",
      "DeleteDashboards",
      "OrganizationOwnedQueries",
      "UpdateDashboards",
    ]);
  });

  it("an unknown id is a GraphQL error carrying LogScale's message", async () => {
    const failure = client.updateOrganizationPermissionsTokenPermissions("does-not-exist", ["ViewUsage"]);
    await expect(failure).rejects.toBeInstanceOf(LogScaleGraphQLError);
    await expect(failure).rejects.toThrow(/UpdateOrganizationPermissionsTokenPermissions: .*does-not-exist/);
  });
});

describe("reading tokens", () => {
  it("getToken finds a token by id through token(tokenId:)", async () => {
    const created = await client.createSystemPermissionsTokenV2({ name: "read-me", permissions: ["ReadHealthCheck"] });
    await control(emulator.url, "DELETE", "requests");
    expect(await client.getToken(created.metadata.id)).toEqual(created.metadata);
    expect((await requestLog(emulator.url)).map((entry) => entry.operationName)).toEqual(["Token"]);
  });

  it("getToken confirms an unknown id through tokens(searchFilter:) before answering undefined", async () => {
    expect(await client.getToken("0000000000unknown00000000000000")).toBeUndefined();
    expect((await requestLog(emulator.url)).map((entry) => entry.operationName)).toEqual(["Token", "Tokens"]);
  });

  it("listTokens filters by type and reports the total", async () => {
    await client.createSystemPermissionsTokenV2({ name: "list-sys-a", permissions: ["ReadHealthCheck"] });
    await client.createSystemPermissionsTokenV2({ name: "list-sys-b", permissions: ["ReadHealthCheck"] });
    const page = await client.listTokens({ searchFilter: "list-sys-", types: ["system"], limit: 1 });
    expect(page.totalResults).toBe(2);
    expect(page.results).toHaveLength(1);
    expect(page.results[0]?.name).toBe("list-sys-a");
    const organizationOnly = await client.listTokens({ searchFilter: "list-sys-", types: ["organization"] });
    expect(organizationOnly.totalResults).toBe(0);
  });

  it("searchDomain resolves view and repository names", async () => {
    expect(await client.searchDomain("dashboards")).toMatchObject({ kind: "View", name: "dashboards" });
    expect(await client.searchDomain("production-logs")).toMatchObject({ kind: "Repository", name: "production-logs" });
    await expect(client.searchDomain("no-such-view")).rejects.toBeInstanceOf(LogScaleGraphQLError);
  });

  it("reads the organization's token security policies", async () => {
    const { organizationName, policies } = await client.tokenSecurityPolicies();
    expect(organizationName).toEqual(expect.any(String));
    expect(policies).toMatchObject({ organizationPermissionTokensEnabled: true, viewPermissionTokensEnabled: true });
  });

  it("home: the cluster and organization the URL and API token lead to, in one request", async () => {
    const { organizationId } = await client.tokenSecurityPolicies();
    await control(emulator.url, "DELETE", "requests");
    const store = await control<{ clusterId: string }>(emulator.url, "GET", "store");
    expect(await client.home()).toEqual({ clusterId: store.clusterId, organizationId });
    expect((await requestLog(emulator.url)).map((entry) => entry.operationName)).toEqual(["Home"]);
  });
});

describe("delete and rotate", () => {
  it("deletes a token; deleting it again is an error", async () => {
    const created = await client.createOrganizationPermissionsTokenV2({ name: "to-delete", permissions: ["ViewUsage"] });
    expect(await client.deleteToken(created.metadata.id)).toBe(true);
    expect(await client.getToken(created.metadata.id)).toBeUndefined();
    expect((await storedTokens(emulator.url)).some((token) => token.id === created.metadata.id)).toBe(false);
    await expect(client.deleteToken(created.metadata.id)).rejects.toBeInstanceOf(LogScaleGraphQLError);
  });

  it("rotation returns a new id and secret, and the old string stops working", async () => {
    const created = await client.createOrganizationPermissionsTokenV2({ name: "to-rotate", permissions: ["ChangeOrganizationPermissions"] });
    const rotated = await client.rotateToken(created.metadata.id);
    const [, newId] = tokenString.exec(rotated) ?? [];
    expect(newId).toBeDefined();
    expect(newId).not.toBe(created.metadata.id);
    expect((await client.getToken(newId!))?.name).toBe("to-rotate");

    const withOld = testClient(emulator.url, { apiToken: created.token }).client;
    await expect(withOld.getToken(newId!)).rejects.toBeInstanceOf(LogScaleAuthenticationError);
    withOld.close();
    const withNew = testClient(emulator.url, { apiToken: rotated }).client;
    expect((await withNew.getToken(newId!))?.id).toBe(newId);
    withNew.close();
  });
});
