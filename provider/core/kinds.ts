/**
 * The three kinds of permission token, and everything that differs between them. The
 * provider is written once against this table.
 */
import type { CreatedToken, LogScaleClient, TokenMetadata, TokenSecurityPolicies } from "../client/client";
import {
  type OrganizationPermission,
  organizationPermissions,
  type SystemPermission,
  systemPermissions,
  type ViewPermission,
  viewPermissions,
} from "../program/permissions";

export type TokenKindName = "organization" | "view" | "system";

type PolicyFlag = keyof TokenSecurityPolicies & `${string}Tokens${"Enabled" | "AllowPermissionUpdates"}`;
type PolicyLifetime = keyof TokenSecurityPolicies & `${string}TokensEnforceExpirationAfterMs`;

/** The create-time request, already validated by check(). */
export interface CreateRequest {
  readonly name: string;
  readonly permissions: readonly string[];
  readonly expireAt?: number;
  readonly ipFilterId?: string;
  readonly viewIds?: readonly string[];
  readonly assetPermissionAssignments?: readonly { assetResourceIdentifier: string; permissions: readonly string[] }[];
}

export interface TokenKind {
  readonly name: TokenKindName;
  /** The resource class name, also the last part of the Pulumi type token. */
  readonly resourceType: string;
  /** How people call it in messages: "organization permissions token". */
  readonly label: string;
  /** The GraphQL enum its permissions come from. */
  readonly permissionEnum: string;
  /** The exported TypeScript constant listing the valid permissions. */
  readonly permissionListExport: string;
  readonly permissions: readonly string[];
  /** The token security policy fields that govern this kind. */
  readonly policy: {
    readonly enabled: PolicyFlag;
    readonly allowUpdates: PolicyFlag;
    readonly maxLifetimeMs: PolicyLifetime;
  };
  create(client: LogScaleClient, request: CreateRequest): Promise<CreatedToken>;
  updatePermissions(client: LogScaleClient, id: string, permissions: readonly string[]): Promise<void>;
  /** Whether a token the server reports belongs to this kind. */
  owns(token: TokenMetadata): boolean;
}

// check() has proven every permission belongs to the kind's enum before any of these run.
const asOrganization = (permissions: readonly string[]) => permissions as readonly OrganizationPermission[];
const asSystem = (permissions: readonly string[]) => permissions as readonly SystemPermission[];
const asView = (permissions: readonly string[]) => permissions as readonly ViewPermission[];

const common = (request: CreateRequest) => ({
  name: request.name,
  expireAt: request.expireAt ?? null,
  ipFilterId: request.ipFilterId ?? null,
});

export const tokenKinds: Readonly<Record<TokenKindName, TokenKind>> = {
  organization: {
    name: "organization",
    resourceType: "OrgPermissionsToken",
    label: "organization permissions token",
    permissionEnum: "OrganizationPermission",
    permissionListExport: "organizationPermissions",
    permissions: organizationPermissions,
    policy: {
      enabled: "organizationPermissionTokensEnabled",
      allowUpdates: "organizationPermissionTokensAllowPermissionUpdates",
      maxLifetimeMs: "organizationPermissionTokensEnforceExpirationAfterMs",
    },
    create: (client, request) =>
      client.createOrganizationPermissionsTokenV2({ ...common(request), permissions: asOrganization(request.permissions) }),
    updatePermissions: (client, id, permissions) => client.updateOrganizationPermissionsTokenPermissions(id, asOrganization(permissions)),
    owns: (token) => token.type === "organization",
  },
  view: {
    name: "view",
    resourceType: "ViewPermissionsToken",
    label: "view permissions token",
    permissionEnum: "Permission",
    permissionListExport: "viewPermissions",
    permissions: viewPermissions,
    policy: {
      enabled: "viewPermissionTokensEnabled",
      allowUpdates: "viewPermissionTokensAllowPermissionUpdates",
      maxLifetimeMs: "viewPermissionTokensEnforceExpirationAfterMs",
    },
    create: (client, request) =>
      client.createViewPermissionsTokenV2({
        ...common(request),
        viewIds: request.viewIds ?? [],
        permissions: asView(request.permissions),
        assetPermissionAssignments: (request.assetPermissionAssignments ?? []).map((assignment) => ({
          assetResourceIdentifier: assignment.assetResourceIdentifier,
          permissions: assignment.permissions as readonly ("UpdateAsset" | "DeleteAsset")[],
        })),
      }),
    updatePermissions: (client, id, permissions) => client.updateViewPermissionsTokenPermissions(id, asView(permissions)),
    owns: (token) => token.type === "view",
  },
  system: {
    name: "system",
    resourceType: "SystemPermissionsToken",
    label: "system permissions token",
    permissionEnum: "SystemPermission",
    permissionListExport: "systemPermissions",
    permissions: systemPermissions,
    policy: {
      enabled: "systemPermissionTokensEnabled",
      allowUpdates: "systemPermissionTokensAllowPermissionUpdates",
      maxLifetimeMs: "systemPermissionTokensEnforceExpirationAfterMs",
    },
    create: (client, request) => client.createSystemPermissionsTokenV2({ ...common(request), permissions: asSystem(request.permissions) }),
    updatePermissions: (client, id, permissions) => client.updateSystemPermissionsTokenPermissions(id, asSystem(permissions)),
    owns: (token) => token.type === "system",
  },
};
