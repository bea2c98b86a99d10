/**
 * The three resources users write: OrgPermissionsToken, ViewPermissionsToken and
 * SystemPermissionsToken. They describe inputs and outputs; all behaviour lives in the
 * TokenProvider they share.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import organizationProvider = require("./kind-providers/organization");
import systemProvider = require("./kind-providers/system");
import viewProvider = require("./kind-providers/view");
import type { TokenKindName } from "./kinds";
import type { AssetPermission, OrganizationPermission, SystemPermission, ViewPermission } from "./permissions";
import { SerializedTokenProvider } from "./serialized-provider";

/** Overrides the stack config for one resource, e.g. to manage tokens on several clusters. Stored as a secret. */
export interface ConnectionArgs {
  /** Base URL of LogScale, e.g. `https://logscale.example.com`. */
  readonly url: pulumi.Input<string>;
  /** API token with the right to manage this kind of token. */
  readonly token: pulumi.Input<string>;
  /** Sent as `ProxyOrganization`, for multi-organization clusters. */
  readonly organization?: pulumi.Input<string>;
  /** Skip TLS certificate verification (test clusters only). */
  readonly insecure?: pulumi.Input<boolean>;
  /** PEM certificate of a private CA to trust. */
  readonly caCertificate?: pulumi.Input<string>;
}

interface CommonTokenArgs<TPermission extends string> {
  /** The token's name in LogScale. Changing it replaces the token. */
  readonly name: pulumi.Input<string>;
  /** What the token may do. Updated in place (the whole set is replaced); order and duplicates do not matter. */
  readonly permissions: pulumi.Input<pulumi.Input<TPermission>[]>;
  /** When the token stops working: an ISO-8601 string with a time zone, or epoch milliseconds. Changing it replaces the token. */
  readonly expireAt?: pulumi.Input<string | number>;
  /**
   * How long each token lives, counted from its creation: `"90d"`, `"12h"`, `"2w"`, `"1d12h"`.
   * The expiry is the `expireAt` output. Not with `expireAt`. Changing it replaces the token.
   */
  readonly expiresIn?: pulumi.Input<string>;
  /**
   * With `expiresIn`: once the token expires within this window (e.g. `"14d"`), the plan replaces
   * it. The new token is created first, what uses the `token` output is updated, then the old one is deleted.
   */
  readonly rotateBeforeExpiry?: pulumi.Input<string>;
  /** Any text; changing it replaces the token (rotation on demand or on your own schedule). */
  readonly rotationTrigger?: pulumi.Input<string>;
  /** Id of an IP filter limiting where the token may be used from. Changing it replaces the token. */
  readonly ipFilterId?: pulumi.Input<string>;
  /** The IP filter by name instead of id, resolved at preview. Not with `ipFilterId`. */
  readonly ipFilterName?: pulumi.Input<string>;
  /**
   * Take over this existing token instead of creating one: its name, views and IP filter must
   * match this resource; its permissions are set to `permissions`. Read only when the resource is
   * created. LogScale never shows a secret again, so `token` stays empty unless `rotateOnAdopt`.
   */
  readonly adoptTokenId?: pulumi.Input<string>;
  /** With `adoptTokenId`: rotate the adopted token once (new id and secret; the old secret stops working). */
  readonly rotateOnAdopt?: pulumi.Input<boolean>;
  /** Where LogScale is, when not the stack config (`logscale:url`, `logscale:token`). */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

export type OrgPermissionsTokenArgs = CommonTokenArgs<OrganizationPermission>;
export type SystemPermissionsTokenArgs = CommonTokenArgs<SystemPermission>;

export interface AssetPermissionAssignmentArgs {
  /** An asset's `resource` string, e.g. from LogScale's `searchDomainAssets` query. */
  readonly assetResourceIdentifier: pulumi.Input<string>;
  readonly permissions: pulumi.Input<pulumi.Input<AssetPermission>[]>;
}

export interface ViewPermissionsTokenArgs extends CommonTokenArgs<ViewPermission> {
  /** Ids of the views and repositories the token covers (or `viewNames`). Changing them replaces the token. */
  readonly viewIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Names of the views and repositories the token covers, resolved to ids at every preview. Not with `viewIds`. */
  readonly viewNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** Per-asset grants, set at creation only: changing them replaces the token. */
  readonly assetPermissionAssignments?: pulumi.Input<pulumi.Input<AssetPermissionAssignmentArgs>[]>;
}

export interface ViewRef {
  readonly id: string;
  readonly name: string;
}

const outputNames = ["tokenId", "token", "permissions", "expireAt", "createdAt", "ipFilterId"] as const;
const viewOutputNames = ["viewIds", "views", "assetPermissionAssignments"] as const;

/**
 * The provider object Pulumi serializes into each resource's state. A module's exports found
 * under node_modules (the package installed, as users have it) becomes one `require` line.
 * Loaded from anywhere else (a linked checkout) it would be inlined with all it references, so
 * a small by-value stand-in that loads the package at run time goes instead.
 */
function serializable(kind: TokenKindName, provider: dynamic.ResourceProvider): dynamic.ResourceProvider {
  const loadedFrom = Object.values(require.cache).find((module) => module?.exports === provider)?.filename;
  return loadedFrom?.split(path.sep).includes("node_modules") ? provider : new SerializedTokenProvider(kind);
}

/** One provider object per kind: the engine deserializes and configures each once per process. */
const providers: Readonly<Record<TokenKindName, dynamic.ResourceProvider>> = {
  organization: serializable("organization", organizationProvider),
  view: serializable("view", viewProvider),
  system: serializable("system", systemProvider),
};

function tokenProps(args: object, outputs: readonly string[]): pulumi.Inputs {
  const props: Record<string, unknown> = {};
  for (const name of outputs) props[name] = undefined;
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    // The connection holds an API token: secret in state whether or not the caller marked it.
    props[key] = key === "connection" ? pulumi.secret(value) : value;
  }
  return props;
}

