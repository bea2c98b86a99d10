/**
 * Malformed inputs across the three kinds: `pulumi preview` must refuse every one of them
 * with a message naming the property, and no mutation may reach LogScale (check() only
 * reads: the policy, and which views and IP filters exist).
 *
 * Each case is a `pulumi preview` of a folder program, its own CLI process with its own language
 * host and provider: nothing of a preview runs in Jest's process, so none can outlive its engine
 * here (inline programs once did, failing the file with gRPC UNAVAILABLE rejections).
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { adminToken, control, emulatorPerFile, requestLog, storedTokens } from "../support/emulator";
import { createFolderProgram, expectSuccess, type FolderProgram, type Run } from "../support/folder-program";
import { viewIdsByName } from "./program";

// 33 previews: a safety net for a stuck run, not a time the suite must meet.
jest.setTimeout(900_000);

type Kind = "org" | "view" | "system";
type Case = [kind: Kind, args: Record<string, unknown>, property: string, message: string];

const org = { name: "ok", permissions: ["ManageUsers"] };
const system = { name: "ok", permissions: ["ManageCluster"] };

/** [kind, args, the property named, a piece of the message]. */
function cases(view: string): Case[] {
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
 * The program: plain JavaScript, as untyped as YAML or JSON input can be, declaring the one
 * resource of the case the environment names. The engine stops a preview at the first resource
 * check() refuses, hence one preview per case.
 */
const indexJs = `const { readFileSync } = require("node:fs");
const logscale = require("pulumi-logscale-tokens");

const index = Number(process.env.BAD_INPUT_CASE);
const [kind, args] = JSON.parse(readFileSync(\`\${__dirname}/cases.json\`, "utf8"))[index];
const Token = { org: logscale.OrgPermissionsToken, view: logscale.ViewPermissionsToken, system: logscale.SystemPermissionsToken }[kind];
new Token(\`bad-\${index}\`, args);
`;

/**
 * Three previews at a time: each is a handful of processes (CLI, language host, program,
 * provider) mostly waiting on each other, so three overlap well even on two cores (33 previews
 * took 100 s so, 124 s two at a time); every preview stands alone, so none can upset another.
 */
const parallelPreviews = 3;

const emulator = emulatorPerFile();
let folder: FolderProgram;
let table: Case[] = [];

beforeAll(async () => {
  table = cases((await viewIdsByName(emulator.url, adminToken, ["dashboards"]))[0] ?? "");
  folder = createFolderProgram();
  const files: Record<string, string> = {
    // Plain JavaScript: the language host need not load TypeScript.
    "Pulumi.yaml": "name: logscale-bad-input\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
    "package.json": JSON.stringify({ name: "logscale-bad-input", main: "index.js" }),
    "index.js": indexJs,
    "cases.json": JSON.stringify(table),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder.dir, name), text);
  expectSuccess(await folder.pulumi(["stack", "init", "bad"]));
  expectSuccess(await folder.pulumi(["config", "set", "logscale:url", emulator.url]));
  expectSuccess(await folder.pulumi(["config", "set", "--secret", "logscale:token"], { input: adminToken }));
});

afterAll(() => {
  folder?.remove();
});

/** Runs every case's preview, `parallelPreviews` at a time; the runs in the order of the table. */
async function previewAll(): Promise<Run[]> {
  const runs: Run[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < table.length; index = next++) {
      runs[index] = await folder.pulumi(["preview", "--non-interactive"], { env: { BAD_INPUT_CASE: String(index) } });
    }
  };
  await Promise.all(Array.from({ length: parallelPreviews }, worker));
  return runs;
}

it("each fails at preview naming its property, and no mutation reaches LogScale", async () => {
  expect(table.length).toBeGreaterThanOrEqual(30);
  await control(emulator.url, "DELETE", "requests");
  const runs = await previewAll();
  const wrong = table
    .map(([kind, , property, message], index) => ({ index, kind, property, message, run: runs[index] }))
    .filter(({ index, property, message, run }) => {
      const named = property === "connection" ? `has invalid inputs: property connection: ` : `resource 'bad-${index}': property ${property} `;
      return run === undefined || run.status === 0 || !run.output.includes(named) || !run.output.includes(message);
    })
    .map(({ index, message, run }) => ({ index, message, status: run?.status, got: run?.output.split("\n").filter((line) => line.includes("error")) }));
  expect(wrong).toEqual([]);
  // The engine quotes a refused property's value, secrets included: a connection's API token must not appear.
  expect(folder.transcript()).not.toMatch(/token:\{?abc/);

  const mutations = (await requestLog(emulator.url)).map((entry) => entry.operationName ?? "").filter((name) => /^(Create|Update|Delete|Rotate)/.test(name));
  expect(mutations).toEqual([]);
  expect(await storedTokens(emulator.url)).toEqual([]);
});
