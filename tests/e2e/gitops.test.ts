/**
 * examples/gitops/ run as a team runs it, against the emulator: a copy of the example with its
 * node_modules, a file state backend, and the real `pulumi` CLI in the folder (no Automation
 * API), with the commands its README and CI workflows give. Up staging from its YAML; edit the
 * YAML (a permission added, a token added, one removed), preview shows exactly that, up; change
 * one token and delete another behind Pulumi's back, the nightly drift check fails and its
 * summary names both; `up --refresh` repairs; the drift check passes. The pull request's plan
 * (ci/plan.sh) renders the edit per token, and its raw preview shows durations as written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { adminToken, control, graphql, requestLog, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { createGitopsWorkspace, exampleDir, expectSuccess, type GitopsWorkspace, type Run } from "../support/gitops";

jest.setTimeout(600_000);

const stack = ["--stack", "staging"];

let emulator: RunningEmulator;
let workspace: GitopsWorkspace;
let scratch: string;
let stepSummary: string;
/** The pull request's plan of the edit, as ci/plan.sh wrote it. */
let planMarkdown = "";

interface PreviewJson {
  readonly steps: { readonly op: string; readonly urn: string }[];
  readonly changeSummary: Record<string, number>;
}

function previewOf(run: Run): PreviewJson {
  expectSuccess(run);
  return JSON.parse(run.stdout) as PreviewJson;
}

/**
 * `pulumi up` as the deploy job runs it, then its resource counts from `pulumi stack history --json`.
 * Not `up --json`: with CLI 3.259 its event stream carries the Node SDK's debug messages, which
 * print each created token's secret in plain text (see examples/gitops/README.md).
 */
async function up(...args: string[]): Promise<Record<string, number>> {
  const run = await workspace.pulumi(["up", "--yes", ...args, ...stack]);
  expectSuccess(run);
  expect(run.stdout).toContain("Resources:");
  const history = await workspace.pulumi(["stack", "history", "--json", "--page-size", "1", ...stack]);
  expectSuccess(history);
  const [latest] = JSON.parse(history.stdout) as { kind: string; result: string; resourceChanges: Record<string, number> }[];
  expect(latest).toMatchObject({ kind: "update", result: "succeeded" });
  return latest?.resourceChanges ?? {};
}

/** Token steps as "op name", e.g. "update ciDeployer", sorted. */
function tokenSteps(preview: PreviewJson): string[] {
  return preview.steps
    .filter((step) => step.op !== "refresh" && step.op !== "same" && step.urn.includes("dynamic/logscale:"))
    .map((step) => `${step.op} ${step.urn.split("::").pop() ?? ""}`)
    .sort();
}

async function outputs(showSecrets = false): Promise<Record<string, string>> {
  const run = await workspace.pulumi(["stack", "output", "--json", ...stack, ...(showSecrets ? ["--show-secrets"] : [])]);
  expectSuccess(run);
  return JSON.parse(run.stdout) as Record<string, string>;
}

async function tokensByName(): Promise<Map<string, { id: string; permissions: string[] }>> {
  return new Map((await storedTokens(emulator.url)).map((token) => [token.name, { id: token.id, permissions: [...token.permissions].sort() }]));
}

function stateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? stateFiles(full) : [full];
  });
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-gitops-summary-"));
  stepSummary = path.join(scratch, "step-summary.md");
  // As GitHub Actions gives it to every step: the drift check appends its report there.
  workspace = createGitopsWorkspace({ GITHUB_STEP_SUMMARY: stepSummary });
  // The README's setup of a stack, against the emulator.
  expectSuccess(await workspace.pulumi(["stack", "init", "staging"]));
  expectSuccess(await workspace.pulumi(["config", "set", "logscale:url", emulator.url, ...stack]));
  expectSuccess(await workspace.pulumi(["config", "set", "--secret", "logscale:token", ...stack], adminToken));
});

