import * as net from "node:net";
import {
  LogScaleAuthenticationError,
  LogScaleForbiddenError,
  LogScaleGraphQLError,
  LogScaleHttpError,
  LogScaleNetworkError,
  LogScaleResponseShapeError,
  LogScaleTimeoutError,
} from "../../provider/client/errors";
import type { LogScaleClient } from "../../provider/client/client";
import { untilLogged } from "../support/wait";
import { control, injectFault, requestLog, type RunningEmulator, startTestEmulator, storedTokens, testClient } from "./support";

let emulator: RunningEmulator;
let client: LogScaleClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  client = testClient(emulator.url).client;
});
afterAll(async () => {
  client.close();
  await emulator.stop();
});
beforeEach(async () => {
  await control(emulator.url, "DELETE", "faults");
  await control(emulator.url, "DELETE", "requests");
});

const operations = async () => (await requestLog(emulator.url)).map((entry) => entry.operationName);

/** The client gives up on a request after impatientMs; the emulator holds it until the test lets it go. */
const impatientMs = 500;
const late = { hold: true } as const;

/** The emulator logs a request when it has answered; a held one lands now, after the client gave up. */
async function operationsOnceSettled(count: number): Promise<(string | null)[]> {
  await control(emulator.url, "DELETE", "held");
  const log = await untilLogged(emulator.url, `${count} answered requests`, (entries) => entries.length >= count);
  return log.map((entry) => entry.operationName);
}

