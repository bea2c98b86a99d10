import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { authenticate, bearerToken, UNAUTHENTICATED_BODY, type Caller } from "./auth";
import { handleControl, type ControlDeps } from "./controls";
import { faultKind, type FaultSpec } from "./faults";
import { graphqlBodySchema, identify, parseRequest, runGraphql } from "./graphql-endpoint";
import type { RequestIdentity } from "./faults";

export interface ServerDeps extends ControlDeps {
  adminToken: string;
  rootValue: Record<string, unknown>;
  validationErrorStatus: number;
}

/** Bodies beyond this are refused; token operations are a few kilobytes at most. */
const MAX_BODY_BYTES = 1024 * 1024;

type Body = { kind: "ok"; bytes: Buffer } | { kind: "too-large" };

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buffer);
  }
  return tooLarge ? { kind: "too-large" } : { kind: "ok", bytes: Buffer.concat(chunks) };
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

function send(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), "application/json; charset=utf-8", headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  send(res, status, text, "text/plain; charset=utf-8", headers);
}

function unauthenticated(res: ServerResponse): void {
  sendText(res, 401, UNAUTHENTICATED_BODY);
}

export interface EmulatorServer {
  server: Server;
  /** Aborted on stop() so that injected latency does not hold the process open. */
  shutdown: AbortController;
}

export function createEmulatorServer(deps: ServerDeps): EmulatorServer {
  const shutdown = new AbortController();

  const callerOf = (req: IncomingMessage): Caller | null => {
    // Expired tokens past their visibility window must be gone before anyone looks.
    deps.tokens.purgeInvisible();
    return authenticate(bearerToken(req.headers), deps.adminToken, (id) => deps.tokens.findLive(id));
  };

  async function handleControlRequest(req: IncomingMessage, res: ServerResponse, route: string): Promise<void> {
    const body = await readBody(req);
    if (callerOf(req)?.kind !== "admin") return unauthenticated(res);
    if (body.kind === "too-large") return sendJson(res, 413, { error: "request body too large" });
    let parsed: unknown;
    if (body.bytes.length > 0) {
      const json = parseJson(body.bytes);
      if (!json.ok) return sendJson(res, 400, { error: "request body is not valid JSON" });
      parsed = json.value;
    }
    const result = handleControl(deps, req.method ?? "GET", route, parsed);
    sendJson(res, result.status, result.json);
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const at = deps.clock.now();
    let identity: RequestIdentity = { operationName: null, rootFields: [] };
    let fault: FaultSpec | null = null;
    const finish = (status: number): void => {
      deps.log.add({
        operationName: identity.operationName,
        rootFields: [...identity.rootFields],
        status,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        fault: fault === null ? null : faultKind(fault),
        at,
      });
    };
    const destroy = (): void => {
      req.socket.destroy();
      finish(0);
    };

    if (req.method !== "POST") {
      sendText(res, 405, "Use POST for /graphql", { Allow: "POST" });
      return finish(405);
    }
    const body = await readBody(req);
    if (body.kind === "too-large") {
      sendText(res, 413, "Request body too large");
      return finish(413);
    }
    const json = parseJson(body.bytes);
    if (!json.ok) {
      sendText(res, 400, "Malformed JSON request body");
      return finish(400);
    }
    const graphqlBody = graphqlBodySchema.safeParse(json.value);
    if (!graphqlBody.success) {
      sendText(res, 400, 'Expected a JSON object {"query": string, "variables"?: object, "operationName"?: string}');
      return finish(400);
    }
    const request = parseRequest(graphqlBody.data);
    identity = identify(request);

    // Faults come before authentication: a proxy or overloaded node fails without looking.
    fault = deps.faults.take(identity);
    try {
      if (fault?.latencyMs !== undefined) await sleep(fault.latencyMs, undefined, { signal: shutdown.signal });
      if (fault?.hold === true) await deps.held.wait(shutdown.signal);
    } catch {
      return destroy();
    }
    if (fault?.drop === true) return destroy();
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { "Retry-After": String(fault.retryAfter) };
      sendText(res, fault.status, `Injected fault: HTTP ${fault.status}`, headers);
      return finish(fault.status);
    }

    const caller = callerOf(req);
    if (caller === null) {
      if (fault?.loseResponse === true) return destroy();
      unauthenticated(res);
      return finish(401);
    }
    if (fault?.answer !== undefined) {
      sendJson(res, 200, { data: fault.answer });
      return finish(200);
    }
    const response = await runGraphql(request, caller, deps.rootValue, deps.validationErrorStatus);
    // The operation has fully run (mutations are applied); only the answer goes missing.
    if (fault?.loseResponse === true) return destroy();
    sendJson(res, response.status, response.payload);
    finish(response.status);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The query string is informational only (humio-operator sends ?id=<operation>).
    const path = new URL(req.url ?? "/", "http://emulator.invalid").pathname;
    if (path === "/graphql") return handleGraphql(req, res);
    if (path.startsWith("/_emulator/")) return handleControlRequest(req, res, path.slice("/_emulator/".length));
    sendText(res, 404, "Not found: the LogScale emulator serves POST /graphql and /_emulator/*");
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendText(res, 500, `Internal emulator error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  return { server, shutdown };
}
