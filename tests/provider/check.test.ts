import { checkTokenInputs, type CheckFailure } from "../../provider/core/inputs";
import type { TokenKindName } from "../../provider/core/kinds";
import { unknownValue } from "../../provider/core/unknown";

const now = Date.parse("2026-11-23T12:00:00Z");
const future = "2027-06-30T00:00:00Z";
const futureMs = Date.parse(future);

function failuresOf(kind: TokenKindName, news: Record<string, unknown>, olds: Record<string, unknown> = {}): CheckFailure[] {
  return checkTokenInputs(kind, olds, news, now).failures;
}

const org = { name: "ci", permissions: ["ManageUsers"] };
const view = { name: "reader", permissions: ["ReadAccess"], viewIds: ["v1"] };
const system = { name: "ops", permissions: ["ManageCluster"] };

describe("check() refuses bad input, naming the property and what would be valid", () => {
  const cases: [string, TokenKindName, Record<string, unknown>, string, string][] = [
    ["missing name", "organization", { permissions: ["ManageUsers"] }, "name", "name is required: the token's name as LogScale shows it"],
    ["name of the wrong type", "organization", { ...org, name: 42 }, "name", "name must be a string, got number 42"],
    ["empty name", "system", { ...system, name: "" }, "name", "name must not be empty or only whitespace"],
    ["whitespace name", "view", { ...view, name: "   " }, "name", "name must not be empty or only whitespace"],
    ["name with surrounding whitespace", "organization", { ...org, name: " ci " }, "name", "name must not start or end with whitespace"],
    ["4 KB name", "organization", { ...org, name: "x".repeat(4096) }, "name", "name must be at most 255 characters, got 4096"],
    ["name with a newline", "organization", { ...org, name: "ci\nadmin" }, "name", "name must not contain control characters (found U+000a at position 2)"],
    ["missing permissions", "organization", { name: "ci" }, "permissions", 'permissions is required: a list of OrganizationPermission values, e.g. ["ExportOrganization"]'],
    ["permissions not a list", "system", { ...system, permissions: "ManageCluster" }, "permissions", 'permissions must be a list of SystemPermission values, got "ManageCluster"'],
    [
      "misspelt permission",
      "organization",
      { ...org, permissions: ["ManageUser"] },
      "permissions",
      "permissions 'ManageUser' is not one of the OrganizationPermission values (did you mean 'ManageUsers'?). Valid values are listed in the README and exported as 'organizationPermissions' from pulumi-logscale-tokens",
    ],
    [
      "permission in the wrong case",
      "view",
      { ...view, permissions: ["readaccess"] },
      "permissions",
      "permissions 'readaccess' is not one of the Permission values (did you mean 'ReadAccess'?)",
    ],
    [
      "permission of another kind",
      "organization",
      { ...org, permissions: ["ReadAccess"] },
      "permissions",
      "permissions 'ReadAccess' is a permission of ViewPermissionsToken (Permission), not of OrgPermissionsToken",
    ],
    [
      "unknown permission without a near match",
      "system",
      { ...system, permissions: ["Everything"] },
      "permissions",
      "permissions 'Everything' is not one of the SystemPermission values. Valid values are listed in the README and exported as 'systemPermissions'",
    ],
    ["non-string permission", "organization", { ...org, permissions: [7] }, "permissions", "permissions item 0 must be a string, got number 7"],
    ["malformed date", "organization", { ...org, expireAt: "next tuesday" }, "expireAt", 'expireAt must be an ISO-8601 date or date-time with a time zone, e.g. "2027-06-30T00:00:00Z", or epoch milliseconds; got "next tuesday"'],
    ["date-time without time zone", "organization", { ...org, expireAt: "2027-06-30T00:00:00" }, "expireAt", "(add a time zone, e.g. a trailing Z for UTC)"],
    ["impossible date", "organization", { ...org, expireAt: "2027-02-30T00:00:00Z" }, "expireAt", 'expireAt is not a real date: "2027-02-30T00:00:00Z"'],
    ["impossible time", "organization", { ...org, expireAt: "2027-06-30T24:30:00Z" }, "expireAt", 'expireAt is not a real date: "2027-06-30T24:30:00Z"'],
    ["epoch seconds", "organization", { ...org, expireAt: 1_814_313_600 }, "expireAt", "expireAt looks like epoch seconds (1814313600); expireAt takes epoch milliseconds (1814313600000)"],
    ["fractional epoch", "organization", { ...org, expireAt: 1.5e12 + 0.5 }, "expireAt", "expireAt must be a positive whole number of epoch milliseconds"],
    ["past date on a new token", "system", { ...system, expireAt: "2020-01-01T00:00:00Z" }, "expireAt", "expireAt 2020-01-01T00:00:00.000Z is in the past (now is 2026-11-23T12:00:00.000Z); a new token needs a future date"],
    ["empty IP filter id", "organization", { ...org, ipFilterId: "" }, "ipFilterId", 'ipFilterId must be the id of an IP filter (a non-empty string), got ""'],
    ["view token without views", "view", { name: "r", permissions: ["ReadAccess"] }, "viewIds", "viewIds or viewNames is required: the views and repositories the token may use, by id or by name"],
    ["view token with no views", "view", { ...view, viewIds: [] }, "viewIds", "viewIds must name at least one view or repository id"],
    ["duplicate view ids", "view", { ...view, viewIds: ["v1", "v2", "v1"] }, "viewIds", "viewIds lists 'v1' more than once"],
    ["empty view id", "view", { ...view, viewIds: ["v1", ""] }, "viewIds", 'viewIds item 1 must be a non-empty view or repository id, got ""'],
    [
      "bad asset permission",
      "view",
      { ...view, assetPermissionAssignments: [{ assetResourceIdentifier: "searchdomain/a/dashboard/b", permissions: ["Read"] }] },
      "assetPermissionAssignments",
      "assetPermissionAssignments item 0.permissions.0 is invalid: each item needs a non-empty assetResourceIdentifier and permissions from UpdateAsset, DeleteAsset",
    ],
    ["view property on an org token", "organization", { ...org, viewIds: ["v1"] }, "viewIds", "OrgPermissionsToken has no property 'viewIds' (only ViewPermissionsToken has 'viewIds')"],
    ["misspelt property", "system", { ...system, permission: ["ManageCluster"] }, "permission", "SystemPermissionsToken has no property 'permission'; did you mean 'permissions'?"],
    ["connection URL without scheme", "organization", { ...org, connection: { url: "logscale.example.com", token: "t0ken" } }, "connection", "connection url must be an absolute http:// or https:// URL"],
    ["connection token with a newline", "organization", { ...org, connection: { url: "https://x", token: "abc\n" } }, "connection", "connection token must not contain whitespace or line breaks (was it pasted with a trailing newline?)"],
    ["connection with an unknown field", "organization", { ...org, connection: { url: "https://x", token: "abc", tls: true } }, "connection", "connection must be { url, token, organization?, insecure?, caCertificate?, proxy? }; 'tls' is invalid"],
    [
      "connection organization Node would refuse as a header",
      "organization",
      { ...org, connection: { url: "https://x", token: "abc", organization: "Acme 組織" } },
      "connection",
      "connection organization must contain only printable ASCII characters (letters, digits, punctuation, spaces), as it is sent as the ProxyOrganization HTTP header; character 6, '組' (U+7D44), is not",
    ],
    ["connection token with a non-ASCII character", "organization", { ...org, connection: { url: "https://x", token: "tokén" } }, "connection", "connection token must contain only visible ASCII characters, as it is sent in the Authorization header; character 4 is not"],
    ["connection proxy that is no HTTP proxy", "organization", { ...org, connection: { url: "https://x", token: "abc", proxy: "socks5://proxy.example.com:1080" } }, "connection", "connection proxy must be an http:// or https:// URL such as http://proxy.example.com:3128 (with user:password@ before the host if the proxy wants credentials); socks5 proxies are not supported"],
  ];

  it.each(cases)("%s", (_label, kind, news, property, message) => {
    const failures = failuresOf(kind, news);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(property);
    expect(failures[0]?.reason).toContain(message);
  });

  it("reports every problem at once", () => {
    const failures = failuresOf("view", { name: "", permissions: ["Nope"], viewIds: [] });
    expect(failures.map((failure) => failure.property)).toEqual(["name", "permissions", "viewIds"]);
  });

  it("never quotes a connection token in a failure", () => {
    const secret = "super-secret-api-token";
    for (const connection of [
      { url: secret, token: secret },
      { url: "https://x", token: `${secret}\n` },
      { url: "https://x", token: `${secret}é` },
      { url: "https://x", token: secret, extra: secret },
      { url: "https://x", token: "abc", proxy: `socks5://user:${secret}@proxy.example.com:1080` },
      { url: "https://x", token: "abc", proxy: `http://user:${secret}@proxy.example.com:3128/path` },
    ]) {
      const failures = failuresOf("organization", { ...org, connection });
      expect(failures).toHaveLength(1);
      expect(JSON.stringify(failures)).not.toContain(secret);
    }
  });
});

