/**
 * The LogScale GraphQL client: one typed function per operation the provider needs.
 * It knows nothing of Pulumi. Retry rules are in http/retry.ts, error types in errors.ts.
 */
import type * as http from "node:http";
import { setTimeout as sleepFor } from "node:timers/promises";
import { z } from "zod";
import { defaultCredentialSource, defaultSettingHints, LogScaleGraphQLError, type SettingHints } from "./errors";
import * as documents from "./graphql/documents";
import { type ClientEvent, executeOperation, type ExecutorSettings, type Operation } from "./graphql/executor";
import * as responses from "./graphql/responses";
import type { CreatedToken, IpFilter, OrganizationTokenPolicies, SearchDomainRef, TokenHome, TokenMetadata, TokenPage, TokenType } from "./graphql/responses";
import { createAgent } from "./http/agents";
import { firstUnsendableCharacter } from "./http/header-values";
import { chooseProxy } from "./http/proxy";
import { type RetryOptions, retryPolicy } from "./http/retry";
import type { AssetPermission, OrganizationPermission, SystemPermission, ViewPermission } from "../program/permissions";
import { displayUrl, Redactor } from "./redact";
import { defaultTokenReaderSettings, type ListedTokenType, type ListingShortfall, TokenReader, type TokenReaderSettings } from "./token-reader";

export type { ClientEvent } from "./graphql/executor";
export type { ListedTokenType, ListingShortfall, TokenReaderSettings } from "./token-reader";
export type {
  CreatedToken,
  IpFilter,
  OrganizationTokenPolicies,
  SearchDomainRef,
  TokenMetadata,
  TokenHome,
  TokenPage,
  TokenSecurityPolicies,
  TokenType,
} from "./graphql/responses";

export interface LogScaleClientOptions {
  /** Base URL of LogScale, including any path prefix it is mounted under. */
  readonly url: string;
  readonly apiToken: string;
  /** Sent as the `ProxyOrganization` header, for multi-organization clusters. */
  readonly organization?: string;
  readonly caCertificate?: string;
  readonly insecure?: boolean;
  /**
   * The proxy to go through, `http://[user:password@]host:port`. Without one, the environment's
   * (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, as curl reads them).
   */
  readonly proxy?: string;
  /** Where `proxy` came from, named in messages. */
  readonly proxySource?: string;
  /** Per attempt. Default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Named in authentication errors so the user knows what to fix. */
  readonly credentialSource?: string;
  /** Named in network, TLS and timeout errors; the stack config's keys by default. */
  readonly settingHints?: SettingHints;
  readonly onEvent?: (event: ClientEvent) => void;
  /** Jitter source; tests pin it. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborting it cancels what the client is doing: no further attempt, no wait for a retry. */
  readonly signal?: AbortSignal;
  /** The clock that ages token listings (see token-reader.ts); tests move it. */
  readonly now?: () => number;
  /** When reads by id are answered from the token listing; tests shrink the pages. */
  readonly reads?: Partial<TokenReaderSettings>;
  /** A listing that failed or came back cut short: the reads it missed went by id. */
  readonly onListingShortfall?: (shortfall: ListingShortfall) => void;
}

