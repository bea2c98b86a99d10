/**
 * A real HTTP proxy on loopback, in a process of its own (tests/support/proxy-server.mjs runs
 * the `proxy` package), and the two ways a proxy fails without answering: a port nobody
 * listens on, and a server that accepts connections and closes them at once.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

export interface ProxiedRequest {
  /** `CONNECT` for a tunnel, else the forwarded request's method. */
  readonly method: string;
  /** `host:port` for CONNECT, the absolute URL for a forwarded request. */
  readonly url: string;
  /** Whether it carried the credentials the proxy wants (always true for a proxy without). */
  readonly authorized: boolean;
}

export interface RunningProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  readonly port: number;
  /**
   * What the proxy received, complete up to the moment of the call: a request that went
   * through the proxy was received before it was answered.
   */
  seen(): Promise<readonly ProxiedRequest[]>;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /** Basic credentials the proxy wants; without them it answers 407. */
  readonly credentials?: { readonly user: string; readonly password: string };
  /** Answer every CONNECT with 403, as a proxy whose policy forbids the address. */
  readonly denyConnect?: boolean;
}

const script = path.join(__dirname, "proxy-server.mjs");

type Line = { listening: number } | { synced: number } | ProxiedRequest;

export async function startProxy(options: ProxyOptions = {}): Promise<RunningProxy> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const received: ProxiedRequest[] = [];
  const waiting = new Map<number, () => void>();
  let onListening: ((port: number) => void) | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  createInterface({ input: child.stdout }).on("line", (text) => {
    const line = JSON.parse(text) as Line;
    if ("listening" in line) onListening?.(line.listening);
    else if ("synced" in line) waiting.get(line.synced)?.();
    else received.push(line);
  });
  const port = await new Promise<number>((resolve, reject) => {
    onListening = resolve;
    child.once("exit", (code) => reject(new Error(`the proxy process exited (${code}) before it listened`)));
  });
  let syncs = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async seen() {
      const number = ++syncs;
      await new Promise<void>((resolve) => {
        waiting.set(number, resolve);
        child.stdin.write("sync\n");
      });
      return [...received];
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

/** A loopback port nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts each connection and closes it without a word, as a proxy that drops clients. */
export async function droppingServer(): Promise<{ readonly url: string; readonly connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
