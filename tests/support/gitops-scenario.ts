/**
 * A GitOps example run as a team runs it, against the emulator: a copy of the example with its
 * node_modules, a file state backend, and the real `pulumi` CLI in the stack's folder (no
 * Automation API), with the commands its README and CI workflows give. Up staging; edit its
 * tokens (a permission added, a token added, one removed), preview shows exactly that and the
 * pull request's plan (ci/plan.sh) renders it per token, its raw preview showing durations as
 * written; up; change one token and delete another behind Pulumi's back, the nightly drift check
 * fails and its summary names both; `up --refresh` repairs; the drift check passes; no secret
 * anywhere; destroy leaves no token. One scenario for both flavours (tests/e2e/gitops.test.ts,
 * tests/e2e/gitops-yaml.test.ts), each with what only it has.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { adminToken, graphql, type RunningEmulator, startTestEmulator, storedTokens } from "./emulator";
import { createGitopsWorkspace, exampleDirOf, expectSuccess, type GitopsFlavour, type GitopsWorkspace, type Run } from "./gitops";

export interface GitopsContext {
  readonly emulator: RunningEmulator;
  readonly workspace: GitopsWorkspace;
  /** Where the commands append their job summary, as GitHub Actions gives it to every step. */
  readonly stepSummary: string;
  /** A folder of the test's own, removed afterwards. */
  readonly scratch: string;
}

export interface GitopsScenario {
  readonly flavour: GitopsFlavour;
  /** The pull request's edit to staging's tokens: ManageUsers added to ciDeployer, clusterMonitor removed, ingestFeeder added. */
  editStaging(text: string): string;
  /** Lines the raw `pulumi preview --diff` of the edit shows in the job log, below the plan. */
  readonly rawDiff: readonly RegExp[];
  /** Added to every command's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Once the stack is set up, before any test (e.g. installing the plugin). */
  prepare?(context: GitopsContext): Promise<void>;
  /** Tests of this flavour alone, run before the first `up`. */
  beforeUp?(context: () => GitopsContext): void;
}

interface PreviewJson {
  readonly steps: { readonly op: string; readonly urn: string }[];
  readonly changeSummary: Record<string, number>;
}

const stack = ["--stack", "staging"];
/** A token resource's type: the dynamic resources of TypeScript, or the logscale plugin's. */
const tokenType = /::(pulumi-nodejs:dynamic\/logscale|logscale:index):\w+PermissionsToken::/;

export function previewOf(run: Run): PreviewJson {
  expectSuccess(run);
  return JSON.parse(run.stdout) as PreviewJson;
}

/** Token steps as "op name", e.g. "update ciDeployer", sorted. */
export function tokenSteps(preview: PreviewJson): string[] {
  return preview.steps
    .filter((step) => step.op !== "refresh" && step.op !== "same" && tokenType.test(step.urn))
    .map((step) => `${step.op} ${step.urn.split("::").pop() ?? ""}`)
    .sort();
}

function stateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? stateFiles(full) : [full];
  });
}

