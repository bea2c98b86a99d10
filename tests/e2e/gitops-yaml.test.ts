/**
 * examples/gitops-yaml/ (Pulumi YAML, environments/<stack>/Pulumi.yaml, through the logscale
 * plugin) run as a team runs it, against the emulator: the plugin packed (`npm run plugin:pack`'s
 * tarball) and installed by the workflows' own ci/install-plugin.sh into the folder's Pulumi home,
 * then the scenario both GitOps examples share (tests/support/gitops-scenario.ts). What only this
 * flavour has: a misspelt permission fails the preview, naming the resource and the property,
 * before anything reaches LogScale.
 */
import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { packPlugin } from "../../scripts/plugin-pack";
import { projectDir } from "../support/consumer";
import { storedTokens } from "../support/emulator";
import { expectSuccess, yamlGitops } from "../support/gitops";
import { describeGitopsExample } from "../support/gitops-scenario";

jest.setTimeout(600_000);

beforeAll(() => {
  if (!existsSync(path.join(projectDir, "dist", "provider", "serving", "plugin", "main.js"))) throw new Error("Run 'npm run build' first: the plugin is packed from dist/.");
});

describeGitopsExample("the GitOps example in Pulumi YAML against the emulator", {
  flavour: yamlGitops,
  // Only the plugin ci/install-plugin.sh installed: none found on PATH or beside the CLI.
  env: { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" },
  editStaging(text) {
    // As a person edits the file: the document's comments and order stay.
    const document = parseDocument(text);
    document.addIn(["resources", "ciDeployer", "properties", "permissions"], "ManageUsers");
    document.deleteIn(["resources", "clusterMonitor"]);
    document.deleteIn(["outputs", "clusterMonitorTokenId"]);
    document.deleteIn(["outputs", "clusterMonitorToken"]);
    document.setIn(["resources", "ingestFeeder"], {
      type: "logscale:index:ViewPermissionsToken",
      properties: { name: "staging-ingest-feeder", viewNames: ["staging-logs"], permissions: ["ChangeIngestFeeds"] },
    });
    document.setIn(["outputs", "ingestFeederTokenId"], "${ingestFeeder.tokenId}");
    document.setIn(["outputs", "ingestFeederToken"], "${ingestFeeder.token}");
    return document.toString();
  },
  // The plugin's detailed diff: the one permission added, and no other property of the token.
  rawDiff: [/^\s+~ logscale:index:OrgPermissionsToken: \(update\)\n(?:\s+\[.*\]\n)+\s+~ permissions: \[\n\s+\+ \[1\]: "ManageUsers"\n\s+\]\n\s*(?:[-+~] logscale:index:|--outputs:--)/m],
  async prepare({ workspace, scratch }) {
    const out = path.join(scratch, "plugin");
    mkdirSync(out);
    const packed = await packPlugin(out);
    // What every workflow runs first, with the release folder a local one.
    const install = await workspace.run("bash", ["ci/install-plugin.sh"], { env: { LOGSCALE_PLUGIN_VERSION: packed.version, LOGSCALE_PLUGIN_URL: `file://${out}` } });
    expectSuccess(install);
    const plugins = await workspace.pulumi(["plugin", "ls", "--json"]);
    expectSuccess(plugins);
    expect(JSON.parse(plugins.stdout)).toEqual([expect.objectContaining({ name: "logscale", kind: "resource", version: packed.version })]);
  },
  beforeUp(context) {
    it("the preview fails on a misspelt permission, naming the resource, the property and the closest valid value, and creates nothing", async () => {
      const { workspace, emulator } = context();
      const good = workspace.readTokens("staging");
      workspace.writeTokens("staging", good.replace("permissions: [CreateRepository, ViewUsage]", "permissions: [CreateRepository, ViewUsages]"));
      try {
        const preview = await workspace.pulumi(["preview", "--stack", "staging"]);
        expect(preview.status).not.toBe(0);
        expect(preview.output).toContain(
          "resource 'ciDeployer': property permissions value {[{CreateRepository} {ViewUsages}]} has a problem: permissions 'ViewUsages' is not one of the OrganizationPermission values (did you mean 'ViewUsage'?)",
        );
        expect(await storedTokens(emulator.url)).toEqual([]);
      } finally {
        workspace.writeTokens("staging", good);
      }
    });
  },
});