afterAll(async () => {
  await emulator?.stop();
  workspace?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the GitOps example against the emulator", () => {
  let firstIds: Record<string, string>;

  it("the pull-request check and the preview reject a bad token file before anything reaches LogScale, naming file, token and field", async () => {
    const good = workspace.readTokens("staging");
    workspace.writeTokens("staging", good.replace("permissions: [CreateRepository, ViewUsage]", "permissions: [CreateRepository, ViewUsages]"));
    const problem = "tokens/staging.yaml:9: token 'ciDeployer', field 'permissions[1]': 'ViewUsages' is not a permission of organization tokens (did you mean 'ViewUsage'?)";

    // As the example's README shows it.
    expect(readFileSync(path.join(exampleDir, "README.md"), "utf8")).toContain(`  - ${problem}\n`);

    const check = await workspace.run("npm", ["run", "--silent", "check-tokens"]);
    expect(check.status).toBe(1);
    expect(check.output).toContain(problem);
    expect(check.output).toContain("tokens/production.yaml: 3 tokens OK");

    await control(emulator.url, "DELETE", "requests");
    const preview = await workspace.pulumi(["preview", ...stack]);
    expect(preview.status).not.toBe(0);
    expect(preview.output).toContain(problem);
    expect(await requestLog(emulator.url)).toEqual([]);
    workspace.writeTokens("staging", good);

    const fixed = await workspace.run("npm", ["run", "--silent", "check-tokens"]);
    expectSuccess(fixed);
    expect(fixed.stdout).toBe("tokens/production.yaml: 3 tokens OK\ntokens/staging.yaml: 4 tokens OK\n");
    // The pull-request job's other check: the example compiles with its own tsconfig against the installed package.
    expectSuccess(await workspace.run("npm", ["run", "--silent", "typecheck"]));
  });

  it("pulumi up makes LogScale hold the tokens of tokens/staging.yaml, their ids and secrets as stack outputs", async () => {
    expect(await up()).toEqual({ create: 5 });
    const stored = await tokensByName();
    expect([...stored.keys()].sort()).toEqual(["staging-alert-manager", "staging-ci-deployer", "staging-cluster-monitor", "staging-dashboards-reader"]);
    expect(stored.get("staging-ci-deployer")?.permissions).toEqual(["CreateRepository", "ViewUsage"]);

    firstIds = await outputs();
    const keys = ["alertManager", "ciDeployer", "clusterMonitor", "dashboardsReader"];
    expect(Object.keys(firstIds).sort()).toEqual(keys.flatMap((key) => [`${key}Token`, `${key}TokenId`]).sort());
    for (const key of keys) {
      expect(firstIds[`${key}Token`]).toBe("[secret]");
      expect([...stored.values()].some((token) => token.id === firstIds[`${key}TokenId`])).toBe(true);
    }
  });

  it("an edited token file (a permission added, a token added, one removed) previews as exactly those changes, and up applies them", async () => {
    const edited = workspace
      .readTokens("staging")
      .replace("permissions: [CreateRepository, ViewUsage]", "permissions: [CreateRepository, ViewUsage, ManageUsers]")
      .replace(/\n {2}clusterMonitor:\n(?: {4}.*\n)+/, "\n")
      .concat("\n  ingestFeeder:\n    kind: view\n    name: staging-ingest-feeder\n    views: [staging-logs]\n    permissions: [ChangeIngestFeeds]\n");
    expect(edited).not.toContain("clusterMonitor");
    workspace.writeTokens("staging", edited);

    const preview = previewOf(await workspace.pulumi(["preview", "--json", ...stack]));
    expect(preview.changeSummary).toEqual({ update: 1, create: 1, delete: 1, same: 3 });
    expect(tokenSteps(preview)).toEqual(["create ingestFeeder", "delete clusterMonitor", "update ciDeployer"]);

    // The pull request's plan, as the preview workflow makes it: per token, by key, in the job summary.
    const plan = await workspace.run("bash", ["ci/plan.sh", "staging"]);
    expectSuccess(plan);
    const planned = readFileSync(path.join(workspace.dir, "plan-staging.md"), "utf8");
    expect(planned).toBe(
      [
        "## LogScale tokens in `staging`: 3 tokens change",
        "",
        "- ciDeployer: permissions +ManageUsers",
        "- clusterMonitor: deleted: whatever uses it stops working",
        "- ingestFeeder: new view token on staging-logs, never expires; permissions ChangeIngestFeeds",
        "",
        "2 other tokens unchanged.",
        "",
      ].join("\n"),
    );
    expect(readFileSync(stepSummary, "utf8")).toBe(planned);
    planMarkdown = planned;
    // Then the raw preview in the job log, durations as the file writes them.
    expect(plan.stdout.startsWith(planned)).toBe(true);
    expect(plan.stdout).toContain("pulumi preview --diff --stack staging:");
    expect(plan.stdout).toMatch(/^\s+expiresIn\s+: "90d"$/m);
    expect(plan.stdout).toMatch(/^\s+rotateBeforeExpiry: "14d"$/m);
    rmSync(stepSummary, { force: true });

    expect(await up()).toEqual({ update: 1, create: 1, delete: 1, same: 3 });
    const stored = await tokensByName();
    expect([...stored.keys()].sort()).toEqual(["staging-alert-manager", "staging-ci-deployer", "staging-dashboards-reader", "staging-ingest-feeder"]);
    // In place: the same token, so consumers keep their secret.
    expect(stored.get("staging-ci-deployer")).toEqual({ id: firstIds["ciDeployerTokenId"], permissions: ["CreateRepository", "ManageUsers", "ViewUsage"] });
    const after = await outputs();
    expect(after["ingestFeederTokenId"]).toBe(stored.get("staging-ingest-feeder")?.id);
    expect(after["clusterMonitorTokenId"]).toBeUndefined();
  });

  it("the nightly drift check passes while LogScale matches the repository", async () => {
    const check = await workspace.run("bash", ["ci/drift-check.sh", "staging"]);
    expectSuccess(check);
    expect(check.stdout).toBe("## LogScale tokens in `staging`: no drift\n\nAll 4 tokens match LogScale and the repository.\n");
  });

  describe("drift made behind Pulumi's back", () => {
    let drift: Run;

    beforeAll(async () => {
      const ids = await outputs();
      // What an operator with an admin token might do in LogScale's UI or API.
      await graphql(emulator.url, "mutation($id: String!) { updateOrganizationPermissionsTokenPermissions(input: { id: $id, permissions: [ViewUsage] }) }", {
        id: ids["ciDeployerTokenId"],
      });
      await graphql(emulator.url, "mutation($id: String!) { deleteToken(input: { id: $id }) }", { id: ids["alertManagerTokenId"] });
      rmSync(stepSummary, { force: true });
      drift = await workspace.run("bash", ["ci/drift-check.sh", "staging"]);
    });

    it("fails the nightly drift check", () => {
      expect(drift.status).not.toBe(0);
      expect(drift.stderr).toContain("no changes were expected for preview but changes were proposed");
    });

    it("names the changed and the deleted token in its summary, one line each, and nothing else", () => {
      const lines = drift.stdout.split("\n");
      expect(lines[0]).toBe("## LogScale tokens in `staging`: drift");
      expect(drift.stdout).toContain("2 of 4 tokens were changed or deleted in LogScale outside Pulumi.");
      expect(lines.filter((line) => line.startsWith("- "))).toEqual([
        "- alertManager: deleted in LogScale; `pulumi up` creates it again: new secret, consumers need it",
        "- ciDeployer: changed in LogScale: permissions \u2212CreateRepository \u2212ManageUsers; `pulumi up` sets it back to what the repository says",
      ]);
    });

    it("is the report the example's README shows for the same steps, after the plan it shows for the edit", () => {
      const readme = readFileSync(path.join(exampleDir, "README.md"), "utf8");
      const shown = [...readme.matchAll(/```markdown\n([\s\S]*?)```/g)].map((match) => match[1]);
      expect(planMarkdown).not.toBe("");
      expect(shown).toEqual([planMarkdown, drift.stdout]);
    });

    it("appends the same summary to the job summary", () => {
      expect(readFileSync(stepSummary, "utf8")).toBe(`${drift.stdout}`);
    });

    it("pulumi up --refresh repairs both: the changed token in place, the deleted one anew", async () => {
      const before = await outputs();
      expect(await up("--refresh")).toEqual({ update: 1, create: 1, same: 3 });
      const stored = await tokensByName();
      expect(stored.get("staging-ci-deployer")).toEqual({ id: before["ciDeployerTokenId"], permissions: ["CreateRepository", "ManageUsers", "ViewUsage"] });
      const after = await outputs();
      expect(after["alertManagerTokenId"]).not.toBe(before["alertManagerTokenId"]);
      expect(stored.get("staging-alert-manager")?.id).toBe(after["alertManagerTokenId"]);
    });

    it("after which the nightly drift check passes", async () => {
      rmSync(stepSummary, { force: true });
      const check = await workspace.run("bash", ["ci/drift-check.sh", "staging"]);
      expectSuccess(check);
      expect(check.stdout).toBe("## LogScale tokens in `staging`: no drift\n\nAll 4 tokens match LogScale and the repository.\n");
      expect(readFileSync(stepSummary, "utf8")).toBe(check.stdout);
    });
  });

  it("kept every secret out of the state files, the stack file and everything the commands printed", async () => {
    const revealed = await outputs(true);
    // Named by output, so that a failure says where a secret leaked without printing it.
    const secrets = Object.entries(revealed)
      .filter(([, value]) => value.includes("~"))
      .map(([name, value]) => ({ name, secret: value.split("~")[1] ?? "" }));
    secrets.push({ name: "the API token", secret: adminToken });
    expect(secrets.map(({ name }) => name).sort()).toEqual(["alertManagerToken", "ciDeployerToken", "dashboardsReaderToken", "ingestFeederToken", "the API token"]);
    expect(secrets.every(({ secret }) => secret.length >= 20)).toBe(true);
    const files = [...stateFiles(workspace.backendDir), path.join(workspace.dir, "Pulumi.staging.yaml")].map((file) => readFileSync(file, "utf8"));
    expect(files.some((text) => text.includes(revealed["ciDeployerTokenId"] ?? "no id"))).toBe(true);
    const transcript = workspace.transcript();
    expect(transcript).toContain("no changes were expected for preview but changes were proposed");
    const leaks = secrets.flatMap(({ name, secret }) => [
      ...(files.some((text) => text.includes(secret)) ? [`${name} in the state or stack file`] : []),
      ...(transcript.includes(secret) ? [`${name} in the commands' output`] : []),
    ]);
    expect(leaks).toEqual([]);
  });
});
