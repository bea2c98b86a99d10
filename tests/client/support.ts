import { type ClientEvent, LogScaleClient, type LogScaleClientOptions } from "../../provider/client/client";
import { adminToken } from "../support/emulator";

export { adminToken, control, injectFault, requestLog, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";

/** A client with tiny retry delays, collecting its events. */
export function testClient(
  url: string,
  overrides: Partial<LogScaleClientOptions> = {},
): { client: LogScaleClient; events: ClientEvent[] } {
  const events: ClientEvent[] = [];
  const client = new LogScaleClient({
    url,
    apiToken: adminToken,
    timeoutMs: 2_000,
    retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { client, events };
}
