/** pulumi-logscale-tokens: LogScale permission tokens as Pulumi resources. */
export {
  type AssetPermissionAssignmentArgs,
  type ConnectionArgs,
  OrgPermissionsToken,
  type OrgPermissionsTokenArgs,
  PermissionsTokenResource,
  SystemPermissionsToken,
  type SystemPermissionsTokenArgs,
  ViewPermissionsToken,
  type ViewPermissionsTokenArgs,
  type ViewRef,
} from "./program/resources";
export {
  type AssetPermission,
  assetPermissions,
  type OrganizationPermission,
  organizationPermissions,
  type SystemPermission,
  systemPermissions,
  type ViewPermission,
  viewPermissions,
} from "./program/permissions";
export { configKeys, environmentVariables } from "./program/config-keys";
