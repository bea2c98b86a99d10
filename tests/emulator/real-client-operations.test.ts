import { readdirSync } from "node:fs";
import * as path from "node:path";
import { Kind, parse, print, visit, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describeWithShared, readShared, sharedDir } from "../support/shared";
import { adminToken, emulatorPerFile, ok, SEED, storedTokens, tokenId } from "../support/emulator";

/**
 * Replays humio-operator's own token documents (a real LogScale client) against the
 * emulator. Fragments live in several files (TokenDetails is declared in the view-token
 * file and used by the others), so every operation gets exactly the fragments it needs.
 */
const OPERATIONS_DIR = "logscale/real-client-operations";

interface Operations {
  fragments: Map<string, FragmentDefinitionNode>;
  operations: Map<string, OperationDefinitionNode>;
}

function loadOperations(): Operations {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations = new Map<string, OperationDefinitionNode>();
  for (const file of readdirSync(path.join(sharedDir, OPERATIONS_DIR)).filter((f) => f.endsWith(".graphql")).sort()) {
    for (const definition of parse(readShared(`${OPERATIONS_DIR}/${file}`)).definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operations.set(definition.name.value, definition);
    }
  }
  return { fragments, operations };
}

function documentFor(ops: Operations, name: string): string {
  const operation = ops.operations.get(name);
  if (!operation) throw new Error(`no operation ${name}`);
  const needed = new Map<string, FragmentDefinitionNode>();
  const queue: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  while (queue.length > 0) {
    const node = queue.pop();
    if (!node) break;
    visit(node, {
      FragmentSpread(spread) {
        const fragment = ops.fragments.get(spread.name.value);
        if (!fragment) throw new Error(`missing fragment ${spread.name.value}`);
        if (!needed.has(fragment.name.value)) {
          needed.set(fragment.name.value, fragment);
          queue.push(fragment);
        }
      },
    });
  }
  return [operation, ...needed.values()].map((d) => print(d)).join("\n\n");
}

interface TokenResult {
  id: string;
  name: string;
  expireAt: number | null;
  ipFilterV2: { id: string } | null;
  permissions: string[];
  views?: Array<{ id: string; name: string }>;
}

