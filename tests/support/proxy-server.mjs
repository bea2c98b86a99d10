// A real HTTP proxy (the `proxy` package: CONNECT tunnels and request forwarding) in a process
// of its own, for tests/support/proxy.ts. It prints one JSON line per event on stdout:
//   {"listening":<port>}, then {"method","url","authorized"} for each request it receives, and
//   {"synced":<n>} for each "sync" line read on stdin (everything received before is printed).
// argv[2] is JSON: { "credentials"?: { "user", "password" }, "denyConnect"?: boolean }.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { createProxy } from "proxy";

const options = JSON.parse(process.argv[2] ?? "{}");
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const expected = options.credentials
  ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString("base64")}`
  : undefined;
const authorized = (request) => expected === undefined || request.headers["proxy-authorization"] === expected;

const server = createServer();
// Seen first, before the proxy acts on them.
server.on("request", (request) => print({ method: request.method, url: request.url, authorized: authorized(request) }));
server.on("connect", (request) => print({ method: "CONNECT", url: request.url, authorized: authorized(request) }));
createProxy(server);
server.authenticate = (request) => authorized(request);
if (options.denyConnect) {
  // A proxy whose policy does not allow tunnels to this address.
  server.removeAllListeners("connect");
  server.on("connect", (request, socket) => {
    print({ method: "CONNECT", url: request.url, authorized: authorized(request) });
    socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  });
}

let syncs = 0;
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "sync") print({ synced: ++syncs });
});
process.stdin.on("end", () => process.exit(0));

server.listen(0, "127.0.0.1", () => print({ listening: server.address().port }));
