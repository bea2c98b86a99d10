/**
 * The detailed diff the engine shows for a plan the core made: which properties change, and
 * whether each forces a replacement. The core decides (changes, replaces); this only names
 * the properties, and the permissions one by one as sets, so adding one permission shows that
 * permission alone and a reorder shows nothing.
 */
import type { TokenKindName } from "../../core/kinds";
import { permissionChanges } from "../../core/permission-diff";
import { sameValue } from "../../core/inputs";
import type { PropertyMap } from "./wire";

export type PropertyChange = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** Property path (`permissions[2]`, `name`) to what happens to it. */
export type DetailedDiff = ReadonlyMap<string, PropertyChange>;

export interface Plan {
  readonly changes: boolean;
  readonly replaces: readonly string[];
}

function change(old: unknown, news: unknown, replace: boolean): PropertyChange {
  const base = old === undefined ? "add" : news === undefined ? "delete" : "update";
  return replace ? (`${base}-replace` as PropertyChange) : base;
}

function stringList(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * `oldInputs` are the inputs in state (the engine shows old values from them), `news` the checked
 * new inputs. A replacement whose reason is no changed input (a token due for rotation, whose
 * `expireAt` output came within the window; a connection that leads to another LogScale now) shows
 * no property: the core's warning says why. Returns no map when the plan changes something no
 * property accounts for (an expired token kept as it is): the engine then shows the change itself.
 */
export function detailedDiff(kind: TokenKindName, oldInputs: PropertyMap, news: PropertyMap, plan: Plan): DetailedDiff | undefined {
  const diff = new Map<string, PropertyChange>();
  const replaced = new Set(plan.replaces);
  const permissionsReplaced = replaced.has("permissions");
  const { added, removed } = Array.isArray(news["permissions"])
    ? permissionChanges(kind, stringList(oldInputs["permissions"]), stringList(news["permissions"]))
    : { added: [], removed: [] };
  for (const index of added) diff.set(`permissions[${index}]`, permissionsReplaced ? "add-replace" : "add");
  for (const index of removed) diff.set(`permissions[${index}]`, permissionsReplaced ? "delete-replace" : "delete");
  if (!Array.isArray(news["permissions"]) && !sameValue(oldInputs["permissions"], news["permissions"])) {
    // Unknown until another resource is created: the whole list may change.
    diff.set("permissions", permissionsReplaced ? "update-replace" : "update");
  }
  for (const property of replaced) {
    if (property === "permissions" && (added.length > 0 || removed.length > 0)) continue;
    if (sameValue(oldInputs[property], news[property])) continue;
    diff.set(property, change(oldInputs[property], news[property], true));
  }
  if (!replaced.has("connection") && !sameValue(oldInputs["connection"], news["connection"])) {
    diff.set("connection", change(oldInputs["connection"], news["connection"], false));
  }
  if (plan.changes && diff.size === 0) return replaced.size > 0 ? new Map() : undefined;
  if (!plan.changes && diff.size > 0) return new Map();
  return diff;
}

/** The top-level properties a detailed diff names. */
export function changedProperties(diff: DetailedDiff): string[] {
  return [...new Set([...diff.keys()].map((path) => path.replace(/\[.*$/, "")))].sort();
}