/** `connection` needs no entry: an output named like a secret input is secret already. */
function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  const additionalSecretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), "token"])];
  return { ...opts, additionalSecretOutputs };
}

/** What every permission token resource exposes. */
export abstract class PermissionsTokenResource extends pulumi.dynamic.Resource {
  /** The token's id in LogScale. */
  declare readonly tokenId: pulumi.Output<string>;
  /** The credential, `<tokenId>~<secret>`. A Pulumi secret. */
  declare readonly token: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** The permissions as LogScale reports them, sorted. */
  declare readonly permissions: pulumi.Output<string[]>;
  /** Epoch milliseconds, or undefined when the token never expires. */
  declare readonly expireAt: pulumi.Output<number | undefined>;
  /** Epoch milliseconds. */
  declare readonly createdAt: pulumi.Output<number>;
  declare readonly ipFilterId: pulumi.Output<string | undefined>;
}

/**
 * An organization permissions token: rights over the organization (users, repositories,
 * IP filters, …), not over data.
 *
 * ```ts
 * const ci = new OrgPermissionsToken("ci", { name: "ci-user-admin", permissions: ["ManageUsers", "ViewUsage"] });
 * export const ciToken = ci.token; // secret
 * ```
 */
export class OrgPermissionsToken extends PermissionsTokenResource {
  constructor(name: string, args: OrgPermissionsTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super(providers.organization, name, tokenProps(args, outputNames), withSecretOutputs(opts), "logscale", "OrgPermissionsToken");
  }
}

/**
 * A system permissions token: rights over the whole cluster (organizations, cluster
 * management). Only self-hosted LogScale has them.
 */
export class SystemPermissionsToken extends PermissionsTokenResource {
  constructor(name: string, args: SystemPermissionsTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super(providers.system, name, tokenProps(args, outputNames), withSecretOutputs(opts), "logscale", "SystemPermissionsToken");
  }
}

/**
 * A view permissions token: rights on the data and assets of some views and repositories.
 * LogScale adds `OrganizationOwnedQueries` to every view token and reports a `Change…`
 * umbrella as its Create/Update/Delete trio; neither shows as a difference, and
 * `permissions` holds what LogScale reports.
 */
export class ViewPermissionsToken extends PermissionsTokenResource {
  /** Ids of the views and repositories covered, sorted. */
  declare readonly viewIds: pulumi.Output<string[]>;
  /** The covered views and repositories with their names (those the API token can see). */
  declare readonly views: pulumi.Output<ViewRef[]>;
  declare readonly assetPermissionAssignments: pulumi.Output<{ assetResourceIdentifier: string; permissions: AssetPermission[] }[] | undefined>;

  constructor(name: string, args: ViewPermissionsTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super(providers.view, name, tokenProps(args, [...outputNames, ...viewOutputNames]), withSecretOutputs(opts), "logscale", "ViewPermissionsToken");
  }
}