describe("check() canonicalises, so equal intent is never a change", () => {
  it("sorts and deduplicates permissions and view ids", () => {
    const { inputs, failures } = checkTokenInputs("view", {}, { ...view, permissions: ["ReadAccess", "ChangeDashboards", "ReadAccess"], viewIds: ["v2", "v1"] }, now);
    expect(failures).toEqual([]);
    expect(inputs).toEqual({ name: "reader", permissions: ["ChangeDashboards", "ReadAccess"], viewIds: ["v1", "v2"] });
  });

  it("reads expireAt as ISO-8601 (with any zone, or a date) or epoch milliseconds", () => {
    for (const expireAt of [future, "2027-06-30T02:00:00+02:00", "2027-06-30", futureMs]) {
      expect(checkTokenInputs("organization", {}, { ...org, expireAt }, now).inputs["expireAt"]).toBe(futureMs);
    }
  });

  it("accepts an empty permission list (a token that can do nothing yet)", () => {
    expect(checkTokenInputs("organization", {}, { ...org, permissions: [] }, now)).toEqual({ inputs: { ...org, permissions: [] }, failures: [] });
  });

  it("drops the provider key and absent optional inputs", () => {
    const { inputs } = checkTokenInputs("system", {}, { ...system, __provider: "serialized", expireAt: null, ipFilterId: undefined }, now);
    expect(inputs).toEqual(system);
  });
});

