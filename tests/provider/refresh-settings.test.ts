/**
 * A refresh turned away (401, 403, a proxy's 407) says which settings it sent and the way out:
 * a plain `pulumi refresh` configures the provider with the stack config of the last update, so
 * after a rotation it sends the old credentials. Credentials from the environment are read as
 * they are now, so their message stays as it was. No message holds a credential.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { adminToken, type RunningEmulator, startTestEmulator } from "../support/emulator";
import { type RunningProxy, startProxy } from "../support/proxy";
import { startTlsFront, type TlsFront } from "../support/tls-front";
import { stackConfig } from "./support";

const rotatedAway = "old-api-token-rotated-away-4f1e";
const credentials = { user: "ci-runner", password: "new-proxy-password-77aa" };
const savedEnvironment = { token: process.env["LOGSCALE_TOKEN"], url: process.env["LOGSCALE_URL"] };

let emulator: RunningEmulator;
let front: TlsFront;
let proxy: RunningProxy;

beforeAll(async () => {
  emulator = await startTestEmulator();
  front = await startTlsFront(emulator.url);
  proxy = await startProxy({ credentials });
});
afterAll(async () => {
  await proxy.stop();
  await front.close();
  await emulator.stop();
});
afterEach(() => {
  for (const [name, value] of [["LOGSCALE_TOKEN", savedEnvironment.token], ["LOGSCALE_URL", savedEnvironment.url]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function provider(config: Record<string, string>): Promise<TokenProvider> {
  const made = new TokenProvider("organization", { client: { retry: { attempts: 2 }, sleep: async () => undefined }, warn: () => undefined, info: () => undefined });
  await made.configure(stackConfig(config));
  return made;
}

const state = (extra: Partial<TokenOutputs> = {}): TokenOutputs => ({ name: "ci", tokenId: "someid", token: "someid~kept", permissions: ["ViewUsage"], createdAt: 0, ...extra });

async function refreshError(reader: TokenProvider, props: TokenOutputs = state()): Promise<string> {
  return String(await reader.read("someid", props).then(() => "no error", (caught: unknown) => caught));
}

it("a 401 with the API token from the stack config names the settings of the last update and the way out", async () => {
  const error = await refreshError(await provider({ "logscale:url": emulator.url, "logscale:token": rotatedAway }));
  expect(error).toContain("Could not read organization permissions token 'ci' (someid): LogScale authentication failed (HTTP 401)");
  expect(error).toContain("This refresh sent the API token from stack config 'logscale:token' as stored at the stack's last update");
  expect(error).toContain("'pulumi refresh --run-program'");
  expect(error).toContain("'pulumi up' first");
  expect(error).not.toContain(rotatedAway);
});

it("a 401 with the API token from LOGSCALE_TOKEN (read as it is now) keeps today's message", async () => {
  process.env["LOGSCALE_TOKEN"] = rotatedAway;
  const error = await refreshError(await provider({ "logscale:url": emulator.url }));
  expect(error).toContain("Check the API token in the LOGSCALE_TOKEN environment variable");
  expect(error).not.toContain("last update");
});

it("a 401 with the resource's own connection says the state holds it and 'pulumi up' stores the new one", async () => {
  const error = await refreshError(await provider({ "logscale:url": emulator.url, "logscale:token": adminToken }), state({ connection: { url: emulator.url, token: rotatedAway } }));
  expect(error).toContain("This refresh sent the API token from the resource's connection.token as the Pulumi state holds it");
  expect(error).toContain("run 'pulumi up' first");
  expect(error).not.toContain(rotatedAway);
});

it("an import (no state) uses the stack config as it is now: no such advice", async () => {
  const reader = await provider({ "logscale:url": emulator.url, "logscale:token": rotatedAway });
  const error = String(await reader.read("someid", {} as TokenOutputs).then(() => "no error", (caught: unknown) => caught));
  expect(error).toContain("HTTP 401");
  expect(error).not.toContain("last update");
});

it("a proxy's 407 with the proxy from the stack config names it, and the new password stays out of the message", async () => {
  const error = await refreshError(
    await provider({
      "logscale:url": front.url,
      "logscale:token": adminToken,
      "logscale:caCertificate": front.caCertificate,
      "logscale:proxy": `http://${credentials.user}:old-proxy-password@127.0.0.1:${proxy.port}`,
    }),
  );
  expect(error).toContain("407");
  expect(error).toContain("This refresh sent the proxy credentials from stack config 'logscale:proxy' as stored at the stack's last update");
  expect(error).toContain("'pulumi refresh --run-program'");
  expect(error).not.toContain("old-proxy-password");
});

it("a 401 with the API token of a plugin provider instance names its input as the state holds it", async () => {
  const { settingNamesOf } = await import("../../provider/serving/plugin/provider-config");
  const reader = new TokenProvider("organization", {
    client: { retry: { attempts: 2 }, sleep: async () => undefined },
    warn: () => undefined,
    info: () => undefined,
    settingNames: settingNamesOf("urn:pulumi:dev::tokens::pulumi:providers:logscale::eu"),
  });
  reader.configure({ url: emulator.url, token: rotatedAway });
  const error = await refreshError(reader);
  expect(error).toContain("This refresh sent the API token from input 'token' of provider 'eu' as the Pulumi state holds it from the provider's last update");
  expect(error).toContain("run 'pulumi up' first");
  expect(error).not.toContain("stack config");
  expect(error).not.toContain(rotatedAway);
});
