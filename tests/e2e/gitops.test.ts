/**
 * examples/gitops/ (TypeScript, tokens in tokens/<stack>.yaml) run as a team runs it, against the
 * emulator: the scenario both GitOps examples share (tests/support/gitops-scenario.ts), after
 * what only this flavour has: the token files checked before anything reaches LogScale, by the
 * pull-request job's `npm run check-tokens` and by the preview, and the example's typecheck.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { control, requestLog } from "../support/emulator";
import { exampleDir, expectSuccess, typescriptGitops } from "../support/gitops";
import { describeGitopsExample } from "../support/gitops-scenario";

jest.setTimeout(600_000);

describeGitopsExample("the GitOps example against the emulator", {
  flavour: typescriptGitops,
  editStaging: (text) =>
    text
      .replace("permissions: [CreateRepository, ViewUsage]", "permissions: [CreateRepository, ViewUsage, ManageUsers]")
      .replace(/\n {2}clusterMonitor:\n(?: {4}.*\n)+/, "\n")
      .concat("\n  ingestFeeder:\n    kind: view\n    name: staging-ingest-feeder\n    views: [staging-logs]\n    permissions: [ChangeIngestFeeds]\n"),
  // The dynamic provider's diff lists every input of the updated token: durations as the file writes them.
  rawDiff: [/^\s+expiresIn\s+: "90d"$/m, /^\s+rotateBeforeExpiry: "14d"$/m],
  beforeUp(context) {
    it("the pull-request check and the preview reject a bad token file before anything reaches LogScale, naming file, token and field", async () => {
      const { workspace, emulator } = context();
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
      const preview = await workspace.pulumi(["preview", "--stack", "staging"]);
      expect(preview.status).not.toBe(0);
      expect(preview.output).toContain(problem);
      expect(await requestLog(emulator.url)).toEqual([]);
      workspace.writeTokens("staging", good);

      const fixed = await workspace.run("npm", ["run", "--silent", "check-tokens"]);
      expectSuccess(fixed);
      expect(fixed.stdout).toBe("tokens/production.yaml: 3 tokens OK\ntokens/staging.yaml: 4 tokens OK\n");
      // The pull-request job's other check: the example compiles with its own tsconfig against the
      // installed package. The check Pulumi's runtime makes of the same sources, so `pulumi up` skips it.
      expectSuccess(await workspace.run("npm", ["run", "--silent", "typecheck"], { typechecks: true }));
    });
  },
});
