import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// Largest multiple of the alphabet size that fits in a byte: bytes above it are discarded so
// every character is equally likely (a plain modulo would favour the first few).
const UNBIASED_LIMIT = Math.floor(256 / ALPHABET.length) * ALPHABET.length;

export const TOKEN_ID_LENGTH = 32;
export const TOKEN_SECRET_LENGTH = 44;

export function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function newTokenId(): string {
  return randomAlphanumeric(TOKEN_ID_LENGTH);
}

export function newTokenSecret(): string {
  return randomAlphanumeric(TOKEN_SECRET_LENGTH);
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** LogScale clients take everything before the first `~` as the token id. */
export function splitTokenString(token: string): { id: string; secret: string } | null {
  const at = token.indexOf("~");
  if (at <= 0 || at === token.length - 1) return null;
  return { id: token.slice(0, at), secret: token.slice(at + 1) };
}

/** Compares digests, not strings, so timing reveals nothing about the expected value. */
export function secretMatches(expectedHashHex: string, presentedSecret: string): boolean {
  const expected = Buffer.from(expectedHashHex, "hex");
  const presented = Buffer.from(hashSecret(presentedSecret), "hex");
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
