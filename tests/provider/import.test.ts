/**
 * read() for `pulumi import`: an id and no state. The plugin's Read passes it on as it comes;
 * what read() returns becomes the imported resource's inputs and outputs.
 */
import type { TokenKindName } from "../../provider/core/kinds";
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import { control, graphql, type RunningEmulator, startTestEmulator } from "../support/emulator";
import { configuredProvider } from "./support";

let emulator: RunningEmulator;
let viewId: string;
const providers = {} as Record<TokenKindName, TokenProvider>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  for (const kind of ["organization", "view", "system"] as const) providers[kind] = await configuredProvider(kind, emulator.url);
  const store = await control<{ searchDomains: { id: string; name: string }[] }>(emulator.url, "GET", "store");
  viewId = store.searchDomains.find((domain) => domain.name === "dashboards")!.id;
});
afterAll(async () => {
  await emulator.stop();
});

/** Made by hand with the admin token, as an operator would, with an expiry and an IP filter. */
const byHand: Record<TokenKindName, () => Promise<string>> = {
  organization: () => created("createOrganizationPermissionsTokenV2", "CreateOrganizationPermissionsTokenV2Input", { organizationPermissions: ["ViewUsage", "ManageUsers"] }),
  view: () => created("createViewPermissionsTokenV2", "CreateViewPermissionsTokenV2Input", { viewPermissions: ["ReadAccess"], viewIds: [viewId] }),
  system: () => created("createSystemPermissionsTokenV2", "CreateSystemPermissionTokenV2Input", { systemPermissions: ["ReadHealthCheck"] }),
};

const expireAt = Date.UTC(2031, 0, 1);

async function created(mutation: string, input: string, fields: Record<string, unknown>): Promise<string> {
  const { ipFilters } = await graphql<{ ipFilters: { id: string; name: string }[] }>(emulator.url, "{ ipFilters { id name } }");
  const office = ipFilters.find((filter) => filter.name === "office")!.id;
  const answer = await graphql<Record<string, { token: string }>>(emulator.url, `mutation($input: ${input}!) { ${mutation}(input: $input) { token } }`, {
    input: { name: `imported-${mutation}`, expireAt, ipFilterId: office, ...fields },
  });
  return answer[mutation]!.token.split("~")[0]!;
}

describe.each(["organization", "view", "system"] as const)("read() of a %s token with an id only (pulumi import)", (kind) => {
  it("returns inputs that check() accepts as they are and diff() finds no change in, and an empty token", async () => {
    const provider = providers[kind];
    const id = await byHand[kind]();
    const read = await provider.read(id, {} as TokenOutputs);
    expect(read.id).toBe(id);
    expect(read.props?.token).toBe("");
    expect(read.props?.tokenId).toBe(id);
    const inputs = read.inputs as unknown as Record<string, unknown>;
    expect(inputs["expireAt"]).toBe(expireAt);
    expect(typeof inputs["ipFilterId"]).toBe("string");
    if (kind === "view") expect(inputs["viewIds"]).toEqual([viewId]);
    const checked = await provider.check(inputs, inputs);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual(inputs);
    expect(await provider.diff(id, read.props!, checked.inputs as never)).toMatchObject({ changes: false, replaces: [] });
  });

  it("finds nothing for an id of another kind's token", async () => {
    const other = kind === "organization" ? "system" : "organization";
    const id = await byHand[other]();
    expect(await providers[kind].read(id, {} as TokenOutputs)).toEqual({ id: "" });
  });
});
