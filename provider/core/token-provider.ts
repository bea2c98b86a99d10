/**
 * The one token provider behind all three token resources, parameterised by kind: check, diff,
 * create, read, update, delete. It knows nothing of how it is served: the dynamic provider
 * (serving/dynamic) and the plugin (serving/plugin) adapt it, each giving it a place for its
 * messages and its settings.
 *
 * Everything it knows about where LogScale is arrives at run time (configure(), the
 * environment, or a resource's connection input), never from the code Pulumi stores in state.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleepFor } from "node:timers/promises";
import { LogScaleClient, type LogScaleClientOptions } from "../client/client";
import {
  ConnectionConfigError,
  type ConnectionInput,
  type ConnectionSettings,
  resolveConnection,
  type SettingNames,
  type StackConnectionConfig,
  stackConfigNames,
} from "./config";
import { LogScaleError, LogScaleGraphQLError, type SettingHints } from "../client/errors";
import { type Duration, durationMs, expiryFor, replacingProperties, sameInputValue, sameValue, type TokenInputs } from "./inputs";
import { during, retryMessage } from "./progress";
import { type TokenKind, type TokenKindName, tokenKinds } from "./kinds";
import { inputsFrom, outputsFrom, requestedFrom, requestedIn, type TokenOutputs } from "./outputs";
import { grantedPermissions } from "./permission-diff";
import { ClientCache } from "./client-cache";
import { type Destination, movingWarning, type OldWay, sameHome, strandedPlanMessage, strandedStepMessage, type TokenHome, type TokenRef } from "./homes";
import { permissionUpdatesForbidden } from "./policies";
import { type CheckResult, checkToken } from "./check";
import { createOnce } from "./safe-create";
import { containsUnknown, isUnknown } from "./unknown";
import { displayUrl } from "../client/redact";
import { storedSettingsAdvice } from "./refresh-settings";

export type { CheckResult } from "./check";

/** Where the core's messages go; each serving supplies its own. */
export interface MessageSink {
  /** Something the user should act on, shown with the resource it concerns. */
  readonly warn: (message: string) => void;
  /** Progress while an operation is under way: retries and recoveries. */
  readonly info: (message: string) => void;
}

export interface TokenProviderOptions extends MessageSink {
  /** For tests: client settings (short timeouts, retries). */
  readonly client?: Partial<Pick<LogScaleClientOptions, "timeoutMs" | "retry" | "sleep" | "reads" | "onListingShortfall">>;
  /** For tests: the clock. */
  readonly now?: () => number;
  /** Shared with the other kinds' providers of the process; a provider of its own by default. */
  readonly clients?: ClientCache;
  /** How messages name the settings configure() gives (the stack config by default). */
  readonly settingNames?: SettingNames;
  /**
   * Aborted when the operations under way should stop: the client tries nothing more, and waits
   * before a retry end at once with an error saying so.
   */
  readonly signal?: AbortSignal;
}

/**
 * The plan for a change. `replaces` names the inputs whose change forces a new token, and
 * `expireAt` (rotationReason) when the token is due for rotation: its expiry, an output, has
 * come within the window; a warning says so in words.
 */
export interface DiffResult {
  readonly changes: boolean;
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

export interface CreateResult {
  readonly id: string;
  readonly outs: TokenOutputs;
}

/** An empty id: the token is gone, and the resource leaves the state. */
export interface ReadResult {
  readonly id: string;
  readonly props?: TokenOutputs;
  readonly inputs?: TokenInputs;
}

export interface UpdateResult {
  readonly outs: TokenOutputs;
}

/** The replace reason of a token due for rotation: the output whose value makes it due. */
export const rotationReason = "expireAt";

export class TokenProvider {
  private stackConfig: StackConnectionConfig = {};
  /** One client per distinct connection, so keep-alive connections are reused across calls. */
  private readonly clients: ClientCache;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private readonly info: (message: string) => void;
  private readonly settingNames: SettingNames;

