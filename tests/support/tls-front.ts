/**
 * HTTPS in front of the emulator with a private CA (a certificate made with openssl for this
 * run), forwarding every request to it, as a TLS-terminating proxy in front of LogScale would.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface TlsFront {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** The PEM certificate to trust (it is its own CA). */
  readonly caCertificate: string;
  close(): Promise<void>;
}

/** `answer`, when given, answers instead of the emulator (e.g. to cut an answer off). */
export async function startTlsFront(targetUrl: string, answer?: http.RequestListener): Promise<TlsFront> {
  const dir = mkdtempSync(path.join(tmpdir(), "logscale-tls-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  const caCertificate = readFileSync(cert, "utf8");
  const keyPem = readFileSync(key);
  rmSync(dir, { recursive: true, force: true });
  const target = new URL(targetUrl);
  const front = https.createServer({ key: keyPem, cert: caCertificate }, answer ?? ((request, response) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  }));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(front.address() as { port: number }).port}`,
    caCertificate,
    async close() {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    },
  };
}
