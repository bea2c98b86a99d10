/**
 * The `logscale` plugin's ResourceProvider gRPC service. Each method adapts the engine's request
 * to the one core (TokenProvider: check, diff, create, read, update, delete) and its answer
 * back; nothing here decides anything about tokens.
 *
 * Our own service rather than `@pulumi/pulumi/provider`'s main(): that server crashes on import
 * (a Read without properties), drops detailed diffs and ignores the provider's configuration.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type { StackConnectionConfig } from "../../core/config";
import { ClientCache } from "../../core/client-cache";
import { type Destination, providerMovingWarning } from "../../core/homes";
import type { TokenInputs } from "../../core/inputs";
import type { TokenKindName } from "../../core/kinds";
import { inputsFrom, type TokenOutputs } from "../../core/outputs";
import { TokenProvider, type TokenProviderOptions } from "../../core/token-provider";
import { changedProperties, detailedDiff, type PropertyChange } from "./detailed-diff";
import { type EngineLog, engineLog } from "./engine-log";
import { changedSettings, type ProviderSettingNames, secretSettings, settingFailures, settingNamesOf, stackConfigFrom } from "./provider-config";
import { providerMove } from "./provider-move";
import { alwaysSecretInputs, alwaysSecretOutputs, secretProperties } from "./secret-properties";
import { kindOfUrn } from "./resource-types";
import { schemaText } from "./schema";
import { fromWire, type PropertyMap, toWire } from "./wire";

export interface ServiceOptions {
  /** The engine's address, where warnings go; Attach may give it later. */
  readonly engineAddress?: string;
  readonly version: string;
  /** For tests: the core's clock and client settings. */
  readonly core?: Pick<TokenProviderOptions, "now" | "client">;
}

const propertyChangeKinds: Record<PropertyChange, providerProto.PropertyDiff.Kind> = {
  add: providerProto.PropertyDiff.Kind.ADD,
  "add-replace": providerProto.PropertyDiff.Kind.ADD_REPLACE,
  delete: providerProto.PropertyDiff.Kind.DELETE,
  "delete-replace": providerProto.PropertyDiff.Kind.DELETE_REPLACE,
  update: providerProto.PropertyDiff.Kind.UPDATE,
  "update-replace": providerProto.PropertyDiff.Kind.UPDATE_REPLACE,
};

type Handler<Request, Response> = (request: Request) => Promise<Response>;

/** A unary gRPC method from an async function; a thrown error reaches the engine as its message. */
function unary<Request, Response>(handler: Handler<Request, Response>): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback({ code: grpc.status.UNKNOWN, details: error instanceof Error ? error.message : String(error) }),
    );
  };
}

function union(...sets: Iterable<string>[]): Set<string> {
  return new Set(sets.flatMap((set) => [...set]));
}

export class LogScaleProviderService {
  private stackConfig: StackConnectionConfig = {};
  /** How messages name the configured provider's settings: stack config, or its inputs. */
  private settingNames: ProviderSettingNames = settingNamesOf(undefined);
  /** Clients and their answers, shared by the three kinds as in the dynamic provider's process. */
  private readonly clients = new ClientCache();
  private log: EngineLog;
  /** Warnings already given, for those the engine's repeated questions would repeat. */
  private readonly warned = new Set<string>();
  /** Aborted by Cancel (or a signal): operations under way stop at their next wait or attempt. */
  private readonly cancellation = new AbortController();

  constructor(private readonly options: ServiceOptions) {
    this.log = engineLog(options.engineAddress);
  }

  /**
   * Stops the operations under way: no request is tried again and no retry waited for, so they end
   * with an error saying what was left undone. The engine asks for it when the user interrupts an
   * update, and shuts the plugin down after it.
   */
  cancel(): void {
    this.cancellation.abort();
  }

  /** Lets go of the engine's connection, once no request will log any more. */
  close(): void {
    this.log.close();
  }

  /** The core for one request: messages are attributed to the resource (or provider) it concerns. */
  private core(kind: TokenKindName, urn: string, config = this.stackConfig, settingNames: ProviderSettingNames = this.settingNames): TokenProvider {
    const provider = new TokenProvider(kind, {
      ...this.options.core,
      clients: this.clients,
      settingNames,
      signal: this.cancellation.signal,
      warn: (message) => void this.log.warn(message, urn),
      info: (message) => void this.log.info(message, urn),
    });
    provider.configure(config);
    return provider;
  }

  /** Where a provider with these settings leads (see provider-move.ts). */
  private locate(config: StackConnectionConfig, urn: string): Promise<Destination | null> {
    // Any kind's core will do: where settings lead does not depend on the kind of token.
    return this.core("organization", urn, config, settingNamesOf(urn)).settingsDestination();
  }