const optionsSchema = z.object({
  url: z
    .string()
    .refine((value) => /^https?:\/\/[^/]/i.test(value) && URL.canParse(value), {
      message: "must be an absolute http:// or https:// URL, e.g. https://cloud.community.humio.com",
    }),
  apiToken: z
    .string()
    .trim()
    .min(1, { message: "must not be empty" })
    .refine((value) => firstUnsendableCharacter(value, false) === undefined, { message: "must contain only visible ASCII characters (it is sent in the Authorization header)" }),
  organization: z
    .string()
    .refine((value) => firstUnsendableCharacter(value, true) === undefined, { message: "must contain only printable ASCII characters (it is sent as the ProxyOrganization header)" })
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/** Token types as the `tokens(typeFilter:)` enum names them. */
const typeFilterValues: Readonly<Record<Exclude<TokenType, "personal">, string>> = {
  organization: "OrganizationPermissionToken",
  system: "SystemPermissionToken",
  view: "ViewPermissionToken",
};

export interface CreateTokenInput<TPermission extends string> {
  readonly name: string;
  /** Epoch milliseconds; omitted or null means no expiry. */
  readonly expireAt?: number | null;
  readonly ipFilterId?: string | null;
  readonly permissions: readonly TPermission[];
}

export interface AssetPermissionAssignment {
  readonly assetResourceIdentifier: string;
  readonly permissions: readonly AssetPermission[];
}

export interface CreateViewTokenInput extends CreateTokenInput<ViewPermission> {
  readonly viewIds: readonly string[];
  readonly assetPermissionAssignments?: readonly AssetPermissionAssignment[];
}

export interface ListTokensOptions {
  readonly searchFilter?: string;
  readonly types?: readonly Exclude<TokenType, "personal">[];
  readonly sortBy?: "Name" | "ExpirationDate";
  readonly orderBy?: "ASC" | "DESC";
  readonly skip?: number;
  readonly limit?: number;
}

const operations = {
  createOrganizationPermissionsTokenV2: op("CreateOrganizationPermissionsTokenV2", documents.createOrganizationPermissionsTokenV2, "non-idempotent", responses.createOrganizationPermissionsTokenV2Data),
  createSystemPermissionsTokenV2: op("CreateSystemPermissionsTokenV2", documents.createSystemPermissionsTokenV2, "non-idempotent", responses.createSystemPermissionsTokenV2Data),
  createViewPermissionsTokenV2: op("CreateViewPermissionsTokenV2", documents.createViewPermissionsTokenV2, "non-idempotent", responses.createViewPermissionsTokenV2Data),
  updateOrganizationPermissionsTokenPermissions: op("UpdateOrganizationPermissionsTokenPermissions", documents.updateOrganizationPermissionsTokenPermissions, "idempotent", responses.updateOrganizationPermissionsTokenPermissionsData),
  updateSystemPermissionsTokenPermissions: op("UpdateSystemPermissionsTokenPermissions", documents.updateSystemPermissionsTokenPermissions, "idempotent", responses.updateSystemPermissionsTokenPermissionsData),
  updateViewPermissionsTokenPermissions: op("UpdateViewPermissionsTokenPermissions", documents.updateViewPermissionsTokenPermissions, "idempotent", responses.updateViewPermissionsTokenPermissionsData),
  deleteToken: op("DeleteToken", documents.deleteToken, "idempotent", responses.deleteTokenData),
  rotateToken: op("RotateToken", documents.rotateToken, "non-idempotent", responses.rotateTokenData),
  token: op("Token", documents.token, "query", responses.tokenData),
  tokens: op("Tokens", documents.tokens, "query", responses.tokensData),
  searchDomain: op("SearchDomain", documents.searchDomain, "query", responses.searchDomainData),
  searchDomains: op("SearchDomains", documents.searchDomains, "query", responses.searchDomainsData),
  ipFilters: op("IpFilters", documents.ipFilters, "query", responses.ipFiltersData),
  tokenSecurityPolicies: op("TokenSecurityPolicies", documents.tokenSecurityPolicies, "query", responses.tokenSecurityPoliciesData),
  home: op("Home", documents.home, "query", responses.homeData),
};

function op<TData>(name: string, document: string, safety: Operation<TData>["safety"], data: z.ZodType<TData>): Operation<TData> {
  return { name, document, safety, data };
}

/** Page size when confirming a token through `tokens(...)`, and how many pages we look at. */
const lookupPageSize = 100;
const lookupMaxPages = 20;

export class LogScaleClient {
  private readonly settings: ExecutorSettings;
  private readonly agent: http.Agent;
  private readonly redactor: Redactor;
  /** Older servers (before 1.174) have no `token(tokenId:)`; once seen, we go straight to `tokens`. */
  private tokenQueryMissing = false;
  private changes = 0;
  private readonly reader: TokenReader;

  constructor(options: LogScaleClientOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // The message names the option, never its value: the value may be the API token.
      throw new TypeError(`Invalid LogScale client option '${String(issue?.path[0] ?? "?")}': ${issue?.message ?? "invalid"}`);
    }
    this.redactor = new Redactor([options.apiToken]);
    const baseUrl = options.url.replace(/\/+$/, "");
    const endpoint = `${baseUrl}/graphql`;
    const proxy = chooseProxy(endpoint, options.proxy === undefined ? undefined : { url: options.proxy, source: options.proxySource ?? "the client's proxy option" });
    for (const secret of proxy?.secrets ?? []) this.redactor.add(secret);
    this.agent = createAgent(
      endpoint,
      {
        ...(options.caCertificate === undefined ? {} : { caCertificate: options.caCertificate }),
        ...(options.insecure === undefined ? {} : { insecure: options.insecure }),
      },
      proxy?.url,
    );
    this.settings = {
      endpoint,
      displayEndpoint: displayUrl(endpoint),
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "User-Agent": "pulumi-logscale-tokens",
        Authorization: `Bearer ${options.apiToken}`,
        ...(options.organization ? { ProxyOrganization: options.organization } : {}),
      },
      agent: this.agent,
      proxy: proxy === undefined ? undefined : { display: proxy.display, source: proxy.source },
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: retryPolicy(options.retry),
      redactor: this.redactor,
      credentialSource: options.credentialSource ?? defaultCredentialSource,
      hints: options.settingHints ?? defaultSettingHints,
      onEvent: options.onEvent ?? (() => undefined),
      random: options.random ?? Math.random,
      // An abort ends the wait (and clears its timer); the executor then stops.
      sleep: options.sleep ?? ((ms) => sleepFor(ms, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(() => undefined)),
      signal: options.signal,
    };
    this.reader = new TokenReader(this, options.now ?? Date.now, { ...defaultTokenReaderSettings, ...options.reads }, options.onListingShortfall);
  }

  /** How many changes (mutations) this client has sent: a token listing taken before one is stale. */
  get changesSent(): number {
    return this.changes;
  }

  /** How long one request may take before it counts as timed out. */
  get timeoutMs(): number {
    return this.settings.timeoutMs;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  async createOrganizationPermissionsTokenV2(input: CreateTokenInput<OrganizationPermission>): Promise<CreatedToken> {
    return this.rememberSecret(
      await this.run(operations.createOrganizationPermissionsTokenV2, {
        input: { ...commonCreateFields(input), organizationPermissions: [...input.permissions] },
      }),
    );
  }

  async createSystemPermissionsTokenV2(input: CreateTokenInput<SystemPermission>): Promise<CreatedToken> {
    return this.rememberSecret(
      await this.run(operations.createSystemPermissionsTokenV2, {
        input: { ...commonCreateFields(input), systemPermissions: [...input.permissions] },
      }),
    );
  }

  async createViewPermissionsTokenV2(input: CreateViewTokenInput): Promise<CreatedToken> {
    return this.rememberSecret(
      await this.run(operations.createViewPermissionsTokenV2, {
        input: {
          ...commonCreateFields(input),
          viewIds: [...input.viewIds],
          viewPermissions: [...input.permissions],
          ...(input.assetPermissionAssignments && input.assetPermissionAssignments.length > 0
            ? {
                assetPermissionAssignments: input.assetPermissionAssignments.map((assignment) => ({
                  assetResourceIdentifier: assignment.assetResourceIdentifier,
                  permissions: [...assignment.permissions],
                })),
              }
            : {}),
        },
      }),
    );
  }

  /** Replaces the token's whole permission set. */
  async updateOrganizationPermissionsTokenPermissions(id: string, permissions: readonly OrganizationPermission[]): Promise<void> {
    await this.run(operations.updateOrganizationPermissionsTokenPermissions, { input: { id, permissions: [...permissions] } });
  }

  async updateSystemPermissionsTokenPermissions(id: string, permissions: readonly SystemPermission[]): Promise<void> {
    await this.run(operations.updateSystemPermissionsTokenPermissions, { input: { id, permissions: [...permissions] } });
  }

  async updateViewPermissionsTokenPermissions(id: string, permissions: readonly ViewPermission[]): Promise<void> {
    await this.run(operations.updateViewPermissionsTokenPermissions, { input: { id, permissions: [...permissions] } });
  }

  async deleteToken(id: string): Promise<boolean> {
    return this.run(operations.deleteToken, { id });
  }

  /** Returns the new token string; the token's id changes and the old string stops working. */
  async rotateToken(id: string): Promise<string> {
    const token = await this.run(operations.rotateToken, { id });
    this.redactor.add(token);
    return token;
  }

  /**
   * The token with this id, or undefined when the server has none. `token(tokenId:)` answers
   * an unknown id with an error that cannot be told apart from other errors, so any error is
   * confirmed through `tokens(searchFilter:)` with an exact id match.
   */
  async getToken(id: string): Promise<TokenMetadata | undefined> {
    if (!this.tokenQueryMissing) {
      try {
        return await this.run(operations.token, { tokenId: id });
      } catch (error) {
        if (!(error instanceof LogScaleGraphQLError)) throw error;
        if (error.mentions('Cannot query field "token"')) this.tokenQueryMissing = true;
      }
    }
    return this.findTokenById(id);
  }

  /**
   * The token with this id and type, or undefined when the server has none. Reads that come
   * together (a refresh) are answered from the token listing where that costs fewer requests;
   * a token the listing lacks is read by id (getToken), so a token is never reported gone on
   * the listing's word alone.
   */
  async readToken(id: string, type: ListedTokenType): Promise<TokenMetadata | undefined> {
    return this.reader.read(id, type);
  }

  private async findTokenById(id: string): Promise<TokenMetadata | undefined> {
    for (let page = 0; page < lookupMaxPages; page++) {
      const { totalResults, results } = await this.listTokens({ searchFilter: id, skip: page * lookupPageSize, limit: lookupPageSize });
      const match = results.find((token) => token.id === id);
      if (match) return match;
      if ((page + 1) * lookupPageSize >= totalResults || results.length === 0) return undefined;
    }
    return undefined;
  }

  async listTokens(options: ListTokensOptions = {}): Promise<TokenPage> {
    return this.run(operations.tokens, {
      sortBy: options.sortBy ?? "Name",
      ...(options.searchFilter === undefined ? {} : { searchFilter: options.searchFilter }),
      ...(options.types === undefined ? {} : { typeFilter: options.types.map((type) => typeFilterValues[type]) }),
      ...(options.orderBy === undefined ? {} : { orderBy: options.orderBy }),
      ...(options.skip === undefined ? {} : { skip: options.skip }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
  }

  /** Resolves a view or repository name to its id. */
  async searchDomain(name: string): Promise<SearchDomainRef> {
    return this.run(operations.searchDomain, { name });
  }

  /** Every view and repository the API token can see. */
  async searchDomains(): Promise<readonly SearchDomainRef[]> {
    return this.run(operations.searchDomains, {});
  }

  async ipFilters(): Promise<readonly IpFilter[]> {
    return this.run(operations.ipFilters, {});
  }

  async tokenSecurityPolicies(): Promise<OrganizationTokenPolicies> {
    return this.run(operations.tokenSecurityPolicies, {});
  }

  /** The cluster and organization this client's URL and API token lead to. */
  async home(): Promise<TokenHome> {
    return this.run(operations.home, {});
  }

  private run<TData>(operation: Operation<TData>, variables: Readonly<Record<string, unknown>>): Promise<TData> {
    if (operation.safety !== "query") this.changes += 1;
    return executeOperation(this.settings, operation, variables);
  }

  /** Later errors of this client must not be able to echo a secret it has handed out. */
  private rememberSecret(created: CreatedToken): CreatedToken {
    this.redactor.add(created.token);
    return created;
  }
}

function commonCreateFields(input: CreateTokenInput<string>): Record<string, unknown> {
  return {
    name: input.name,
    ...(input.expireAt === undefined || input.expireAt === null ? {} : { expireAt: input.expireAt }),
    ...(input.ipFilterId === undefined || input.ipFilterId === null ? {} : { ipFilterId: input.ipFilterId }),
  };
}
