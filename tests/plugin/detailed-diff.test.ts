/** The detailed diff the engine shows for a plan the core made. */
import { changedProperties, detailedDiff } from "../../provider/serving/plugin/detailed-diff";
import { unknownValue } from "../../provider/core/unknown";

const olds = { name: "ci", permissions: ["ManageUsers", "ViewUsage"], expiresIn: "30d", rotateBeforeExpiry: "7d" };
const plan = (replaces: string[] = [], changes = true) => ({ changes, replaces });
const asObject = (diff: ReturnType<typeof detailedDiff>) => (diff === undefined ? undefined : Object.fromEntries(diff));

describe("detailedDiff", () => {
  it("shows an added and a removed permission one by one, and a reorder or repeat as nothing", () => {
    expect(asObject(detailedDiff("organization", olds, { ...olds, permissions: ["ViewUsage", "ChangeIPFilters"] }, plan()))).toEqual({
      "permissions[1]": "add",
      "permissions[0]": "delete",
    });
    expect(asObject(detailedDiff("organization", olds, { ...olds, permissions: ["ViewUsage", "ManageUsers", "ViewUsage"] }, plan([], false)))).toEqual({});
  });

  it("view tokens compare what is granted: an umbrella for its trio is no change", () => {
    const view = { name: "r", permissions: ["CreateFiles", "DeleteFiles", "UpdateFiles"], viewIds: ["v1"] };
    expect(asObject(detailedDiff("view", view, { ...view, permissions: ["ChangeFiles"] }, plan([], false)))).toEqual({});
  });

  it("marks permissions replaced when the policy forbids updating them in place", () => {
    expect(asObject(detailedDiff("organization", olds, { ...olds, permissions: ["ManageUsers"] }, plan(["permissions"])))).toEqual({ "permissions[1]": "delete-replace" });
  });

  it("a changed input that forces replacement shows as such", () => {
    expect(asObject(detailedDiff("organization", olds, { ...olds, name: "ci-2" }, plan(["name"])))).toEqual({ name: "update-replace" });
    expect(asObject(detailedDiff("organization", olds, { ...olds, rotationTrigger: "q4" }, plan(["rotationTrigger"])))).toEqual({ rotationTrigger: "add-replace" });
  });

  it("a rotation that is due (expireAt, no input changed) shows no property, but is a detailed diff so the engine adds none of its own", () => {
    expect(asObject(detailedDiff("organization", olds, olds, plan(["expireAt"])))).toEqual({});
    expect(asObject(detailedDiff("organization", olds, { ...olds, permissions: ["ManageUsers", "ViewUsage", "ChangeIPFilters"] }, plan(["expireAt"])))).toEqual({
      "permissions[2]": "add",
    });
  });

  it("a connection that leads elsewhere with the same value shows no property; one that changed does", () => {
    const connected = { ...olds, connection: { url: "https://a", token: "t" } };
    expect(asObject(detailedDiff("organization", connected, connected, plan(["connection"])))).toEqual({});
    expect(asObject(detailedDiff("organization", connected, { ...connected, connection: { url: "https://b", token: "t" } }, plan(["connection"])))).toEqual({
      connection: "update-replace",
    });
    expect(asObject(detailedDiff("organization", connected, { ...connected, connection: { url: "https://a2", token: "t" } }, plan([])))).toEqual({ connection: "update" });
  });

  it("unknown permissions (preview) may all change", () => {
    expect(asObject(detailedDiff("organization", olds, { ...olds, permissions: unknownValue }, plan()))).toEqual({ permissions: "update" });
  });

  it("leaves the engine to show a change no property accounts for (an expired token kept as it is)", () => {
    expect(detailedDiff("organization", olds, olds, plan([], true))).toBeUndefined();
  });
});

describe("changedProperties", () => {
  it("names each top-level property once, sorted", () => {
    expect(changedProperties(new Map([["permissions[2]", "add"], ["permissions[0]", "delete"], ["name", "update-replace"]]))).toEqual(["name", "permissions"]);
  });
});
