import * as http from "node:http";
import { inspect } from "node:util";
import type { ClientEvent } from "../../provider/client/client";
import { adminToken, control, injectFault, type RunningEmulator, startTestEmulator, testClient } from "./support";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

/** Every way an error could be shown: message, stack, String, JSON and a deep inspect. */
function renderings(error: unknown): string {
  return [String(error), (error as Error).stack ?? "", JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })].join("\n");
}

describe("no credential reaches an error, its cause or an event", () => {
  it("across every error class the emulator can provoke", async () => {
    const { client, events } = testClient(emulator.url, { retry: { attempts: 2, baseDelayMs: 1 } });
    const created = await client.createOrganizationPermissionsTokenV2({ name: "secret-holder", permissions: ["ViewUsage"] });
    const secret = created.token.split("~")[1]!;
    const failures: unknown[] = [];
    const collect = (promise: Promise<unknown>) => promise.then(() => failures.push(new Error("expected failure")), (error: unknown) => failures.push(error));

    // The server quoting the full token string back (an id lookup with the whole credential).
    await collect(client.deleteToken(created.token));
    await collect(client.updateOrganizationPermissionsTokenPermissions(created.token, ["ViewUsage"]));
    for (const fault of [{ status: 500 }, { status: 403 }, { status: 503, count: 5 }, { status: 200 }, { drop: true, count: 5 }]) {
      await control(emulator.url, "DELETE", "faults");
      await injectFault(emulator.url, fault);
      await collect(client.ipFilters());
    }
    await control(emulator.url, "DELETE", "faults");
    const wrongClient = testClient(emulator.url, { apiToken: `${adminToken}-but-wrong` }).client;
    await collect(wrongClient.ipFilters());
    wrongClient.close();

    expect(failures).toHaveLength(8);
    const everything = failures.map(renderings).join("\n") + JSON.stringify(events);
    for (const forbidden of [adminToken, created.token, secret, "Bearer " + adminToken]) {
      expect(everything).not.toContain(forbidden);
    }
    for (const failure of failures) expect((failure as Error).cause).toBeUndefined();
    expect(everything).toContain("[redacted]");
    client.close();
  });

  it("when a hostile server echoes the Authorization header and the secret in its bodies", async () => {
    const server = http.createServer((request, response) => {
      response.statusCode = request.url?.includes("x") ? 200 : 418;
      response.end(`you sent ${request.headers.authorization}; also ${adminToken}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const events: ClientEvent[] = [];
    const { client } = testClient(`http://127.0.0.1:${port}`, { onEvent: (event) => events.push(event) });
    const error = await client.ipFilters().catch((caught: unknown) => caught);
    expect(String(error)).toContain("HTTP 418");
    expect(renderings(error) + JSON.stringify(events)).not.toContain(adminToken);
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });
});