  constructor(
    readonly kindName: TokenKindName,
    private readonly options: TokenProviderOptions,
  ) {
    this.clients = options.clients ?? new ClientCache();
    this.now = options.now ?? Date.now;
    this.warn = options.warn;
    this.info = options.info;
    this.settingNames = options.settingNames ?? stackConfigNames;
  }

  private get kind(): TokenKind {
    return tokenKinds[this.kindName];
  }

  /** The provider's own settings: the stack config, or a plugin provider instance's inputs. Empty values count as unset. */
  configure(settings: StackConnectionConfig): void {
    this.stackConfig = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && value !== "")) as StackConnectionConfig;
  }

  /** `olds`: the previous checked inputs ({} for a new resource); `news`: the program's inputs. */
  async check(olds: object, news: object): Promise<CheckResult> {
    return checkToken(
      {
        kind: this.kind,
        now: this.now(),
        clients: this.clients,
        client: (connection) => this.client(connection),
        explain: (action, run) => this.explain(action, run),
        warn: this.warn,
      },
      (olds ?? {}) as Record<string, unknown>,
      news as Record<string, unknown>,
    );
  }

  async diff(_id: string, olds: TokenOutputs, news: TokenInputs): Promise<DiffResult> {
    // The program against what the program asked for last time: what LogScale filled in (an
    // enforced IP filter or lifetime, views hidden from the API token) is no reason to replace.
    const asked: Record<(typeof replacingProperties)[number], unknown> = {
      name: olds.name,
      assetPermissionAssignments: olds.assetPermissionAssignments,
      expireAt: undefined,
      expiresIn: undefined,
      rotationTrigger: undefined,
      ipFilterId: undefined,
      viewIds: undefined,
      ...requestedIn(olds),
    };
    const replaces: string[] = replacingProperties.filter((property) => !sameInputValue(property, asked[property], news[property]));
    if (await this.leavesHome(olds, news)) replaces.push("connection");
    const permissionsChange = !this.samePermissions(olds.permissions, news.permissions);
    if (replaces.length === 0 && this.dueForRotation(olds, news.rotateBeforeExpiry)) {
      // No input changed: the token's expiry (an output) came within the window, which the warning names.
      replaces.push(rotationReason);
      this.warn(
        `The ${this.kind.label} '${olds.name}' (${olds.tokenId}) expires at ${new Date(olds.expireAt!).toISOString()}, within its rotateBeforeExpiry window ` +
          `of ${String(news.rotateBeforeExpiry)}: it will be replaced by a new token (a new secret), and deleted once what uses it has the new one.`,
      );
    }
    // Expired and unchanged: a replacement would be refused (check() runs again for it, and the
    // date is past), blocking the whole stack. So it shows as a change, which a drift check
    // catches, and update() leaves it alone, saying what to do.
    const expiredAsIs = replaces.length === 0 && this.isExpired(olds) && sameValue(asked.expireAt, news.expireAt);
    if (expiredAsIs) this.warnExpired(olds);
    if (permissionsChange && replaces.length === 0 && !expiredAsIs && !isUnknown(news.connection)) {
      const policies = await this.explain(`plan the permission change of ${this.kind.label} '${olds.name}'`, () => this.clients.policies.read(this.client(news.connection)));
      if (permissionUpdatesForbidden(this.kind, policies)) {
        replaces.push("permissions");
        this.warn(
          `The organization's token security policy forbids changing the permissions of existing ${this.kind.label}s ` +
            `(${this.kind.policy.allowUpdates} is false), so '${olds.name}' will be replaced by a new token with a new secret.`,
        );
      }
    }
    const changes = replaces.length > 0 || permissionsChange || expiredAsIs || !sameValue(olds.connection, news.connection);
    // `changes` is always explicit: left undefined, the engine would diff `__provider` itself.
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: TokenInputs): Promise<CreateResult> {
    const client = this.client(inputs.connection);
    if (inputs.adoptTokenId !== undefined) return this.adopt(client, inputs.adoptTokenId, inputs);
    const action = `create ${this.kind.label} '${inputs.name}'`;
    if (inputs.expireAt !== undefined && inputs.expireAt <= this.now()) {
      throw new Error(`Could not ${action}: its expireAt ${new Date(inputs.expireAt).toISOString()} has passed. Set expireAt to a future date.`);
    }
    // Asked before the create: a failure after it would lose a token LogScale made.
    const home = await this.explain(action, () => this.clients.homes.read(client));
    const expireAt = expiryFor(inputs, this.now());
    const createOnceMore = () =>
      this.kind.create(client, {
        name: inputs.name,
        permissions: inputs.permissions,
        ...(expireAt === undefined ? {} : { expireAt }),
        ...(inputs.ipFilterId === undefined ? {} : { ipFilterId: inputs.ipFilterId }),
        ...(inputs.viewIds === undefined ? {} : { viewIds: inputs.viewIds }),
        ...(inputs.assetPermissionAssignments === undefined ? {} : { assetPermissionAssignments: inputs.assetPermissionAssignments }),
      });
    const created = await this.explain(action, () =>
      createOnce(client, this.kind, inputs.name, createOnceMore, {
        // A create that timed out may still land for as long as LogScale was given to answer it.
        lateArrivalWindowMs: client.timeoutMs,
        sleep: this.options.client?.sleep ?? ((ms) => sleepFor(ms, undefined, this.options.signal === undefined ? {} : { signal: this.options.signal })),
        report: this.info,
      }),
    );
    return {
      id: created.metadata.id,
      outs: outputsFrom(created.metadata, {
        token: created.token,
        assetPermissionAssignments: inputs.assetPermissionAssignments,
        connection: inputs.connection,
        requested: requestedFrom(inputs),
        home,
      }),
    };
  }

  /** Takes over an existing token (check() made sure it is the one the program describes). */
  private async adopt(client: LogScaleClient, id: string, inputs: TokenInputs): Promise<CreateResult> {
    const action = `adopt ${this.kind.label} '${inputs.name}' (${id})`;
    const home = await this.explain(action, () => this.clients.homes.read(client));
    const existing = await this.explain(action, () => client.getToken(id));
    if (existing === undefined || !this.kind.owns(existing)) throw new Error(`Could not ${action}: LogScale has no such ${this.kind.label}.`);
    if (!this.samePermissions(existing.permissions, inputs.permissions)) {
      await this.explain(`set the permissions of the adopted ${this.kind.label} '${inputs.name}' (${id})`, () => this.kind.updatePermissions(client, id, inputs.permissions));
    }
    let token = "";
    let tokenId = id;
    if (inputs.rotateOnAdopt) {
      token = await this.explain(`rotate the adopted ${this.kind.label} '${inputs.name}' (${id})`, () => client.rotateToken(id));
      tokenId = token.split("~")[0] ?? id;
    }
    const adopted = await this.explain(`read back ${action}`, () => client.getToken(tokenId));
    if (adopted === undefined) throw new Error(`Could not ${action}: the token was gone when read back.`);
    return {
      id: adopted.id,
      outs: outputsFrom(adopted, {
        token,
        assetPermissionAssignments: inputs.assetPermissionAssignments,
        connection: inputs.connection,
        requested: requestedFrom(inputs),
        home,
      }),
    };
  }

  /**
   * Refresh, or import: `pulumi import` reads with an id and no state (`props` is empty). An
   * imported token's inputs are what LogScale reports, so the next preview shows no change once
   * the program says the same; its `token` is empty, as LogScale never shows a secret again.
   */
  async read(id: string, props: TokenOutputs): Promise<ReadResult> {
    const importing = !("tokenId" in props) && !("name" in props);
    const client = this.client(props.connection);
    const action = importing ? `import ${this.kind.label} ${id}` : `read ${this.kind.label} '${props.name}' (${id})`;
    // Home first, though it costs the first read of a process one round trip more: a LogScale
    // other than the token's is asked nothing about it, and a wrong API token costs one request.
    // Elsewhere, "not found" means nothing: dropping the token from the state would orphan it.
    // A refresh turned away says which settings it sent: maybe not the stack config as it is now.
    const advice = importing ? undefined : (error: unknown) => storedSettingsAdvice(error, this.connection(props.connection));
    const home = await this.explain(action, () => this.clients.homes.read(client), advice);
    this.assertAtHome("refresh", id, props, home);
    const token = await this.explain(action, () => client.readToken(id, this.kindName), advice);
    if (token === undefined || !this.kind.owns(token)) {
      // LogScale drops expired tokens after a while. Kept in state, it shows as expired in the
      // diff (with what to do) instead of as a create that check() would refuse for its past date.
      if (props.expireAt !== undefined && props.expireAt <= this.now()) return { id, props, inputs: inputsFrom(props) };
      return { id: "" };
    }
    const outputs = outputsFrom(token, {
      token: importing ? "" : props.token,
      assetPermissionAssignments: props.assetPermissionAssignments,
      connection: props.connection,
      // Nothing was asked for an imported token: what LogScale reports stands in.
      requested: importing ? requestedFrom(outputsFrom(token, { token: "", requested: {} })) : requestedIn(props),
      // States from before homes were recorded gain it here.
      home: home ?? props.home,
    });
    return { id, props: outputs, inputs: inputsFrom(outputs) };
  }

  async update(id: string, olds: TokenOutputs, news: TokenInputs): Promise<UpdateResult> {
    if (this.isExpired(olds)) {
      this.warnExpired(olds);
      return { outs: { ...olds, ...(news.connection ? { connection: news.connection } : {}) } };
    }
    const client = this.client(news.connection);
    if (!this.samePermissions(olds.permissions, news.permissions)) {
      await this.explain(`update the permissions of ${this.kind.label} '${olds.name}' (${id})`, () =>
        this.kind.updatePermissions(client, id, news.permissions),
      );
    }
    const token = await this.explain(`read back ${this.kind.label} '${olds.name}' (${id})`, () => client.getToken(id));
    if (token === undefined) {
      throw new Error(
        `The ${this.kind.label} '${olds.name}' (${id}) no longer exists in LogScale. Run 'pulumi refresh' (or 'pulumi up --refresh') to create it again.`,
      );
    }
    // A token found there lives there: a state from before homes were recorded gains it.
    const home = olds.home ?? (await this.explain(`read back ${this.kind.label} '${olds.name}' (${id})`, () => this.clients.homes.read(client)));
    return {
      outs: outputsFrom(token, {
        token: olds.token,
        assetPermissionAssignments: olds.assetPermissionAssignments,
        connection: news.connection,
        requested: requestedFrom(news),
        home,
      }),
    };
  }

  async delete(id: string, props: TokenOutputs): Promise<void> {
    const client = this.client(props.connection);
    const action = `delete ${this.kind.label} '${props.name}' (${id})`;
    if (props.home !== undefined) this.assertAtHome("delete", id, props, await this.explain(action, () => this.clients.homes.read(client)));
    let deleted: boolean;
    try {
      deleted = await during(action, () => client.deleteToken(id));
    } catch (error) {
      // LogScale answers an unknown id with an error: if the token is gone, deleting it succeeded.
      if (error instanceof LogScaleGraphQLError && (await this.explain(action, () => client.getToken(id))) === undefined) return;
      throw this.contextualize(action, error);
    }
    // A refusal without an error. Only a token that is really gone may leave the state: the
    // engine forgets the resource when delete() returns, and the credential would live on unmanaged.
    if (!deleted && (await this.explain(action, () => client.getToken(id))) !== undefined) {
      throw new Error(
        `Could not ${action}: LogScale answered that it did not delete it, and the token still exists, so it stays in the Pulumi state. ` +
          `Check that the API token may delete ${this.kind.label}s, or delete it in LogScale, then run the command again.`,
      );
    }
  }

  /** The token's expiry, as LogScale reports it, has come within the program's rotation window. */
  private dueForRotation(outputs: TokenOutputs, window: Duration | undefined): boolean {
    if (window === undefined || isUnknown(window) || outputs.expireAt === undefined) return false;
    return this.now() >= outputs.expireAt - durationMs(window);
  }

  private isExpired(outputs: TokenOutputs): boolean {
    return outputs.expireAt !== undefined && outputs.expireAt <= this.now();
  }

  private warnExpired(outputs: TokenOutputs): void {
    this.warn(
      `The ${this.kind.label} '${outputs.name}' (${outputs.tokenId}) expired at ${new Date(outputs.expireAt ?? 0).toISOString()} and no longer works; ` +
        `LogScale cannot extend it. Set its expireAt to a future date to replace it with a new token.`,
    );
  }

  /**
   * Whether the token must be replaced because the program's connection now leads to another
   * cluster or organization than the one it lives in. Throws when it does and nothing in the
   * state can reach the old home to delete the old token there. Unknown connections (preview)
   * and states without a recorded home are taken as they are.
   */
  private async leavesHome(olds: TokenOutputs, news: TokenInputs): Promise<boolean> {
    if (olds.home === undefined || containsUnknown(news.connection)) return false;
    const action = `check where ${this.kind.label} '${olds.name}' (${olds.tokenId}) lives`;
    const client = this.client(news.connection);
    const now = await this.explain(action, () => this.clients.homes.read(client));
    if (now === null || sameHome(now, olds.home)) return false;
    const token: TokenRef = { label: this.kind.label, name: olds.name, id: olds.tokenId };
    const destination = this.destination(news.connection, now);
    // The old token is deleted the way it was made: through the connection in state, or the provider's settings.
    const old: OldWay = {
      connection: olds.connection !== undefined,
      settingsKept: this.settingNames.keptInState,
      source: olds.connection ? "the resource's connection.url" : this.settingNames.name("url"),
    };
    let oldClient: LogScaleClient;
    try {
      oldClient = this.client(olds.connection);
    } catch (error) {
      if (!(error instanceof ConnectionConfigError)) throw error;
      throw new Error(strandedPlanMessage(token, olds.home, destination, { ...old, leadsTo: null }, news.connection !== undefined));
    }
    const reached = oldClient === client ? now : await this.explain(action, () => this.clients.homes.read(oldClient));
    if (reached !== null && !sameHome(reached, olds.home)) {
      const source = this.connection(olds.connection).urlSource;
      const oldWay = { ...old, source, ...(source === destination.source ? {} : { leadsTo: reached }) };
      throw new Error(strandedPlanMessage(token, olds.home, destination, oldWay, news.connection !== undefined));
    }
    this.warn(movingWarning(token, olds.home, destination));
    return true;
  }

  /**
   * Where this provider's own settings (the stack config, else the environment) lead, and how
   * messages name them; null when LogScale will not say. The plugin compares a provider
   * instance's old and new settings by it: a URL is only an address. Throws a
   * ConnectionConfigError when the settings are incomplete or invalid.
   */
  async settingsDestination(): Promise<Destination | null> {
    const settings = this.connection(undefined);
    const action = `find where ${settings.urlSource} (${displayUrl(settings.url)}) leads`;
    const home = await this.explain(action, () => this.clients.homes.read(this.client(undefined)));
    return home === null ? null : { home, source: settings.urlSource, url: displayUrl(settings.url) };
  }

  /** Refuses to act on a LogScale other than the one the token lives in. */
  private assertAtHome(step: "refresh" | "delete", id: string, props: TokenOutputs, home: TokenHome | null): void {
    if (props.home === undefined || home === null || sameHome(home, props.home)) return;
    throw new Error(strandedStepMessage(step, { label: this.kind.label, name: props.name, id }, props.home, this.destination(props.connection, home)));
  }

  private destination(override: ConnectionInput | undefined, home: TokenHome): Destination {
    const settings = this.connection(override);
    return { home, source: settings.urlSource, url: displayUrl(settings.url) };
  }

  private samePermissions(current: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
    if (current === undefined || wanted === undefined) return current === wanted;
    if (!Array.isArray(wanted)) return false; // unknown during preview
    return sameValue(grantedPermissions(this.kindName, current), grantedPermissions(this.kindName, wanted));
  }

  private connection(override: ConnectionInput | undefined): ConnectionSettings {
    return resolveConnection(override, this.stackConfig, process.env, this.settingNames);
  }

  private client(override: ConnectionInput | undefined): LogScaleClient {
    const settings = this.connection(override);
    const key = createHash("sha256")
      .update(JSON.stringify([settings.url, settings.apiToken, settings.organization, settings.insecure, settings.caCertificate, settings.timeoutMs, settings.proxy]))
      .digest("hex");
    let client = this.clients.clients.get(key);
    if (!client) {
      client = new LogScaleClient({
        url: settings.url,
        apiToken: settings.apiToken,
        insecure: settings.insecure,
        credentialSource: settings.tokenSource,
        settingHints: this.settingHints(override, settings),
        ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
        now: this.now,
        onEvent: (event) => {
          const message = retryMessage(event);
          if (message !== undefined) this.info(message);
        },
        ...this.options.client,
        ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
        ...(settings.organization ? { organization: settings.organization } : {}),
        ...(settings.caCertificate ? { caCertificate: settings.caCertificate } : {}),
        ...(settings.proxy ? { proxy: settings.proxy, proxySource: settings.proxySource ?? "the proxy setting" } : {}),
      });
      this.clients.clients.set(key, client);
    }
    return client;
  }

  /** How the client's messages name what to change: where this connection's settings come from. */
  private settingHints(override: ConnectionInput | undefined, settings: ConnectionSettings): SettingHints {
    const names = this.settingNames;
    return {
      url: settings.urlSource,
      caCertificate: override ? "the resource's connection.caCertificate" : names.name("caCertificate"),
      insecure: override ? "the resource's connection.insecure" : names.name("insecure"),
      timeout: names.name("timeoutSeconds"),
    };
  }

  /** `advice` adds to what contextualize() says of a LogScale error. */
  private async explain<T>(action: string, run: () => Promise<T>, advice?: (error: unknown) => string): Promise<T> {
    try {
      return await during(action, run);
    } catch (error) {
      const contextualized = this.contextualize(action, error);
      const more = advice?.(error) ?? "";
      if (more !== "") contextualized.message += more;
      throw contextualized;
    }
  }

  /** Says what we were doing; the client's message (already redacted) says what went wrong. */
  private contextualize(action: string, error: unknown): Error {
    if (!(error instanceof LogScaleError)) return error instanceof Error ? error : new Error(String(error));
    let advice = "";
    if (error instanceof LogScaleGraphQLError && error.mentions(this.kind.policy.allowUpdates)) {
      advice = ` The organization's token security policy forbids changing the permissions of existing tokens (${this.kind.policy.allowUpdates}); an organization admin can allow it.`;
    } else if (error instanceof LogScaleGraphQLError && error.mentions("not allowed")) {
      advice = ` The API token is valid but lacks the rights to manage ${this.kind.label}s: use one that has them.`;
    } else if (error.mayHaveBeenApplied && action.startsWith("create")) {
      advice = " LogScale may have created the token even so: look for a token with this name in LogScale and delete it if it is not in the Pulumi state.";
    }
    return new Error(`Could not ${action}: ${error.message}${advice}`);
  }
}


