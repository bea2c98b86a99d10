/**
 * adoptTokenId: a new resource takes over a token that already exists (made by hand, or by
 * humio-operator) instead of creating one, so its consumers keep their secret. What the
 * program says about the token's identity must match it; permissions are then brought to
 * what the program says. LogScale never shows a secret again, so the token output stays empty
 * unless rotateOnAdopt asks LogScale to rotate it once (a new id and secret; the old one stops).
 */
import type { TokenMetadata } from "../client/client";
import type { CheckFailure, TokenInputs } from "./inputs";
import type { TokenKind } from "./kinds";
import { isUnknown } from "./unknown";

function differs(wanted: unknown, actual: unknown): boolean {
  if (wanted === undefined || isUnknown(wanted)) return false;
  return JSON.stringify(wanted) !== JSON.stringify(actual);
}

/** Why this token cannot be adopted by this program, property by property. */
export function adoptionProblems(kind: TokenKind, id: string, token: TokenMetadata | undefined, inputs: Record<string, unknown>): CheckFailure[] {
  if (token === undefined) {
    return [{ property: "adoptTokenId", reason: `adoptTokenId '${id}' is not the id of a token LogScale has (or the API token cannot see it)` }];
  }
  if (!kind.owns(token)) {
    const article = token.type === "organization" ? "an" : "a";
    return [{ property: "adoptTokenId", reason: `adoptTokenId '${id}' is ${article} ${token.type} permissions token, not a ${kind.label}: adopt it with the matching resource` }];
  }
  const differences: string[] = [];
  if (differs(inputs["name"], token.name)) differences.push(`name: the program says '${String(inputs["name"])}', the token is named '${token.name}'`);
  const viewIds = token.views.map((view) => view.id).sort();
  if (kind.name === "view" && differs(inputs["viewIds"], viewIds)) {
    differences.push(`views: the program says ${JSON.stringify(inputs["viewNames"] ?? inputs["viewIds"])}, the token has ${JSON.stringify(token.views.map((view) => view.name).sort())} (${viewIds.join(", ")})`);
  }
  const ipFilterId = inputs["ipFilterId"];
  if (!isUnknown(ipFilterId) && (ipFilterId ?? null) !== (token.ipFilter?.id ?? null)) {
    differences.push(`IP filter: the program says ${ipFilterId === undefined ? "none" : `'${String(inputs["ipFilterName"] ?? ipFilterId)}'`}, the token has ${token.ipFilter ? `'${token.ipFilter.name}' (${token.ipFilter.id})` : "none"}`);
  }
  if (differences.length === 0) return [];
  return [
    {
      property: "adoptTokenId",
      reason: `token '${id}' does not match the program, so it cannot be adopted as it is: ${differences.join("; ")}. Change the program to describe the token (its permissions may differ: adoption sets them)`,
    },
  ];
}

export function adoptionWarning(kind: TokenKind, inputs: Pick<TokenInputs, "name" | "adoptTokenId" | "rotateOnAdopt">): string {
  return inputs.rotateOnAdopt
    ? `'${inputs.name}' adopts ${kind.label} ${inputs.adoptTokenId} and rotates it once (rotateOnAdopt): LogScale gives it a new id and secret, ` +
        `and the secret its consumers use now stops working. The new secret is the token output.`
    : `'${inputs.name}' adopts ${kind.label} ${inputs.adoptTokenId}. LogScale never shows a token's secret again, so its token output stays empty; ` +
        `consumers keep the secret they have. Set rotateOnAdopt: true to have it rotated once and get a secret Pulumi holds.`;
}
