/**
 * check(): everything the provider checks before a plan, at preview time, so that `preview`
 * already fails where `up` would. The input schema (inputs.ts) comes first; then, against
 * LogScale: viewNames and ipFilterName resolved to ids (at every preview, so a view deleted and
 * re-created under the same name replaces the tokens on it), the token to adopt, and what a new
 * token would run into (the token security policy, unknown views or IP filters).
 */
import type { IpFilter, LogScaleClient, SearchDomainRef, TokenMetadata, TokenSecurityPolicies } from "../client/client";
import type { ClientCache } from "./client-cache";
import type { ConnectionInput } from "./config";
import { type CheckFailure, checkTokenInputs, createsTokenWith, type Duration, durationMs, expiryFor, type TokenInputs } from "./inputs";
import type { TokenKind } from "./kinds";
import { closestMatches } from "./suggest";
import { containsUnknown, isUnknown, unknownValue } from "./unknown";

/**
 * The canonical inputs (viewIds and ipFilterId resolved from names; any may be the unknown
 * sentinel during preview), and what is wrong with them. With failures, the inputs are what
 * could be checked, and not for use.
 */
export interface CheckResult {
  readonly inputs: TokenInputs;
  readonly failures: readonly CheckFailure[];
}

/** What check() needs of the provider it runs in. */
export interface CheckContext {
  readonly kind: TokenKind;
  readonly now: number;
  readonly clients: ClientCache;
  client(connection: ConnectionInput | undefined): LogScaleClient;
  /** Runs a request, saying what was being done when it fails. */
  explain<T>(action: string, run: () => Promise<T>): Promise<T>;
  warn(message: string): void;
}

export async function checkToken(context: CheckContext, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
  const { inputs, failures } = await checkedInputs(context, olds, news);
  return { inputs: inputs as unknown as TokenInputs, failures };
}

async function checkedInputs(context: CheckContext, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const { kind, now, clients } = context;
  const { inputs, failures } = checkTokenInputs(kind.name, olds, news, now);
  if (failures.some((failure) => failure.property === "connection")) {
    // The engine prints a failing property's value, secrets included: a connection holds
    // the API token, so its problems are reported in our own words instead.
    throw new Error(
      `${kind.resourceType} has invalid inputs: ${failures.map((failure) => `property ${failure.property}: ${failure.reason}`).join("; ")}`,
    );
  }
  if (failures.length > 0) return { inputs, failures };
  const connection = inputs["connection"];
  if (isUnknown(connection)) return { inputs, failures };
  // Fail the preview now rather than the update later: without a URL and token nothing can work.
  const client = context.client(connection as ConnectionInput | undefined);
  const name = isUnknown(inputs["name"]) ? "(name not yet known)" : String(inputs["name"]);
  const action = `check ${kind.label} '${name}' against LogScale`;
  failures.push(
    ...(await context.explain(action, () =>
      resolveNames(inputs, () => clients.views.read(client), () => clients.ipFilters.read(client)),
    )),
  );
  if (failures.length > 0) return { inputs, failures };
  const adoptTokenId = inputs["adoptTokenId"];
  if (typeof adoptTokenId === "string" && !isUnknown(adoptTokenId)) {
    const token = await context.explain(action, () => client.getToken(adoptTokenId));
    failures.push(...adoptionProblems(kind, adoptTokenId, token, inputs));
    if (failures.length === 0) context.warn(adoptionWarning(kind, inputs as unknown as TokenInputs));
  } else if (createsTokenWith(olds, inputs)) {
    const problems = await context.explain(action, () =>
      Promise.all([
        isUnknown(inputs["expireAt"]) || isUnknown(inputs["expiresIn"])
          ? undefined
          : clients.policies
              .read(client)
              .then((policies) => creationProblem(kind, policies, expiryFor(inputs as unknown as TokenInputs, now), now, optionalMs(inputs["expiresIn"] as Duration | undefined))),
        missingViews(() => clients.views.read(client), inputs["viewIds"]),
        missingIpFilter(() => clients.ipFilters.read(client), inputs["ipFilterId"]),
      ]),
    );
    failures.push(...problems.filter((problem) => problem !== undefined));
  }
  return { inputs, failures };
}

