/**
 * The client's signal: aborted while a request waits to be tried again, the wait ends at once,
 * nothing more is sent, and the error says what the last attempt got. Counted in the emulator's
 * request log; no clock is raced (the wait asked for is a minute, the test's limit half that).
 */
import { LogScaleCancelledError } from "../../provider/client/errors";
import { emulatorPerFile } from "../support/emulator";
import { injectFault, requestLog, testClient } from "./support";

const emulator = emulatorPerFile({ reset: true });

it("an abort during a retry wait ends the operation with the last attempt's answer, and no further request", async () => {
  const abort = new AbortController();
  let retrying: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (retrying = resolve));
  const { client } = testClient(emulator.url, {
    signal: abort.signal,
    retry: { attempts: 4, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    onEvent: (event) => event.type === "retry" && retrying(),
  });
  await injectFault(emulator.url, { status: 503, count: 10 });
  const outcome = client.ipFilters().then(
    () => undefined,
    (error: unknown) => error,
  );
  await waiting;
  abort.abort();
  const error = await outcome;
  expect(error).toBeInstanceOf(LogScaleCancelledError);
  expect(error).toMatchObject({ kind: "cancelled", attempts: 1, mayHaveBeenApplied: true });
  expect(String((error as Error).message)).toMatch(/^IpFilters at .* was cancelled while waiting to try again; the last attempt failed: .*HTTP 503/);
  expect((await requestLog(emulator.url)).filter((request) => request.operationName === "IpFilters")).toHaveLength(1);
});

it("an operation started after the abort sends nothing", async () => {
  const abort = new AbortController();
  abort.abort();
  const { client } = testClient(emulator.url, { signal: abort.signal });
  await expect(client.ipFilters()).rejects.toThrow("IpFilters at");
  await expect(client.ipFilters()).rejects.toBeInstanceOf(LogScaleCancelledError);
  expect(await requestLog(emulator.url)).toEqual([]);
});
