/**
 * Malformed inputs across the three kinds: `pulumi preview` must refuse every one of them
 * with a message naming the property, and no mutation may reach LogScale (check() only
 * reads: the policy, and which views and IP filters exist).
 */
import { adminToken, control, emulatorPerFile, requestLog, storedTokens } from "../support/emulator";
import { configureLogScale, programPerFile } from "../support/pulumi";
import { viewIdsByName } from "./program";

// 33 previews one after another: a safety net for a stuck run, not a time the suite must meet.
jest.setTimeout(900_000);

const emulator = emulatorPerFile();
const program = programPerFile();
let view = "";

beforeAll(async () => {
  view = (await viewIdsByName(emulator.url, adminToken, ["dashboards"]))[0] ?? "";
});

type Kind = "org" | "view" | "system";
const org = { name: "ok", permissions: ["ManageUsers"] };
const system = { name: "ok", permissions: ["ManageCluster"] };

/** [kind, args, the property named, a piece of the message]. */
function cases(): [Kind, Record<string, unknown>, string, string][] {
  const okView = { name: "ok", permissions: ["ReadAccess"], viewIds: [view] };
  return [
    ["org", { ...org, name: "" }, "name", "name must not be empty or only whitespace"],
    ["org", { ...org, name: "   " }, "name", "name must not be empty or only whitespace"],
    ["org", { ...org, name: "x".repeat(4096) }, "name", "name must be at most 255 characters, got 4096"],
    ["org", { ...org, name: "bell\u0007" }, "name", "name must not contain control characters (found U+0007"],
    ["org", { ...org, name: 42 }, "name", "name must be a string, got number 42"],
    ["org", { ...org, permissions: ["ManageUser"] }, "permissions", "did you mean 'ManageUsers'?"],
    ["org", { ...org, permissions: ["ReadAccess"] }, "permissions", "'ReadAccess' is a permission of ViewPermissionsToken"],
    ["org", { ...org, permissions: "ManageUsers" }, "permissions", "permissions must be a list of OrganizationPermission values"],
    ["org", { ...org, permissions: [1] }, "permissions", "permissions item 0 must be a string, got number 1"],
    ["org", { ...org, expireAt: "2020-01-01T00:00:00Z" }, "expireAt", "is in the past"],
    ["org", { ...org, expireAt: "tomorrow" }, "expireAt", 'got "tomorrow"'],
    ["org", { ...org, expireAt: "2027-13-01T00:00:00Z" }, "expireAt", 'expireAt is not a real date: "2027-13-01T00:00:00Z"'],
    ["org", { ...org, expireAt: 1_814_313_600 }, "expireAt", "looks like epoch seconds"],
    ["org", { ...org, expireAt: "2027-06-30T00:00:00" }, "expireAt", "add a time zone"],
    ["org", { ...org, ipFilterId: "" }, "ipFilterId", "ipFilterId must be the id of an IP filter"],
    ["org", { ...org, ipFilterId: "000000000000000000000000" }, "ipFilterId", "ipFilterId '000000000000000000000000' is not the id of an IP filter of the organization. Known: "],
    ["org", { ...org, connection: { url: "logscale.example.com", token: "t" } }, "connection", "connection url must be an absolute http:// or https:// URL"],
    ["org", { ...org, connection: { url: "http://127.0.0.1:1", token: "abc\n" } }, "connection", "connection token must not contain whitespace or line breaks"],
    ["org", { ...org, viewIds: [view] }, "viewIds", "OrgPermissionsToken has no property 'viewIds'"],
    ["view", { ...okView, viewIds: [] }, "viewIds", "viewIds must name at least one view or repository id"],
    ["view", { ...okView, viewIds: ["000000000000000000000000"] }, "viewIds", "viewIds '000000000000000000000000' is not the id of a view or repository the API token can see"],
    ["view", { ...okView, viewIds: [view, view] }, "viewIds", "more than once"],
    ["view", { name: "ok", permissions: ["ReadAccess"] }, "viewIds", "viewIds or viewNames is required"],
    ["view", { ...okView, permissions: ["ManageUsers"] }, "permissions", "'ManageUsers' is a permission of OrgPermissionsToken"],
    ["view", { ...okView, permissions: ["readaccess"] }, "permissions", "did you mean 'ReadAccess'?"],
    ["view", { ...okView, assetPermissionAssignments: [{ assetResourceIdentifier: "", permissions: ["UpdateAsset"] }] }, "assetPermissionAssignments", "item 0.assetResourceIdentifier is invalid"],
    ["view", { ...okView, assetPermissionAssignments: [{ assetResourceIdentifier: "a", permissions: ["Read"] }] }, "assetPermissionAssignments", "permissions from UpdateAsset, DeleteAsset"],
    ["view", { ...okView, name: "\n" }, "name", "name must not be empty or only whitespace"],
    ["system", { ...system, permissions: ["ViewOrganisations"] }, "permissions", "did you mean 'ViewOrganizations'?"],
    ["system", { ...system, permissions: ["ManageUsers"] }, "permissions", "'ManageUsers' is a permission of OrgPermissionsToken"],
    ["system", { ...system, name: "ops\tteam" }, "name", "found U+0009"],
    ["system", { ...system, expireAt: -5 }, "expireAt", "expireAt must be a positive whole number of epoch milliseconds"],
    ["system", { name: "ok", permission: ["ManageCluster"] }, "permission", "did you mean 'permissions'?"],
  ];
}

/**
 * The engine stops a preview at the first resource check() refuses: one stack per case. One at
 * a time: inline programs previewed side by side in one process once lost their engine
 * connection (gRPC UNAVAILABLE, an unhandled rejection inside Pulumi's runtime that fails the
 * test), and on two cores running them side by side saved nothing.
 */
async function previewFailure(index: number, kind: Kind, args: Record<string, unknown>): Promise<string> {
  const { logscale } = program;
  const stack = await program.stack(`bad-${index}`, async () => {
    const name = `bad-${index}`;
    if (kind === "org") new logscale.OrgPermissionsToken(name, args as never);
    else if (kind === "view") new logscale.ViewPermissionsToken(name, args as never);
    else new logscale.SystemPermissionsToken(name, args as never);
  });
  await configureLogScale(stack, emulator.url, adminToken);
  return stack.preview().then(() => "preview succeeded", (error: unknown) => String(error));
}

it("each fails at preview naming its property, and no mutation reaches LogScale", async () => {
  const table = cases();
  expect(table.length).toBeGreaterThanOrEqual(30);
  await control(emulator.url, "DELETE", "requests");
  const failures: string[] = [];
  for (const [index, [kind, args]] of table.entries()) failures.push(await previewFailure(index, kind, args));
  const wrong = table
    .map(([kind, , property, message], index) => ({ index, kind, property, message, failure: failures[index] ?? "" }))
    .filter(({ index, property, message, failure }) => {
      const named = property === "connection" ? `has invalid inputs: property connection: ` : `resource 'bad-${index}': property ${property} `;
      return !failure.includes(named) || !failure.includes(message);
    })
    .map(({ index, message, failure }) => ({ index, message, got: failure.split("\n").find((line) => line.includes("error:")) }));
  expect(wrong).toEqual([]);
  // The engine quotes a refused property's value, secrets included: a connection's API token must not appear.
  expect(failures.join("\n")).not.toMatch(/token:\{?abc/);

  const mutations = (await requestLog(emulator.url)).map((entry) => entry.operationName ?? "").filter((name) => /^(Create|Update|Delete|Rotate)/.test(name));
  expect(mutations).toEqual([]);
  expect(await storedTokens(emulator.url)).toEqual([]);
});
