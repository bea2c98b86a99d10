import { z } from "zod";
import type { Clock } from "./clock";
import { faultSpecSchema, type FaultRegistry } from "./faults";
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

function badRequest(error: z.ZodError | string): ControlResponse {
  return { status: 400, json: { error: typeof error === "string" ? error : z.prettifyError(error) } };
}

/** Store contents for assertions: everything except the secret hashes. */
function dumpStore(store: Store, tokens: TokenService, clock: Clock): unknown {
  const state = store.state;
  return {
    now: clock.now(),
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
    case "GET store":
      deps.tokens.purgeInvisible();
      return { status: 200, json: dumpStore(deps.store, deps.tokens, deps.clock) };
    case "GET clock":
      return { status: 200, json: { now: deps.clock.now() } };
    case "POST clock": {
      const parsed = clockBodySchema.safeParse(body);
      if (!parsed.success) return badRequest('give exactly one of {"advanceMs": integer} or {"offsetMs": integer}');
      const now = "advanceMs" in parsed.data ? deps.clock.advance(parsed.data.advanceMs) : deps.clock.setOffset(parsed.data.offsetMs);
      return { status: 200, json: { now } };
    }
    default: {
      const known = ["reset", "requests", "faults", "store", "clock"].includes(route);
      return known
        ? { status: 405, json: { error: `${method} is not supported on /_emulator/${route}` } }
        : { status: 404, json: { error: `no emulator control at /_emulator/${route}` } };
    }
  }
}