describe("check() during preview", () => {
  it("passes unknown (computed) values through untouched", () => {
    const news = { name: unknownValue, permissions: unknownValue, viewIds: [unknownValue, "v1"], ipFilterId: unknownValue, expireAt: unknownValue };
    const { inputs, failures } = checkTokenInputs("view", {}, news, now);
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ name: unknownValue, permissions: unknownValue, ipFilterId: unknownValue, expireAt: unknownValue });
    expect(inputs["viewIds"]).toEqual(expect.arrayContaining([unknownValue, "v1"]));
  });

  it("validates the known items of a list holding unknowns", () => {
    expect(failuresOf("organization", { ...org, permissions: [unknownValue, "Nope"] })[0]?.property).toBe("permissions");
  });
});

describe("a past expireAt", () => {
  const past = Date.parse("2026-01-01T00:00:00Z");
  const existing = { ...org, expireAt: past };

  it("is accepted while unchanged on an existing token (it shows as expired on refresh instead)", () => {
    expect(failuresOf("organization", { ...org, expireAt: past }, existing)).toEqual([]);
  });

  it("is accepted when only permissions change (updated in place, nothing created)", () => {
    expect(failuresOf("organization", { ...org, permissions: ["ViewUsage"], expireAt: past }, existing)).toEqual([]);
  });

  it("is refused when it changes to another past date", () => {
    expect(failuresOf("organization", { ...org, expireAt: past - 1000 }, existing)[0]?.property).toBe("expireAt");
  });

  it("is refused when another change would create a replacement with it", () => {
    expect(failuresOf("organization", { ...org, name: "renamed", expireAt: past }, existing)[0]?.reason).toContain("is in the past");
  });
});
