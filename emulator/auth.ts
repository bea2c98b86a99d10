import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { StoredToken, TokenKind } from "./model";
import { secretMatches, splitTokenString } from "./secrets";

/** Who is calling, frozen at authentication time for the rest of the request. */
export type Caller =
  | { readonly kind: "admin" }
  | {
      readonly kind: "token";
      readonly tokenId: string;
      readonly tokenKind: TokenKind;
      readonly permissions: readonly string[];
      readonly viewIds: readonly string[];
    };

export const ADMIN: Caller = { kind: "admin" };

/** The exact body LogScale documents for an expired or otherwise invalid token. */
export const UNAUTHENTICATED_BODY = "The supplied authentication is invalid";

export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function isAdminToken(presented: string, adminToken: string): boolean {
  return timingSafeEqual(digest(presented), digest(adminToken));
}

/**
 * Resolves a presented bearer token. `findLiveToken` must only return tokens that may
 * authenticate right now (known and not expired); everything else is simply "invalid",
 * never a hint about which part was wrong.
 */
export function authenticate(
  presented: string | null,
  adminToken: string,
  findLiveToken: (id: string) => StoredToken | undefined,
): Caller | null {
  if (presented === null) return null;
  if (isAdminToken(presented, adminToken)) return ADMIN;
  const parts = splitTokenString(presented);
  if (parts === null) return null;
  const token = findLiveToken(parts.id);
  if (token === undefined || !secretMatches(token.secretHash, parts.secret)) return null;
  return {
    kind: "token",
    tokenId: token.id,
    tokenKind: token.kind,
    permissions: [...token.permissions],
    viewIds: [...token.viewIds],
  };
}
