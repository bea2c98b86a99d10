/**
 * The input schema that check() (check.ts) applies first: turns the raw inputs of a token
 * resource into canonical inputs, or into failures that name the property and what would be valid. Canonical means: lists sorted and
 * deduplicated, expireAt in epoch milliseconds, so equal intent never looks like a change.
 * Durations stay as the program wrote them ("90d"), so that state and preview read as the
 * program does; they are compared by the time they stand for (durationMs, sameInputValue).
 */
import { z } from "zod";
import { type ConnectionInput, organizationProblem, tokenProblem, urlProblem } from "./config";
import { proxyUrlProblem } from "../client/http/proxy";
import { type TokenKind, type TokenKindName, tokenKinds } from "./kinds";
import { assetPermissions } from "../program/permissions";
import { closestMatches } from "./suggest";
import { containsUnknown, isUnknown } from "./unknown";

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export interface AssetPermissionAssignmentInput {
  readonly assetResourceIdentifier: string;
  readonly permissions: readonly string[];
}

/** Inputs after check(). Any field may still be the unknown sentinel during preview. */
export interface TokenInputs {
  readonly name: string;
  readonly permissions: readonly string[];
  readonly expireAt?: number;
  /** The token expires this long after it is created, e.g. "90d". */
  readonly expiresIn?: Duration;
  /** How long before expireAt the plan starts replacing the token, e.g. "14d". */
  readonly rotateBeforeExpiry?: Duration;
  readonly rotationTrigger?: string;
  /** Resolved from ipFilterName by check() when the program gives a name. */
  readonly ipFilterId?: string;
  readonly ipFilterName?: string;
  /** Resolved from viewNames by check() when the program gives names. */
  readonly viewIds?: readonly string[];
  readonly viewNames?: readonly string[];
  readonly assetPermissionAssignments?: readonly AssetPermissionAssignmentInput[];
  readonly adoptTokenId?: string;
  readonly rotateOnAdopt?: boolean;
  readonly connection?: ConnectionInput;
}

/**
 * A duration as the program wrote it ("90d", "1d12h"). States written before durations were
 * kept as text hold milliseconds: both stand for the same time (durationMs).
 */
export type Duration = string | number;

/** LogScale's limit is not documented; longer names are certainly mistakes. */
export const maxNameLength = 255;
/** Before this, an epoch number is almost certainly seconds, not milliseconds (it is March 1973 in ms). */
const smallestPlausibleEpochMs = 100_000_000_000;

const providerKey = "__provider";

const commonProperties = [
  "name",
  "permissions",
  "expireAt",
  "expiresIn",
  "rotateBeforeExpiry",
  "rotationTrigger",
  "ipFilterId",
  "ipFilterName",
  "adoptTokenId",
  "rotateOnAdopt",
  "connection",
];
const viewOnlyProperties = ["viewIds", "viewNames", "assetPermissionAssignments"];

function allowedProperties(kind: TokenKind): string[] {
  return kind.name === "view" ? [...commonProperties, ...viewOnlyProperties] : commonProperties;
}

type Checked<T> = { value: T } | { failure: string };

// ---------------------------------------------------------------------------------------------
// One validator per property. Each returns the canonical value or a reason (without the
// property name, which the caller adds).

function checkName(value: unknown): Checked<string> {
  if (value === undefined || value === null) return { failure: "is required: the token's name as LogScale shows it" };
  if (typeof value !== "string") return { failure: `must be a string, got ${describe(value)}` };
  if (value.trim() === "") return { failure: "must not be empty or only whitespace" };
  if (value !== value.trim()) return { failure: "must not start or end with whitespace" };
  if (value.length > maxNameLength) return { failure: `must be at most ${maxNameLength} characters, got ${value.length}` };
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, "0");
    return { failure: `must not contain control characters (found U+${code} at position ${control.index})` };
  }
  return { value };
}

function otherKindsOf(permission: string, kind: TokenKind): TokenKind[] {
  return Object.values(tokenKinds).filter((other) => other.name !== kind.name && other.permissions.includes(permission));
}

