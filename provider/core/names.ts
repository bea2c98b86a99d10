/**
 * viewNames and ipFilterName, resolved to ids in check(), at every preview: the plan then
 * compares ids, so a view deleted and re-created under the same name (a new id) replaces the
 * tokens on it, and a misspelt name fails before anything changes.
 */
import type { IpFilter, SearchDomainRef } from "../client/client";
import type { CheckFailure } from "./inputs";
import { closestMatches } from "./suggest";
import { containsUnknown, isUnknown, unknownValue } from "./unknown";

interface Named {
  readonly id: string;
  readonly name: string;
}

function unknownNames(wanted: readonly string[], known: readonly Named[], what: string): string | undefined {
  const missing = wanted.filter((name) => !known.some((item) => item.name === name));
  if (missing.length === 0) return undefined;
  const names = known.map((item) => item.name);
  const hints = missing.map((name) => {
    const closest = closestMatches(name, names);
    return closest.length > 0 ? `'${name}' (did you mean ${closest.map((candidate) => `'${candidate}'`).join(", ")}?)` : `'${name}'`;
  });
  const listed = names.length === 0 ? "There are none." : `Known: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}`;
  return `${hints.join(", ")} ${missing.length === 1 ? "is not the name" : "are not names"} of ${what}. ${listed}`;
}

/**
 * Sets `viewIds` from `viewNames` and `ipFilterId` from `ipFilterName` in the checked inputs;
 * returns what could not be resolved. A reader answering null may not list them.
 */
export async function resolveNames(
  inputs: Record<string, unknown>,
  views: () => Promise<readonly SearchDomainRef[] | null>,
  ipFilters: () => Promise<readonly IpFilter[] | null>,
): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  const viewNames = inputs["viewNames"];
  if (viewNames !== undefined) {
    if (containsUnknown(viewNames)) {
      inputs["viewIds"] = unknownValue;
    } else {
      const known = await views();
      const names = viewNames as string[];
      const problem = known === null ? "viewNames cannot be resolved: the API token may not list views and repositories. Give viewIds instead" : unknownNames(names, known, "a view or repository the API token can see");
      if (problem) failures.push({ property: "viewNames", reason: problem.startsWith("viewNames") ? problem : `viewNames ${problem}` });
      else inputs["viewIds"] = names.map((name) => known!.find((view) => view.name === name)!.id).sort();
    }
  }
  const ipFilterName = inputs["ipFilterName"];
  if (ipFilterName !== undefined) {
    if (isUnknown(ipFilterName)) {
      inputs["ipFilterId"] = unknownValue;
    } else {
      const known = await ipFilters();
      const problem = known === null ? "ipFilterName cannot be resolved: the API token may not list IP filters. Give ipFilterId instead" : unknownNames([ipFilterName as string], known, "an IP filter of the organization");
      if (problem) failures.push({ property: "ipFilterName", reason: problem.startsWith("ipFilterName") ? problem : `ipFilterName ${problem}` });
      else inputs["ipFilterId"] = known!.find((filter) => filter.name === ipFilterName)!.id;
    }
  }
  return failures;
}