// viewNames and ipFilterName

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
async function resolveNames(
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

// adoptTokenId: the token's identity must match the program; permissions are then set by it

function differs(wanted: unknown, actual: unknown): boolean {
  if (wanted === undefined || isUnknown(wanted)) return false;
  return JSON.stringify(wanted) !== JSON.stringify(actual);
}

/** Why this token cannot be adopted by this program, property by property. */
function adoptionProblems(kind: TokenKind, id: string, token: TokenMetadata | undefined, inputs: Record<string, unknown>): CheckFailure[] {
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

function adoptionWarning(kind: TokenKind, inputs: Pick<TokenInputs, "name" | "adoptTokenId" | "rotateOnAdopt">): string {
  return inputs.rotateOnAdopt
    ? `'${inputs.name}' adopts ${kind.label} ${inputs.adoptTokenId} and rotates it once (rotateOnAdopt): LogScale gives it a new id and secret, ` +
        `and the secret its consumers use now stops working. The new secret is the token output.`
    : `'${inputs.name}' adopts ${kind.label} ${inputs.adoptTokenId}. LogScale never shows a token's secret again, so its token output stays empty; ` +
        `consumers keep the secret they have. Set rotateOnAdopt: true to have it rotated once and get a secret Pulumi holds.`;
}

// the token security policy, for a token about to be created

const day = 86_400_000;

function duration(ms: number): string {
  if (ms % day === 0) return `${ms / day} day${ms === day ? "" : "s"}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${ms} ms`;
}

/**
 * Why LogScale would refuse to create a token of this kind with this expiry, if it would.
 * `expiresIn`: the lifetime the expiry was computed from, when the program gave one.
 */
function creationProblem(
  kind: TokenKind,
  policies: TokenSecurityPolicies | null,
  expireAt: number | undefined,
  now: number,
  expiresIn?: number,
): { property: string; reason: string } | undefined {
  if (!policies) return undefined;
  if (policies[kind.policy.enabled] === false) {
    return {
      property: "name",
      reason: `${kind.resourceType}: the organization's token security policy disables ${kind.label}s (${kind.policy.enabled} is false), so LogScale would refuse to create one`,
    };
  }
  const maxLifetimeMs = policies[kind.policy.maxLifetimeMs];
  if (maxLifetimeMs === null || maxLifetimeMs === undefined) return undefined;
  const latest = now + maxLifetimeMs;
  if (expiresIn !== undefined && expiresIn > maxLifetimeMs) {
    return {
      property: "expiresIn",
      reason:
        `expiresIn (${duration(expiresIn)}) must be at most ${duration(maxLifetimeMs)}: the organization's token security policy limits ` +
        `${kind.label}s to that lifetime (${kind.policy.maxLifetimeMs})`,
    };
  }
  if (expireAt === undefined || expireAt > latest) {
    return {
      property: "expireAt",
      reason:
        `expireAt must be set and at most ${duration(maxLifetimeMs)} from now (before ${new Date(latest).toISOString()}): ` +
        `the organization's token security policy limits ${kind.label}s to that lifetime (${kind.policy.maxLifetimeMs})` +
        (expireAt === undefined ? "" : `; got ${new Date(expireAt).toISOString()}`),
    };
  }
  return undefined;
}

/** View ids LogScale does not know (as far as the API token can see), as a check failure. */
async function missingViews(views: () => Promise<readonly SearchDomainRef[] | null>, viewIds: unknown): Promise<CheckFailure | undefined> {
  if (!Array.isArray(viewIds)) return undefined;
  const known = await views();
  if (!known) return undefined;
  const unknownIds = (viewIds as unknown[]).filter((id): id is string => typeof id === "string" && !isUnknown(id) && !known.some((view) => view.id === id));
  if (unknownIds.length === 0) return undefined;
  return {
    property: "viewIds",
    reason: `viewIds ${unknownIds.map((id) => `'${id}'`).join(", ")} ${unknownIds.length === 1 ? "is not the id" : "are not ids"} of a view or repository the API token can see. ${knownList(known)}`,
  };
}

/** An ipFilterId LogScale does not know, as a check failure: LogScale would refuse the create. */
async function missingIpFilter(ipFilters: () => Promise<readonly IpFilter[] | null>, ipFilterId: unknown): Promise<CheckFailure | undefined> {
  if (typeof ipFilterId !== "string" || isUnknown(ipFilterId)) return undefined;
  const known = await ipFilters();
  if (!known || known.some((filter) => filter.id === ipFilterId)) return undefined;
  return { property: "ipFilterId", reason: `ipFilterId '${ipFilterId}' is not the id of an IP filter of the organization. ${knownList(known)}` };
}

/** What would have been valid, for a failure message: at most ten, by name and id. */
function knownList(known: readonly { readonly id: string; readonly name: string }[]): string {
  if (known.length === 0) return "There are none.";
  const listed = known.slice(0, 10).map((item) => `${item.name} (${item.id})`);
  return `Known: ${listed.join(", ")}${known.length > 10 ? ", …" : ""}`;
}

function optionalMs(duration: Duration | undefined): number | undefined {
  return duration === undefined ? undefined : durationMs(duration);
}
