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
} from "./resources";
export {
  type AssetPermission,
  assetPermissions,
  type OrganizationPermission,
  organizationPermissions,
  type SystemPermission,
  systemPermissions,
  type ViewPermission,
  viewPermissions,
} from "./permissions";
export { configKeys, environmentVariables } from "./config-keys";
