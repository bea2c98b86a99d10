import { z } from "zod";
import type { Clock } from "./clock";
import { randomAlphanumeric } from "./secrets";
import { faultSpecSchema, type FaultRegistry, type HeldRequests } from "./faults";
import type { TokenKind } from "./model";
import type { RequestLog } from "./request-log";
import type { Store } from "./store";
import type { TokenService } from "./tokens";

/**
 * Test controls under /_emulator/. They are the emulator's own API, not LogScale's, and
 * always speak JSON. Authentication is checked by the caller of `handleControl`.
 */
export interface ControlDeps {
  store: Store;
  clock: Clock;
  tokens: TokenService;
  faults: FaultRegistry;
  held: HeldRequests;
  log: RequestLog;
  reset(): void;
}

export interface ControlResponse {
  status: number;
  json: unknown;
}

const clockBodySchema = z.union([
  z.object({ advanceMs: z.number().int() }).strict(),
  z.object({ offsetMs: z.number().int() }).strict(),
]);

const SHORT_KIND: Readonly<Record<TokenKind, string>> = {
  OrganizationPermissionsToken: "organization",
  SystemPermissionsToken: "system",
  ViewPermissionsToken: "view",
};

/** A view or repository an administrator adds or deletes (LogScale's own mutations need types the emulator does not model). */
const searchDomainBodySchema = z.union([
  z.object({ add: z.object({ name: z.string().min(1), kind: z.enum(["View", "Repository"]).default("View") }).strict() }).strict(),
  z.object({ remove: z.string().min(1) }).strict(),
]);

function changeSearchDomains(store: Store, body: z.infer<typeof searchDomainBodySchema>): ControlResponse {
  if ("remove" in body) {
    if (!store.state.searchDomains.some((domain) => domain.id === body.remove)) return { status: 404, json: { error: `no view or repository with id ${body.remove}` } };
    store.mutate((state) => {
      state.searchDomains = state.searchDomains.filter((domain) => domain.id !== body.remove);
    });
    return { status: 200, json: { removed: body.remove } };
  }
  const { name, kind } = body.add;
  if (store.state.searchDomains.some((domain) => domain.name === name)) return { status: 409, json: { error: `a view or repository named ${name} exists` } };
  const id = randomAlphanumeric(24);
  store.mutate((state) => {
    const base = { id, name, description: null, automaticSearch: true };
    state.searchDomains.push(kind === "View" ? { __typename: "View", ...base, isFederated: false } : { __typename: "Repository", ...base, type: "DEFAULT" });
  });
  return { status: 200, json: { id } };
}

function badRequest(error: z.ZodError | string): ControlResponse {
  return { status: 400, json: { error: typeof error === "string" ? error : z.prettifyError(error) } };
}

/** Store contents for assertions: everything except the secret hashes. */
function dumpStore(store: Store, tokens: TokenService, clock: Clock): unknown {
  const state = store.state;
  return {
    now: clock.now(),
    clusterId: state.clusterId,
    organization: state.organization,
    tokenSecurityPolicies: state.tokenSecurityPolicies,
    searchDomains: state.searchDomains,
    ipFilters: state.ipFilters,
    tokens: tokens.visibleTokens().map((t) => ({
      id: t.id,
      kind: SHORT_KIND[t.kind],
      __typename: t.kind,
      name: t.name,
      permissions: t.permissions,
      viewIds: t.viewIds,
      expireAt: t.expireAt,
      createdAt: t.createdAt,
      ipFilterId: t.ipFilterId,
      assetPermissionAssignments: t.assetPermissionAssignments,
    })),
  };
}

/** `route` is the path after /_emulator/; `body` is the parsed JSON body or undefined. */
export function handleControl(deps: ControlDeps, method: string, route: string, body: unknown): ControlResponse {
  const key = `${method} ${route}`;
  switch (key) {
    case "POST reset":
      deps.reset();
      return { status: 200, json: { ok: true } };
    case "GET requests":
      return { status: 200, json: { requests: deps.log.list() } };
    case "DELETE requests":
      deps.log.clear();
      return { status: 200, json: { ok: true } };
    case "GET faults":
      return { status: 200, json: { faults: deps.faults.list() } };
    case "DELETE faults":
      deps.faults.clear();
      return { status: 200, json: { ok: true } };
    case "POST faults": {
      const parsed = faultSpecSchema.safeParse(body);
      if (!parsed.success) return badRequest(parsed.error);
      return { status: 200, json: { id: deps.faults.add(parsed.data) } };
    }
    case "GET held":
      return { status: 200, json: { held: deps.held.count } };
    case "DELETE held":
      return { status: 200, json: { released: deps.held.releaseAll() } };
    case "GET store":
      deps.tokens.purgeInvisible();
      return { status: 200, json: dumpStore(deps.store, deps.tokens, deps.clock) };
    case "POST search-domains": {
      const parsed = searchDomainBodySchema.safeParse(body);
      if (!parsed.success) return badRequest('give {"add": {"name": string, "kind"?: "View" | "Repository"}} or {"remove": id}');
      return changeSearchDomains(deps.store, parsed.data);
    }
    case "GET clock":
      return { status: 200, json: { now: deps.clock.now() } };
    case "POST clock": {
      const parsed = clockBodySchema.safeParse(body);
      if (!parsed.success) return badRequest('give exactly one of {"advanceMs": integer} or {"offsetMs": integer}');
      const now = "advanceMs" in parsed.data ? deps.clock.advance(parsed.data.advanceMs) : deps.clock.setOffset(parsed.data.offsetMs);
      return { status: 200, json: { now } };
    }
    default: {
      const known = ["reset", "requests", "faults", "held", "store", "clock", "search-domains"].includes(route);
      return known
        ? { status: 405, json: { error: `${method} is not supported on /_emulator/${route}` } }
        : { status: 404, json: { error: `no emulator control at /_emulator/${route}` } };
    }
  }
}
