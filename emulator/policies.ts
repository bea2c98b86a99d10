import { z } from "zod";
import type { Clock } from "./clock";
import { invalidInput, ipFilterNotFound } from "./errors";
import { POLICY_PREFIX, TOKEN_KINDS, type TokenSecurityPolicies } from "./model";
import type { Store } from "./store";

/** TokenSecurityPoliciesInput as graphql-js hands it over (already type-checked by the schema). */
export const policiesInputSchema = z.object({
  personalUserTokensEnabled: z.boolean(),
  personalUserTokensEnforceExpirationAfterMs: z.number().nullish(),
  personalUserTokensEnforceIpFilterId: z.string().nullish(),
  viewPermissionTokensEnabled: z.boolean(),
  viewPermissionTokensEnforceExpirationAfterMs: z.number().nullish(),
  viewPermissionTokensEnforceIpFilterId: z.string().nullish(),
  viewPermissionTokensAllowPermissionUpdates: z.boolean(),
  organizationPermissionTokensEnabled: z.boolean(),
  organizationPermissionTokensEnforceExpirationAfterMs: z.number().nullish(),
  organizationPermissionTokensEnforceIpFilterId: z.string().nullish(),
  organizationPermissionTokensAllowPermissionUpdates: z.boolean(),
  systemPermissionTokensEnabled: z.boolean().nullish(),
  systemPermissionTokensEnforceExpirationAfterMs: z.number().nullish(),
  systemPermissionTokensEnforceIpFilterId: z.string().nullish(),
  systemPermissionTokensAllowPermissionUpdates: z.boolean().nullish(),
});
export type PoliciesInput = z.infer<typeof policiesInputSchema>;

/**
 * Replaces the organization's token security policies and applies their documented side
 * effects to existing tokens of each kind:
 *  - a disabled kind loses all its tokens;
 *  - an enforced lifetime shortens every token that would outlive now + limit (or never
 *    expire) to exactly now + limit;
 *  - an enforced IP filter is put on every token of the kind.
 * For the nullable booleans of system tokens, null means "keep the current setting" (the
 * output fields are non-null, so null cannot mean "unset"); for lifetimes and IP filters,
 * null means "not enforced".
 */
export function updateTokenSecurityPolicies(store: Store, clock: Clock, input: PoliciesInput): void {
  const current = store.state.tokenSecurityPolicies;
  const next: TokenSecurityPolicies = {
    personalUserTokensEnabled: input.personalUserTokensEnabled,
    personalUserTokensEnforceExpirationAfterMs: input.personalUserTokensEnforceExpirationAfterMs ?? null,
    personalUserTokensEnforceIpFilterId: input.personalUserTokensEnforceIpFilterId ?? null,
    viewPermissionTokensEnabled: input.viewPermissionTokensEnabled,
    viewPermissionTokensEnforceExpirationAfterMs: input.viewPermissionTokensEnforceExpirationAfterMs ?? null,
    viewPermissionTokensEnforceIpFilterId: input.viewPermissionTokensEnforceIpFilterId ?? null,
    viewPermissionTokensAllowPermissionUpdates: input.viewPermissionTokensAllowPermissionUpdates,
    organizationPermissionTokensEnabled: input.organizationPermissionTokensEnabled,
    organizationPermissionTokensEnforceExpirationAfterMs: input.organizationPermissionTokensEnforceExpirationAfterMs ?? null,
    organizationPermissionTokensEnforceIpFilterId: input.organizationPermissionTokensEnforceIpFilterId ?? null,
    organizationPermissionTokensAllowPermissionUpdates: input.organizationPermissionTokensAllowPermissionUpdates,
    systemPermissionTokensEnabled: input.systemPermissionTokensEnabled ?? current.systemPermissionTokensEnabled,
    systemPermissionTokensEnforceExpirationAfterMs: input.systemPermissionTokensEnforceExpirationAfterMs ?? null,
    systemPermissionTokensEnforceIpFilterId: input.systemPermissionTokensEnforceIpFilterId ?? null,
    systemPermissionTokensAllowPermissionUpdates:
      input.systemPermissionTokensAllowPermissionUpdates ?? current.systemPermissionTokensAllowPermissionUpdates,
  };
  for (const prefix of ["personalUserTokens", "viewPermissionTokens", "organizationPermissionTokens", "systemPermissionTokens"] as const) {
    const lifetime = next[`${prefix}EnforceExpirationAfterMs`];
    if (lifetime !== null && lifetime <= 0) {
      throw invalidInput(`${prefix}EnforceExpirationAfterMs`, `${prefix}EnforceExpirationAfterMs must be a positive number of milliseconds`);
    }
    const filterId = next[`${prefix}EnforceIpFilterId`];
    if (filterId !== null && !store.state.ipFilters.some((f) => f.id === filterId)) throw ipFilterNotFound(filterId);
  }

  const now = clock.now();
  store.mutate((state) => {
    state.tokenSecurityPolicies = next;
    for (const kind of TOKEN_KINDS) {
      const prefix = POLICY_PREFIX[kind];
      if (!next[`${prefix}Enabled`]) {
        state.tokens = state.tokens.filter((t) => t.kind !== kind);
        continue;
      }
      const lifetime = next[`${prefix}EnforceExpirationAfterMs`];
      const filterId = next[`${prefix}EnforceIpFilterId`];
      for (const token of state.tokens.filter((t) => t.kind === kind)) {
        if (lifetime !== null && (token.expireAt === null || token.expireAt > now + lifetime)) token.expireAt = now + lifetime;
        if (filterId !== null) token.ipFilterId = filterId;
      }
    }
  });
}
