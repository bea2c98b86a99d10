/**
 * HTTPS with a private CA: an HTTPS front (certificate made with openssl for this run)
 * forwards to the emulator, as a TLS-terminating proxy in front of LogScale would.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LogScaleTlsError } from "../../provider/client/errors";
import { type RunningEmulator, startTestEmulator, testClient } from "./support";

let emulator: RunningEmulator;
let front: https.Server;
let frontUrl: string;
let caCertificate: string;
let dir: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  dir = mkdtempSync(path.join(tmpdir(), "logscale-tls-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  caCertificate = readFileSync(cert, "utf8");
  const target = new URL(emulator.url);
  front = https.createServer({ key: readFileSync(key), cert: caCertificate }, (request, response) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `https://127.0.0.1:${(front.address() as { port: number }).port}`;
});
afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("TLS", () => {
  it("trusts a private CA given as caCertificate", async () => {
    const { client } = testClient(frontUrl, { caCertificate });
    expect((await client.ipFilters()).length).toBeGreaterThan(0);
    client.close();
  });

  it("refuses an unknown certificate with a typed, actionable error and no retries", async () => {
    const { client, events } = testClient(frontUrl);
    const error = await client.ipFilters().catch((caught: unknown) => caught);
    client.close();
    expect(error).toBeInstanceOf(LogScaleTlsError);
    expect(String(error)).toContain("set 'logscale:caCertificate' to its PEM certificate");
    expect(error).toMatchObject({ attempts: 1, mayHaveBeenApplied: false });
    expect(events.filter((event) => event.type === "retry")).toHaveLength(0);
  });

  it("skips verification when insecure is set", async () => {
    const { client } = testClient(frontUrl, { insecure: true });
    expect((await client.ipFilters()).length).toBeGreaterThan(0);
    client.close();
  });
});
