/**
 * Waiting for something to happen instead of for time to pass. A test that sleeps a fixed time
 * assumes how fast the machine is; these ask again until the thing is seen. Their deadline only
 * turns "it never happened" into a failure that says what was awaited: it is far beyond how long
 * the event takes, so it never decides a run that would otherwise pass.
 */
import { control, type LoggedRequest, requestLog } from "./emulator";

const pollIntervalMs = 10;

/** Asks `probe` until it answers something other than undefined, and returns that. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

/** The emulator logs a request once it has answered it (or dropped it): waits until `seen` holds for its log. */
export async function untilLogged(url: string, what: string, seen: (log: LoggedRequest[]) => boolean): Promise<LoggedRequest[]> {
  return eventually(what, async () => {
    const log = await requestLog(url);
    return seen(log) ? log : undefined;
  });
}

/**
 * The emulator takes a fault when the request arrives and logs the request when it has answered.
 * So once every injected fault is taken, a request held back by injected latency, or by a `hold`
 * fault (let go here: this is the moment it lands late), is in flight until a faulted entry shows
 * in the log: this waits for that, and returns at once while a fault is still waiting for its
 * request. Assumes the log was cleared before the fault was injected.
 */
export async function faultedRequestsLanded(url: string): Promise<void> {
  const pending = (await control<{ faults: unknown[] }>(url, "GET", "faults")).faults.length > 0;
  if (pending) return;
  await control(url, "DELETE", "held");
  await untilLogged(url, "the faulted request to be answered", (log) => log.some((entry) => entry.fault !== null));
}

/** `promise`, or a failure naming what never happened if it has not settled by the deadline. */
export async function within<T>(what: string, promise: Promise<T>, deadlineMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Gave up waiting for ${what} after ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
