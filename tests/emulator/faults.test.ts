import {
  ADMIN_TOKEN,
  control,
  CREATE_ORG,
  createOrgToken,
  gql,
  ok,
  startTestEmulator,
  storeTokens,
  TOKENS_QUERY,
  type TestEmulator,
} from "./support";
import type { RequestLogEntry } from "../../emulator";
import { eventually } from "../support/wait";

describe("emulator fault injection, request log and controls", () => {
  let emulator: TestEmulator;
  let url: string;

  const addFault = async (spec: Record<string, unknown>) => {
    const response = await control<{ id: string }>(url, "POST", "faults", spec);
    expect(response.status).toBe(200);
    return response.json.id;
  };
  const requests = async () => (await control<{ requests: RequestLogEntry[] }>(url, "GET", "requests")).json.requests;
  const ORG_QUERY = "query Org { organization { id } }";

  beforeAll(async () => {
    emulator = await startTestEmulator();
    url = emulator.url;
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    await control(url, "POST", "reset");
  });

  describe("faults", () => {
    it("count + status + retryAfter: the next N matching requests get the status and header, then normal service", async () => {
      await addFault({ count: 2, status: 503, retryAfter: 3, match: { rootField: "tokens" } });
      // A request that does not match the filter is not affected and does not use up the count.
      expect((await gql(url, ADMIN_TOKEN, ORG_QUERY)).status).toBe(200);
      for (let i = 0; i < 2; i += 1) {
        const response = await gql(url, ADMIN_TOKEN, TOKENS_QUERY, { sortBy: "Name" });
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe("3");
      }
      expect((await gql(url, ADMIN_TOKEN, TOKENS_QUERY, { sortBy: "Name" })).status).toBe(200);
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
      const response = await gql(url, "not-a-valid-token", `mutation Create($input: CreateOrganizationPermissionsTokenV2Input!) {
        createOrganizationPermissionsTokenV2(input: $input) { token } }`, { input: { name: "x", organizationPermissions: [] } }, "Create");
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("Wed, 21 Oct 2037 07:28:00 GMT");
      expect(await storeTokens(url)).toEqual([]);
    });

    it("rate faults with a seed are reproducible", async () => {
      const pattern = async () => {
        await control(url, "DELETE", "faults");
        await addFault({ rate: 0.5, seed: 42, status: 502 });
        const statuses: number[] = [];
        for (let i = 0; i < 16; i += 1) statuses.push((await gql(url, ADMIN_TOKEN, ORG_QUERY)).status);
        return statuses;
      };
      const first = await pattern();
      expect(first).toContain(502);
      expect(first).toContain(200);
      expect(await pattern()).toEqual(first);
      const listed = (await control<{ faults: Array<{ rate: number; remaining: number | null }> }>(url, "GET", "faults")).json.faults;
      expect(listed).toEqual([expect.objectContaining({ rate: 0.5, seed: 42, status: 502, remaining: null })]);
      await control(url, "DELETE", "faults");
      expect((await control<{ faults: unknown[] }>(url, "GET", "faults")).json.faults).toEqual([]);
    });

    it("latency holds the answer back while other requests are served; stop() ends it", async () => {
      // Held far longer than any test runs, so what is judged is what happened, never how long it took.
      const held = await startTestEmulator();
      const faults = async () => (await control<{ faults: unknown[] }>(held.url, "GET", "faults")).json.faults;
      let slowSettled = false;
      let slow: Promise<unknown> = Promise.resolve();
      try {
        expect((await control(held.url, "POST", "faults", { latencyMs: 600_000, match: { operationName: "Slow" } })).status).toBe(200);
        slow = gql(held.url, ADMIN_TOKEN, "query Slow { organization { id } }", undefined, "Slow").finally(() => (slowSettled = true));
        slow.catch(() => undefined);
        await eventually("the emulator to take the slow request", async () => ((await faults()).length === 0 ? true : undefined));

        expect((await gql(held.url, ADMIN_TOKEN, ORG_QUERY)).status).toBe(200);
        expect(slowSettled).toBe(false);
        // A request is logged once answered: the held one is not, yet.
        const log = (await control<{ requests: RequestLogEntry[] }>(held.url, "GET", "requests")).json.requests;
        expect(log.map((e) => [e.operationName, e.status, e.fault])).toEqual([["Org", 200, null]]);
      } finally {
        await held.stop();
      }
      await expect(slow).rejects.toThrow();
    });

    it("a delayed request is logged with its fault, and held at least as long as asked", async () => {
      await addFault({ latencyMs: 300 });
      expect((await gql(url, ADMIN_TOKEN, ORG_QUERY)).status).toBe(200);
      const [entry] = await requests();
      expect(entry?.fault).toBe("latency");
      // The emulator's own record of the request; a lower bound, which no slow machine can break.
      expect(entry?.durationMs).toBeGreaterThanOrEqual(299);
    });

    it("drop: the client sees a socket error and nothing is executed", async () => {
      await addFault({ drop: true, match: { rootField: "createOrganizationPermissionsTokenV2" } });
      await expect(gql(url, ADMIN_TOKEN, CREATE_ORG, { input: { name: "dropped", organizationPermissions: [] } })).rejects.toThrow();
      expect(await storeTokens(url)).toEqual([]);
      expect((await requests()).map((e) => [e.status, e.fault])).toEqual([[0, "drop"]]);
    });

    it("loseResponse: the client sees a socket error but the token was created", async () => {
      await addFault({ loseResponse: true });
      await expect(gql(url, ADMIN_TOKEN, CREATE_ORG, { input: { name: "ghost", organizationPermissions: ["ViewUsage"] } })).rejects.toThrow();
      expect((await storeTokens(url)).map((t) => [t.name, t.permissions])).toEqual([["ghost", ["ViewUsage"]]]);
      expect((await requests()).map((e) => e.fault)).toEqual(["loseResponse"]);
    });

    it("rejects invalid fault specifications", async () => {
      for (const spec of [{ count: 1, rate: 0.5, status: 500 }, { count: 1 }, { drop: true, status: 500 }, { retryAfter: 1, drop: true }, { status: 99 }, { status: 503, retryAfter: "1\r\nX-Evil: 1" }]) {
        expect((await control(url, "POST", "faults", spec)).status).toBe(400);
      }
      expect((await control<{ faults: unknown[] }>(url, "GET", "faults")).json.faults).toEqual([]);
    });
  });

  describe("request log", () => {
    it("records operation name, root fields, status, duration, fault and time, and nothing secret", async () => {
      const created = await createOrgToken(url, { name: "logged", organizationPermissions: ["ViewUsage"] });
      await gql(url, ADMIN_TOKEN, "query Named { token(tokenId: \"nope\") { id } ipFilters { id } }");
      await gql(url, null, ORG_QUERY);
      await control(url, "GET", "store"); // controls are not logged
      const log = await requests();
      expect(log).toEqual([
        { operationName: null, rootFields: ["createOrganizationPermissionsTokenV2"], status: 200, durationMs: expect.any(Number), fault: null, at: expect.any(Number) },
        { operationName: "Named", rootFields: ["token", "ipFilters"], status: 200, durationMs: expect.any(Number), fault: null, at: expect.any(Number) },
        { operationName: "Org", rootFields: ["organization"], status: 401, durationMs: expect.any(Number), fault: null, at: expect.any(Number) },
      ]);
      const text = JSON.stringify(log);
      expect(text).not.toContain(created.token.split("~")[1]);
      expect(text).not.toContain(ADMIN_TOKEN);
      expect(text).not.toContain("logged");

      await control(url, "DELETE", "requests");
      expect(await requests()).toEqual([]);
    });
  });

  describe("reset and clock", () => {
    it("reset restores the seed and clears the log, the faults and the clock offset", async () => {
      await createOrgToken(url, { name: "temporary", organizationPermissions: [] });
      await ok(url, ADMIN_TOKEN, `mutation { createIPFilter(input: { name: "extra", ipFilter: "1.2.3.4/32" }) { id } }`);
      await addFault({ count: 5, latencyMs: 1 });
      const shifted = (await control<{ now: number }>(url, "POST", "clock", { offsetMs: 10 * 86_400_000 })).json.now;
      expect(shifted).toBeGreaterThan(Date.now() + 9 * 86_400_000);

      expect((await control(url, "POST", "reset")).status).toBe(200);
      const store = (await control<{ tokens: unknown[]; ipFilters: unknown[]; now: number }>(url, "GET", "store")).json;
      expect(store.tokens).toEqual([]);
      expect(store.ipFilters).toHaveLength(1);
      expect(Math.abs(store.now - Date.now())).toBeLessThan(60_000);
      expect(await requests()).toEqual([]);
      expect((await control<{ faults: unknown[] }>(url, "GET", "faults")).json.faults).toEqual([]);
    });

    it("clock accepts advanceMs or offsetMs, nothing else", async () => {
      const a = (await control<{ now: number }>(url, "POST", "clock", { advanceMs: 1000 })).json.now;
      const b = (await control<{ now: number }>(url, "POST", "clock", { advanceMs: 60_000 })).json.now;
      expect(b - a).toBeGreaterThanOrEqual(60_000);
      expect((await control(url, "POST", "clock", { advanceMs: 1, offsetMs: 1 })).status).toBe(400);
      expect((await control(url, "POST", "clock", {})).status).toBe(400);
      expect((await control(url, "GET", "nothing-here")).status).toBe(404);
    });
  });
});
