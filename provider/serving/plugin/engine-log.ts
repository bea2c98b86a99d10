/**
 * Warnings and progress for the engine to show beside the resource they concern. The engine
 * gives its address as the plugin's argument after its flags (engine-args.ts), or in Attach;
 * without one (the service driven directly) messages go to stderr.
 */
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";

export interface EngineLog {
  warn(message: string, urn: string): Promise<void>;
  info(message: string, urn: string): Promise<void>;
  /** Closes the connection to the engine, if any. */
  close(): void;
}

export function engineLog(address: string | undefined): EngineLog {
  if (address === undefined || address === "") {
    return {
      warn: async (message) => void process.stderr.write(`warning: ${message}\n`),
      info: async (message) => void process.stderr.write(`${message}\n`),
      close: () => undefined,
    };
  }
  const client = new engineRpc.EngineClient(address, grpc.credentials.createInsecure());
  const send = (severity: engineProto.LogSeverity, message: string, urn: string) =>
    new Promise<void>((resolve) => {
      const request = new engineProto.LogRequest();
      request.setSeverity(severity);
      request.setMessage(message);
      request.setUrn(urn);
      // A message the engine could not take is no reason to fail the operation it describes.
      client.log(request, () => resolve());
    });
  return {
    warn: (message, urn) => send(engineProto.LogSeverity.WARNING, message, urn),
    info: (message, urn) => send(engineProto.LogSeverity.INFO, message, urn),
    close: () => client.close(),
  };
}
