import {
  adminToken,
  controlResponse,
  createOrgToken,
  createSystemToken,
  createViewToken,
  CREATE_ORG,
  CREATE_SYSTEM,
  CREATE_VIEW,
  gql,
  gqlError,
  ok,
  POLICIES_MUTATION,
  PERMISSIVE_POLICIES,
  SEED,
  emulatorPerFile,
  TOKENS_QUERY,
} from "../support/emulator";

describe("emulator authentication and coarse authorization", () => {
  const emulator = emulatorPerFile({ reset: true });

  describe("authentication", () => {
    const expect401 = async (headers: Record<string, string>, secretToHide?: string) => {
      const response = await fetch(`${emulator.url}/graphql`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ query: "{ organization { id } }" }),
      });
      const text = await response.text();
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(text).toBe("The supplied authentication is invalid");
      if (secretToHide !== undefined) expect(text).not.toContain(secretToHide);
    };

    it("refuses a missing Authorization header", async () => {
      await expect401({});
    });

    it("refuses unknown, malformed and non-Bearer credentials without echoing them", async () => {
      await expect401({ Authorization: "Bearer unknown-token-value" }, "unknown-token-value");
      await expect401({ Authorization: `Bearer ${"a".repeat(32)}~${"b".repeat(44)}` }, "b".repeat(44));
      await expect401({ Authorization: `Basic ${adminToken}` }, adminToken);
      await expect401({ Authorization: "Bearer" });
    });

    it("accepts the admin token", async () => {
      expect(await ok(emulator.url, adminToken, "{ organization { id name } }")).toEqual({
        organization: { id: SEED.organizationId, name: "emulator" },
      });
    });

    it("the test controls require the admin token", async () => {
      const org = await createOrgToken(emulator.url, { name: "powerful", organizationPermissions: ["ChangeOrganizationPermissions"] });
      for (const token of ["", "wrong", org.token]) {
        const response = await fetch(`${emulator.url}/_emulator/store`, { headers: token === "" ? {} : { Authorization: `Bearer ${token}` } });
        expect(response.status).toBe(401);
        expect(await response.text()).toBe("The supplied authentication is invalid");
      }
      expect((await controlResponse(emulator.url, "POST", "reset", undefined, "wrong")).status).toBe(401);
      expect((await controlResponse(emulator.url, "GET", "store")).status).toBe(200);
    });
  });

  describe("view permission tokens", () => {
    let viewToken: string;
    beforeEach(async () => {
      viewToken = (await createViewToken(emulator.url, { name: "viewer", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] })).token;
    });

    it("cannot create an organization token", async () => {
      const error = await gqlError(emulator.url, viewToken, CREATE_ORG, { input: { name: "escalate", organizationPermissions: ["ManageUsers"] } });
      expect(error).toMatchObject({
        message: "Not allowed: view permission tokens cannot administer tokens",
        path: ["createOrganizationPermissionsTokenV2"],
        state: { code: "NotAllowed" },
        data: null,
      });
      const stored = (await controlResponse<{ tokens: unknown[] }>(emulator.url, "GET", "store")).json.tokens;
      expect(stored).toHaveLength(1);
    });

    it("cannot list tokens or read the token policies, but can read the organization's name", async () => {
      const listError = await gqlError(emulator.url, viewToken, TOKENS_QUERY, { sortBy: "Name" });
      expect(listError.message).toBe("Not allowed: view permission tokens cannot administer tokens");
      const response = await gql(emulator.url, viewToken, "{ organization { name configs { tokens { viewPermissionTokensEnabled } } } }");
      expect(response.json.data).toEqual({ organization: { name: "emulator", configs: { tokens: null } } });
      expect(response.json.errors?.[0]).toMatchObject({
        message: "Not allowed: view permission tokens cannot read token security policies",
        path: ["organization", "configs", "tokens"],
      });
    });

    it("sees only the search domains it covers", async () => {
      expect(await ok(emulator.url, viewToken, `{ searchDomain(name: "dashboards") { id } }`)).toEqual({ searchDomain: { id: SEED.dashboards } });
      const hidden = await gqlError(emulator.url, viewToken, `{ searchDomain(name: "production-logs") { id } }`);
      expect(hidden.message).toBe("Could not find a view or repository with name 'production-logs'");
      expect(await ok(emulator.url, viewToken, `{ searchDomains { name } }`)).toEqual({ searchDomains: [{ name: "dashboards" }] });
    });
  });

  describe("organization permission tokens", () => {
    it("with ChangeOrganizationPermissions: manage org and view tokens, list only those, but not system tokens", async () => {
      const system = await createSystemToken(emulator.url, { name: "sys", systemPermissions: ["ReadHealthCheck"] });
      const admin = (await createOrgToken(emulator.url, { name: "org-admin", organizationPermissions: ["ChangeOrganizationPermissions"] })).token;

      const view = await createViewToken(emulator.url, { name: "delegated", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] }, admin);
      await createOrgToken(emulator.url, { name: "delegated-org", organizationPermissions: ["ViewUsage"] }, admin);
      const listed = await ok<{ tokens: { results: Array<{ name: string }> } }>(emulator.url, admin, TOKENS_QUERY, { sortBy: "Name" });
      expect(listed.tokens.results.map((t) => t.name)).toEqual(["delegated", "delegated-org", "org-admin"]);
      expect(await ok(emulator.url, admin, `mutation ($id: String!) { deleteToken(input: { id: $id }) }`, { id: view.tokenMetadata.id })).toEqual({
        deleteToken: true,
      });
      expect(await ok(emulator.url, admin, `{ ipFilters { name } }`)).toEqual({ ipFilters: [{ name: "office" }] });

      const createSystem = await gqlError(emulator.url, admin, CREATE_SYSTEM, { input: { name: "nope", systemPermissions: ["ManageCluster"] } });
      expect(createSystem.message).toBe(
        "Not allowed: only the admin token or a system permission token with ChangeSystemPermissions can administer system permission tokens",
      );
      const rotateSystem = await gqlError(emulator.url, admin, `mutation ($id: String!) { rotateToken(input: { id: $id }) }`, { id: system.tokenMetadata.id });
      expect(rotateSystem.state).toEqual({ code: "NotAllowed" });
    });

    it("without ChangeOrganizationPermissions: no token administration", async () => {
      const weak = (await createOrgToken(emulator.url, { name: "weak", organizationPermissions: ["ViewUsage"] })).token;
      const error = await gqlError(emulator.url, weak, CREATE_VIEW, { input: { name: "v", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] } });
      expect(error.message).toBe("Not allowed: administering tokens requires the ChangeOrganizationPermissions organization permission");
    });

    it("updateTokenSecurityPolicies needs ChangeSecurityPolicies", async () => {
      const without = (await createOrgToken(emulator.url, { name: "a", organizationPermissions: ["ChangeOrganizationPermissions"] })).token;
      const error = await gqlError(emulator.url, without, POLICIES_MUTATION, { input: PERMISSIVE_POLICIES });
      expect(error.message).toBe("Not allowed: changing token security policies requires the ChangeSecurityPolicies organization permission");
      const withIt = (await createOrgToken(emulator.url, { name: "b", organizationPermissions: ["ChangeSecurityPolicies"] })).token;
      await ok(emulator.url, withIt, POLICIES_MUTATION, { input: { ...PERMISSIVE_POLICIES, viewPermissionTokensAllowPermissionUpdates: false } });
    });
  });

  describe("system permission tokens", () => {
    it("with ChangeSystemPermissions: manage system tokens only", async () => {
      const root = (await createSystemToken(emulator.url, { name: "sys-admin", systemPermissions: ["ChangeSystemPermissions"] })).token;
      const created = await createSystemToken(emulator.url, { name: "by-system", systemPermissions: ["ReadHealthCheck"] }, root);
      expect(created.tokenMetadata.permissions).toEqual(["ReadHealthCheck"]);
      const error = await gqlError(emulator.url, root, CREATE_ORG, { input: { name: "x", organizationPermissions: [] } });
      expect(error.message).toBe("Not allowed: system permission tokens cannot administer organization permission tokens");
    });

    it("without ChangeSystemPermissions: nothing", async () => {
      const plain = (await createSystemToken(emulator.url, { name: "plain", systemPermissions: ["ReadHealthCheck"] })).token;
      const error = await gqlError(emulator.url, plain, CREATE_SYSTEM, { input: { name: "x", systemPermissions: [] } });
      expect(error.message).toBe("Not allowed: administering tokens requires the ChangeSystemPermissions system permission");
    });
  });
});
