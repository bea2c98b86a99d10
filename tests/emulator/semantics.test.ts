import {
  adminToken,
  emulatorPerFile,
  authenticates,
  controlResponse,
  createOrgToken,
  createSystemToken,
  createViewToken,
  CREATE_ORG,
  CREATE_VIEW,
  gql,
  gqlError,
  ok,
  SEED,
  setTokenPolicy,
  startTestEmulator,
  storedTokens,
  TOKENS_QUERY,
  TOKEN_QUERY,
} from "../support/emulator";

const DAY = 86_400_000;

interface ListedToken {
  __typename: string;
  id: string;
  name: string;
  expireAt: number | null;
}

describe("emulator token semantics", () => {
  const emulator = emulatorPerFile({ reset: true });

  const getToken = async (id: string) => (await ok<{ token: Record<string, unknown> }>(emulator.url, adminToken, TOKEN_QUERY, { id })).token;
  const list = async (variables: Record<string, unknown>) =>
    (await ok<{ tokens: { totalResults: number; results: ListedToken[] } }>(emulator.url, adminToken, TOKENS_QUERY, variables)).tokens;
  const advanceClock = async (advanceMs: number) => (await controlResponse<{ now: number }>(emulator.url, "POST", "clock", { advanceMs })).json.now;

  describe("secrets", () => {
    it("returns the secret only from create and rotate, and never stores or logs it", async () => {
      const created = await createOrgToken(emulator.url, { name: "secretive", organizationPermissions: ["ViewUsage"] });
      const secret = created.token.split("~")[1] ?? "";
      expect(secret).toHaveLength(44);
      const id = created.tokenMetadata.id;

      const reads = [
        (await gql(emulator.url, adminToken, TOKEN_QUERY, { id })).text,
        (await gql(emulator.url, adminToken, TOKENS_QUERY, { sortBy: "Name" })).text,
        JSON.stringify((await controlResponse(emulator.url, "GET", "store")).json),
      ];
      for (const text of reads) {
        expect(text).toContain(id);
        expect(text).not.toContain(secret);
      }
      const log = JSON.stringify((await controlResponse(emulator.url, "GET", "requests")).json);
      expect(log).toContain("createOrganizationPermissionsTokenV2");
      expect(log).not.toContain(secret);

      const rotated = (await ok<{ rotateToken: string }>(emulator.url, adminToken, `mutation ($id: String!) { rotateToken(input: { id: $id }) }`, { id }))
        .rotateToken;
      expect(rotated).toMatch(/^[A-Za-z0-9]{32}~[A-Za-z0-9]{44}$/);
      expect(rotated.split("~")[1]).not.toBe(secret);
    });

    it("a created token string authenticates", async () => {
      const created = await createViewToken(emulator.url, { name: "reader", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] });
      expect(await authenticates(emulator.url, created.token)).toBe(true);
      expect(await authenticates(emulator.url, `${created.tokenMetadata.id}~${"x".repeat(44)}`)).toBe(false);
    });
  });

  describe("rotate and delete", () => {
    it("rotation gives a new id and secret, keeps everything else, and the old string stops working at once", async () => {
      const expireAt = Date.now() + DAY;
      const created = await createOrgToken(emulator.url, {
        name: "rotating",
        organizationPermissions: ["ChangeOrganizationPermissions", "ViewUsage"],
        expireAt,
        ipFilterId: SEED.officeFilter,
      });
      const before = await getToken(created.tokenMetadata.id);
      const rotated = (
        await ok<{ rotateToken: string }>(emulator.url, adminToken, `mutation ($id: String!) { rotateToken(input: { id: $id }) }`, {
          id: created.tokenMetadata.id,
        })
      ).rotateToken;
      const newId = rotated.split("~")[0] ?? "";
      expect(newId).not.toBe(created.tokenMetadata.id);
      expect(await getToken(newId)).toEqual({ ...before, id: newId });
      expect(await authenticates(emulator.url, created.token)).toBe(false);
      expect(await authenticates(emulator.url, rotated)).toBe(true);
      const error = await gqlError(emulator.url, adminToken, TOKEN_QUERY, { id: created.tokenMetadata.id });
      expect(error.message).toBe(`Could not find a token with id '${created.tokenMetadata.id}'`);
    });

    it("deleting twice: true, then a GraphQL error naming the id (not false)", async () => {
      const created = await createSystemToken(emulator.url, { name: "doomed", systemPermissions: ["ReadHealthCheck"] });
      const id = created.tokenMetadata.id;
      const DELETE = `mutation ($id: String!) { deleteToken(input: { id: $id }) }`;
      expect(await ok(emulator.url, adminToken, DELETE, { id })).toEqual({ deleteToken: true });
      expect(await authenticates(emulator.url, created.token)).toBe(false);
      const error = await gqlError(emulator.url, adminToken, DELETE, { id });
      expect(error).toMatchObject({
        message: `Could not find a token with id '${id}'`,
        path: ["deleteToken"],
        state: { code: "TokenNotFound", tokenId: id },
        data: null,
      });
    });

    it("rotate and update of an unknown id are errors", async () => {
      const rotate = await gqlError(emulator.url, adminToken, `mutation { rotateToken(input: { id: "nope" }) }`);
      expect(rotate.message).toBe("Could not find a token with id 'nope'");
      const update = await gqlError(
        emulator.url,
        adminToken,
        `mutation { updateViewPermissionsTokenPermissions(input: { id: "nope", permissions: [ReadAccess] }) }`,
      );
      expect(update.message).toBe("Could not find a token with id 'nope'");
    });

    it("an update through the wrong kind's mutation is refused", async () => {
      const created = await createOrgToken(emulator.url, { name: "org", organizationPermissions: ["ViewUsage"] });
      const error = await gqlError(emulator.url, adminToken, `mutation ($id: String!) { updateSystemPermissionsTokenPermissions(input: { id: $id, permissions: [ReadHealthCheck] }) }`, {
        id: created.tokenMetadata.id,
      });
      expect(error.message).toBe(`Token '${created.tokenMetadata.id}' is an organization permission token, not a system permission token`);
    });
  });

  describe("token(tokenId:)", () => {
    it("returns the right __typename and views as View/Repository objects", async () => {
      const created = await createViewToken(emulator.url, {
        name: "mixed",
        viewIds: [SEED.productionLogs, SEED.securityAudit],
        viewPermissions: ["ReadAccess"],
        ipFilterId: SEED.officeFilter,
      });
      expect(await getToken(created.tokenMetadata.id)).toEqual({
        __typename: "ViewPermissionsToken",
        id: created.tokenMetadata.id,
        name: "mixed",
        expireAt: null,
        createdAt: expect.any(Number),
        ipFilter: "10.0.0.0/8",
        ipFilterV2: { id: SEED.officeFilter, name: "office", ipFilter: "10.0.0.0/8" },
        permissions: ["ReadAccess", "OrganizationOwnedQueries"],
        views: [
          { __typename: "Repository", id: SEED.productionLogs, name: "production-logs" },
          { __typename: "View", id: SEED.securityAudit, name: "security-audit" },
        ],
      });
    });

    it("an unknown id is a GraphQL error with a state map and data null", async () => {
      const response = await gql(emulator.url, adminToken, TOKEN_QUERY, { id: "missing-token-id" });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        data: null,
        errors: [
          {
            message: "Could not find a token with id 'missing-token-id'",
            path: ["token"],
            locations: [{ line: 2, column: 3 }],
            state: { code: "TokenNotFound", tokenId: "missing-token-id" },
          },
        ],
      });
    });
  });

  describe("tokens(...)", () => {
    let ids: Record<string, string>;
    const now = () => Date.now();

    beforeEach(async () => {
      const alpha = await createOrgToken(emulator.url, { name: "alpha", organizationPermissions: ["ViewUsage"], expireAt: now() + 3 * DAY });
      const beta = await createOrgToken(emulator.url, { name: "Beta", organizationPermissions: ["ViewUsage"] });
      const gamma = await createViewToken(emulator.url, {
        name: "gamma-view",
        viewIds: [SEED.dashboards],
        viewPermissions: ["ReadAccess"],
        expireAt: now() + DAY,
      });
      const delta = await createSystemToken(emulator.url, { name: "delta", systemPermissions: ["ReadHealthCheck"], expireAt: now() + 2 * DAY });
      ids = {
        alpha: alpha.tokenMetadata.id,
        Beta: beta.tokenMetadata.id,
        "gamma-view": gamma.tokenMetadata.id,
        delta: delta.tokenMetadata.id,
      };
    });
    const names = (results: ListedToken[]) => results.map((t) => t.name);

    it("searchFilter matches a case-insensitive substring of the name or the id", async () => {
      // Ids are random: one of them may contain the term too (about 1 run in 40 for "ta").
      const matching = (term: string) => Object.keys(ids).filter((name) => `${name} ${ids[name]}`.toLowerCase().includes(term)).sort((a, b) => a.localeCompare(b));
      expect(matching("ta")).toEqual(expect.arrayContaining(["Beta", "delta"]));
      expect(names((await list({ sortBy: "Name", search: "ALP" })).results)).toEqual(matching("alp"));
      expect(names((await list({ sortBy: "Name", search: "ta" })).results)).toEqual(matching("ta"));
      const idPart = (ids["gamma-view"] ?? "").slice(3, 15).toLowerCase();
      expect(names((await list({ sortBy: "Name", search: idPart })).results)).toEqual(["gamma-view"]);
      expect((await list({ sortBy: "Name", search: "zzz" })).totalResults).toBe(0);
    });

    it("typeFilter restricts kinds; OrganizationManagementPermissionToken matches nothing", async () => {
      const page = await list({ sortBy: "Name", types: ["ViewPermissionToken", "SystemPermissionToken"] });
      expect(page.results.map((t) => [t.name, t.__typename])).toEqual([
        ["delta", "SystemPermissionsToken"],
        ["gamma-view", "ViewPermissionsToken"],
      ]);
      expect((await list({ sortBy: "Name", types: ["OrganizationManagementPermissionToken"] })).totalResults).toBe(0);
    });

    it("sorts by name (case-insensitive) or expiration date (never-expiring last), ASC by default", async () => {
      expect(names((await list({ sortBy: "Name" })).results)).toEqual(["alpha", "Beta", "delta", "gamma-view"]);
      expect(names((await list({ sortBy: "Name", orderBy: "DESC" })).results)).toEqual(["gamma-view", "delta", "Beta", "alpha"]);
      expect(names((await list({ sortBy: "ExpirationDate" })).results)).toEqual(["gamma-view", "delta", "alpha", "Beta"]);
    });

    it("pages with skip/limit while totalResults counts every match", async () => {
      const page = await list({ sortBy: "Name", skip: 1, limit: 2 });
      expect(page).toEqual({ totalResults: 4, results: [expect.objectContaining({ name: "Beta" }), expect.objectContaining({ name: "delta" })] });
      expect(await list({ sortBy: "Name", limit: 0 })).toEqual({ totalResults: 4, results: [] });
      const error = await gqlError(emulator.url, adminToken, TOKENS_QUERY, { sortBy: "Name", skip: -1 });
      expect(error.message).toBe("skip must not be negative");
    });

    it("returns at most 50 results when no limit is given", async () => {
      for (let i = 0; i < 47; i += 1) await createOrgToken(emulator.url, { name: `bulk-${i}`, organizationPermissions: [] });
      const page = await list({ sortBy: "Name" });
      expect(page.totalResults).toBe(51);
      expect(page.results).toHaveLength(50);
    });

    it("parentEntityIdFilter matches a view token's views and an organization token's organization", async () => {
      expect(names((await list({ sortBy: "Name", parents: [SEED.dashboards] })).results)).toEqual(["gamma-view"]);
      expect(names((await list({ sortBy: "Name", parents: [SEED.organizationId] })).results)).toEqual(["alpha", "Beta"]);
    });
  });

  describe("permission normalisation", () => {
    it("view tokens: umbrellas become their Create/Update/Delete trio, OrganizationOwnedQueries is added, enum order", async () => {
      const created = await createViewToken(emulator.url, {
        name: "umbrella",
        viewIds: [SEED.dashboards],
        viewPermissions: ["ReadAccess", "ChangeFiles", "ReadAccess", "ChangeTriggers", "CreateFiles"],
      });
      const expected = ["CreateTriggers", "UpdateTriggers", "DeleteTriggers", "CreateFiles", "UpdateFiles", "DeleteFiles", "ReadAccess", "OrganizationOwnedQueries"];
      expect(created.tokenMetadata.permissions).toEqual(expected);
      expect((await getToken(created.tokenMetadata.id))["permissions"]).toEqual(expected);

      await ok(emulator.url, adminToken, `mutation ($id: String!) { updateViewPermissionsTokenPermissions(input: { id: $id, permissions: [ChangeScheduledReports, ChangeActions, ChangeSavedQueries] }) }`, {
        id: created.tokenMetadata.id,
      });
      expect((await getToken(created.tokenMetadata.id))["permissions"]).toEqual([
        "CreateActions",
        "UpdateActions",
        "DeleteActions",
        "CreateSavedQueries",
        "UpdateSavedQueries",
        "DeleteSavedQueries",
        "OrganizationOwnedQueries",
        "CreateScheduledReports",
        "UpdateScheduledReports",
        "DeleteScheduledReports",
      ]);
    });

    it("organization and system tokens return exactly the given set, de-duplicated, in enum order", async () => {
      const org = await createOrgToken(emulator.url, { name: "o", organizationPermissions: ["ViewUsage", "ExportOrganization", "ViewUsage"] });
      expect(org.tokenMetadata.permissions).toEqual(["ExportOrganization", "ViewUsage"]);
      const system = await createSystemToken(emulator.url, { name: "s", systemPermissions: ["ManageCluster", "ReadHealthCheck"] });
      expect(system.tokenMetadata.permissions).toEqual(["ReadHealthCheck", "ManageCluster"]);
    });

    it("an empty permission list is accepted", async () => {
      const org = await createOrgToken(emulator.url, { name: "nothing", organizationPermissions: [] });
      expect(org.tokenMetadata.permissions).toEqual([]);
    });
  });

  describe("token security policies", () => {
    it("a disallowed permission update is refused with a message naming the policy flag", async () => {
      const created = await createOrgToken(emulator.url, { name: "locked", organizationPermissions: ["ViewUsage"] });
      await setTokenPolicy(emulator.url, { organizationPermissionTokensAllowPermissionUpdates: false });
      const error = await gqlError(
        emulator.url,
        adminToken,
        `mutation ($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ManageUsers] }) }`,
        { id: created.tokenMetadata.id },
      );
      expect(error.message).toBe(
        "Permission updates are not allowed for organization permission tokens: the organization's token security policy has organizationPermissionTokensAllowPermissionUpdates set to false",
      );
      expect(error.state).toEqual({ code: "PermissionUpdatesNotAllowed", policy: "organizationPermissionTokensAllowPermissionUpdates" });
      expect((await getToken(created.tokenMetadata.id))["permissions"]).toEqual(["ViewUsage"]);
    });

    it("updateTokenSecurityPolicies returns the organization with the stored policies", async () => {
      const result = await ok<{ updateTokenSecurityPolicies: { id: string; configs: { tokens: Record<string, unknown> } } }>(
        emulator.url,
        adminToken,
        `mutation ($input: TokenSecurityPoliciesInput!) { updateTokenSecurityPolicies(input: $input) {
          id configs { tokens { viewPermissionTokensEnforceIpFilter { id name ipFilter } viewPermissionTokensAllowPermissionUpdates
            systemPermissionTokensEnabled systemPermissionTokensAllowPermissionUpdates organizationPermissionTokensEnforceExpirationAfterMs } } } }`,
        {
          input: {
            personalUserTokensEnabled: true,
            viewPermissionTokensEnabled: true,
            viewPermissionTokensEnforceIpFilterId: SEED.officeFilter,
            viewPermissionTokensAllowPermissionUpdates: false,
            organizationPermissionTokensEnabled: true,
            organizationPermissionTokensEnforceExpirationAfterMs: DAY,
            organizationPermissionTokensAllowPermissionUpdates: true,
          },
        },
      );
      expect(result.updateTokenSecurityPolicies).toEqual({
        id: SEED.organizationId,
        configs: {
          tokens: {
            viewPermissionTokensEnforceIpFilter: { id: SEED.officeFilter, name: "office", ipFilter: "10.0.0.0/8" },
            viewPermissionTokensAllowPermissionUpdates: false,
            // Omitted nullable system flags keep their current values.
            systemPermissionTokensEnabled: true,
            systemPermissionTokensAllowPermissionUpdates: true,
            organizationPermissionTokensEnforceExpirationAfterMs: DAY,
          },
        },
      });
      const read = await ok<{ organization: { name: string; configs: { tokens: { viewPermissionTokensAllowPermissionUpdates: boolean } } } }>(
        emulator.url,
        adminToken,
        `{ organization { name configs { tokens { viewPermissionTokensAllowPermissionUpdates } } } }`,
      );
      expect(read.organization).toEqual({ name: "emulator", configs: { tokens: { viewPermissionTokensAllowPermissionUpdates: false } } });
    });

    it("disabling a token type deletes all its tokens and refuses new ones", async () => {
      const view = await createViewToken(emulator.url, { name: "v", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] });
      const org = await createOrgToken(emulator.url, { name: "o", organizationPermissions: ["ViewUsage"] });
      await setTokenPolicy(emulator.url, { viewPermissionTokensEnabled: false });
      expect((await storedTokens(emulator.url)).map((t) => t.id)).toEqual([org.tokenMetadata.id]);
      expect(await authenticates(emulator.url, view.token)).toBe(false);
      const error = await gqlError(emulator.url, adminToken, CREATE_VIEW, {
        input: { name: "v2", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] },
      });
      expect(error.message).toBe(
        "View permission tokens are disabled: the organization's token security policy has viewPermissionTokensEnabled set to false",
      );
    });

    it("an enforced maximum lifetime shortens existing tokens and refuses creates beyond it", async () => {
      const forever = await createOrgToken(emulator.url, { name: "forever", organizationPermissions: ["ViewUsage"] });
      const short = await createOrgToken(emulator.url, { name: "short", organizationPermissions: ["ViewUsage"], expireAt: Date.now() + 3_600_000 });
      const before = Date.now();
      await setTokenPolicy(emulator.url, { organizationPermissionTokensEnforceExpirationAfterMs: DAY });
      const after = Date.now();
      const byName = Object.fromEntries((await storedTokens(emulator.url)).map((t) => [t.name, t.expireAt]));
      expect(byName["forever"]).toBeGreaterThanOrEqual(before + DAY);
      expect(byName["forever"]).toBeLessThanOrEqual(after + DAY);
      expect(byName["short"]).toBe(short.tokenMetadata.expireAt);
      expect(forever.tokenMetadata.expireAt).toBeNull();

      const noExpiry = await gqlError(emulator.url, adminToken, CREATE_ORG, { input: { name: "x", organizationPermissions: [] } });
      expect(noExpiry.message).toMatch(
        /^The organization's token security policy requires organization permission tokens to expire within 86400000 ms \(1 day\); expireAt must be set and no later than \d+$/,
      );
      const tooLate = await gqlError(emulator.url, adminToken, CREATE_ORG, {
        input: { name: "x", organizationPermissions: [], expireAt: Date.now() + 2 * DAY },
      });
      expect(tooLate.state).toMatchObject({ code: "ExpirationTooLate", policy: "organizationPermissionTokensEnforceExpirationAfterMs" });
      await createOrgToken(emulator.url, { name: "fine", organizationPermissions: [], expireAt: Date.now() + DAY / 2 });
    });

    it("an enforced IP filter is put on existing and new tokens of that type", async () => {
      const filter = (
        await ok<{ createIPFilter: { id: string; name: string; ipFilter: string } }>(
          emulator.url,
          adminToken,
          `mutation { createIPFilter(input: { name: "vpn", ipFilter: "192.168.0.0/16" }) { id name ipFilter } }`,
        )
      ).createIPFilter;
      const existing = await createSystemToken(emulator.url, { name: "sys", systemPermissions: ["ReadHealthCheck"] });
      await setTokenPolicy(emulator.url, { systemPermissionTokensEnforceIpFilterId: filter.id });
      expect(((await getToken(existing.tokenMetadata.id))["ipFilterV2"] as { id: string }).id).toBe(filter.id);
      const later = await createSystemToken(emulator.url, { name: "sys2", systemPermissions: ["ReadHealthCheck"], ipFilterId: SEED.officeFilter });
      expect((await getToken(later.tokenMetadata.id))["ipFilter"]).toBe("192.168.0.0/16");
    });
  });

  describe("expiry", () => {
    it("an expired token stops authenticating at once, stays visible for the window, then disappears", async () => {
      const created = await createOrgToken(emulator.url, { name: "brief", organizationPermissions: ["ViewUsage"], expireAt: Date.now() + 60_000 });
      const id = created.tokenMetadata.id;
      expect(await authenticates(emulator.url, created.token)).toBe(true);

      const afterExpiry = await advanceClock(61_000);
      expect(await authenticates(emulator.url, created.token)).toBe(false);
      const token = await getToken(id);
      expect(token["expireAt"]).toBeLessThan(afterExpiry);
      expect((await list({ sortBy: "Name" })).results.map((t) => t.id)).toEqual([id]);

      await advanceClock(300_000);
      const error = await gqlError(emulator.url, adminToken, TOKEN_QUERY, { id });
      expect(error.message).toBe(`Could not find a token with id '${id}'`);
      expect(await list({ sortBy: "Name" })).toEqual({ totalResults: 0, results: [] });
      expect(await storedTokens(emulator.url)).toEqual([]);
    });

    it("accepts expireAt as an integer literal (Long) and returns it unchanged", async () => {
      const created = await ok<{ createOrganizationPermissionsToken: string }>(
        emulator.url,
        adminToken,
        `mutation { createOrganizationPermissionsToken(input: { name: "literal", permissions: [], expireAt: 4102444800000 }) }`,
      );
      const id = created.createOrganizationPermissionsToken.split("~")[0] ?? "";
      expect((await getToken(id))["expireAt"]).toBe(4102444800000);
    });

    it("refuses an expireAt in the past, and rotating an expired token", async () => {
      const past = await gqlError(emulator.url, adminToken, CREATE_ORG, {
        input: { name: "late", organizationPermissions: [], expireAt: Date.now() - 1000 },
      });
      expect(past.message).toMatch(/^expireAt must be in the future: \d+ is not after the current time \d+ \(epoch milliseconds\)$/);

      const created = await createOrgToken(emulator.url, { name: "old", organizationPermissions: [], expireAt: Date.now() + 60_000 });
      await advanceClock(120_000);
      const rotate = await gqlError(emulator.url, adminToken, `mutation ($id: String!) { rotateToken(input: { id: $id }) }`, {
        id: created.tokenMetadata.id,
      });
      expect(rotate.message).toBe(`Token '${created.tokenMetadata.id}' has expired and cannot be rotated`);
    });
  });

  describe("references", () => {
    it("an unknown view id is an error naming it; nothing is created", async () => {
      const error = await gqlError(emulator.url, adminToken, CREATE_VIEW, {
        input: { name: "v", viewIds: [SEED.dashboards, "NoSuchView0000000000000"], viewPermissions: ["ReadAccess"] },
      });
      expect(error.message).toBe("Could not find a view or repository with id 'NoSuchView0000000000000'");
      expect(error.state).toEqual({ code: "SearchDomainNotFound", viewId: "NoSuchView0000000000000" });
      expect(await storedTokens(emulator.url)).toEqual([]);
    });

    it("an unknown IP filter id is an error naming it", async () => {
      const error = await gqlError(emulator.url, adminToken, CREATE_ORG, {
        input: { name: "o", organizationPermissions: [], ipFilterId: "no-such-filter" },
      });
      expect(error.message).toBe("Could not find an IP filter with id 'no-such-filter'");
    });

    it("a view token needs at least one view", async () => {
      const error = await gqlError(emulator.url, adminToken, CREATE_VIEW, { input: { name: "v", viewIds: [], viewPermissions: ["ReadAccess"] } });
      expect(error.state).toEqual({ code: "InvalidInput", field: "viewIds" });
    });

    it("stores asset permission assignments; omitted, null and [] are all accepted", async () => {
      const assignment = { assetResourceIdentifier: `searchdomain/${SEED.dashboards}/dashboard/abc`, permissions: ["DeleteAsset", "UpdateAsset"] };
      await createViewToken(emulator.url, { name: "a1", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"], assetPermissionAssignments: [assignment] });
      await createViewToken(emulator.url, { name: "a2", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"], assetPermissionAssignments: null });
      await createViewToken(emulator.url, { name: "a3", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"], assetPermissionAssignments: [] });
      await createViewToken(emulator.url, { name: "a4", viewIds: [SEED.dashboards], viewPermissions: ["ReadAccess"] });
      const stored = Object.fromEntries((await storedTokens(emulator.url)).map((t) => [t.name, t.assetPermissionAssignments]));
      expect(stored).toEqual({
        a1: [{ assetResourceIdentifier: assignment.assetResourceIdentifier, permissions: ["UpdateAsset", "DeleteAsset"] }],
        a2: [],
        a3: [],
        a4: [],
      });
      const noRead = await gqlError(emulator.url, adminToken, CREATE_VIEW, {
        input: { name: "a5", viewIds: [SEED.dashboards], viewPermissions: ["ChangeDashboards"], assetPermissionAssignments: [assignment] },
      });
      expect(noRead.message).toBe("Asset permissions can only be assigned to a view permission token that has the ReadAccess permission");
    });

    it("searchDomain resolves views and repositories by name; an unknown name is an error", async () => {
      const data = await ok<{ view: unknown; repo: unknown }>(
        emulator.url,
        adminToken,
        `{ view: searchDomain(name: "dashboards") { __typename id name }
           repo: searchDomain(name: "staging-logs") { __typename id name ... on Repository { type } } }`,
      );
      expect(data).toEqual({
        view: { __typename: "View", id: SEED.dashboards, name: "dashboards" },
        repo: { __typename: "Repository", id: SEED.stagingLogs, name: "staging-logs", type: "DEFAULT" },
      });
      const error = await gqlError(emulator.url, adminToken, `{ searchDomain(name: "nope") { id } }`);
      expect(error.message).toBe("Could not find a view or repository with name 'nope'");
    });

    it("IP filters can be listed, created, updated and deleted; one in use cannot be deleted", async () => {
      const created = (
        await ok<{ createIPFilter: { id: string } }>(emulator.url, adminToken, `mutation { createIPFilter(input: { name: "lab", ipFilter: "172.16.0.0/12" }) { id } }`)
      ).createIPFilter;
      await ok(emulator.url, adminToken, `mutation ($id: String!) { updateIPFilter(input: { id: $id, name: "lab-2" }) { id } }`, { id: created.id });
      expect((await ok<{ ipFilters: unknown[] }>(emulator.url, adminToken, `{ ipFilters { id name ipFilter } }`)).ipFilters).toEqual([
        { id: SEED.officeFilter, name: "office", ipFilter: "10.0.0.0/8" },
        { id: created.id, name: "lab-2", ipFilter: "172.16.0.0/12" },
      ]);
      const DELETE = `mutation ($id: String!) { deleteIPFilter(input: { id: $id }) }`;
      expect(await ok(emulator.url, adminToken, DELETE, { id: created.id })).toEqual({ deleteIPFilter: true });
      expect((await gqlError(emulator.url, adminToken, DELETE, { id: created.id })).message).toBe(`Could not find an IP filter with id '${created.id}'`);

      await createOrgToken(emulator.url, { name: "filtered", organizationPermissions: [], ipFilterId: SEED.officeFilter });
      const inUse = await gqlError(emulator.url, adminToken, DELETE, { id: SEED.officeFilter });
      expect(inUse.state).toEqual({ code: "IPFilterInUse", ipFilterId: SEED.officeFilter });
    });
  });

  describe("invalid requests", () => {
    it.each([
      ["an unknown field", `{ tokens(sortBy: Name) { totalResults nosuchfield } }`, /Cannot query field "nosuchfield"/],
      ["a bad enum value", `{ tokens(sortBy: Popularity) { totalResults } }`, /Value "Popularity" does not exist in "Tokens__SortBy" enum/],
      ["a missing required argument", `{ tokens { totalResults } }`, /argument "sortBy" of type "Tokens__SortBy!" is required/],
      ["a fractional Long literal", `mutation { createOrganizationPermissionsToken(input: { name: "x", permissions: [], expireAt: 1.5 }) }`, /Long/],
      ["a syntax error", `{ tokens(sortBy: Name) { totalResults }`, /Syntax Error/],
    ])("%s → HTTP 200, errors with locations, data null", async (_what, query, message) => {
      const response = await gql(emulator.url, adminToken, query);
      expect(response.status).toBe(200);
      expect(response.json.data).toBeNull();
      expect(response.json.errors?.[0]?.message).toMatch(message);
      expect(response.json.errors?.[0]?.locations?.[0]).toEqual({ line: expect.any(Number), column: expect.any(Number) });
      expect(await storedTokens(emulator.url)).toEqual([]);
    });

    it("rejects a Long variable that is not a safe integer", async () => {
      for (const expireAt of [1.5, 2 ** 60, "1700000000000"]) {
        const response = await gql(emulator.url, adminToken, CREATE_ORG, { input: { name: "x", organizationPermissions: [], expireAt } });
        expect({ status: response.status, data: response.json.data }).toEqual({ status: 200, data: null });
        expect(response.json.errors?.[0]?.message).toMatch(/Long cannot represent/);
      }
    });

    it("answers a malformed JSON body with HTTP 400", async () => {
      const response = await fetch(`${emulator.url}/graphql`, {
        method: "POST",
        headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
        body: "{ not json",
      });
      expect(response.status).toBe(400);
    });

    it("ignores the ?id= query string humio-operator adds", async () => {
      const response = await fetch(`${emulator.url}/graphql?id=GetOrganization`, {
        method: "POST",
        headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ query: "query GetOrganization { organization { id } }", operationName: "GetOrganization" }),
      });
      expect(await response.json()).toEqual({ data: { organization: { id: SEED.organizationId } } });
    });
  });
});

describe("emulator options", () => {
  it("validationErrorStatus changes the status of document errors only", async () => {
    const emulator = await startTestEmulator({ validationErrorStatus: 400 });
    try {
      const invalid = await gql(emulator.url, adminToken, `{ nosuchfield }`);
      expect(invalid.status).toBe(400);
      expect(invalid.json.data).toBeNull();
      const notFound = await gql(emulator.url, adminToken, TOKEN_QUERY, { id: "nope" });
      expect(notFound.status).toBe(200);
    } finally {
      await emulator.stop();
    }
  });

  it("expiredTokenVisibilityMs sets how long expired tokens stay listed", async () => {
    const emulator = await startTestEmulator({ expiredTokenVisibilityMs: 0 });
    try {
      const created = await createOrgToken(emulator.url, { name: "x", organizationPermissions: [], expireAt: Date.now() + 60_000 });
      await controlResponse(emulator.url, "POST", "clock", { advanceMs: 60_001 });
      const error = await gqlError(emulator.url, adminToken, TOKEN_QUERY, { id: created.tokenMetadata.id });
      expect(error.state?.["code"]).toBe("TokenNotFound");
    } finally {
      await emulator.stop();
    }
  });
});
