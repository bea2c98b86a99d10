/**
 * The plugin process as the engine runs it (the compiled main.js, as bin/ and the packed plugin
 * run it): started with the engine's flags before its address, it still sends its warnings to the
 * engine; told to stop with SIGINT, it ends what is under way and exits 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { adminToken, emulatorPerFile, injectFault, organizationTokenMadeByHand } from "../support/emulator";
import { configureRequest, type FakeEngine, PluginClient, providerProto, startFakeEngine, struct, urnOf } from "./support";

const main = path.join(__dirname, "..", "..", "dist", "provider", "serving", "plugin", "main.js");
const emulator = emulatorPerFile({ reset: true });

interface Started {
  readonly child: ChildProcess;
  readonly client: PluginClient;
  readonly stderr: string[];
}

const running: Started[] = [];

async function startPlugin(args: readonly string[]): Promise<Started> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const [firstLine] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const started = { child, client: new PluginClient(Number(firstLine)), stderr };
  running.push(started);
  return started;
}

let engine: FakeEngine;
beforeEach(async () => {
  engine = await startFakeEngine();
});
afterEach(async () => {
  for (const { child, client } of running.splice(0)) {
    client.close();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await engine.stop();
});

function checkRequest(urn: string, news: Record<string, unknown>): providerProto.CheckRequest {
  const request = new providerProto.CheckRequest();
  request.setUrn(urn);
  request.setOlds(struct({}));
  request.setNews(struct(news));
  return request;
}

it("with tracing and logging flags before the engine's address, warnings reach the engine", async () => {
  const { client } = await startPlugin(["--logtostderr", "-v=9", "--tracing", "http://127.0.0.1:9/api/v1/spans", engine.address]);
  await client.configure(configureRequest({ url: emulator.url, token: adminToken }));
  const existing = await organizationTokenMadeByHand(emulator.url, "made-by-hand", ["ViewUsage"]);
  const urn = urnOf("logscale:index:OrgPermissionsToken", "adopted");
  const checked = await client.check(checkRequest(urn, { name: "made-by-hand", permissions: ["ViewUsage"], adoptTokenId: existing.id }));
  expect(checked.getFailuresList()).toEqual([]);
  const warning = await engine.next((message) => message.severity === "warning");
  expect(warning).toEqual({ severity: "warning", urn, message: expect.stringContaining(`'made-by-hand' adopts organization permissions token ${existing.id}`) });
});

it("refuses a flag it does not know, as the Go SDK's provider main does", async () => {
  const child = spawn(process.execPath, [main, "--no-such-flag", engine.address], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const [code] = (await once(child, "exit")) as [number];
  expect(code).toBe(2);
  expect(stderr.join("")).toContain("flag provided but not defined: --no-such-flag");
});

it("on SIGINT, ends a request waiting to retry and exits 0", async () => {
  const { child, client } = await startPlugin([engine.address]);
  await client.configure(configureRequest({ url: emulator.url, token: adminToken }));
  await injectFault(emulator.url, { status: 503, retryAfter: 60, count: 10 });
  const settled = client.check(checkRequest(urnOf("logscale:index:OrgPermissionsToken", "slow"), { name: "slow", permissions: ["ViewUsage"] })).then(
    () => "answered",
    (error: Error) => error.message,
  );
  await engine.next((message) => message.severity === "info" && message.message.includes("trying again in 60 s"));
  const exited = once(child, "exit");
  child.kill("SIGINT");
  expect(await settled).toMatch(/was cancelled while waiting to try again/);
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  expect({ code, signal }).toEqual({ code: 0, signal: null });
});

it("on SIGTERM with nothing under way, exits 0", async () => {
  const { child } = await startPlugin([engine.address]);
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  expect(await exited).toEqual([0, null]);
});
