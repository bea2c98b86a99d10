/**
 * The permission enums of LogScale 1.204.0, in schema order. They are written here from the
 * schema's facts (tests/schema prove them identical to the real SDL) so the package needs no
 * schema file at run time and users get string-literal types in their editor.
 */

/** `OrganizationPermission`: what an organization permissions token may do. */
export const organizationPermissions = [
  "ExportOrganization",
  "ChangeOrganizationPermissions",
  "ChangeIdentityProviders",
  "CreateRepository",
  "ManageUsers",
  "ViewUsage",
  "ChangeOrganizationSettings",
  "ChangeIPFilters",
  "ChangeSessions",
  "ChangeAllViewOrRepositoryPermissions",
  "IngestAcrossAllReposWithinOrganization",
  "DeleteAllRepositories",
  "DeleteAllViews",
  "ViewAllInternalNotifications",
  "ChangeFleetManagement",
  "ViewFleetManagement",
  "ChangeTriggersToRunAsOtherUsers",
  "MonitorQueries",
  "BlockQueries",
  "ChangeSecurityPolicies",
  "ChangeExternalFunctions",
  "ChangeFieldAliases",
  "ManageViewConnections",
] as const;
export type OrganizationPermission = (typeof organizationPermissions)[number];

/** `SystemPermission`: what a system permissions token may do across the cluster. */
export const systemPermissions = [
  "ReadHealthCheck",
  "ViewOrganizations",
  "ManageOrganizations",
  "ImportOrganization",
  "DeleteOrganizations",
  "ChangeSystemPermissions",
  "ManageCluster",
  "IngestAcrossAllReposWithinCluster",
  "DeleteHumioOwnedRepositoryOrView",
  "ChangeUsername",
  "ChangeFeatureFlags",
  "ChangeSubdomains",
  "ListSubdomains",
  "PatchGlobal",
  "ChangeBucketStorage",
  "ManageOrganizationLinks",
] as const;
export type SystemPermission = (typeof systemPermissions)[number];

/** `Permission`: what a view permissions token may do on its views and repositories. */
export const viewPermissions = [
  "ChangeUserAccess",
  "ChangeTriggers",
  "CreateTriggers",
  "UpdateTriggers",
  "DeleteTriggers",
  "ChangeActions",
  "CreateActions",
  "UpdateActions",
  "DeleteActions",
  "ChangeDashboards",
  "CreateDashboards",
  "UpdateDashboards",
  "DeleteDashboards",
  "ChangeDashboardReadonlyToken",
  "ChangeFiles",
  "CreateFiles",
  "UpdateFiles",
  "DeleteFiles",
  "ChangeInteractions",
  "ChangeParsers",
  "ChangeSavedQueries",
  "CreateSavedQueries",
  "UpdateSavedQueries",
  "DeleteSavedQueries",
  "ConnectView",
  "ChangeArchivingSettings",
  "ChangeDataDeletionPermissions",
  "ChangeRetention",
  "ChangeDefaultSearchSettings",
  "ChangeS3ArchivingSettings",
  "DeleteDataSources",
  "DeleteRepositoryOrView",
  "DeleteEvents",
  "ReadAccess",
  "ChangeIngestTokens",
  "ChangePackages",
  "ChangeViewOrRepositoryDescription",
  "ChangeConnections",
  "EventForwarding",
  "QueryDashboard",
  "ChangeViewOrRepositoryPermissions",
  "ChangeFdrFeeds",
  "OrganizationOwnedQueries",
  "ReadExternalFunctions",
  "ChangeIngestFeeds",
  "ChangeScheduledReports",
  "CreateScheduledReports",
  "UpdateScheduledReports",
  "DeleteScheduledReports",
] as const;
export type ViewPermission = (typeof viewPermissions)[number];

/** `AssetPermission`: per-asset grants on a view token (create-only). */
export const assetPermissions = ["UpdateAsset", "DeleteAsset"] as const;
export type AssetPermission = (typeof assetPermissions)[number];

/**
 * View-token umbrellas: LogScale grants (and reports) an umbrella as its Create/Update/Delete
 * trio. Whether it also reports the umbrella itself is not established, so both sides of
 * every comparison go through `effectiveViewPermissions`.
 */
const viewPermissionUmbrellas: Readonly<Record<string, readonly string[]>> = {
  ChangeTriggers: ["CreateTriggers", "UpdateTriggers", "DeleteTriggers"],
  ChangeActions: ["CreateActions", "UpdateActions", "DeleteActions"],
  ChangeDashboards: ["CreateDashboards", "UpdateDashboards", "DeleteDashboards"],
  ChangeFiles: ["CreateFiles", "UpdateFiles", "DeleteFiles"],
  ChangeSavedQueries: ["CreateSavedQueries", "UpdateSavedQueries", "DeleteSavedQueries"],
  ChangeScheduledReports: ["CreateScheduledReports", "UpdateScheduledReports", "DeleteScheduledReports"],
};

/** LogScale adds this to every view token. */
const impliedViewPermission = "OrganizationOwnedQueries";

/**
 * What a view token can actually do with these permissions, as a sorted list: umbrellas
 * expanded to their trio (and a complete trio counted as its umbrella's trio only),
 * OrganizationOwnedQueries added.
 */
export function effectiveViewPermissions(permissions: readonly string[]): string[] {
  const effective = new Set<string>([impliedViewPermission]);
  for (const permission of permissions) {
    const trio = viewPermissionUmbrellas[permission];
    for (const granted of trio ?? [permission]) effective.add(granted);
  }
  return [...effective].sort();
}
