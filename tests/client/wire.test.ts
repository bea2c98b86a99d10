/**
 * What goes over the wire, seen by a capturing server: method, path, headers, body shape.
 * And what a non-conforming answer turns into.
 */
import * as http from "node:http";
import { LogScaleHttpError, LogScaleNetworkError, LogScaleResponseShapeError, LogScaleResponseTooLargeError } from "../../provider/client/errors";
import { maxResponseBytes } from "../../provider/client/http/transport";
import { testClient } from "./support";

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: { query: string; variables: Record<string, unknown>; operationName: string };
}

async function captureServer(answer: (captured: Captured) => unknown): Promise<{ url: string; seen: Captured[]; close(): Promise<void> }> {
  const seen: Captured[] = [];
  const server = http.createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    request.on("end", () => {
      const captured: Captured = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: JSON.parse(raw) as Captured["body"],
      };
      seen.push(captured);
      response.setHeader("Content-Type", "application/json");
      response.end(JSON.stringify(answer(captured)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/logscale`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const metadata = {
  __typename: "OrganizationPermissionsToken",
  id: "abc",
  name: "n",
  expireAt: null,
  createdAt: 1,
  ipFilterV2: null,
  permissions: ["ViewUsage"],
};

describe("the request on the wire", () => {
  it("is a POST to {url}/graphql with bearer auth, JSON, the operation name and variables only", async () => {
    const server = await captureServer(() => ({ data: { createOrganizationPermissionsTokenV2: { token: "abc~secretsecret", tokenMetadata: metadata } } }));
    const { client } = testClient(`${server.url}/`, { apiToken: "api-token-value", organization: "acme" });
    await client.createOrganizationPermissionsTokenV2({ name: 'q"uote}) { id } #', permissions: ["ViewUsage"], expireAt: 1_900_000_000_000 });
    client.close();
    await server.close();

    const [request] = server.seen;
    expect(request).toMatchObject({ method: "POST", url: "/logscale/graphql" });
    expect(request?.headers).toMatchObject({
      authorization: "Bearer api-token-value",
      "content-type": "application/json",
      proxyorganization: "acme",
    });
    expect(request?.body.operationName).toBe("CreateOrganizationPermissionsTokenV2");
    expect(request?.body.variables).toEqual({
      input: { name: 'q"uote}) { id } #', expireAt: 1_900_000_000_000, organizationPermissions: ["ViewUsage"] },
    });
    // A user value never becomes part of the document.
    expect(request?.body.query).not.toContain("uote");
  });

  it("sends no ProxyOrganization header unless one is configured, and omits absent optional inputs", async () => {
    const server = await captureServer(() => ({ data: { createOrganizationPermissionsTokenV2: { token: "abc~secretsecret", tokenMetadata: metadata } } }));
    const { client } = testClient(server.url);
    await client.createOrganizationPermissionsTokenV2({ name: "n", permissions: ["ViewUsage"], expireAt: null, ipFilterId: null });
    client.close();
    await server.close();
    expect(server.seen[0]?.headers["proxyorganization"]).toBeUndefined();
    expect(server.seen[0]?.body.variables).toEqual({ input: { name: "n", organizationPermissions: ["ViewUsage"] } });
  });
});

describe("answers that do not match the schema", () => {
  it.each([
    ["a wrong type deep inside", { createOrganizationPermissionsTokenV2: { token: "abc~s", tokenMetadata: { ...metadata, permissions: "ViewUsage" } } }, "data.createOrganizationPermissionsTokenV2.tokenMetadata.permissions"],
    ["a missing field", { createOrganizationPermissionsTokenV2: { tokenMetadata: metadata } }, "data.createOrganizationPermissionsTokenV2.token"],
    ["an unknown token type", { createOrganizationPermissionsTokenV2: { token: "abc~s", tokenMetadata: { ...metadata, __typename: "Mystery" } } }, "data.createOrganizationPermissionsTokenV2.tokenMetadata.__typename"],
  ])("%s is a shape error naming the operation and the path", async (_label, data, path) => {
    const server = await captureServer(() => ({ data }));
    const { client } = testClient(server.url);
    const error = await client.createOrganizationPermissionsTokenV2({ name: "n", permissions: ["ViewUsage"] }).catch((caught: unknown) => caught);
    client.close();
    await server.close();
    expect(error).toBeInstanceOf(LogScaleResponseShapeError);
    expect(String(error)).toContain(`Unexpected response to CreateOrganizationPermissionsTokenV2 from http://127.0.0.1:`);
    expect(error).toMatchObject({ path });
    expect(server.seen).toHaveLength(1);
  });
});

describe("an answer cut off", () => {
  it("after its headers and part of its body is a network error whose outcome is unknown, and a create is not retried", async () => {
    let requests = 0;
    const server = http.createServer((request, response) => {
      requests++;
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" });
        // Once headers and part of the body are handed to the network, the connection goes.
        response.write('{"data":{"createOrganizationPermissionsTokenV2":{"token":"abc~', () => response.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { client } = testClient(`http://127.0.0.1:${port}`);
    const error = await client.createOrganizationPermissionsTokenV2({ name: "n", permissions: ["ViewUsage"] }).catch((caught: unknown) => caught);
    client.close();
    await new Promise((resolve) => server.close(resolve));
    expect(error).toBeInstanceOf(LogScaleNetworkError);
    expect(error).toMatchObject({ mayHaveBeenApplied: true, connectionRefused: false });
    expect(String(error)).toContain("the outcome is unknown");
    expect(String(error)).not.toContain("abc~");
    expect(requests).toBe(1);
  });
});

describe("an answer too large", () => {
  it("is read no further than the limit: a typed error, not retried, and the request is ended", async () => {
    let requests = 0;
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    // A body without end, as a wrong URL streaming a file might send: it stops only when the client goes.
    const server = http.createServer((request, response) => {
      requests++;
      request.resume();
      response.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (response.write(chunk));
      };
      response.on("drain", pump);
      response.on("close", resolveClosed);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { client } = testClient(`http://127.0.0.1:${port}`, { timeoutMs: 60_000 });
    const error = await client.ipFilters().catch((caught: unknown) => caught);
    await closed;
    client.close();
    await new Promise((resolve) => server.close(resolve));
    expect(error).toBeInstanceOf(LogScaleResponseTooLargeError);
    expect(error).toMatchObject({ limitBytes: maxResponseBytes, attempts: 1 });
    expect(String(error)).toContain(`The answer to IpFilters from http://127.0.0.1:${port}/graphql was larger than 16 MiB`);
    expect(requests).toBe(1);
  });
});

describe("a redirect", () => {
  it("is not followed: a 3xx is an HTTP error, and the API token never goes to the other address", async () => {
    const elsewhere = await captureServer(() => ({ data: { ipFilters: [] } }));
    let requests = 0;
    const server = http.createServer((request, response) => {
      requests++;
      request.resume();
      response.writeHead(302, { Location: `${elsewhere.url}/graphql` });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { client } = testClient(`http://127.0.0.1:${port}`, { apiToken: "api-token-not-for-elsewhere" });
    const error = await client.ipFilters().catch((caught: unknown) => caught);
    client.close();
    await new Promise((resolve) => server.close(resolve));
    await elsewhere.close();
    expect(error).toBeInstanceOf(LogScaleHttpError);
    expect(error).toMatchObject({ status: 302, attempts: 1 });
    expect(requests).toBe(1);
    expect(elsewhere.seen).toHaveLength(0);
  });
});
