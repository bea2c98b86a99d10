/**
 * The GitOps examples' workflows (examples/gitops and examples/gitops-yaml) through actionlint, the linter for GitHub Actions workflows
 * (scripts/ensure-actionlint.sh builds the pinned version once and caches it; npm test runs it
 * first): the workflows' syntax, their expressions, contexts and action inputs, and the shell of
 * every `run:` step through actionlint's shellcheck integration.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { z } from "zod";

jest.setTimeout(300_000);

const projectDir = path.resolve(__dirname, "../..");
const examples = ["gitops", "gitops-yaml"] as const;
const workflowDirOf = (example: string) => path.join(projectDir, "examples", example, ".github", "workflows");
const workflowDir = workflowDirOf("gitops");

const findings = z.array(z.looseObject({ message: z.string(), filepath: z.string(), line: z.number(), kind: z.string() }));
type Finding = z.infer<typeof findings>[number];

function actionlintBinary(): string {
  const ensured = spawnSync("bash", [path.join(projectDir, "scripts", "ensure-actionlint.sh")], { encoding: "utf8" });
  if (ensured.status !== 0) throw new Error(`scripts/ensure-actionlint.sh failed:\n${ensured.stderr}`);
  return ensured.stdout.trim().split("\n").pop() ?? "";
}

function shellcheckBinary(): string {
  const found = spawnSync("bash", ["-c", "command -v shellcheck"], { encoding: "utf8" });
  const binary = found.stdout.trim();
  if (found.status !== 0 || binary === "") {
    throw new Error(
      "shellcheck is not installed, and actionlint needs it to check the shell of the workflows' run: steps. " +
        "Install it (Debian/Ubuntu: apt-get install shellcheck; macOS: brew install shellcheck), then run the tests again. .ci/run installs it in CI.",
    );
  }
  return binary;
}

let actionlint: string;
let shellcheck: string;
let scratch: string;

beforeAll(() => {
  actionlint = actionlintBinary();
  shellcheck = shellcheckBinary();
  scratch = mkdtempSync(path.join(tmpdir(), "actionlint-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** actionlint over these files, with shellcheck named so that it cannot be skipped silently. */
function lint(files: readonly string[]): { status: number | null; findings: Finding[]; stderr: string } {
  const run = spawnSync(actionlint, ["-format", "{{json .}}", `-shellcheck=${shellcheck}`, "-pyflakes=", ...files], { encoding: "utf8" });
  return { status: run.status, findings: run.stdout.trim() === "" ? [] : findings.parse(JSON.parse(run.stdout)), stderr: run.stderr };
}

function workflowFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".yml")).sort().map((name) => path.join(dir, name));
}

it.each(examples)("finds nothing in the workflows of examples/%s", (example) => {
  const files = workflowFiles(workflowDirOf(example));
  expect(files.map((file) => path.basename(file))).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
  const result = lint(files);
  expect(result.findings.map((finding) => `${path.basename(finding.filepath)}:${finding.line}: [${finding.kind}] ${finding.message}`)).toEqual([]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});

it("finds a planted mistake in each kind it checks: an expression and the shell of a run: step", () => {
  const planted = path.join(scratch, ".github", "workflows");
  cpSync(workflowDir, planted, { recursive: true });
  const drift = path.join(planted, "drift.yml");
  const text = readFileSync(drift, "utf8");
  const broken = text
    .replace('bash ci/drift-check.sh "${{ matrix.stack }}"', 'bash ci/drift-check.sh "${{ matrix.stak }}"')
    .replace("      - run: npm ci\n", "      - run: npm ci\n      - run: cd $RUNNER_TEMP && ls\n");
  expect(broken).not.toBe(text);
  writeFileSync(drift, broken);

  const result = lint(workflowFiles(planted));
  expect(result.status).toBe(1);
  const found = result.findings.map((finding) => ({ file: path.basename(finding.filepath), kind: finding.kind, message: finding.message }));
  expect(found).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ file: "drift.yml", kind: "expression", message: expect.stringContaining('property "stak" is not defined') }),
      // SC2086: an unquoted variable; SC2164: a cd that may fail.
      expect.objectContaining({ file: "drift.yml", kind: "shellcheck", message: expect.stringMatching(/SC2086|SC2164/) }),
    ]),
  );
  expect(found.every((finding) => finding.file === "drift.yml")).toBe(true);
});

it.each([
  ["gitops", ["drift-check.sh", "plan.sh"]],
  // plan.sh and drift-check.sh are links to examples/gitops's: shellcheck reads them through the link.
  ["gitops-yaml", ["drift-check.sh", "install-plugin.sh", "plan.sh"]],
])("shellcheck finds nothing in the scripts of examples/%s, which the workflows run", (example, expected) => {
  const scriptDir = path.join(projectDir, "examples", example, "ci");
  const scripts = readdirSync(scriptDir).filter((name) => name.endsWith(".sh")).sort();
  expect(scripts).toEqual(expected);
  const run = spawnSync(shellcheck, ["--format=gcc", ...scripts.map((name) => path.join(scriptDir, name))], { encoding: "utf8" });
  expect(run.stdout).toBe("");
  expect(run.status).toBe(0);
});
