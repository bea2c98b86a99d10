/**
 * The plugin's resource types, `logscale:index:<class>`: one per kind of token, named like the
 * TypeScript class (the kinds table's resourceType).
 */
import { type TokenKindName, tokenKinds } from "../../core/kinds";

export const packageName = "logscale";

export function resourceTypeOf(kind: TokenKindName): string {
  return `${packageName}:index:${tokenKinds[kind].resourceType}`;
}

const kindsByType = new Map<string, TokenKindName>(
  (Object.keys(tokenKinds) as TokenKindName[]).map((kind) => [resourceTypeOf(kind), kind]),
);

/**
 * The kind of the resource a URN names: `urn:pulumi:<stack>::<project>::<type>::<name>`, where
 * the type is prefixed by its parents' types (`parent$type`) for a child resource.
 */
export function kindOfUrn(urn: string): TokenKindName {
  const qualifiedType = urn.split("::")[2] ?? "";
  const type = qualifiedType.split("$").pop() ?? "";
  const kind = kindsByType.get(type);
  if (kind === undefined) {
    throw new Error(`The logscale provider has no resource type '${type}'. Its types are ${[...kindsByType.keys()].join(", ")}.`);
  }
  return kind;
}
