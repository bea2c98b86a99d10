import { adminToken, emulatorPerFile, ok, SEED, tokenId } from "../support/emulator";

/**
 * Request bodies shaped like the examples in LogScale's GraphQL reference: literal inputs,
 * no variables except where the example needs an id that only exists at run time.
 * The literal view ids are the default seed's (see SEED).
 */
describe("LogScale documentation examples", () => {
  const emulator = emulatorPerFile({ reset: true });
  const TOKEN_STRING = /^[A-Za-z0-9]{32}~[A-Za-z0-9]{44}$/;
  const readBack = async (id: string) =>
    (
      await ok<{ token: { __typename: string; permissions: string[]; expireAt: number | null } }>(
        emulator.url,
        adminToken,
        `query ($id: String!) { token(tokenId: $id) { __typename expireAt
          ... on OrganizationPermissionsToken { permissions }
          ... on SystemPermissionsToken { permissions }
          ... on ViewPermissionsToken { permissions views { __typename id name } } } }`,
        { id },
      )
    ).token;

  it("creates an organization token with [ManageUsers, ViewUsage] (v1 and V2) and updates it", async () => {
    const v2 = await ok<{ createOrganizationPermissionsTokenV2: { token: string; tokenMetadata: { id: string; expireAt: null } } }>(
      emulator.url,
      adminToken,
      `mutation {
        createOrganizationPermissionsTokenV2(input:
          { name: "org-access-example", organizationPermissions: [ ManageUsers, ViewUsage ] })
        { token, tokenMetadata { id, expireAt } }
      }`,
    );
    const { token, tokenMetadata } = v2.createOrganizationPermissionsTokenV2;
    expect(token).toMatch(TOKEN_STRING);
    expect(tokenMetadata).toEqual({ id: tokenId(token), expireAt: null });
    expect((await readBack(tokenMetadata.id)).permissions).toEqual(["ManageUsers", "ViewUsage"]);

    const v1 = await ok<{ createOrganizationPermissionsToken: string }>(
      emulator.url,
      adminToken,
      `mutation { createOrganizationPermissionsToken(input:
        { name: "org-v1-example", expireAt: null, permissions: [ ViewUsage, ManageUsers ] }) }`,
    );
    expect(v1.createOrganizationPermissionsToken).toMatch(TOKEN_STRING);

    const updated = await ok<{ updateOrganizationPermissionsTokenPermissions: string }>(
      emulator.url,
      adminToken,
      `mutation ($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ ViewUsage ] }) }`,
      { id: tokenMetadata.id },
    );
    expect(updated.updateOrganizationPermissionsTokenPermissions).toBe(tokenMetadata.id);
    expect((await readBack(tokenMetadata.id)).permissions).toEqual(["ViewUsage"]);
  });

  it("creates a view token over two views with [ReadAccess]; OrganizationOwnedQueries comes back added", async () => {
    const created = await ok<{ createViewPermissionsToken: string }>(
      emulator.url,
      adminToken,
      `mutation {
        createViewPermissionsToken(input:
          { name: "reader-example",
            expireAt: null,
            viewIds: [ "Vd5Fg1HjK7lM3nP9qR2sT6uW", "Va8Bc4De0Fg6Hi2Jk7Lm1No5" ],
            permissions: [ ReadAccess ] })
      }`,
    );
    const id = tokenId(created.createViewPermissionsToken);
    const token = await readBack(id);
    expect(token).toEqual({
      __typename: "ViewPermissionsToken",
      expireAt: null,
      permissions: ["ReadAccess", "OrganizationOwnedQueries"],
      views: [
        { __typename: "View", id: SEED.dashboards, name: "dashboards" },
        { __typename: "View", id: SEED.securityAudit, name: "security-audit" },
      ],
    });

    const updated = await ok<{ updateViewPermissionsTokenPermissions: string }>(
      emulator.url,
      adminToken,
      `mutation ($id: String!) { updateViewPermissionsTokenPermissions(input: { id: $id, permissions: [ ReadAccess, ChangeDashboards ] }) }`,
      { id },
    );
    expect(updated.updateViewPermissionsTokenPermissions).toBe(id);
    expect((await readBack(id)).permissions).toEqual([
      "CreateDashboards",
      "UpdateDashboards",
      "DeleteDashboards",
      "ReadAccess",
      "OrganizationOwnedQueries",
    ]);
  });

  it("creates a V2 view token with the same view id twice (as the docs example does): it is covered once", async () => {
    const created = await ok<{ createViewPermissionsTokenV2: { token: string; tokenMetadata: { name: string; expireAt: null; views: unknown[] } } }>(
      emulator.url,
      adminToken,
      `mutation {
        createViewPermissionsTokenV2(input:
          { name: "my-view-example",
            viewIds: [ "Rp7Xk2LmQ9sT4vWz1yB6nC3d", "Rp7Xk2LmQ9sT4vWz1yB6nC3d" ],
            viewPermissions: [ ReadAccess ] })
        { token, tokenMetadata { name, expireAt, views { __typename id } } }
      }`,
    );
    expect(created.createViewPermissionsTokenV2.tokenMetadata).toEqual({
      name: "my-view-example",
      expireAt: null,
      views: [{ __typename: "Repository", id: SEED.productionLogs }],
    });
  });

  it("creates a system token with [ViewOrganizations, ManageOrganizations] and updates it (the result is a String)", async () => {
    const created = await ok<{ createSystemPermissionsToken: string }>(
      emulator.url,
      adminToken,
      `mutation { createSystemPermissionsToken(input:
        { name: "system-example", permissions: [ ViewOrganizations, ManageOrganizations ] }) }`,
    );
    const id = tokenId(created.createSystemPermissionsToken);
    expect((await readBack(id)).permissions).toEqual(["ViewOrganizations", "ManageOrganizations"]);

    const updated = await ok<{ updateSystemPermissionsTokenPermissions: string }>(
      emulator.url,
      adminToken,
      `mutation ($id: String!) { updateSystemPermissionsTokenPermissions(input: { id: $id, permissions: [ ManageOrganizations, ReadHealthCheck ] }) }`,
      { id },
    );
    expect(updated.updateSystemPermissionsTokenPermissions).toBe(id);
    expect((await readBack(id)).permissions).toEqual(["ReadHealthCheck", "ManageOrganizations"]);
  });
});
