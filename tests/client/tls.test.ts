/**
 * HTTPS with a private CA: the emulator behind an HTTPS front (tests/support/tls-front.ts).
 */
import { LogScaleTlsError } from "../../provider/client/errors";
import { startTlsFront, type TlsFront } from "../support/tls-front";
import { type RunningEmulator, startTestEmulator, testClient } from "./support";

let emulator: RunningEmulator;
let front: TlsFront;
let frontUrl: string;
let caCertificate: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  front = await startTlsFront(emulator.url);
  ({ url: frontUrl, caCertificate } = front);
});
afterAll(async () => {
  await front.close();
  await emulator.stop();
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
