/** Property values between the engine's wire form and plain objects: secrets and unknowns. */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { specialSecretSig, specialSigKey, unknownValue as sdkUnknown } from "@pulumi/pulumi/runtime/rpc";
import { unknownValue } from "../../provider/core/unknown";
import { fromWire, toWire } from "../../provider/serving/plugin/wire";
import { plain, secretKeys, struct } from "./support";

describe("fromWire", () => {
  it("unwraps secrets at any depth and names the top-level properties that held one", () => {
    const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
    const wire = Struct.fromJavaScript({
      name: "ci",
      connection: secret({ url: "https://x", token: "t" }),
      permissions: ["ViewUsage", secret("ManageUsers")],
    } as Parameters<typeof Struct.fromJavaScript>[0]);
    const { values, secrets } = fromWire(wire);
    expect(values).toEqual({ name: "ci", connection: { url: "https://x", token: "t" }, permissions: ["ViewUsage", "ManageUsers"] });
    expect([...secrets].sort()).toEqual(["connection", "permissions"]);
  });

  it("reads an absent Struct as no properties (a Read for import)", () => {
    expect(fromWire(undefined)).toEqual({ values: {}, secrets: new Set() });
  });

  it("keeps the engine's unknown sentinel as the core's", () => {
    expect(unknownValue).toBe(sdkUnknown);
    expect(fromWire(struct({ viewIds: [sdkUnknown] })).values).toEqual({ viewIds: [unknownValue] });
  });
});

describe("toWire", () => {
  it("wraps the named properties as secrets and leaves undefined values out", () => {
    const wire = toWire({ token: "id~secret", name: "ci", expireAt: undefined, views: [{ id: "v1", name: undefined }] }, new Set(["token", "absent"]));
    expect(secretKeys(wire)).toEqual(["token"]);
    expect(wire.toJavaScript()).not.toHaveProperty("expireAt");
    expect(plain(wire)).toEqual({ token: "id~secret", name: "ci", views: [{ id: "v1" }] });
  });

  it("round-trips: what was secret coming in is secret going out", () => {
    const incoming = fromWire(struct({ name: "ci", viewNames: ["dashboards"] }, ["viewNames"]));
    expect(secretKeys(toWire(incoming.values, incoming.secrets))).toEqual(["viewNames"]);
  });
});
