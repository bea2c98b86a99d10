import {
  adminToken,
  emulatorPerFile,
  controlResponse,
  CREATE_ORG,
  createOrgToken,
  gql,
  ok,
  startTestEmulator,
  storedTokens,
  TOKENS_QUERY,
} from "../support/emulator";
import type { RequestLogEntry } from "../../emulator";
import { eventually } from "../support/wait";

describe("emulator fault injection, request log and controls", () => {
  const emulator = emulatorPerFile({ reset: true });

  const addFault = async (spec: Record<string, unknown>) => {
    const response = await controlResponse<{ id: string }>(emulator.url, "POST", "faults", spec);
    expect(response.status).toBe(200);
    return response.json.id;
  };
  const requests = async () => (await controlResponse<{ requests: RequestLogEntry[] }>(emulator.url, "GET", "requests")).json.requests;
  const ORG_QUERY = "query Org { organization { id } }";

  describe("faults", () => {
    it("count + status + retryAfter: the next N matching requests get the status and header, then normal service", async () => {
      await addFault({ count: 2, status: 503, retryAfter: 3, match: { rootField: "tokens" } });
      // A request that does not match the filter is not affected and does not use up the count.
      expect((await gql(emulator.url, adminToken, ORG_QUERY)).status).toBe(200);
      for (let i = 0; i < 2; i += 1) {
        const response = await gql(emulator.url, adminToken, TOKENS_QUERY, { sortBy: "Name" });
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe("3");
      }
      expect((await gql(emulator.url, adminToken, TOKENS_QUERY, { sortBy: "Name" })).status).toBe(200);
      const log = await requests();
      expect(log.map((e) => [e.rootFields, e.status, e.fault])).toEqual([
        [["organization"], 200, null],
        [["tokens"], 503, "status"],
        [["tokens"], 503, "status"],
        [["tokens"], 200, null],
      ]);
    });

    it("a status fault is applied before authentication and the mutation is not executed", async () => {
      await addFault({ status: 429, retryAfter: "Wed, 21 Oct 2037 07:28:00 GMT", match: { operationName: "Create" } });
      const response = await gql(emulator.url, "not-a-valid-token", `mutation Create($input: CreateOrganizationPermissionsTokenV2Input!) {
        createOrganizationPermissionsTokenV2(input: $input) { token } }`, { input: { name: "x", organizationPermissions: [] } }, "Create");
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("Wed, 21 Oct 2037 07:28:00 GMT");
      expect(await storedTokens(emulator.url)).toEqual([]);
    });

    it("rate faults with a seed are reproducible", async () => {
      const pattern = async () => {
        await controlResponse(emulator.url, "DELETE", "faults");
        await addFault({ rate: 0.5, seed: 42, status: 502 });
        const statuses: number[] = [];
        for (let i = 0; i < 16; i += 1) statuses.push((await gql(emulator.url, adminToken, ORG_QUERY)).status);
        return statuses;
      };
      const first = await pattern();
      expect(first).toContain(502);
      expect(first).toContain(200);
      expect(await pattern()).toEqual(first);
      const listed = (await controlResponse<{ faults: Array<{ rate: number; remaining: number | null }> }>(emulator.url, "GET", "faults")).json.faults;
      expect(listed).toEqual([expect.objectContaining({ rate: 0.5, seed: 42, status: 502, remaining: null })]);
      await controlResponse(emulator.url, "DELETE", "faults");
      expect((await controlResponse<{ faults: unknown[] }>(emulator.url, "GET", "faults")).json.faults).toEqual([]);
    });

    it("latency holds the answer back while other requests are served; stop() ends it", async () => {
      // Held far longer than any test runs, so what is judged is what happened, never how long it took.
      const held = await startTestEmulator();
      const faults = async () => (await controlResponse<{ faults: unknown[] }>(held.url, "GET", "faults")).json.faults;
      let slowSettled = false;
      let slow: Promise<unknown> = Promise.resolve();
      try {
        expect((await controlResponse(held.url, "POST", "faults", { latencyMs: 600_000, match: { operationName: "Slow" } })).status).toBe(200);
        slow = gql(held.url, adminToken, "query Slow { organization { id } }", undefined, "Slow").finally(() => (slowSettled = true));
        slow.catch(() => undefined);
        await eventually("the emulator to take the slow request", async () => ((await faults()).length === 0 ? true : undefined));

        expect((await gql(held.url, adminToken, ORG_QUERY)).status).toBe(200);
        expect(slowSettled).toBe(false);
        // A request is logged once answered: the held one is not, yet.
        const log = (await controlResponse<{ requests: RequestLogEntry[] }>(held.url, "GET", "requests")).json.requests;
        expect(log.map((e) => [e.operationName, e.status, e.fault])).toEqual([["Org", 200, null]]);
      } finally {
        await held.stop();
      }
      await expect(slow).rejects.toThrow();
    });

    it("hold keeps a request until DELETE held lets it go, then it is answered and logged as held", async () => {
      const held = async () => (await controlResponse<{ held: number }>(emulator.url, "GET", "held")).json.held;
      await addFault({ hold: true, match: { operationName: "Org" } });
      let settled = false;
      const slow = gql(emulator.url, adminToken, ORG_QUERY).finally(() => (settled = true));
      await eventually("the emulator to hold the request", async () => ((await held()) === 1 ? true : undefined));
      // Other requests go on meanwhile, and the held one is not answered (nor logged) until let go.
      expect((await gql(emulator.url, adminToken, "query Other { organization { id } }", undefined, "Other")).status).toBe(200);
      expect(settled).toBe(false);
      expect((await requests()).map((entry) => entry.operationName)).toEqual(["Other"]);

      expect((await controlResponse(emulator.url, "DELETE", "held")).json).toEqual({ released: 1 });
      expect((await slow).status).toBe(200);
      expect((await requests()).map((entry) => [entry.operationName, entry.fault])).toEqual([["Other", null], ["Org", "hold"]]);
      expect(await held()).toBe(0);
      expect((await controlResponse(emulator.url, "DELETE", "held")).json).toEqual({ released: 0 });
    });

    it("a delayed request is logged with its fault, and held at least as long as asked", async () => {
      await addFault({ latencyMs: 300 });
      expect((await gql(emulator.url, adminToken, ORG_QUERY)).status).toBe(200);
      const [entry] = await requests();
      expect(entry?.fault).toBe("latency");
      // The emulator's own record of the request; a lower bound, which no slow machine can break.
      expect(entry?.durationMs).toBeGreaterThanOrEqual(299);
    });

    it("drop: the client sees a socket error and nothing is executed", async () => {
      await addFault({ drop: true, match: { rootField: "createOrganizationPermissionsTokenV2" } });
      await expect(gql(emulator.url, adminToken, CREATE_ORG, { input: { name: "dropped", organizationPermissions: [] } })).rejects.toThrow();
      expect(await storedTokens(emulator.url)).toEqual([]);
      expect((await requests()).map((e) => [e.status, e.fault])).toEqual([[0, "drop"]]);
    });

    it("loseResponse: the client sees a socket error but the token was created", async () => {
      await addFault({ loseResponse: true });
      await expect(gql(emulator.url, adminToken, CREATE_ORG, { input: { name: "ghost", organizationPermissions: ["ViewUsage"] } })).rejects.toThrow();
      expect((await storedTokens(emulator.url)).map((t) => [t.name, t.permissions])).toEqual([["ghost", ["ViewUsage"]]]);
      expect((await requests()).map((e) => e.fault)).toEqual(["loseResponse"]);
    });

    it("rejects invalid fault specifications", async () => {
      for (const spec of [{ count: 1, rate: 0.5, status: 500 }, { count: 1 }, { drop: true, status: 500 }, { retryAfter: 1, drop: true }, { status: 99 }, { status: 503, retryAfter: "1\r\nX-Evil: 1" }]) {
        expect((await controlResponse(emulator.url, "POST", "faults", spec)).status).toBe(400);
      }
      expect((await controlResponse<{ faults: unknown[] }>(emulator.url, "GET", "faults")).json.faults).toEqual([]);
    });
  });

  describe("request log", () => {
    it("records operation name, root fields, status, duration, fault and time, and nothing secret", async () => {
      const created = await createOrgToken(emulator.url, { name: "logged", organizationPermissions: ["ViewUsage"] });
      await gql(emulator.url, adminToken, "query Named { token(tokenId: \"nope\") { id } ipFilters { id } }");
      await gql(emulator.url, null, ORG_QUERY);
      await controlResponse(emulator.url, "GET", "store"); // controls are not logged
      const log = await requests();
      expect(log).toEqual([
        { operationName: null, rootFields: ["createOrganizationPermissionsTokenV2"], status: 200, durationMs: expect.any(Number), fault: null, at: expect.any(Number) },
        { operationName: "Named", rootFields: ["token", "ipFilters"], status: 200, durationMs: expect.any(Number), fault: null, at: expect.any(Number) },
        { operationName: "Org", rootFields: ["organization"], status: 401, durationMs: expect.any(Number), fault: null, at: expect.any(Number) },
      ]);
      const text = JSON.stringify(log);
      expect(text).not.toContain(created.token.split("~")[1]);
      expect(text).not.toContain(adminToken);
      expect(text).not.toContain("logged");

      await controlResponse(emulator.url, "DELETE", "requests");
      expect(await requests()).toEqual([]);
    });
  });

  describe("reset and clock", () => {
    it("reset restores the seed and clears the log, the faults and the clock offset", async () => {
      await createOrgToken(emulator.url, { name: "temporary", organizationPermissions: [] });
      await ok(emulator.url, adminToken, `mutation { createIPFilter(input: { name: "extra", ipFilter: "1.2.3.4/32" }) { id } }`);
      await addFault({ count: 5, latencyMs: 1 });
      const shifted = (await controlResponse<{ now: number }>(emulator.url, "POST", "clock", { offsetMs: 10 * 86_400_000 })).json.now;
      expect(shifted).toBeGreaterThan(Date.now() + 9 * 86_400_000);

      expect((await controlResponse(emulator.url, "POST", "reset")).status).toBe(200);
      const store = (await controlResponse<{ tokens: unknown[]; ipFilters: unknown[]; now: number }>(emulator.url, "GET", "store")).json;
      expect(store.tokens).toEqual([]);
      expect(store.ipFilters).toHaveLength(1);
      expect(Math.abs(store.now - Date.now())).toBeLessThan(60_000);
      expect(await requests()).toEqual([]);
      expect((await controlResponse<{ faults: unknown[] }>(emulator.url, "GET", "faults")).json.faults).toEqual([]);
    });

    it("clock accepts advanceMs or offsetMs, nothing else", async () => {
      const a = (await controlResponse<{ now: number }>(emulator.url, "POST", "clock", { advanceMs: 1000 })).json.now;
      const b = (await controlResponse<{ now: number }>(emulator.url, "POST", "clock", { advanceMs: 60_000 })).json.now;
      expect(b - a).toBeGreaterThanOrEqual(60_000);
      expect((await controlResponse(emulator.url, "POST", "clock", { advanceMs: 1, offsetMs: 1 })).status).toBe(400);
      expect((await controlResponse(emulator.url, "POST", "clock", {})).status).toBe(400);
      expect((await controlResponse(emulator.url, "GET", "nothing-here")).status).toBe(404);
    });
  });
});
