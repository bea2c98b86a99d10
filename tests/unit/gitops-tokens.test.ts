/**
 * examples/gitops/tokens.ts: the token files are checked before any resource exists, and a bad
 * one fails naming the file (and line), the token and the field.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

// The example imports the package by name, as a team's repository does; here that name is this
// checkout's own permission lists (the only thing tokens.ts takes from it).
jest.mock("pulumi-logscale-tokens", () => jest.requireActual("../../provider/program/permissions"), { virtual: true });

import { parseTokenFile, TokenFileError } from "../../examples/gitops/tokens";

const exampleDir = path.resolve(__dirname, "../../examples/gitops");

function problemsOf(source: string, file = "tokens/staging.yaml"): readonly string[] {
  try {
    parseTokenFile(file, source);
  } catch (error) {
    if (error instanceof TokenFileError) return error.problems;
    throw error;
  }
  throw new Error("the file was accepted");
}

const valid = `tokens:
  ciDeployer:
    kind: organization
    name: staging-ci-deployer
    permissions: [CreateRepository, ViewUsage]
  reader:
    kind: view
    name: staging-reader
    views: [dashboards]
    permissions: [ReadAccess]
`;

describe("the example's token files", () => {
  it.each([
    ["staging", { ciDeployer: "organization", dashboardsReader: "view", alertManager: "view", clusterMonitor: "system" }],
    ["production", { ciDeployer: "organization", dashboardsReader: "view", auditReader: "view" }],
  ])("tokens/%s.yaml is valid", (stack, kinds) => {
    const file = path.join(exampleDir, "tokens", `${stack}.yaml`);
    const tokens = parseTokenFile(`tokens/${stack}.yaml`, readFileSync(file, "utf8"));
    expect(Object.fromEntries(tokens.map((token) => [token.key, token.kind]))).toEqual(kinds);
  });
});

describe("parseTokenFile", () => {
  it("returns each entry with its key, fields as written", () => {
    const tokens = parseTokenFile("tokens/staging.yaml", valid);
    expect(tokens).toEqual([
      { key: "ciDeployer", kind: "organization", name: "staging-ci-deployer", permissions: ["CreateRepository", "ViewUsage"] },
      { key: "reader", kind: "view", name: "staging-reader", views: ["dashboards"], permissions: ["ReadAccess"] },
    ]);
  });

  it("names the file and line, the token and the field of a misspelt permission, with the closest valid one", () => {
    const source = valid.replace("[CreateRepository, ViewUsage]", "[CreateRepository, ViewUsages]");
    expect(problemsOf(source)).toEqual([
      "tokens/staging.yaml:5: token 'ciDeployer', field 'permissions[1]': 'ViewUsages' is not a permission of organization tokens (did you mean 'ViewUsage'?)",
    ]);
  });

  it("checks permissions against the token's own kind", () => {
    const source = valid.replace("permissions: [ReadAccess]", "permissions: [ManageUsers]");
    expect(problemsOf(source)).toEqual(["tokens/staging.yaml:10: token 'reader', field 'permissions[0]': 'ManageUsers' is not a permission of view tokens"]);
  });

  it("reports every problem of the file at once, in the message too", () => {
    const source = valid.replace("kind: organization", "kind: org").replace("views: [dashboards]", "views: []");
    const problems = problemsOf(source);
    expect(problems).toEqual([
      "tokens/staging.yaml:3: token 'ciDeployer', field 'kind': must be one of 'organization', 'view', 'system'",
      "tokens/staging.yaml:9: token 'reader', field 'views': must name at least one view or repository",
    ]);
    expect(() => parseTokenFile("tokens/staging.yaml", source)).toThrow(`tokens/staging.yaml is not a valid token file:\n  - ${problems[0]}\n  - ${problems[1]}`);
  });

  it("points a missing field at its token", () => {
    const source = valid.replace("    views: [dashboards]\n", "");
    expect(problemsOf(source)).toEqual(["tokens/staging.yaml:7: token 'reader', field 'views': must be a list of view or repository names"]);
  });

  it("rejects an unknown field, suggesting the one meant", () => {
    const source = valid.replace("    name: staging-reader\n", "    name: staging-reader\n    permision: [ReadAccess]\n");
    expect(problemsOf(source)).toEqual(["tokens/staging.yaml:7: token 'reader': unknown field 'permision' (did you mean 'permissions'?)"]);
  });

  it("says that only view tokens have views", () => {
    const source = valid.replace("    name: staging-ci-deployer\n", "    name: staging-ci-deployer\n    views: [dashboards]\n");
    expect(problemsOf(source)).toEqual(["tokens/staging.yaml:3: token 'ciDeployer': unknown field 'views' (only view tokens have views)"]);
  });

  it("checks durations and the fields that need each other", () => {
    const source = valid.replace("    name: staging-ci-deployer\n", "    name: staging-ci-deployer\n    expiresIn: 90 days\n").replace(
      "    name: staging-reader\n",
      "    name: staging-reader\n    rotateBeforeExpiry: 7d\n    rotateOnAdopt: true\n",
    );
    expect(problemsOf(source)).toEqual([
      `tokens/staging.yaml:5: token 'ciDeployer', field 'expiresIn': '90 days' is not a duration such as "90d", "12h", "2w" or "1d12h" (units w, d, h, m)`,
      "tokens/staging.yaml:10: token 'reader', field 'rotateBeforeExpiry': needs expiresIn, the lifetime each new token gets (e.g. expiresIn: \"90d\")",
      "tokens/staging.yaml:11: token 'reader', field 'rotateOnAdopt': needs adoptTokenId, the token to take over",
    ]);
  });

  it("rejects a key that cannot name stack outputs", () => {
    const source = valid.replace("  ciDeployer:", "  ci-deployer:");
    expect(problemsOf(source)).toEqual([
      "tokens/staging.yaml:3: token 'ci-deployer': 'ci-deployer' cannot name a token: use letters and digits starting with a lowercase letter (e.g. ciDeployer), as it becomes the stack outputs <name>Token and <name>TokenId",
    ]);
  });

  it("rejects a token written twice, which YAML would otherwise resolve silently to the second", () => {
    const problems = problemsOf(`${valid}  reader:\n    kind: view\n    name: other\n    views: [dashboards]\n    permissions: [ReadAccess]\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^tokens\/staging\.yaml:11: Map keys must be unique/);
  });

  it("rejects two entries for one LogScale token", () => {
    const source = valid.replace("name: staging-reader", "name: staging-ci-deployer").replace("kind: view", "kind: organization").replace("    views: [dashboards]\n", "").replace("[ReadAccess]", "[ViewUsage]");
    expect(problemsOf(source)).toEqual(["tokens/staging.yaml:8: token 'reader', field 'name': 'staging-ci-deployer' is already the name of token 'ciDeployer' (organization)"]);
  });

  it("names the line of a YAML syntax error", () => {
    const problems = problemsOf("tokens:\n  ci:\n    kind: [organization\n");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^tokens\/staging\.yaml:\d+: /);
  });

  it("requires the tokens map, and accepts an empty one", () => {
    expect(problemsOf("")).toEqual(["tokens/staging.yaml: field 'tokens': must be a map from each token's name in this stack to its fields"]);
    expect(problemsOf("token: {}\n")).toEqual([
      "tokens/staging.yaml:1: field 'tokens': must be a map from each token's name in this stack to its fields",
      "tokens/staging.yaml:1: the file: unknown field 'token'",
    ]);
    expect(parseTokenFile("tokens/staging.yaml", "tokens: {}\n")).toEqual([]);
  });
});
