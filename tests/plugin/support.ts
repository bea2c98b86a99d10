/**
 * The plugin as the engine sees it: its gRPC service on a loopback port, called through
 * @pulumi/pulumi's own generated client, and a stand-in for the engine's Log service that records
 * what the plugin says (the engine's side of that protocol, not a mock of ours).
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

export interface LoggedMessage {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  readonly urn: string;
}

export interface FakeEngine {
  readonly address: string;
  readonly messages: LoggedMessage[];
  /** Resolves with the first message (logged before or after the call) that matches. */
  next(matches: (message: LoggedMessage) => boolean): Promise<LoggedMessage>;
  stop(): Promise<void>;
}

const severities: Record<number, LoggedMessage["severity"]> = { 0: "debug", 1: "info", 2: "warning", 3: "error" };

export async function startFakeEngine(): Promise<FakeEngine> {
  const messages: LoggedMessage[] = [];
  const waiting: { matches: (message: LoggedMessage) => boolean; resolve: (message: LoggedMessage) => void }[] = [];
  const server = new grpc.Server();
  const log: grpc.handleUnaryCall<engineProto.LogRequest, Empty> = (call, callback) => {
    const message: LoggedMessage = { severity: severities[call.request.getSeverity()] ?? "error", message: call.request.getMessage(), urn: call.request.getUrn() };
    messages.push(message);
    for (const waiter of waiting.filter((candidate) => candidate.matches(message))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(message);
    }
    callback(null, new Empty());
  };
  server.addService(engineRpc.EngineService, { log } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    messages,
    next: (matches) => {
      const logged = messages.find(matches);
      if (logged !== undefined) return Promise.resolve(logged);
      return new Promise((resolve) => waiting.push({ matches, resolve }));
    },
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

/** The plugin's service as the engine calls it, one promise per call. */
export class PluginClient {
  private readonly client: providerRpc.ResourceProviderClient;

  constructor(port: number) {
    this.client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  private invoke<Response>(start: (callback: Callback<Response>) => unknown): Promise<Response> {
    return new Promise((resolve, reject) => start((error, response) => (error ? reject(error) : resolve(response))));
  }

  configure = (request: providerProto.ConfigureRequest) => this.invoke<providerProto.ConfigureResponse>((done) => this.client.configure(request, done));
  checkConfig = (request: providerProto.CheckRequest) => this.invoke<providerProto.CheckResponse>((done) => this.client.checkConfig(request, done));
  check = (request: providerProto.CheckRequest) => this.invoke<providerProto.CheckResponse>((done) => this.client.check(request, done));
  diff = (request: providerProto.DiffRequest) => this.invoke<providerProto.DiffResponse>((done) => this.client.diff(request, done));
  create = (request: providerProto.CreateRequest) => this.invoke<providerProto.CreateResponse>((done) => this.client.create(request, done));
  read = (request: providerProto.ReadRequest) => this.invoke<providerProto.ReadResponse>((done) => this.client.read(request, done));
  update = (request: providerProto.UpdateRequest) => this.invoke<providerProto.UpdateResponse>((done) => this.client.update(request, done));
  cancel = () => this.invoke<Empty>((done) => this.client.cancel(new Empty(), done));

  close(): void {
    this.client.close();
  }
}

/** A protobuf Struct as the engine sends it; `secret` names the top-level properties to wrap as secrets. */
export function struct(values: Record<string, unknown>, secret: readonly string[] = []): Struct {
  return Struct.fromJavaScript(
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, secret.includes(key) ? { [specialSigKey]: specialSecretSig, value } : value])) as Parameters<
      typeof Struct.fromJavaScript
    >[0],
  );
}

/** The top-level properties of a Struct the plugin sent that are wrapped as secrets. */
export function secretKeys(value: Struct | undefined): string[] {
  return Object.entries(value?.toJavaScript() ?? {})
    .filter(([, item]) => typeof item === "object" && item !== null && (item as Record<string, unknown>)[specialSigKey] === specialSecretSig)
    .map(([key]) => key)
    .sort();
}

/** A Struct the plugin sent, secrets unwrapped. */
export function plain(value: Struct | undefined): Record<string, unknown> {
  const unwrap = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(unwrap);
    if (typeof item !== "object" || item === null) return item;
    const record = item as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return unwrap(record["value"]);
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrap(inner)]));
  };
  return unwrap(value?.toJavaScript() ?? {}) as Record<string, unknown>;
}

export const urnOf = (type: string, name: string): string => `urn:pulumi:test::plugin-test::${type}::${name}`;

export function configureRequest(settings: Record<string, unknown>, providerUrn = urnOf("pulumi:providers:logscale", "default")): providerProto.ConfigureRequest {
  const request = new providerProto.ConfigureRequest();
  request.setArgs(struct(settings, ["token"]));
  request.setUrn(providerUrn);
  request.setAcceptsecrets(true);
  return request;
}

export { providerProto };
