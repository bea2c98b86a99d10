/**
 * The three resources users write: OrgPermissionsToken, ViewPermissionsToken and
 * SystemPermissionsToken. They describe inputs and outputs; all behaviour lives in the
 * TokenProvider they share.
 */
import * as pulumi from "@pulumi/pulumi";
import { captureNoFrames, withStackFrom } from "./construction-stacks";
import type { AssetPermission, OrganizationPermission, SystemPermission, ViewPermission } from "./permissions";

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
  /** HTTP proxy to reach this LogScale through, `http://[user:password@]host:port`; without it, HTTPS_PROXY / NO_PROXY apply. */
  readonly proxy?: pulumi.Input<string>;
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

// tokenId is not among them: it is the resource's id. Each declared output costs the SDK an
// Output with four promises, each capturing a stack trace, for every token of the program.
const outputNames = ["token", "permissions", "expireAt", "createdAt", "ipFilterId"] as const;
const viewOutputNames = ["viewIds", "views", "assetPermissionAssignments"] as const;

/**
 * The modules the provider host loads for each kind of token, `internal/provider/<name>` in
 * package.json's exports. The program names them and loads none of them.
 */
export type ProviderModuleName = "organization" | "view" | "system";

/**
 * What each resource stores as `__provider`: the module source the Node.js provider host
 * evaluates, calling its `handler()` for the provider (`@pulumi/pulumi/cmd/dynamic-provider`).
 * `dynamic.Resource` would write it with the closure serializer, about 290 bytes of wrapper
 * around this same `require`; every byte is stored twice per token and rewritten at every
 * checkpoint. The paths are in users' states and stay exported in package.json for good. The
 * program never loads the provider's implementation; only the provider host does.
 */
export function providerModuleSource(kind: ProviderModuleName): string {
  return `exports.handler=()=>require("pulumi-logscale-tokens/internal/provider/${kind}");`;
}

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

/**
 * What every permission token resource exposes. A dynamic resource, as `dynamic.Resource` would
 * make it (same type token, so states written through it stay valid), with a shorter `__provider`.
 */
export abstract class PermissionsTokenResource extends pulumi.CustomResource {
  /** The token's id in LogScale (the resource's id). */
  readonly tokenId: pulumi.Output<string>;
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

  protected constructor(kind: ProviderModuleName, type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined) {
    const restoreFrames = captureNoFrames();
    try {
      super(`pulumi-nodejs:dynamic/logscale:${type}`, name, { ...props, __provider: providerModuleSource(kind) }, withSecretOutputs(opts));
    } catch (err) {
      restoreFrames();
      throw withStackFrom(err, new.target);
    } finally {
      restoreFrames();
    }
    this.tokenId = this.id;
  }
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
    super("organization", "OrgPermissionsToken", name, tokenProps(args, outputNames), opts);
  }
}

/**
 * A system permissions token: rights over the whole cluster (organizations, cluster
 * management). Only self-hosted LogScale has them.
 */
export class SystemPermissionsToken extends PermissionsTokenResource {
  constructor(name: string, args: SystemPermissionsTokenArgs, opts?: pulumi.CustomResourceOptions) {
    super("system", "SystemPermissionsToken", name, tokenProps(args, outputNames), opts);
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
    super("view", "ViewPermissionsToken", name, tokenProps(args, [...outputNames, ...viewOutputNames]), opts);
  }
}
