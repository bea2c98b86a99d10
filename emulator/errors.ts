/**
 * A business error as LogScale reports it: a GraphQL error entry whose `state` member (a
 * string-to-string map, decoded by humio-operator and humioctl) carries the details. The
 * exact real messages are not established; ours name the offending id, field or policy
 * flag so that a client can surface something actionable.
 */
export class LogScaleError extends Error {
  constructor(
    message: string,
    readonly state: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = "LogScaleError";
  }
}

export function notAllowed(message: string): LogScaleError {
  return new LogScaleError(`Not allowed: ${message}`, { code: "NotAllowed" });
}

export function tokenNotFound(id: string): LogScaleError {
  return new LogScaleError(`Could not find a token with id '${id}'`, { code: "TokenNotFound", tokenId: id });
}

export function ipFilterNotFound(id: string): LogScaleError {
  return new LogScaleError(`Could not find an IP filter with id '${id}'`, { code: "IPFilterNotFound", ipFilterId: id });
}

export function searchDomainIdNotFound(id: string): LogScaleError {
  return new LogScaleError(`Could not find a view or repository with id '${id}'`, { code: "SearchDomainNotFound", viewId: id });
}

export function invalidInput(field: string, message: string): LogScaleError {
  return new LogScaleError(message, { code: "InvalidInput", field });
}

/** "1 day 2 hours", for lifetime limits that are otherwise unreadable millisecond counts. */
export function humanDuration(ms: number): string {
  const units: ReadonlyArray<readonly [string, number]> = [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1_000],
    ["millisecond", 1],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? "" : "s"}`);
  }
  return parts.length > 0 ? parts.join(" ") : "0 milliseconds";
}
