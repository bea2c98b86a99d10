/**
 * Removes credentials from text before it can reach an error message, a log line or state.
 * Known secrets (the API token, token strings this process received) are replaced verbatim;
 * the patterns catch credentials we were never told about, e.g. a token string echoed back
 * inside a server's error body.
 */
const REDACTED = "[redacted]";

/** `<tokenId>~<secret>`: LogScale token strings (ids are long alphanumerics). */
const tokenStringPattern = /[A-Za-z0-9_-]{8,}~[A-Za-z0-9+/=_.-]{8,}/g;
const bearerPattern = /\b(Bearer)\s+[^\s"',;]+/gi;
const urlCredentialsPattern = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Short strings are skipped: replacing "a" everywhere would destroy messages and hide nothing. */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret containing another secret is removed whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(REDACTED);
    }
    return result
      .replace(tokenStringPattern, REDACTED)
      .replace(bearerPattern, `$1 ${REDACTED}`)
      .replace(urlCredentialsPattern, `$1${REDACTED}@`);
  }
}

/** A URL fit for messages: without user info, query or fragment (either may carry a credential). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