/** The client's waits, recorded instead of slept: what it asked for is checked, not how long it took. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("error classes", () => {
  it("401: authentication error naming where the credential comes from, not retried", async () => {
    const wrong = testClient(emulator.url, { apiToken: "wrong-token-value", credentialSource: "stack config 'logscale:token'" }).client;
    const failure = wrong.ipFilters();
    await expect(failure).rejects.toBeInstanceOf(LogScaleAuthenticationError);
    await expect(failure).rejects.toThrow(
      `LogScale authentication failed (HTTP 401) for IpFilters at ${emulator.url}/graphql: the API token was rejected. Check the API token in stack config 'logscale:token'`,
    );
    wrong.close();
    expect(await operations()).toHaveLength(1);
  });

  it("403: forbidden, with the server's explanation", async () => {
    await injectFault(emulator.url, { status: 403 });
    const failure = client.ipFilters();
    await expect(failure).rejects.toBeInstanceOf(LogScaleForbiddenError);
    await expect(failure).rejects.toThrow(/refused IpFilters .*\(HTTP 403\)/);
    expect(await operations()).toHaveLength(1);
  });

  it("GraphQL errors beside data keep LogScale's message and state", async () => {
    const failure = client.getToken("x").then(() => client.deleteToken("no-such-token-id"));
    const error = await failure.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LogScaleGraphQLError);
    const graphQLError = error as LogScaleGraphQLError;
    expect(graphQLError.operationName).toBe("DeleteToken");
    expect(graphQLError.errors[0]?.message).toContain("no-such-token-id");
    expect(graphQLError.errors[0]?.path).toEqual(["deleteToken"]);
    expect(graphQLError.mayHaveBeenApplied).toBe(false);
  });

  it("other HTTP errors fail at once with status and body", async () => {
    await injectFault(emulator.url, { status: 501 });
    const failure = client.ipFilters();
    await expect(failure).rejects.toBeInstanceOf(LogScaleHttpError);
    await expect(failure).rejects.toThrow(/answered HTTP 501 to IpFilters/);
    expect(await operations()).toHaveLength(1);
  });

  it("a 200 that is not a GraphQL answer is a response-shape error naming the operation", async () => {
    await injectFault(emulator.url, { status: 200 });
    const failure = client.ipFilters();
    await expect(failure).rejects.toBeInstanceOf(LogScaleResponseShapeError);
    await expect(failure).rejects.toThrow(/Unexpected response to IpFilters/);
  });

  it("timeouts are typed and say how long we waited", async () => {
    const impatient = testClient(emulator.url, { timeoutMs: impatientMs, retry: { attempts: 1 } }).client;
    await injectFault(emulator.url, late);
    const failure = impatient.ipFilters();
    await expect(failure).rejects.toBeInstanceOf(LogScaleTimeoutError);
    await expect(failure).rejects.toThrow(`within ${impatientMs} ms`);
    // The late answer must land here, not in the log of the next test.
    expect(await operationsOnceSettled(1)).toEqual(["IpFilters"]);
    impatient.close();
  });

  it("latency below the timeout is waited for: one attempt, no retry", async () => {
    // The timeout is far beyond the latency, so a busy machine cannot turn this into a timeout.
    const { client: patient, events } = testClient(emulator.url, { timeoutMs: 10_000 });
    await injectFault(emulator.url, { latencyMs: 300 });
    await expect(patient.ipFilters()).resolves.toEqual(expect.any(Array));
    expect(events.filter((event) => event.type === "retry")).toEqual([]);
    expect(await requestLog(emulator.url)).toEqual([expect.objectContaining({ operationName: "IpFilters", status: 200, fault: "latency" })]);
    patient.close();
  });

  it("a refused connection is a network error that proves nothing was sent", async () => {
    const port = await freePort();
    const nowhere = testClient(`http://127.0.0.1:${port}`).client;
    const error = await nowhere.ipFilters().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LogScaleNetworkError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", connectionRefused: true, mayHaveBeenApplied: false, attempts: 4 });
    expect(String(error)).toContain("after 4 attempts");
    nowhere.close();
  });
});

describe("retries", () => {
  it.each([408, 500, 502, 503, 504])("a query survives two HTTP %i answers, reporting each retry", async (status) => {
    await injectFault(emulator.url, { status, count: 2 });
    const { client: retrying, events } = testClient(emulator.url);
    await expect(retrying.ipFilters()).resolves.toEqual(expect.any(Array));
    expect(await operations()).toEqual(["IpFilters", "IpFilters", "IpFilters"]);
    expect(events.filter((event) => event.type === "retry")).toEqual([
      expect.objectContaining({ operationName: "IpFilters", attempt: 1, maxAttempts: 4, answer: `HTTP ${status}` }),
      expect.objectContaining({ operationName: "IpFilters", attempt: 2, maxAttempts: 4, answer: `HTTP ${status}` }),
    ]);
    retrying.close();
  });

  it("a create answered HTTP 500 is not repeated by the client: its outcome is unknown", async () => {
    await injectFault(emulator.url, { status: 500, count: 1 });
    const { client: once, events } = testClient(emulator.url);
    await expect(once.createSystemPermissionsTokenV2({ name: "after-500", permissions: ["ReadHealthCheck"] })).rejects.toMatchObject({ status: 500, mayHaveBeenApplied: true });
    expect(await operations()).toEqual(["CreateSystemPermissionsTokenV2"]);
    expect(events.filter((event) => event.type === "retry")).toEqual([]);
    once.close();
  });

  it("gives up after the configured number of attempts", async () => {
    await injectFault(emulator.url, { status: 503, count: 10 });
    const few = testClient(emulator.url, { retry: { attempts: 2, baseDelayMs: 1 } }).client;
    await expect(few.ipFilters()).rejects.toThrow("answered HTTP 503 to IpFilters at " + `${emulator.url}/graphql after 2 attempts`);
    expect(await operations()).toHaveLength(2);
    few.close();
  });

  it("honours Retry-After on 429, also for a create", async () => {
    await injectFault(emulator.url, { status: 429, retryAfter: 1, count: 1 });
    const { sleep, sleeps } = recordingSleep();
    const { client: retrying, events } = testClient(emulator.url, { sleep });
    const created = await retrying.createSystemPermissionsTokenV2({ name: "after-429", permissions: ["ReadHealthCheck"] });
    // The backoff alone would be 5 to 20 ms: the one wait is the second that Retry-After asked for.
    expect(sleeps).toEqual([1000]);
    expect(events.find((event) => event.type === "retry")).toMatchObject({ delayMs: 1000 });
    expect(await operations()).toEqual(["CreateSystemPermissionsTokenV2", "CreateSystemPermissionsTokenV2"]);
    expect((await storedTokens(emulator.url)).filter((token) => token.name === "after-429").map((token) => token.id)).toEqual([
      created.metadata.id,
    ]);
    retrying.close();
  });

  it("stops instead of sleeping when Retry-After asks for longer than allowed", async () => {
    await injectFault(emulator.url, { status: 429, retryAfter: 3600, count: 1 });
    const { sleep, sleeps } = recordingSleep();
    const { client: bounded, events } = testClient(emulator.url, { sleep });
    await expect(bounded.ipFilters()).rejects.toThrow(/HTTP 429/);
    expect(sleeps).toEqual([]);
    expect(events.filter((event) => event.type === "retry")).toEqual([]);
    expect(await operations()).toEqual(["IpFilters"]);
    bounded.close();
  });

  it("retries a query whose connection was dropped", async () => {
    await injectFault(emulator.url, { drop: true, count: 1 });
    await expect(client.ipFilters()).resolves.toEqual(expect.any(Array));
    expect(await operations()).toEqual(["IpFilters", "IpFilters"]);
  });

  it("retries an idempotent update whose response was lost, and the update holds", async () => {
    const created = await client.createOrganizationPermissionsTokenV2({ name: "lost-update", permissions: ["ViewUsage"] });
    await injectFault(emulator.url, { loseResponse: true, count: 1, match: { operationName: "UpdateOrganizationPermissionsTokenPermissions" } });
    await client.updateOrganizationPermissionsTokenPermissions(created.metadata.id, ["ManageUsers"]);
    expect((await client.getToken(created.metadata.id))?.permissions).toEqual(["ManageUsers"]);
  });

  it("retries a delete after a timeout", async () => {
    const created = await client.createOrganizationPermissionsTokenV2({ name: "slow-delete", permissions: ["ViewUsage"] });
    const impatient = testClient(emulator.url, { timeoutMs: impatientMs }).client;
    await injectFault(emulator.url, { ...late, count: 1, match: { operationName: "DeleteToken" } });
    // The first attempt is applied late, so the retry may find the token gone: both are fine outcomes.
    await impatient.deleteToken(created.metadata.id).catch((error: unknown) => {
      expect(error).toBeInstanceOf(LogScaleGraphQLError);
    });
    expect(await operationsOnceSettled(3)).toEqual(["CreateOrganizationPermissionsTokenV2", "DeleteToken", "DeleteToken"]);
    expect(await client.getToken(created.metadata.id)).toBeUndefined();
    impatient.close();
  });

  it("never repeats a create whose response was lost: the outcome is unknown", async () => {
    await injectFault(emulator.url, { loseResponse: true, count: 1 });
    const error = await client
      .createOrganizationPermissionsTokenV2({ name: "lost-create", permissions: ["ViewUsage"] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LogScaleNetworkError);
    expect(error).toMatchObject({ mayHaveBeenApplied: true, attempts: 1 });
    expect(String(error)).toContain("the outcome is unknown");
    expect(await operations()).toEqual(["CreateOrganizationPermissionsTokenV2"]);
    // The server did create it: deciding what to do with it is the provider's job.
    expect((await storedTokens(emulator.url)).filter((token) => token.name === "lost-create")).toHaveLength(1);
  });

  it.each([
    ["a 503", { status: 503 }],
    ["a timeout", late],
  ])("never repeats a create after %s", async (_label, fault) => {
    await injectFault(emulator.url, { ...fault, count: 1 });
    const { sleep, sleeps } = recordingSleep();
    const { client: impatient, events } = testClient(emulator.url, { timeoutMs: impatientMs, sleep });
    await expect(impatient.createSystemPermissionsTokenV2({ name: "no-repeat", permissions: ["ReadHealthCheck"] })).rejects.toMatchObject({
      mayHaveBeenApplied: true,
      attempts: 1,
    });
    // A retry is always scheduled through sleep() before it is sent; none was, and the call is over,
    // so once the one request has been answered no second one can follow.
    expect(sleeps).toEqual([]);
    expect(events.filter((event) => event.type === "retry")).toEqual([]);
    expect(await operationsOnceSettled(1)).toEqual(["CreateSystemPermissionsTokenV2"]);
    impatient.close();
  });

  it("repeats a create whose connection was refused, once the server is there", async () => {
    const port = await freePort();
    let late: { stop(): Promise<void> } | undefined;
    const { client: early } = testClient(`http://127.0.0.1:${port}`, {
      sleep: async () => {
        late ??= await startTestEmulator({ port });
      },
    });
    const created = await early.createOrganizationPermissionsTokenV2({ name: "after-refusal", permissions: ["ViewUsage"] });
    expect(created.metadata.name).toBe("after-refusal");
    early.close();
    await late?.stop();
  });
});

describe("older servers without token(tokenId:)", () => {
  it("falls back to tokens(searchFilter:) and remembers not to ask again", async () => {
    // Stand-in for a LogScale before 1.174: the emulator rejects the `token` field like such a server would.
    const http = await import("node:http");
    const seen: string[] = [];
    const server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const { operationName } = JSON.parse(body) as { operationName: string };
        seen.push(operationName);
        response.setHeader("Content-Type", "application/json");
        response.end(
          operationName === "Token"
            ? JSON.stringify({ data: null, errors: [{ message: 'Cannot query field "token" on type "Query".' }] })
            : JSON.stringify({
                data: {
                  tokens: {
                    totalResults: 2,
                    results: [
                      { __typename: "SystemPermissionsToken", id: "abc1", name: "near", expireAt: null, createdAt: 1, ipFilterV2: null, permissions: [] },
                      { __typename: "SystemPermissionsToken", id: "abc", name: "exact", expireAt: null, createdAt: 1, ipFilterV2: null, permissions: ["ManageCluster"] },
                    ],
                  },
                },
              }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    const old = testClient(`http://127.0.0.1:${address.port}`).client;
    expect((await old.getToken("abc"))?.name).toBe("exact");
    expect((await old.getToken("abc"))?.permissions).toEqual(["ManageCluster"]);
    expect(seen).toEqual(["Token", "Tokens", "Tokens"]);
    old.close();
    await new Promise((resolve) => server.close(resolve));
  });
});
