/**
 * Says, while `pulumi up` waits, that the provider is retrying or recovering and why. The
 * client is shared by every resource of a connection, so the resource a request is for comes
 * from the action under way (AsyncLocalStorage), not from the client.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ClientEvent } from "../client/client";

const currentAction = new AsyncLocalStorage<string>();

/** Runs `work` as part of `action` (e.g. "create organization permissions token 'ci'"). */
export function during<T>(action: string, work: () => Promise<T>): Promise<T> {
  return currentAction.run(action, work);
}

/** The message for a retry, naming the resource's action; undefined for other events. */
export function retryMessage(event: ClientEvent): string | undefined {
  if (event.type !== "retry") return undefined;
  const action = currentAction.getStore() ?? "talk to LogScale";
  const wait = event.delayMs >= 1000 ? `${Math.round(event.delayMs / 100) / 10} s` : `${event.delayMs} ms`;
  return `${capitalise(action)}: the ${event.operationName} request got ${event.answer} (attempt ${event.attempt} of ${event.maxAttempts}); trying again in ${wait}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
