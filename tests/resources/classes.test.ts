/**
 * The resource classes under pulumi.runtime.setMocks: what each registers with the engine.
 * Mocks never call provider methods, but serialization of the provider does run.
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
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, tokenId: `${args.name}-id`, token: `${args.name}-id~s3cr3t` } }),
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

  it("expose the outputs the engine returns", async () => {
    const system = new SystemPermissionsToken("outputs", { name: "ops", permissions: ["ManageCluster"] });
    expect(await valueOf(system.tokenId)).toBe("outputs-id");
    expect(await valueOf(system.name)).toBe("ops");
    expect(await valueOf(system.permissions)).toEqual(["ManageCluster"]);
  });
});
