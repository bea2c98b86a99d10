/**
 * What may be sent as an HTTP header value. Node's http refuses control characters and
 * anything above U+00FF (ERR_INVALID_CHAR), and sends U+0080–U+00FF as single Latin-1 bytes,
 * which a server reads as it likes. So values we put in headers must be printable ASCII.
 */

/** The first character that is not printable ASCII (a space allowed only where `spaces` says), or undefined. */
export function firstUnsendableCharacter(value: string, spaces: boolean): { readonly index: number; readonly codePoint: number } | undefined {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    const printable = code > 0x20 && code < 0x7f;
    if (!printable && !(spaces && code === 0x20)) return { index, codePoint: value.codePointAt(index) ?? code };
  }
  return undefined;
}

/** `U+00F8` */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}
