/**
 * examples/gitops/.github/workflows: GitHub does not run them here. actionlint checks them as a
 * linter does (tests/unit/gitops-workflows-lint.test.ts); this checks what the example promises:
 * they run the commands the README and tests/e2e/gitops.test.ts rely on, pin the Pulumi CLI this
 * package is tested with, and read only the settings the README lists.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const exampleDir = path.resolve(__dirname, "../../examples/gitops");
const workflowDir = path.join(exampleDir, ".github", "workflows");
const yamlExampleDir = path.resolve(__dirname, "../../examples/gitops-yaml");

const step = z.looseObject({
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  "working-directory": z.string().optional(),
});
const workflow = z.looseObject({
  on: z.record(z.string(), z.unknown()),
  jobs: z.record(
    z.string(),
    z.looseObject({
      steps: z.array(step),
      needs: z.union([z.string(), z.array(z.string())]).optional(),
      if: z.string().optional(),
      permissions: z.record(z.string(), z.string()).optional(),
    }),
  ),
});
type Workflow = z.infer<typeof workflow>;

function load(name: string, dir = workflowDir): Workflow {
  return workflow.parse(parse(readFileSync(path.join(dir, name), "utf8")));
}
function runs(flow: Workflow): string[] {
  return Object.values(flow.jobs).flatMap((job) => job.steps.flatMap((entry) => (entry.run === undefined ? [] : [entry.run])));
}

describe("the example's workflows", () => {
  it("are the three jobs", () => {
    expect(readdirSync(workflowDir).sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
  });

  it("preview: on pull requests, checks the token files, then plans each stack into the job summary and its plan file", () => {
    const flow = load("preview.yml");
    expect(Object.keys(flow.on)).toEqual(["pull_request"]);
    expect(runs(flow)).toEqual(expect.arrayContaining(["npm run check-tokens", "npm run typecheck"]));
    expect(flow.jobs["preview"]?.needs).toBe("check-tokens");
    const steps = flow.jobs["preview"]?.steps ?? [];
    expect(steps.map((entry) => entry.run).filter((script) => script !== undefined)).toEqual(["npm ci", 'bash ci/plan.sh "${{ matrix.stack }}"']);
    // The plan file goes to the comment job even when the preview failed: the comment says so.
    expect(steps.find((entry) => entry.uses?.startsWith("actions/upload-artifact@"))).toMatchObject({
      if: "always()",
      with: { name: "plan-${{ matrix.stack }}", path: "plan-${{ matrix.stack }}.md" },
    });
  });

  it("preview: one pull-request comment, found by its hidden marker and edited on each push, by the only job that may write", () => {
    const flow = load("preview.yml");
    const comment = flow.jobs["comment"];
    expect(comment?.needs).toBe("preview");
    expect(comment?.if).toContain("always()");
    expect(comment?.permissions).toEqual({ "pull-requests": "write" });
    expect(Object.entries(flow.jobs).filter(([, job]) => job.permissions !== undefined).map(([name]) => name)).toEqual(["comment"]);
    const script = runs({ ...flow, jobs: { comment: comment! } }).join("\n");
    const marker = /marker='(<!--[^']+-->)'/.exec(script)?.[1];
    expect(marker).toBe("<!-- logscale-tokens-plan -->");
    expect(script).toContain('echo "$marker"');
    expect(script).toMatch(/gh api "repos\/\$REPO\/issues\/\$PR_NUMBER\/comments" --paginate/);
    expect(script).toContain('select(.body | startswith(\\"$marker\\"))');
    expect(script).toMatch(/if \[ -n "\$comment_id" \]; then\n\s+gh api --method PATCH "repos\/\$REPO\/issues\/comments\/\$comment_id" -F body=@comment.md/);
    for (const stack of ["staging", "production"]) expect(readFileSync(path.join(workflowDir, "preview.yml"), "utf8")).toContain(`stack: ${stack}`);
  });

  it("deploy: on push to main, up --refresh staging and then production, never with --json", () => {
    const flow = load("deploy.yml");
    expect(flow.on["push"]).toEqual({ branches: ["main"] });
    expect(runs(flow).filter((script) => script.startsWith("pulumi up"))).toEqual([
      "pulumi up --stack staging --yes --refresh --non-interactive --color never",
      "pulumi up --stack production --yes --refresh --non-interactive --color never",
    ]);
    expect(flow.jobs["production"]?.needs).toBe("staging");
  });

  it("drift: nightly, runs the drift check of each stack", () => {
    const flow = load("drift.yml");
    expect(flow.on["schedule"]).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(runs(flow)).toContain('bash ci/drift-check.sh "${{ matrix.stack }}"');
  });

  it.each(["preview.yml", "deploy.yml", "drift.yml"])("%s (in both examples) installs the Pulumi CLI version the SDK is pinned to", (name) => {
    const sdkVersion = (JSON.parse(readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies["@pulumi/pulumi"];
    const installs = [load(name), load(name, path.join(yamlExampleDir, ".github", "workflows"))].flatMap((flow) => Object.values(flow.jobs)).flatMap((job) => job.steps.filter((entry) => entry.uses?.startsWith("pulumi/actions@")));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install.with?.["pulumi-version"]).toBe(sdkVersion);
  });

  it("use only npm scripts the example has, and only settings its README names", () => {
    const scripts = (JSON.parse(readFileSync(path.join(exampleDir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const readme = readFileSync(path.join(exampleDir, "README.md"), "utf8");
    for (const name of ["preview.yml", "deploy.yml", "drift.yml"]) {
      const text = readFileSync(path.join(workflowDir, name), "utf8");
      for (const [, script] of text.matchAll(/npm run (?:--silent )?([\w-]+)/g)) expect(Object.keys(scripts)).toContain(script);
      for (const [, setting] of text.matchAll(/\b(?:secrets|vars)\.([A-Z_]+)/g)) expect(readme).toContain(setting);
      for (const [, secretName] of text.matchAll(/token_secret: ([A-Z_]+)/g)) expect(readme).toContain(secretName);
    }
  });
});

describe("the YAML example's workflows", () => {
  const dir = path.join(yamlExampleDir, ".github", "workflows");
  const loadYaml = (name: string) => load(name, dir);
  const packageVersion = (JSON.parse(readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { version: string }).version;

  it("are the three jobs", () => {
    expect(readdirSync(dir).sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
  });

  it.each(["preview.yml", "deploy.yml", "drift.yml"])("%s installs this package's plugin with ci/install-plugin.sh after the Pulumi CLI, before any pulumi command", (name) => {
    const flow = loadYaml(name);
    expect(flow).toMatchObject({ env: { LOGSCALE_PLUGIN_VERSION: packageVersion, LOGSCALE_PLUGIN_URL: "${{ vars.LOGSCALE_PLUGIN_URL }}" } });
    for (const job of Object.values(flow.jobs).filter((candidate) => candidate.steps.some((entry) => entry.uses?.startsWith("pulumi/actions@")))) {
      const index = (found: (entry: (typeof job.steps)[number]) => boolean) => job.steps.findIndex(found);
      const cli = index((entry) => entry.uses?.startsWith("pulumi/actions@") === true);
      const install = index((entry) => entry.run === "bash ci/install-plugin.sh");
      const firstPulumi = index((entry) => /pulumi |ci\/(plan|drift-check)\.sh/.test(entry.run ?? ""));
      expect(cli).toBeGreaterThanOrEqual(0);
      expect(install).toBeGreaterThan(cli);
      expect(firstPulumi).toBeGreaterThan(install);
    }
  });

  it("preview: plans each environment, and posts the plan as the TypeScript example's comment job does", () => {
    const flow = loadYaml("preview.yml");
    expect(Object.keys(flow.on)).toEqual(["pull_request"]);
    expect(runs({ ...flow, jobs: { preview: flow.jobs["preview"]! } })).toEqual(["npm ci", "bash ci/install-plugin.sh", 'bash ci/plan.sh "${{ matrix.stack }}"']);
    expect(flow.jobs["comment"]).toEqual(load("preview.yml").jobs["comment"]);
  });

  it("deploy: on push to main, up --refresh in each environment's folder, staging and then production", () => {
    const flow = loadYaml("deploy.yml");
    expect(flow.on["push"]).toEqual({ branches: ["main"] });
    const ups = Object.values(flow.jobs).flatMap((job) => job.steps.filter((entry) => entry.run?.startsWith("pulumi up")));
    expect(ups.map((entry) => [entry["working-directory"], entry.run])).toEqual([
      ["environments/staging", "pulumi up --stack staging --yes --refresh --non-interactive --color never"],
      ["environments/production", "pulumi up --stack production --yes --refresh --non-interactive --color never"],
    ]);
    expect(flow.jobs["production"]?.needs).toBe("staging");
  });

  it("drift: nightly, runs the drift check of each environment", () => {
    const flow = loadYaml("drift.yml");
    expect(flow.on["schedule"]).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(runs(flow)).toContain('bash ci/drift-check.sh "${{ matrix.stack }}"');
  });

  it("use only npm scripts the example has, settings its README names, and environments it has", () => {
    const scripts = (JSON.parse(readFileSync(path.join(yamlExampleDir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const readme = readFileSync(path.join(yamlExampleDir, "README.md"), "utf8");
    for (const name of ["preview.yml", "deploy.yml", "drift.yml"]) {
      const text = readFileSync(path.join(dir, name), "utf8");
      for (const [, script] of text.matchAll(/npm run (?:--silent )?([\w-]+)/g)) expect(Object.keys(scripts)).toContain(script);
      for (const [, setting] of text.matchAll(/\b(?:secrets|vars)\.([A-Z_]+)/g)) expect(readme).toContain(setting);
      for (const [, stack] of text.matchAll(/stack: (\w+)/g)) expect(readdirSync(path.join(yamlExampleDir, "environments"))).toContain(stack);
    }
  });
});
