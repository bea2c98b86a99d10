import { z } from "zod";
import {
  ipFilterSchema,
  organizationSchema,
  REPOSITORY_TYPES,
  tokenSecurityPoliciesSchema,
  type SearchDomainRecord,
  type State,
  type TokenSecurityPolicies,
} from "./model";

/**
 * What a user may put in a `--seed` file. Tokens are deliberately not seedable: a seed file
 * would have to carry their secrets in clear text.
 */
const domainBase = {
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  automaticSearch: z.boolean().optional(),
};

export const seedSchema = z
  .object({
    organization: organizationSchema,
    repositories: z.array(z.object({ ...domainBase, type: z.enum(REPOSITORY_TYPES).optional() }).strict()).default([]),
    views: z.array(z.object({ ...domainBase, isFederated: z.boolean().optional() }).strict()).default([]),
    ipFilters: z.array(ipFilterSchema).default([]),
    tokenSecurityPolicies: tokenSecurityPoliciesSchema.partial().optional(),
  })
  .strict()
  .superRefine((seed, ctx) => {
    const domains = [...seed.repositories, ...seed.views];
    reportDuplicates(domains.map((d) => d.id), "search domain id", ctx);
    // searchDomain(name:) must resolve to exactly one view or repository.
    reportDuplicates(domains.map((d) => d.name), "search domain name", ctx);
    reportDuplicates(seed.ipFilters.map((f) => f.id), "IP filter id", ctx);
    const filterIds = new Set(seed.ipFilters.map((f) => f.id));
    for (const [field, value] of Object.entries(seed.tokenSecurityPolicies ?? {})) {
      if (field.endsWith("EnforceIpFilterId") && typeof value === "string" && !filterIds.has(value)) {
        ctx.addIssue({ code: "custom", path: ["tokenSecurityPolicies", field], message: `no IP filter with id '${value}' in ipFilters` });
      }
    }
  });

/** The seed as accepted from users (defaults not yet applied). */
export type Seed = z.input<typeof seedSchema>;
export type ParsedSeed = z.output<typeof seedSchema>;

function reportDuplicates(values: readonly string[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) ctx.addIssue({ code: "custom", message: `duplicate ${what} '${value}'` });
    seen.add(value);
  }
}

/**
 * Permissive on purpose: the emulator exists to exercise token management, so permission
 * updates are allowed for every kind. Real LogScale reportedly ships with the
 * *AllowPermissionUpdates flags OFF (humio-operator turns them on in its tests); a seed
 * file can restore that.
 */
export const DEFAULT_POLICIES: TokenSecurityPolicies = {
  personalUserTokensEnabled: true,
  personalUserTokensEnforceExpirationAfterMs: null,
  personalUserTokensEnforceIpFilterId: null,
  viewPermissionTokensEnabled: true,
  viewPermissionTokensEnforceExpirationAfterMs: null,
  viewPermissionTokensEnforceIpFilterId: null,
  viewPermissionTokensAllowPermissionUpdates: true,
  organizationPermissionTokensEnabled: true,
  organizationPermissionTokensEnforceExpirationAfterMs: null,
  organizationPermissionTokensEnforceIpFilterId: null,
  organizationPermissionTokensAllowPermissionUpdates: true,
  systemPermissionTokensEnabled: true,
  systemPermissionTokensEnforceExpirationAfterMs: null,
  systemPermissionTokensEnforceIpFilterId: null,
  systemPermissionTokensAllowPermissionUpdates: true,
};

/** Search-domain ids are 24 characters, like the ids in LogScale's documentation. */
export const DEFAULT_SEED: Seed = {
  organization: { id: "Qm3Ht8LwZ2pXa6RyN0cVb4Ks", name: "emulator" },
  repositories: [
    { id: "Rp7Xk2LmQ9sT4vWz1yB6nC3d", name: "production-logs", description: "Production application logs" },
    { id: "Rs4Gh8JkL2mN6pQ0rT3vW9xZ", name: "staging-logs", description: "Staging application logs" },
  ],
  views: [
    { id: "Vd5Fg1HjK7lM3nP9qR2sT6uW", name: "dashboards", description: "Shared dashboards over all repositories" },
    { id: "Va8Bc4De0Fg6Hi2Jk7Lm1No5", name: "security-audit", description: "Audit trail for the security team" },
  ],
  ipFilters: [{ id: "If3Kx9Pz6Lw2Qm8Rt5Vy1Bc4", name: "office", ipFilter: "10.0.0.0/8" }],
};

export function parseSeed(input: unknown): ParsedSeed {
  return seedSchema.parse(input);
}

export function stateFromSeed(seed: ParsedSeed, clusterId: string): State {
  const searchDomains: SearchDomainRecord[] = [
    ...seed.repositories.map((r): SearchDomainRecord => ({
      __typename: "Repository",
      id: r.id,
      name: r.name,
      description: r.description ?? null,
      automaticSearch: r.automaticSearch ?? true,
      type: r.type ?? "DEFAULT",
    })),
    ...seed.views.map((v): SearchDomainRecord => ({
      __typename: "View",
      id: v.id,
      name: v.name,
      description: v.description ?? null,
      automaticSearch: v.automaticSearch ?? true,
      isFederated: v.isFederated ?? false,
    })),
  ];
  return {
    version: 1,
    clusterId,
    organization: { ...seed.organization },
    tokenSecurityPolicies: { ...DEFAULT_POLICIES, ...seed.tokenSecurityPolicies },
    searchDomains,
    ipFilters: seed.ipFilters.map((f) => ({ ...f })),
    tokens: [],
  };
}
