/**
 * viewNames and ipFilterName: resolved to ids at preview, the ids are outputs, an unknown name
 * fails naming the closest known ones, and a view re-created under its name replaces the tokens on it.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { unknownValue } from "../../provider/core/unknown";
import { adminToken, control, emulatorPerFile } from "../support/emulator";
import { stackConfig } from "./support";

const emulator = emulatorPerFile({ reset: true });
let store: { searchDomains: { id: string; name: string }[]; ipFilters: { id: string; name: string }[] };
const idOf = (name: string) => store.searchDomains.find((domain) => domain.name === name)!.id;

async function provider(kind: "organization" | "view" = "view"): Promise<TokenProvider> {
  const created = new TokenProvider(kind, { info: () => undefined, warn: () => undefined });
  await created.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
  return created;
}

beforeEach(async () => {
  store = await control(emulator.url, "GET", "store");
});

it("resolves viewNames and ipFilterName to ids at check, and the token carries them", async () => {
  const view = await provider();
  const checked = await view.check({}, { name: "by-name", permissions: ["ReadAccess"], viewNames: ["security-audit", "dashboards"], ipFilterName: "office" });
  expect(checked.failures).toEqual([]);
  expect(checked.inputs["viewIds"]).toEqual([idOf("dashboards"), idOf("security-audit")].sort());
  expect(checked.inputs["ipFilterId"]).toBe(store.ipFilters.find((filter) => filter.name === "office")!.id);
  const created = (await view.create(checked.inputs)).outs as TokenOutputs;
  expect(created.viewIds).toEqual(checked.inputs["viewIds"]);
  expect(created.ipFilterId).toBe(checked.inputs["ipFilterId"]);
  expect(await view.diff(created.tokenId, created, checked.inputs as never)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
});

it("an unknown name fails at check, naming the closest known ones", async () => {
  const view = await provider();
  const checked = await view.check({}, { name: "typo", permissions: ["ReadAccess"], viewNames: ["dashboard"], ipFilterName: "ofice" });
  expect(checked.failures).toEqual([
    expect.objectContaining({ property: "viewNames", reason: expect.stringContaining("viewNames 'dashboard' (did you mean 'dashboards'?) is not the name of a view or repository") }),
    expect.objectContaining({ property: "ipFilterName" }),
  ]);
  const org = await provider("organization");
  const filter = await org.check({}, { name: "typo", permissions: ["ViewUsage"], ipFilterName: "ofice" });
  expect(filter.failures).toEqual([
    expect.objectContaining({ property: "ipFilterName", reason: expect.stringContaining("ipFilterName 'ofice' (did you mean 'office'?) is not the name of an IP filter") }),
  ]);
});

it("refuses a name and an id of the same thing together", async () => {
  const view = await provider();
  const both = await view.check({}, { name: "x", permissions: ["ReadAccess"], viewIds: [idOf("dashboards")], viewNames: ["dashboards"] });
  expect(both.failures).toEqual([expect.objectContaining({ property: "viewNames", reason: expect.stringContaining("give either viewIds or viewNames, not both") })]);
  const org = await provider("organization");
  const filters = await org.check({}, { name: "x", permissions: ["ViewUsage"], ipFilterId: "f", ipFilterName: "office" });
  expect(filters.failures).toEqual([expect.objectContaining({ property: "ipFilterName", reason: expect.stringContaining("give either ipFilterId or ipFilterName, not both") })]);
});

it("a name not yet known at preview leaves the id unknown, without asking LogScale", async () => {
  const view = await provider();
  const checked = await view.check({}, { name: "later", permissions: ["ReadAccess"], viewNames: [unknownValue] });
  expect(checked.failures).toEqual([]);
  expect(checked.inputs["viewIds"]).toBe(unknownValue);
});

it("a view deleted and re-created under the same name replaces the tokens on it", async () => {
  const view = await provider();
  const raw = { name: "on-dashboards", permissions: ["ReadAccess"], viewNames: ["dashboards"] };
  const checked = await view.check({}, raw);
  const created = (await view.create(checked.inputs)).outs as TokenOutputs;
  const oldId = idOf("dashboards");
  await control(emulator.url, "POST", "search-domains", { remove: oldId });
  const { id: newId } = await control<{ id: string }>(emulator.url, "POST", "search-domains", { add: { name: "dashboards" } });
  expect(newId).not.toBe(oldId);

  const next = await provider(); // the next preview
  const rechecked = await next.check(checked.inputs, raw);
  expect(rechecked.failures).toEqual([]);
  expect(rechecked.inputs["viewIds"]).toEqual([newId]);
  expect(await next.diff(created.tokenId, created, rechecked.inputs as never)).toEqual({ changes: true, replaces: ["viewIds"], deleteBeforeReplace: false });
});
