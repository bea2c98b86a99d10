import { LogScaleError, invalidInput, ipFilterNotFound } from "./errors";
import type { IpFilterRecord } from "./model";
import { randomAlphanumeric } from "./secrets";
import type { Store } from "./store";

/** IP filters exist here only as things tokens and policies can point at; the filter text is not enforced. */
export class IpFilterService {
  constructor(private readonly store: Store) {}

  list(): IpFilterRecord[] {
    return this.store.state.ipFilters.map((f) => ({ ...f }));
  }

  find(id: string): IpFilterRecord | undefined {
    return this.store.state.ipFilters.find((f) => f.id === id);
  }

  create(name: string, ipFilter: string): IpFilterRecord {
    if (name.trim() === "") throw invalidInput("name", "IP filter name must not be empty");
    const record: IpFilterRecord = { id: randomAlphanumeric(24), name, ipFilter };
    this.store.mutate((state) => {
      state.ipFilters.push(record);
    });
    return { ...record };
  }

  update(id: string, name: string | null, ipFilter: string | null): IpFilterRecord {
    const record = this.find(id);
    if (record === undefined) throw ipFilterNotFound(id);
    if (name !== null && name.trim() === "") throw invalidInput("name", "IP filter name must not be empty");
    this.store.mutate(() => {
      if (name !== null) record.name = name;
      if (ipFilter !== null) record.ipFilter = ipFilter;
    });
    return { ...record };
  }

  /**
   * What LogScale does to tokens whose filter is deleted is not established. Silently
   * dropping the restriction would widen those tokens' reach, so the emulator refuses.
   */
  delete(id: string): true {
    if (this.find(id) === undefined) throw ipFilterNotFound(id);
    const state = this.store.state;
    const users = state.tokens.filter((t) => t.ipFilterId === id).length;
    const inPolicy = Object.entries(state.tokenSecurityPolicies).some(([key, value]) => key.endsWith("EnforceIpFilterId") && value === id);
    if (users > 0 || inPolicy) {
      throw new LogScaleError(
        `IP filter '${id}' is in use by ${users} token(s)${inPolicy ? " and by the token security policies" : ""} and cannot be deleted`,
        { code: "IPFilterInUse", ipFilterId: id },
      );
    }
    this.store.mutate((s) => {
      s.ipFilters = s.ipFilters.filter((f) => f.id !== id);
    });
    return true;
  }
}