describeWithShared("humio-operator's token operations against the emulator", () => {
  const emulator = emulatorPerFile({ reset: true });
  let ops: Operations;
  const executed = new Set<string>();

  const run = async <T>(name: string, variables: Record<string, unknown>): Promise<T> => {
    executed.add(name);
    return ok<T>(emulator.url, adminToken, documentFor(ops, name), variables, name);
  };

  beforeAll(() => {
    ops = loadOperations();
  });

  const kinds = [
    {
      kind: "organization",
      create: "CreateOrganizationToken",
      createField: "createOrganizationPermissionsToken",
      get: "GetOrganizationToken",
      update: "UpdateOrganizationToken",
      updateField: "updateOrganizationPermissionsTokenPermissions",
      variables: { Permissions: ["ManageUsers", "ViewUsage"] },
      updated: { Permissions: ["ViewUsage", "ChangeIPFilters"] },
      expected: ["ManageUsers", "ViewUsage"],
      expectedAfterUpdate: ["ViewUsage", "ChangeIPFilters"],
    },
    {
      kind: "system",
      create: "CreateSystemToken",
      createField: "createSystemPermissionsToken",
      get: "GetSystemToken",
      update: "UpdateSystemToken",
      updateField: "updateSystemPermissionsTokenPermissions",
      variables: { Permissions: ["ViewOrganizations", "ManageOrganizations"] },
      updated: { Permissions: ["ReadHealthCheck"] },
      expected: ["ViewOrganizations", "ManageOrganizations"],
      expectedAfterUpdate: ["ReadHealthCheck"],
    },
    {
      kind: "view",
      create: "CreateViewToken",
      createField: "createViewPermissionsToken",
      get: "GetViewToken",
      update: "UpdateViewToken",
      updateField: "updateViewPermissionsTokenPermissions",
      variables: { ViewIds: [SEED.dashboards, SEED.securityAudit], ViewPermissions: ["ReadAccess"] },
      updated: { ViewPermissions: ["ReadAccess", "ChangeDashboards"] },
      expected: ["ReadAccess", "OrganizationOwnedQueries"],
      expectedAfterUpdate: ["CreateDashboards", "UpdateDashboards", "DeleteDashboards", "ReadAccess", "OrganizationOwnedQueries"],
    },
  ] as const;

  it.each(kinds)("$kind token: create, get, update, rotate (both documents), delete", async (k) => {
    const expiresAt = Date.now() + 86_400_000;
    const created = await run<Record<string, string>>(k.create, {
      Name: `operator-${k.kind}`,
      IPFilterId: SEED.officeFilter,
      ExpiresAt: expiresAt,
      ...k.variables,
    });
    const tokenString = created[k.createField] ?? "";
    expect(tokenString).toMatch(/^[A-Za-z0-9]{32}~[A-Za-z0-9]{44}$/);
    const id = tokenId(tokenString);

    const get = async (tokenIdValue: string) =>
      (await run<{ tokens: { results: TokenResult[] } }>(k.get, { Id: tokenIdValue })).tokens.results;
    const [found] = await get(id);
    expect(found).toMatchObject({ id, name: `operator-${k.kind}`, expireAt: expiresAt, ipFilterV2: { id: SEED.officeFilter } });
    expect([...(found?.permissions ?? [])].sort()).toEqual([...k.expected].sort());
    if (k.kind === "view") {
      expect(found?.views).toEqual([
        { id: SEED.dashboards, name: "dashboards" },
        { id: SEED.securityAudit, name: "security-audit" },
      ]);
    }

    const updated = await run<Record<string, string>>(k.update, { Id: id, ...k.updated });
    expect(updated[k.updateField]).toBe(id);
    expect([...((await get(id))[0]?.permissions ?? [])].sort()).toEqual([...k.expectedAfterUpdate].sort());

    const rotated = (await run<{ rotateToken: string }>("RotateToken", { Id: id })).rotateToken;
    const rotatedId = tokenId(rotated);
    expect(rotatedId).not.toBe(id);
    const rotatedAgain = (await run<{ rotateToken: string }>("RotateTokenByID", { TokenID: rotatedId })).rotateToken;
    const finalId = tokenId(rotatedAgain);
    expect(await get(id)).toEqual([]);
    expect((await get(finalId))[0]).toMatchObject({ id: finalId, name: `operator-${k.kind}`, expireAt: expiresAt });

    expect(await run<{ deleteToken: boolean }>("DeleteToken", { Id: finalId })).toEqual({ deleteToken: true });
    expect(await get(finalId)).toEqual([]);
    expect(await storedTokens(emulator.url)).toEqual([]);
  });

  it("the operator's typeFilter (a bare enum value) only returns tokens of that kind", async () => {
    const org = await run<{ createOrganizationPermissionsToken: string }>("CreateOrganizationToken", {
      Name: "shared-name",
      Permissions: ["ViewUsage"],
    });
    await run("CreateSystemToken", { Name: "shared-name", Permissions: ["ReadHealthCheck"] });
    const orgId = tokenId(org.createOrganizationPermissionsToken);
    const results = async (op: string) => (await run<{ tokens: { results: TokenResult[] } }>(op, { Id: "shared-name" })).tokens.results;
    expect((await results("GetOrganizationToken")).map((t) => t.id)).toEqual([orgId]);
    expect(await results("GetSystemToken")).toHaveLength(1);
    expect(await results("GetViewToken")).toEqual([]);
  });

  // Declared last, so it runs after the tests above (jest keeps declaration order).
  it("exercised every operation in the shared files", () => {
    expect(ops.operations.size).toBeGreaterThanOrEqual(9);
    expect([...ops.operations.keys()].filter((name) => !executed.has(name))).toEqual([]);
  });
});