  readonly implementation: Partial<providerRpc.IResourceProviderServer> = {
    getPluginInfo: unary(async () => {
      const info = new pluginProto.PluginInfo();
      info.setVersion(this.options.version);
      return info;
    }),

    getSchema: unary(async (request: providerProto.GetSchemaRequest) => {
      if (request.getVersion() !== 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
      const response = new providerProto.GetSchemaResponse();
      response.setSchema(schemaText(this.options.version));
      return response;
    }),

    checkConfig: unary(async (request: providerProto.CheckRequest) => {
      const news = fromWire(request.getNews());
      const response = new providerProto.CheckResponse();
      response.setInputs(toWire(news.values, union(news.secrets, secretSettings)));
      const failures = settingFailures(news.values, settingNamesOf(request.getUrn()));
      response.setFailuresList(failures.map(({ property, reason }) => checkFailure(property, reason)));
      return response;
    }),

    diffConfig: unary(async (request: providerProto.DiffRequest) => {
      const urn = request.getUrn();
      // An explicit provider's old inputs are in state, its API token too (a secret).
      const olds = fromWire(request.getOldInputs() ?? request.getOlds()).values;
      const news = fromWire(request.getNews()).values;
      const changed = changedSettings(olds, news);
      const move = await providerMove(olds, news, (config) => this.locate(config, urn));
      const response = new providerProto.DiffResponse();
      response.setChanges(changed.length > 0 ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE);
      response.setDiffsList(changed);
      if (move !== undefined) {
        // The engine then replaces every resource of this provider, new before old: each token is
        // made through the new instance, then deleted through the old one, configured as it was.
        response.setReplacesList([...move.because]);
        response.setDeletebeforereplace(false);
        const warning = providerMovingWarning(urn.split("::").pop() ?? urn, move.from, move.to);
        // The engine asks again for each resource of a default provider: say it once.
        if (!this.warned.has(warning)) void this.log.warn(warning, urn);
        this.warned.add(warning);
      }
      return response;
    }),

    configure: unary(async (request: providerProto.ConfigureRequest) => {
      const args = request.getArgs();
      const settings: PropertyMap = args
        ? fromWire(args).values
        : // Engines before provider inputs were sent as args: `logscale:config:url` and so on.
          Object.fromEntries(request.getVariablesMap().toArray().map(([key, value]) => [key.split(":").pop() ?? key, value]));
      // CheckConfig has reported any problem; what is usable is used.
      this.settingNames = settingNamesOf(request.getUrn());
      this.stackConfig = stackConfigFrom(settings, this.settingNames).config;
      const response = new providerProto.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(false);
      response.setAcceptresources(false);
      response.setAcceptoutputs(false);
      return response;
    }),

    check: unary(async (request: providerProto.CheckRequest) => {
      const urn = request.getUrn();
      const olds = fromWire(request.getOlds());
      const news = fromWire(request.getNews());
      const result = await this.core(kindOfUrn(urn), urn).check(olds.values, news.values);
      const response = new providerProto.CheckResponse();
      response.setInputs(toWire(result.inputs, secretProperties(news.secrets, alwaysSecretInputs)));
      response.setFailuresList(result.failures.map(({ property, reason }) => checkFailure(property, reason)));
      return response;
    }),

    diff: unary(async (request: providerProto.DiffRequest) => {
      const urn = request.getUrn();
      const kind = kindOfUrn(urn);
      const olds = fromWire(request.getOlds()).values as unknown as TokenOutputs;
      const news = fromWire(request.getNews()).values;
      const oldInputs = request.getOldInputs() ? fromWire(request.getOldInputs()).values : (inputsFrom(olds) as unknown as PropertyMap);
      const plan = await this.core(kind, urn).diff(request.getId(), olds, news as unknown as TokenInputs);
      const { changes, replaces } = plan;
      const response = new providerProto.DiffResponse();
      response.setChanges(changes ? providerProto.DiffResponse.DiffChanges.DIFF_SOME : providerProto.DiffResponse.DiffChanges.DIFF_NONE);
      response.setReplacesList([...replaces]);
      response.setDeletebeforereplace(plan.deleteBeforeReplace);
      const detailed = detailedDiff(kind, oldInputs, news, { changes, replaces });
      if (detailed !== undefined) {
        response.setHasdetaileddiff(true);
        const map = response.getDetaileddiffMap();
        for (const [path, change] of detailed) {
          const propertyDiff = new providerProto.PropertyDiff();
          propertyDiff.setKind(propertyChangeKinds[change]);
          propertyDiff.setInputdiff(true);
          map.set(path, propertyDiff);
        }
        response.setDiffsList(changedProperties(detailed));
      }
      return response;
    }),

    create: unary(async (request: providerProto.CreateRequest) => {
      const urn = request.getUrn();
      const inputs = fromWire(request.getProperties());
      const created = await this.core(kindOfUrn(urn), urn).create(inputs.values as unknown as TokenInputs);
      const response = new providerProto.CreateResponse();
      response.setId(created.id);
      response.setProperties(toWire(created.outs, secretProperties(inputs.secrets, alwaysSecretOutputs)));
      return response;
    }),

    read: unary(async (request: providerProto.ReadRequest) => {
      const urn = request.getUrn();
      // Import: an id, and neither state nor inputs.
      const state = fromWire(request.getProperties());
      const inputs = fromWire(request.getInputs());
      const result = await this.core(kindOfUrn(urn), urn).read(request.getId(), state.values as unknown as TokenOutputs);
      const response = new providerProto.ReadResponse();
      response.setId(result.id);
      // What was secret stays secret: in the state, or derived from a secret input.
      const secretSources = union(state.secrets, inputs.secrets);
      if (result.props !== undefined) response.setProperties(toWire(result.props, secretProperties(secretSources, alwaysSecretOutputs)));
      if (result.inputs !== undefined) response.setInputs(toWire(result.inputs, secretProperties(secretSources, alwaysSecretInputs)));
      return response;
    }),

    update: unary(async (request: providerProto.UpdateRequest) => {
      const urn = request.getUrn();
      const olds = fromWire(request.getOlds());
      const news = fromWire(request.getNews());
      const updated = await this.core(kindOfUrn(urn), urn).update(request.getId(), olds.values as unknown as TokenOutputs, news.values as unknown as TokenInputs);
      const response = new providerProto.UpdateResponse();
      response.setProperties(toWire(updated.outs, secretProperties(union(olds.secrets, news.secrets), alwaysSecretOutputs)));
      return response;
    }),

    delete: unary(async (request: providerProto.DeleteRequest) => {
      const urn = request.getUrn();
      const state = fromWire(request.getProperties());
      await this.core(kindOfUrn(urn), urn).delete(request.getId(), state.values as unknown as TokenOutputs);
      return new Empty();
    }),

    cancel: unary(async () => {
      this.cancel();
      return new Empty();
    }),

    attach: unary(async (request: pluginProto.PluginAttach) => {
      this.log.close();
      this.log = engineLog(request.getAddress());
      return new Empty();
    }),
  };
}

function checkFailure(property: string, reason: string): providerProto.CheckFailure {
  const failure = new providerProto.CheckFailure();
  failure.setProperty(property);
  failure.setReason(reason);
  return failure;
}

/**
 * How long the requests in flight get to answer once the plugin is told to stop; under the 5 s
 * the engine waits after its SIGINT before it kills the plugin.
 */
export const shutdownGraceMs = 4_000;

export interface RunningPlugin {
  readonly port: number;
  readonly service: LogScaleProviderService;
  /**
   * Cancels what is under way (no retry is waited for), stops accepting requests and resolves
   * once those in flight have answered, or after `graceMs`, when they are cut off.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/** Serves the service on a free local port. */
export async function serve(options: ServiceOptions): Promise<RunningPlugin> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const service = new LogScaleProviderService(options);
  // Calls not yet answered: once there are none, shutting down has nothing to wait for.
  let unanswered = 0;
  let whenAnswered: (() => void) | undefined;
  const counted = Object.fromEntries(
    Object.entries(service.implementation).map(([name, handler]) => [
      name,
      (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        unanswered += 1;
        (handler as grpc.handleUnaryCall<unknown, unknown>)(call, (error, value) => {
          unanswered -= 1;
          callback(error, value);
          if (unanswered === 0) whenAnswered?.();
        });
      },
    ]),
  );
  server.addService(providerRpc.ResourceProviderService, counted as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const shutdown = (graceMs = shutdownGraceMs) =>
    new Promise<void>((resolve) => {
      service.cancel();
      let stopped = false;
      const stop = (force: boolean) => {
        if (stopped) return;
        stopped = true;
        clearTimeout(cutOff);
        if (force) server.forceShutdown();
        service.close();
        resolve();
      };
      const cutOff = setTimeout(() => stop(true), graceMs);
      // A graceful shutdown also waits for the engine to close its connections, which it may do
      // only after the plugin has exited: once every call is answered there is nothing to wait for.
      server.tryShutdown(() => stop(false));
      whenAnswered = () => setImmediate(() => stop(true));
      if (unanswered === 0) whenAnswered();
    });
  return { port, service, shutdown };
}