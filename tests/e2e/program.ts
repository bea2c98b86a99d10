/**
 * The stack the e2e tests deploy: one token of each kind plus a view token on two views.
 * Tests change `spec` between runs the way a user edits their program.
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import type { LogScalePackage } from "../support/pulumi";
import type { OrganizationPermission, SystemPermission, ViewPermission } from "../../provider";

export interface Spec {
  orgName: string;
  orgPermissions: OrganizationPermission[];
  orgExpireAt?: string;
  viewName: string;
  viewIds: string[];
  viewPermissions: ViewPermission[];
  systemPermissions: SystemPermission[];
}

export function quickstartProgram(logscale: LogScalePackage, spec: () => Spec) {
  return async () => {
    const current = spec();
    const ci = new logscale.OrgPermissionsToken("ci", {
      name: current.orgName,
      permissions: current.orgPermissions,
      ...(current.orgExpireAt ? { expireAt: current.orgExpireAt } : {}),
    });
    const reader = new logscale.ViewPermissionsToken("reader", { name: current.viewName, viewIds: current.viewIds, permissions: current.viewPermissions });
    const ops = new logscale.SystemPermissionsToken("ops", { name: "ops", permissions: current.systemPermissions });
    return {
      ciId: ci.tokenId,
      ciToken: ci.token,
      readerId: reader.tokenId,
      readerToken: reader.token,
      readerViews: reader.views,
      opsId: ops.tokenId,
      opsToken: ops.token,
    };
  };
}

export async function viewIdsByName(url: string, adminToken: string, names: string[]): Promise<string[]> {
  const response = await fetch(`${url}/_emulator/store`, { headers: { Authorization: `Bearer ${adminToken}` } });
  const store = (await response.json()) as { searchDomains: { id: string; name: string }[] };
  return names.map((name) => {
    const found = store.searchDomains.find((domain) => domain.name === name);
    if (!found) throw new Error(`no search domain ${name}`);
    return found.id;
  });
}

/** Each token resource's secret by resource name, from a state exported with its secrets shown. */
export function tokensInState(exported: Deployment): Record<string, unknown> {
  const { resources } = exported.deployment as { resources: { urn: string; outputs?: { token?: { plaintext?: string } } }[] };
  return Object.fromEntries(
    resources.flatMap((resource) => {
      const plaintext = resource.outputs?.token?.plaintext;
      return plaintext === undefined ? [] : [[resource.urn.split("::").pop(), JSON.parse(plaintext) as unknown]];
    }),
  );
}
