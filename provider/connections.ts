/**
 * What one provider process keeps about the LogScale instances it talks to: a client per
 * distinct connection, so keep-alive connections are reused, and the answers that do not
 * change during a run (policy, views, IP filters, which cluster and organization it is), asked
 * once per client. The three kinds'
 * providers share one, so a stack of all three kinds reads the policy once, not three times.
 */
import type { LogScaleClient } from "./client";
import { homeReader } from "./homes";
import { ipFilterReader, policyReader, viewReader } from "./policies";

export class Connections {
  readonly clients = new Map<string, LogScaleClient>();
  readonly policies = policyReader();
  readonly views = viewReader();
  readonly ipFilters = ipFilterReader();
  readonly homes = homeReader();
}

/** The one the provider modules of this package share within a process. */
export const processConnections = new Connections();
