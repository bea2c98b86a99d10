/**
 * examples/gitops/.github/workflows: GitHub does not run them here, so this checks what can be
 * checked without it: they parse, run the commands the README and tests/e2e/gitops.test.ts rely
 * on, pin the Pulumi CLI this package is tested with, and read only the settings the README lists.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const exampleDir = path.resolve(__dirname, "../../examples/gitops");
const workflowDir = path.join(exampleDir, ".github", "workflows");

const step = z.looseObject({ uses: z.string().optional(), run: z.string().optional(), with: z.record(z.string(), z.unknown()).optional() });
const workflow = z.looseObject({
  on: z.record(z.string(), z.unknown()),
  jobs: z.record(z.string(), z.looseObject({ steps: z.array(step), needs: z.union([z.string(), z.array(z.string())]).optional() })),
});
type Workflow = z.infer<typeof workflow>;

function load(name: string): Workflow {
  return workflow.parse(parse(readFileSync(path.join(workflowDir, name), "utf8")));
}
function runs(flow: Workflow): string[] {
  return Object.values(flow.jobs).flatMap((job) => job.steps.flatMap((entry) => (entry.run === undefined ? [] : [entry.run])));
}

describe("the example's workflows", () => {
  it("are the three jobs", () => {
    expect(readdirSync(workflowDir).sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
  });

  it("preview: on pull requests, checks the token files, then previews each stack into the job summary", () => {
    const flow = load("preview.yml");
    expect(Object.keys(flow.on)).toEqual(["pull_request"]);
    expect(runs(flow)).toEqual(expect.arrayContaining(["npm run check-tokens", "npm run typecheck"]));
    const preview = runs(flow).find((script) => script.includes("pulumi preview"));
    expect(preview).toMatch(/pulumi preview --stack "\$\{\{ matrix\.stack \}\}" --diff/);
    expect(preview).toContain('>>"$GITHUB_STEP_SUMMARY"');
    expect(preview).toContain('exit "$status"');
    expect(flow.jobs["preview"]?.needs).toBe("check-tokens");
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

  it.each(["preview.yml", "deploy.yml", "drift.yml"])("%s installs the Pulumi CLI version the SDK is pinned to", (name) => {
    const sdkVersion = (JSON.parse(readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies["@pulumi/pulumi"];
    const installs = Object.values(load(name).jobs).flatMap((job) => job.steps.filter((entry) => entry.uses?.startsWith("pulumi/actions@")));
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