function checkPermissions(value: unknown, kind: TokenKind): Checked<readonly string[]> {
  if (value === undefined || value === null) {
    return { failure: `is required: a list of ${kind.permissionEnum} values, e.g. ["${kind.permissions[0]}"]` };
  }
  if (!Array.isArray(value)) return { failure: `must be a list of ${kind.permissionEnum} values, got ${describe(value)}` };
  const problems: string[] = [];
  value.forEach((permission: unknown, index) => {
    if (isUnknown(permission)) return;
    if (typeof permission !== "string") {
      problems.push(`item ${index} must be a string, got ${describe(permission)}`);
      return;
    }
    if (kind.permissions.includes(permission)) return;
    const elsewhere = otherKindsOf(permission, kind);
    if (elsewhere.length > 0) {
      problems.push(
        `'${permission}' is a permission of ${elsewhere.map((other) => `${other.resourceType} (${other.permissionEnum})`).join(" and ")}, not of ${kind.resourceType}`,
      );
      return;
    }
    const suggestions = closestMatches(permission, kind.permissions);
    problems.push(
      `'${permission}' is not one of the ${kind.permissionEnum} values` +
        (suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `'${s}'`).join(", ")}?)` : ""),
    );
  });
  if (problems.length > 0) {
    return {
      failure: `${problems.join("; ")}. Valid values are listed in the README and exported as '${kind.permissionListExport}' from pulumi-logscale-tokens`,
    };
  }
  return { value: canonicalList(value as string[]) };
}

function canonicalList(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const isoDateTimeWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const dateParts = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/;

/** Date.parse rolls 2027-02-30 over to March 2nd; a typo in a date must not become another date. */
function isRealDate(text: string): boolean {
  const match = dateParts.exec(text);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

function checkExpireAt(value: unknown): Checked<number | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value <= 0) return { failure: `must be a positive whole number of epoch milliseconds, got ${value}` };
    if (value < smallestPlausibleEpochMs) {
      return { failure: `looks like epoch seconds (${value}); expireAt takes epoch milliseconds (${value * 1000}) or an ISO-8601 string` };
    }
    return { value };
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (!isoDate.test(text) && !isoDateTimeWithZone.test(text)) {
      const hint = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? " (add a time zone, e.g. a trailing Z for UTC)" : "";
      return { failure: `must be an ISO-8601 date or date-time with a time zone, e.g. "2027-06-30T00:00:00Z", or epoch milliseconds; got "${value}"${hint}` };
    }
    const parsed = Date.parse(text);
    if (Number.isNaN(parsed) || !isRealDate(text)) return { failure: `is not a real date: "${value}"` };
    return { value: parsed };
  }
  return { failure: `must be an ISO-8601 string or epoch milliseconds, got ${describe(value)}` };
}

function checkIpFilterId(value: unknown): Checked<string | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value !== "string" || value.trim() === "") return { failure: `must be the id of an IP filter (a non-empty string), got ${describe(value)}` };
  return { value };
}

function checkIpFilterName(value: unknown): Checked<string | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value !== "string" || value.trim() === "") return { failure: `must be the name of an IP filter (a non-empty string), got ${describe(value)}` };
  return { value };
}

/** A list of view or repository ids or names: at least one, none twice, sorted. */
function checkViewList(what: "id" | "name"): (value: unknown) => Checked<readonly string[] | undefined> {
  return (value) => {
    if (value === undefined || value === null) return { value: undefined };
    if (!Array.isArray(value)) return { failure: `must be a list of view or repository ${what}s, got ${describe(value)}` };
    if (value.length === 0) return { failure: `must name at least one view or repository ${what}` };
    const seen = new Set<string>();
    for (const [index, item] of value.entries()) {
      if (isUnknown(item)) continue;
      if (typeof item !== "string" || item.trim() === "") return { failure: `item ${index} must be a non-empty view or repository ${what}, got ${describe(item)}` };
      if (seen.has(item)) return { failure: `lists '${item}' more than once` };
      seen.add(item);
    }
    return { value: [...(value as string[])].sort() };
  };
}

const durationUnits: Readonly<Record<string, number>> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
const durationText = /^(\d+[wdhm])+$/;

function millisecondsOf(text: string): number {
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([wdhm])/g)) ms += Number(amount) * durationUnits[unit!]!;
  return ms;
}

/** "90d", "12h", "1d12h", "30m": kept as written (trimmed), so state and preview read as the program. */
function checkDuration(value: unknown): Checked<string | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  const text = typeof value === "string" ? value.trim() : "";
  if (!durationText.test(text)) {
    return { failure: `must be a duration such as "90d", "12h", "2w" or "1d12h" (units w, d, h, m), got ${describe(value)}` };
  }
  if (millisecondsOf(text) <= 0) return { failure: `must be longer than zero, got "${text}"` };
  return { value: text };
}

/**
 * The milliseconds a checked duration stands for: its text, or the number a state written
 * before durations were kept as text holds.
 */
export function durationMs(value: Duration): number {
  return typeof value === "number" ? value : millisecondsOf(value);
}

const durationProperties: ReadonlySet<string> = new Set(["expiresIn", "rotateBeforeExpiry"]);

/**
 * Whether two checked values of a property mean the same: "90d", "2160h" and a state's
 * 7776000000 are one duration, so a state from before durations were text shows no change.
 */
export function sameInputValue(property: string, a: unknown, b: unknown): boolean {
  if (durationProperties.has(property) && isDuration(a) && isDuration(b)) return durationMs(a) === durationMs(b);
  return sameValue(a, b);
}

function isDuration(value: unknown): value is Duration {
  return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && durationText.test(value) && !isUnknown(value));
}

function checkString(description: string): (value: unknown) => Checked<string | undefined> {
  return (value) => {
    if (value === undefined || value === null) return { value: undefined };
    if (typeof value !== "string" || value === "") return { failure: `must be ${description} (a non-empty string), got ${describe(value)}` };
    return { value };
  };
}

function checkBoolean(value: unknown): Checked<boolean | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value !== "boolean") return { failure: `must be true or false, got ${describe(value)}` };
  return { value };
}

/** A duration as people write it, for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m"]) if (ms % durationUnits[unit]! === 0) return `${ms / durationUnits[unit]!}${unit}`;
  return `${ms} ms`;
}

const assignmentSchema = z.object({
  assetResourceIdentifier: z.string().trim().min(1),
  permissions: z.array(z.enum(assetPermissions)).min(1),
}).strict();

function checkAssetPermissionAssignments(value: unknown): Checked<readonly AssetPermissionAssignmentInput[] | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  if (!Array.isArray(value)) return { failure: `must be a list of { assetResourceIdentifier, permissions }, got ${describe(value)}` };
  const assignments: AssetPermissionAssignmentInput[] = [];
  for (const [index, item] of value.entries()) {
    if (containsUnknown(item)) {
      assignments.push(item as AssetPermissionAssignmentInput);
      continue;
    }
    const parsed = assignmentSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `.${issue.path.join(".")}` : "";
      return {
        failure: `item ${index}${where} is invalid: each item needs a non-empty assetResourceIdentifier and permissions from ${assetPermissions.join(", ")}`,
      };
    }
    assignments.push({ assetResourceIdentifier: parsed.data.assetResourceIdentifier, permissions: canonicalList(parsed.data.permissions) });
  }
  return { value: assignments.sort((a, b) => a.assetResourceIdentifier.localeCompare(b.assetResourceIdentifier)) };
}

const connectionSchema = z.object({
  url: z.string(),
  token: z.string(),
  organization: z.string().min(1).optional(),
  insecure: z.boolean().optional(),
  caCertificate: z.string().min(1).optional(),
  proxy: z.string().min(1).optional(),
}).strict();

function checkConnection(value: unknown): Checked<ConnectionInput | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  const parsed = connectionSchema.safeParse(value);
  if (!parsed.success) {
    // Never quote the value: it holds the API token.
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || (issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : "");
    return { failure: `must be { url, token, organization?, insecure?, caCertificate?, proxy? }${field ? `; '${field}' is invalid` : ""}` };
  }
  const badUrl = urlProblem(parsed.data.url);
  if (badUrl) return { failure: `url ${badUrl}` };
  const badToken = tokenProblem(parsed.data.token);
  if (badToken) return { failure: `token ${badToken}` };
  const badOrganization = parsed.data.organization === undefined ? undefined : organizationProblem(parsed.data.organization);
  if (badOrganization) return { failure: `organization ${badOrganization}` };
  const badProxy = parsed.data.proxy === undefined ? undefined : proxyUrlProblem(parsed.data.proxy);
  if (badProxy) return { failure: `proxy ${badProxy}` };
  return { value: parsed.data };
}

// ---------------------------------------------------------------------------------------------

export interface CheckOutcome {
  readonly inputs: Record<string, unknown>;
  readonly failures: CheckFailure[];
}

/**
 * `olds` are the previous checked inputs ({} for a new resource): a past expireAt is only an
 * error when a token would be created with it.
 */
export function checkTokenInputs(kindName: TokenKindName, olds: Record<string, unknown>, news: Record<string, unknown>, now: number): CheckOutcome {
  const kind = tokenKinds[kindName];
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = {};
  const allowed = allowedProperties(kind);

  for (const key of Object.keys(news)) {
    if (key === providerKey || allowed.includes(key)) continue;
    const suggestions = closestMatches(key, allowed, 1);
    const hint = viewOnlyProperties.includes(key)
      ? ` (only ViewPermissionsToken has '${key}')`
      : suggestions.length > 0
        ? `; did you mean '${suggestions[0]}'?`
        : "";
    failures.push({ property: key, reason: `${kind.resourceType} has no property '${key}'${hint}. Its properties are ${allowed.join(", ")}` });
  }

  const apply = <T>(property: string, checked: (value: unknown) => Checked<T>) => {
    const raw = news[property];
    if (isUnknown(raw)) {
      inputs[property] = raw;
      return;
    }
    const result = checked(raw);
    if ("failure" in result) failures.push({ property, reason: `${property} ${result.failure}` });
    else if (result.value !== undefined) inputs[property] = result.value;
  };

  apply("name", checkName);
  apply("permissions", (value) => checkPermissions(value, kind));
  apply("expireAt", checkExpireAt);
  apply("expiresIn", checkDuration);
  apply("rotateBeforeExpiry", checkDuration);
  apply("rotationTrigger", checkString("any text; changing it replaces the token"));
  apply("ipFilterId", checkIpFilterId);
  apply("ipFilterName", checkIpFilterName);
  if (kind.name === "view") {
    apply("viewIds", checkViewList("id"));
    apply("viewNames", checkViewList("name"));
    apply("assetPermissionAssignments", checkAssetPermissionAssignments);
  }
  apply("adoptTokenId", checkString("the id of an existing token to take over"));
  apply("rotateOnAdopt", checkBoolean);
  apply("connection", checkConnection);
  failures.push(...combinationProblems(kind, news, inputs));
  // An existing resource never adopts: its replacement must create a new token, not take the old one.
  if (Object.keys(olds).some((key) => key !== providerKey)) {
    delete inputs["adoptTokenId"];
    delete inputs["rotateOnAdopt"];
  }

  const expireAt = inputs["expireAt"];
  if (typeof expireAt === "number" && expireAt <= now && createsTokenWith(olds, inputs)) {
    failures.push({
      property: "expireAt",
      reason:
        `expireAt ${new Date(expireAt).toISOString()} is in the past (now is ${new Date(now).toISOString()}); a new token needs a future date. ` +
        `If this token has expired, set expireAt to a new date to create its replacement`,
    });
  }
  return { inputs, failures };
}

/** Inputs that only make sense together, or not at all together. */
function combinationProblems(kind: TokenKind, raw: Record<string, unknown>, inputs: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const given = (property: string) => raw[property] !== undefined && raw[property] !== null;
  const exclusive = (one: string, other: string, why: string) => {
    if (given(one) && given(other)) failures.push({ property: other, reason: `give either ${one} or ${other}, not both: ${why}` });
  };
  exclusive("expireAt", "expiresIn", "expireAt is a fixed date, expiresIn a lifetime counted from each token's creation");
  exclusive("ipFilterId", "ipFilterName", "the name is resolved to the id");
  if (kind.name === "view") {
    exclusive("viewIds", "viewNames", "the names are resolved to ids");
    if (!given("viewIds") && !given("viewNames")) {
      failures.push({ property: "viewIds", reason: "viewIds or viewNames is required: the views and repositories the token may use, by id or by name" });
    }
  }
  if (given("rotateBeforeExpiry") && !given("expiresIn")) {
    failures.push({
      property: "rotateBeforeExpiry",
      reason: given("expireAt")
        ? "rotateBeforeExpiry needs expiresIn instead of expireAt: a replacement made with the same fixed expireAt would be due for rotation at once"
        : 'rotateBeforeExpiry needs expiresIn: the lifetime each new token gets, e.g. expiresIn: "90d"',
    });
  }
  const lifetime = inputs["expiresIn"];
  const window = inputs["rotateBeforeExpiry"];
  if (isDuration(lifetime) && isDuration(window) && durationMs(window) >= durationMs(lifetime)) {
    failures.push({
      property: "rotateBeforeExpiry",
      reason: `rotateBeforeExpiry (${formatDuration(durationMs(window))}) must be shorter than expiresIn (${formatDuration(durationMs(lifetime))}), or every new token would be due for rotation at once`,
    });
  }
  if (given("rotateOnAdopt") && !given("adoptTokenId")) {
    failures.push({ property: "rotateOnAdopt", reason: "rotateOnAdopt only applies with adoptTokenId: the id of the existing token to take over" });
  }
  return failures;
}

/** Properties whose change replaces the token (a new one is created with the current values). */
export const replacingProperties = [
  "name",
  "expireAt",
  "expiresIn",
  "rotationTrigger",
  "ipFilterId",
  "viewIds",
  "assetPermissionAssignments",
] as const;

/** Whether applying these inputs creates a token: a new resource, or a change that replaces it. */
export function createsTokenWith(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  if (Object.keys(olds).filter((key) => key !== providerKey).length === 0) return true;
  return replacingProperties.some((property) => !sameInputValue(property, olds[property], news[property]));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.length > 40 ? `a string of ${value.length} characters` : `"${value}"`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** The expiry a token created at `now` with these inputs gets. */
export function expiryFor(inputs: Pick<TokenInputs, "expireAt" | "expiresIn">, now: number): number | undefined {
  return inputs.expireAt ?? (inputs.expiresIn === undefined ? undefined : now + durationMs(inputs.expiresIn));
}
