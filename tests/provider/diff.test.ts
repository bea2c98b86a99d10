import type { TokenOutputs } from "../../provider/core/outputs";
import type { TokenProvider } from "../../provider/core/token-provider";
import { unknownValue } from "../../provider/core/unknown";
import { type RunningEmulator, startTestEmulator } from "../support/emulator";
import { configuredProvider } from "./support";

// A permission change makes diff() ask LogScale whether in-place updates are allowed.
let emulator: RunningEmulator;
let organization: TokenProvider;
let view: TokenProvider;
beforeAll(async () => {
  emulator = await startTestEmulator();
  organization = await configuredProvider("organization", emulator.url);
  view = await configuredProvider("view", emulator.url);
});
afterAll(async () => {
  await emulator.stop();
});

/** State as create() leaves it, and the checked inputs that produced it. */
const orgState: TokenOutputs = {
  tokenId: "id1",
  token: "id1~secret",
  name: "ci",
  permissions: ["ManageUsers", "ViewUsage"],
  expireAt: 1_900_000_000_000,
  createdAt: 1_800_000_000_000,
  ipFilterId: "filter-1",
};
const orgInputs = { name: "ci", permissions: ["ManageUsers", "ViewUsage"], expireAt: 1_900_000_000_000, ipFilterId: "filter-1" };

const viewState: TokenOutputs = {
  tokenId: "id2",
  token: "id2~secret",
  name: "reader",
  permissions: ["CreateDashboards", "DeleteDashboards", "OrganizationOwnedQueries", "ReadAccess", "UpdateDashboards"],
  createdAt: 1_800_000_000_000,
  viewIds: ["v1", "v2"],
  views: [{ id: "v1", name: "a" }, { id: "v2", name: "b" }],
  assetPermissionAssignments: [{ assetResourceIdentifier: "searchdomain/v1/dashboard/d1", permissions: ["UpdateAsset"] }],
};
const viewInputs = {
  name: "reader",
  permissions: ["ChangeDashboards", "ReadAccess"],
  viewIds: ["v1", "v2"],
  assetPermissionAssignments: [{ assetResourceIdentifier: "searchdomain/v1/dashboard/d1", permissions: ["UpdateAsset"] }],
};

const noChange = { changes: false, replaces: [], deleteBeforeReplace: false };
const update = { changes: true, replaces: [], deleteBeforeReplace: false };
const replace = (...properties: string[]) => ({ changes: true, replaces: properties, deleteBeforeReplace: false });

describe("diff", () => {
  it.each([
    ["nothing changed", {}, noChange],
    ["permissions changed", { permissions: ["ManageUsers"] }, update],
    ["permissions listed in another order", { permissions: ["ViewUsage", "ManageUsers"] }, noChange],
    ["permissions listed twice", { permissions: ["ViewUsage", "ManageUsers", "ViewUsage"] }, noChange],
    ["name changed", { name: "ci-2" }, replace("name")],
    ["expireAt changed", { expireAt: 1_900_000_000_001 }, replace("expireAt")],
    ["expireAt removed", { expireAt: undefined }, replace("expireAt")],
    ["ipFilterId changed", { ipFilterId: "filter-2" }, replace("ipFilterId")],
    ["ipFilterId removed", { ipFilterId: undefined }, replace("ipFilterId")],
    ["name and permissions changed", { name: "ci-2", permissions: ["ManageUsers"] }, replace("name")],
    ["a connection given: stored, nothing replaced", { connection: { url: "http://127.0.0.1:1", token: "t" } }, update],
    ["name unknown during preview", { name: unknownValue }, replace("name")],
    ["permissions unknown during preview", { permissions: unknownValue }, update],
  ])("of an organization token when %s", async (_label, change, expected) => {
    expect(await organization.diff("id1", orgState, { ...orgInputs, ...change } as never)).toEqual(expected);
  });

  it.each([
    ["the server's normalisation is all that differs", {}, noChange],
    ["the user spells out the trio and OrganizationOwnedQueries", { permissions: ["CreateDashboards", "DeleteDashboards", "OrganizationOwnedQueries", "ReadAccess", "UpdateDashboards"] }, noChange],
    ["a permission is removed", { permissions: ["ReadAccess"] }, update],
    ["viewIds changed", { viewIds: ["v1"] }, replace("viewIds")],
    ["viewIds listed in another order (check sorts them)", { viewIds: ["v1", "v2"] }, noChange],
    ["asset assignments changed", { assetPermissionAssignments: [] }, replace("assetPermissionAssignments")],
    ["a view id unknown during preview", { viewIds: ["v1", unknownValue] }, replace("viewIds")],
  ])("of a view token when %s", async (_label, change, expected) => {
    expect(await view.diff("id2", viewState, { ...viewInputs, ...change } as never)).toEqual(expected);
  });

  it("always answers `changes` explicitly, so the engine never diffs __provider itself", async () => {
    const result = await organization.diff("id1", orgState, { ...orgInputs, __provider: "changed provider text" } as never);
    expect(result.changes).toBe(false);
  });
});
