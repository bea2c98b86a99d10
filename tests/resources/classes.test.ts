/**
 * The resource classes under pulumi.runtime.setMocks: what each registers with the engine, and
 * what it exposes of the engine's answer. Mocks never call provider methods, but serialization of
 * the provider does run. The mock answers as the engine would after a create: LogScale's values
 * (which differ from the inputs), and the outputs the request names in additionalSecretOutputs
 * made secret, the one thing the engine does with that list.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgPermissionsToken, SystemPermissionsToken, ViewPermissionsToken } from "../../provider";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
}

const registrations: Registration[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = logscaleAnswer(args.name, args.inputs);
        for (const output of registrationOf(args.name).additionalSecretOutputs) state[output] = pulumi.secret(state[output]);
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
  // The request the SDK sends the engine, as the engine would receive it.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (request: RegisterRequest, callback: unknown) => unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    registrations.push({
      type: request.getType(),
      name: request.getName(),
      inputs: request.getObject()?.toJavaScript() ?? {},
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    });
    return original(request, callback);
  };
});

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getAdditionalsecretoutputsList(): string[];
}

/**
 * What LogScale reports for a created token, unlike what the program asked: its own order of the
 * permissions plus one it adds, an expiry and an IP filter its policy enforces, a creation time,
 * the secret, and for a view token the views with their names.
 */