export function describeGitopsExample(title: string, scenario: GitopsScenario): void {
  let context: GitopsContext | undefined;
  const ctx = (): GitopsContext => {
    if (context === undefined) throw new Error("the scenario's beforeAll did not run");
    return context;
  };
  /** The pull request's plan of the edit, as ci/plan.sh wrote it. */
  let planMarkdown = "";

  /**
   * `pulumi up` as the deploy job runs it, then its resource counts from `pulumi stack history --json`.
   * Not `up --json`: with CLI 3.259 its event stream carries the Node SDK's debug messages, which
   * print each created token's secret in plain text (see examples/gitops/README.md).
   */
  async function up(...args: string[]): Promise<Record<string, number>> {
    const { workspace } = ctx();
    const run = await workspace.pulumi(["up", "--yes", ...args, ...stack]);
    expectSuccess(run);
    expect(run.stdout).toContain("Resources:");
    const history = await workspace.pulumi(["stack", "history", "--json", "--page-size", "1", ...stack]);
    expectSuccess(history);
    const [latest] = JSON.parse(history.stdout) as { kind: string; result: string; resourceChanges: Record<string, number> }[];
    expect(latest).toMatchObject({ kind: "update", result: "succeeded" });
    return latest?.resourceChanges ?? {};
  }

  async function outputs(showSecrets = false): Promise<Record<string, string>> {
    const run = await ctx().workspace.pulumi(["stack", "output", "--json", ...stack, ...(showSecrets ? ["--show-secrets"] : [])]);
    expectSuccess(run);
    return JSON.parse(run.stdout) as Record<string, string>;
  }

  async function tokensByName(): Promise<Map<string, { id: string; permissions: string[] }>> {
    return new Map((await storedTokens(ctx().emulator.url)).map((token) => [token.name, { id: token.id, permissions: [...token.permissions].sort() }]));
  }

  beforeAll(async () => {
    const emulator = await startTestEmulator();
    const scratch = mkdtempSync(path.join(tmpdir(), "logscale-gitops-summary-"));
    const stepSummary = path.join(scratch, "step-summary.md");
    // As GitHub Actions gives it to every step: the plan and the drift check append their report there.
    const workspace = createGitopsWorkspace({ ...scenario.env, GITHUB_STEP_SUMMARY: stepSummary }, scenario.flavour);
    context = { emulator, workspace, stepSummary, scratch };
    // The README's setup of a stack, against the emulator.
    expectSuccess(await workspace.pulumi(["stack", "init", "staging"]));
    expectSuccess(await workspace.pulumi(["config", "set", "logscale:url", emulator.url, ...stack]));
    expectSuccess(await workspace.pulumi(["config", "set", "--secret", "logscale:token", ...stack], adminToken));
    await scenario.prepare?.(context);
  });

  afterAll(async () => {
    await context?.emulator.stop();
    context?.workspace.remove();
    if (context) rmSync(context.scratch, { recursive: true, force: true });
  });

  describe(title, () => {
    let firstIds: Record<string, string>;

    scenario.beforeUp?.(ctx);

    it(`pulumi up makes LogScale hold the tokens of staging's ${path.basename(scenario.flavour.tokensFile("staging"))}, their ids and secrets as stack outputs`, async () => {
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
      const { workspace, stepSummary } = ctx();
      const edited = scenario.editStaging(workspace.readTokens("staging"));
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
      for (const line of scenario.rawDiff) expect(plan.stdout).toMatch(line);
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
      const check = await ctx().workspace.run("bash", ["ci/drift-check.sh", "staging"]);
      expectSuccess(check);
      expect(check.stdout).toBe("## LogScale tokens in `staging`: no drift\n\nAll 4 tokens match LogScale and the repository.\n");
    });

    describe("drift made behind Pulumi's back", () => {
      let drift: Run;

      beforeAll(async () => {
        const { emulator, workspace, stepSummary } = ctx();
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
        const readme = readFileSync(path.join(exampleDirOf(scenario.flavour), "README.md"), "utf8");
        const shown = [...readme.matchAll(/```markdown\n([\s\S]*?)```/g)].map((match) => match[1]);
        expect(planMarkdown).not.toBe("");
        expect(shown).toEqual([planMarkdown, drift.stdout]);
      });

      it("appends the same summary to the job summary", () => {
        expect(readFileSync(ctx().stepSummary, "utf8")).toBe(`${drift.stdout}`);
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
        const { workspace, stepSummary } = ctx();
        rmSync(stepSummary, { force: true });
        const check = await workspace.run("bash", ["ci/drift-check.sh", "staging"]);
        expectSuccess(check);
        expect(check.stdout).toBe("## LogScale tokens in `staging`: no drift\n\nAll 4 tokens match LogScale and the repository.\n");
        expect(readFileSync(stepSummary, "utf8")).toBe(check.stdout);
      });
    });

    it("kept every secret out of the state files, the stack file and everything the commands printed", async () => {
      const { workspace } = ctx();
      const revealed = await outputs(true);
      // Named by output, so that a failure says where a secret leaked without printing it.
      const secrets = Object.entries(revealed)
        .filter(([, value]) => value.includes("~"))
        .map(([name, value]) => ({ name, secret: value.split("~")[1] ?? "" }));
      secrets.push({ name: "the API token", secret: adminToken });
      expect(secrets.map(({ name }) => name).sort()).toEqual(["alertManagerToken", "ciDeployerToken", "dashboardsReaderToken", "ingestFeederToken", "the API token"]);
      expect(secrets.every(({ secret }) => secret.length >= 20)).toBe(true);
      const files = [...stateFiles(workspace.backendDir), workspace.stackFile].map((file) => readFileSync(file, "utf8"));
      expect(files.some((text) => text.includes(revealed["ciDeployerTokenId"] ?? "no id"))).toBe(true);
      const transcript = workspace.transcript();
      expect(transcript).toContain("no changes were expected for preview but changes were proposed");
      const leaks = secrets.flatMap(({ name, secret }) => [
        ...(files.some((text) => text.includes(secret)) ? [`${name} in the state or stack file`] : []),
        ...(transcript.includes(secret) ? [`${name} in the commands' output`] : []),
      ]);
      expect(leaks).toEqual([]);
    });

    it("pulumi destroy deletes every token of the stack", async () => {
      const run = await ctx().workspace.pulumi(["destroy", "--yes", ...stack]);
      expectSuccess(run);
      expect(await storedTokens(ctx().emulator.url)).toEqual([]);
    });
  });
}
