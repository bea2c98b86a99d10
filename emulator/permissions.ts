import { enumValues } from "./schema";

/**
 * Umbrella view permissions that LogScale stores as their Create/Update/Delete split.
 * humio-operator's drift check (FixPermissions) only makes sense if the server does this; we
 * return the split WITHOUT the umbrella (whether the real server also echoes the umbrella is
 * not established).
 */
const UMBRELLAS: Readonly<Record<string, string>> = {
  ChangeFiles: "Files",
  ChangeDashboards: "Dashboards",
  ChangeSavedQueries: "SavedQueries",
  ChangeScheduledReports: "ScheduledReports",
  ChangeTriggers: "Triggers",
  ChangeActions: "Actions",
};

/** LogScale grants this to every view token implicitly, and reads it back. */
const IMPLIED_VIEW_PERMISSION = "OrganizationOwnedQueries";

/** De-duplicates and orders by the enum's schema order, so read-backs do not echo caller order. */
export function canonicalOrder(permissions: Iterable<string>, enumName: string): string[] {
  const wanted = new Set(permissions);
  return enumValues(enumName).filter((value) => wanted.has(value));
}

export function normaliseViewPermissions(permissions: readonly string[]): string[] {
  const expanded = new Set<string>([IMPLIED_VIEW_PERMISSION]);
  for (const permission of permissions) {
    const family = UMBRELLAS[permission];
    if (family === undefined) {
      expanded.add(permission);
    } else {
      for (const verb of ["Create", "Update", "Delete"]) expanded.add(`${verb}${family}`);
    }
  }
  return canonicalOrder(expanded, "Permission");
}

export function normaliseOrganizationPermissions(permissions: readonly string[]): string[] {
  return canonicalOrder(permissions, "OrganizationPermission");
}

export function normaliseSystemPermissions(permissions: readonly string[]): string[] {
  return canonicalOrder(permissions, "SystemPermission");
}

export function normaliseAssetPermissions(permissions: readonly string[]): string[] {
  return canonicalOrder(permissions, "AssetPermission");
}