function logscaleAnswer(name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const asked = Array.isArray(inputs["permissions"]) ? (inputs["permissions"] as string[]) : [];
  const answer: Record<string, unknown> = {
    name: inputs["name"],
    permissions: ["OrganizationOwnedQueries", ...[...asked].sort()],
    expireAt: 1_900_000_000_000,
    createdAt: 1_800_000_000_000,
    ipFilterId: "policy-filter",
    token: `${name}-id~s3cr3t`,
  };
  if (Array.isArray(inputs["viewIds"])) {
    const viewIds = [...(inputs["viewIds"] as string[])].sort();
    return { ...answer, viewIds, views: viewIds.map((id) => ({ id, name: `view ${id}` })), assetPermissionAssignments: [] };
  }
  return answer;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

function registrationOf(name: string): Registration {
  const found = registrations.find((registration) => registration.name === name);
  if (!found) throw new Error(`no registration for ${name}`);
  return found;
}

describe("resource classes", () => {
  it("register their own type tokens", async () => {
    const org = new OrgPermissionsToken("org", { name: "ci", permissions: ["ManageUsers", "ViewUsage"] });
    const view = new ViewPermissionsToken("view", { name: "reader", viewIds: ["abc123", "def456"], permissions: ["ReadAccess"] });
    const system = new SystemPermissionsToken("system", { name: "ops", permissions: ["ViewOrganizations", "ManageOrganizations"] });
    await Promise.all([valueOf(org.urn), valueOf(view.urn), valueOf(system.urn)]);
    expect(registrationOf("org").type).toBe("pulumi-nodejs:dynamic/logscale:OrgPermissionsToken");
    expect(registrationOf("view").type).toBe("pulumi-nodejs:dynamic/logscale:ViewPermissionsToken");
    expect(registrationOf("system").type).toBe("pulumi-nodejs:dynamic/logscale:SystemPermissionsToken");
  });

  it("mark token as a secret output, merged with the user's own (connection is a secret input, so its output is secret too)", async () => {
    const token = new OrgPermissionsToken("secret-outputs", { name: "ci", permissions: [] }, { additionalSecretOutputs: ["name"] });
    await valueOf(token.urn);
    // The engine makes these secret (the mock engine does not; tests/e2e checks the real one).
    expect(registrationOf("secret-outputs").additionalSecretOutputs.sort()).toEqual(["name", "token"]);
  });

  it("send the inputs as given, plus the serialized provider", async () => {
    const view = new ViewPermissionsToken("inputs", {
      name: "reader",
      viewIds: ["abc123", "def456"],
      permissions: ["ReadAccess"],
      expireAt: "2027-06-30T00:00:00Z",
      ipFilterId: pulumi.output("filter-1"),
      assetPermissionAssignments: [{ assetResourceIdentifier: "searchdomain/abc123/dashboard/d1", permissions: ["UpdateAsset"] }],
    });
    await valueOf(view.urn);
    const { inputs } = registrationOf("inputs");
    expect(inputs).toMatchObject({
      name: "reader",
      viewIds: ["abc123", "def456"],
      permissions: ["ReadAccess"],
      expireAt: "2027-06-30T00:00:00Z",
      ipFilterId: "filter-1",
      assetPermissionAssignments: [{ assetResourceIdentifier: "searchdomain/abc123/dashboard/d1", permissions: ["UpdateAsset"] }],
    });
    expect(inputs["__provider"]).toBe('exports.handler=()=>require("pulumi-logscale-tokens/internal/provider/view");');
    expect(Object.keys(inputs).sort()).toEqual(["__provider", "assetPermissionAssignments", "expireAt", "ipFilterId", "name", "permissions", "viewIds"]);
  });

  it("make a connection input secret even when the caller did not", async () => {
    const org = new OrgPermissionsToken("with-connection", {
      name: "ci",
      permissions: ["ViewUsage"],
      connection: { url: "https://other.example.com", token: "plain-api-token" },
    });
    await valueOf(org.urn);
    const connection = registrationOf("with-connection").inputs["connection"] as Record<string, unknown>;
    expect(connection["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270"); // the secret signature
  });

  it("store one line per kind as __provider: the module the provider host evaluates", async () => {
    const org = new OrgPermissionsToken("provider-org", { name: "ci", permissions: ["ViewUsage"] });
    const system = new SystemPermissionsToken("provider-system", { name: "ops", permissions: ["ManageCluster"] });
    await Promise.all([valueOf(org.urn), valueOf(system.urn)]);
    expect(registrationOf("provider-org").inputs["__provider"]).toBe('exports.handler=()=>require("pulumi-logscale-tokens/internal/provider/organization");');
    expect(registrationOf("provider-system").inputs["__provider"]).toBe('exports.handler=()=>require("pulumi-logscale-tokens/internal/provider/system");');
  });

  it("expose LogScale's values from the engine's answer, not the inputs, with token secret", async () => {
    const system = new SystemPermissionsToken("outputs", { name: "ops", permissions: ["ManageCluster", "DeleteOrganizations"] });
    expect(await valueOf(system.tokenId)).toBe("outputs-id");
    expect(await valueOf(system.name)).toBe("ops");
    expect(await valueOf(system.permissions)).toEqual(["OrganizationOwnedQueries", "DeleteOrganizations", "ManageCluster"]);
    expect(await valueOf(system.expireAt)).toBe(1_900_000_000_000);
    expect(await valueOf(system.createdAt)).toBe(1_800_000_000_000);
    expect(await valueOf(system.ipFilterId)).toBe("policy-filter");
    expect(await valueOf(system.token)).toBe("outputs-id~s3cr3t");
    expect(await pulumi.isSecret(system.token)).toBe(true);
    expect(await pulumi.isSecret(system.name)).toBe(false);
    expect(await pulumi.isSecret(system.permissions)).toBe(false);
  });

  it("expose a view token's views as the engine answers them", async () => {
    const view = new ViewPermissionsToken("view-outputs", { name: "reader", viewIds: ["def456", "abc123"], permissions: ["ReadAccess"] });
    expect(await valueOf(view.viewIds)).toEqual(["abc123", "def456"]);
    expect(await valueOf(view.views)).toEqual([
      { id: "abc123", name: "view abc123" },
      { id: "def456", name: "view def456" },
    ]);
    expect(await valueOf(view.permissions)).toEqual(["OrganizationOwnedQueries", "ReadAccess"]);
    expect(await valueOf(view.assetPermissionAssignments)).toEqual([]);
    expect(await pulumi.isSecret(view.token)).toBe(true);
  });
});
