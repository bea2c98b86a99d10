/**
 * examples/gitops/ci/drift-summary.ts on `pulumi preview --refresh --json` outputs recorded from
 * real runs of the example (tests/fixtures/drift-summary/capture.ts says how), and on variations
 * of them for cases a run cannot easily produce.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli, summarize } from "../../examples/gitops/ci/drift-summary";

const fixtureDir = path.resolve(__dirname, "../fixtures/drift-summary");
const fixtureNames = ["clean", "drift", "pending", "rotation", "failed"] as const;
type FixtureName = (typeof fixtureNames)[number];

interface Step {
  op: string;
  urn: string;
  oldState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
}
interface Preview {
  steps: Step[];
  diagnostics?: { message: string; severity: string }[];
}

function fixtureText(name: FixtureName): string {
  return readFileSync(path.join(fixtureDir, `${name}.json`), "utf8");
}
function fixture(name: FixtureName): Preview {
  return JSON.parse(fixtureText(name)) as Preview;
}
const meta = JSON.parse(readFileSync(path.join(fixtureDir, "meta.json"), "utf8")) as { ids: Record<string, string>; rotationNow: number };

/** The lines of one "### …" section of the report. */
function section(markdown: string, title: string): string[] {
  const start = markdown.indexOf(`### ${title}\n`);
  if (start < 0) return [];
  const rest = markdown.slice(start).split("\n").slice(1);
  const end = rest.findIndex((line, index) => index > 0 && (line.startsWith("### ") || (line !== "" && !line.startsWith("- "))));
  return (end < 0 ? rest : rest.slice(0, end)).filter((line) => line.startsWith("- "));
}

function stepOf(preview: Preview, op: string, name: string): Step {
  const step = preview.steps.find((candidate) => candidate.op === op && candidate.urn.endsWith(`::${name}`));
  if (step === undefined) throw new Error(`no ${op} step for ${name}`);
  return step;
}

describe("the recorded fixtures", () => {
  it.each(fixtureNames)("%s.json holds no secret: every token and the API token are masked", (name) => {
    const text = fixtureText(name);
    // A LogScale token is <32-character id>~<secret>.
    expect(/[A-Za-z0-9]{32}~/.test(text)).toBe(false);
    const preview = JSON.parse(text) as Preview & { config: Record<string, unknown> };
    expect(preview.config["logscale:token"]).toBe("[secret]");
    const tokenValues = preview.steps.flatMap((step) => [step.oldState?.outputs?.["token"], step.newState?.outputs?.["token"]]).filter((value) => value !== undefined);
    expect(tokenValues.length).toBeGreaterThan(0);
    expect(new Set(tokenValues)).toEqual(new Set(["[secret]"]));
  });

  it("are what the summary's reading of them assumes: a refresh step per token before the step that changes it", () => {
    const drift = fixture("drift");
    expect(drift.steps.filter((step) => step.op === "refresh" && step.urn.includes("logscale:")).map((step) => step.urn.split("::").pop()).sort()).toEqual([
      "alertManager",
      "ciDeployer",
      "clusterMonitor",
      "dashboardsReader",
    ]);
    // The refreshed state is the changing step's oldState, not the refresh step's newState.
    expect(stepOf(drift, "refresh", "ciDeployer").newState?.outputs?.["permissions"]).toEqual(["CreateRepository", "ViewUsage"]);
    expect(stepOf(drift, "update", "ciDeployer").oldState?.outputs?.["permissions"]).toEqual(["ManageUsers", "ViewUsage"]);
  });
});

describe("summarize", () => {
  it("reports no drift when the preview changes nothing", () => {
    const report = summarize(fixture("clean"), { stack: "staging" });
    expect(report).toMatchObject({ drifted: 0, differing: 0, failed: false });
    expect(report.markdown).toBe("## LogScale tokens in `staging`: no drift\n\nAll 4 tokens match LogScale and the repository.\n");
  });

  it("names each token changed or deleted in LogScale, once, with what changed", () => {
    const report = summarize(fixture("drift"), { stack: "staging" });
    expect(report).toMatchObject({ drifted: 3, differing: 3, failed: false });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: drift");
    expect(report.markdown).toContain("3 of 4 tokens were changed or deleted in LogScale outside Pulumi.");
    expect(section(report.markdown, "Changed or deleted in LogScale").sort()).toEqual([
      "- **alertManager** (`staging-alert-manager`, view token): **deleted in LogScale**; `pulumi up` creates a new token, with a new secret its consumers need",
      // LogScale reports ChangeDashboards as Create/Update/DeleteDashboards: shown as written.
      "- **ciDeployer** (`staging-ci-deployer`, organization token): **changed in LogScale**: permissions +ManageUsers \u2212CreateRepository",
      "- **dashboardsReader** (`staging-dashboards-reader`, view token): **changed in LogScale**: permissions +ChangeDashboards \u2212QueryDashboard",
    ]);
    expect(section(report.markdown, "In the repository, not applied yet")).toEqual([]);
    expect(report.markdown).toContain("`pulumi up --refresh --stack staging` (the deploy job) makes LogScale match the repository again.");
  });

  it("tells changes merged but not applied from drift: added, removed and edited tokens", () => {
    const report = summarize(fixture("pending"), { stack: "staging" });
    expect(report).toMatchObject({ drifted: 0, differing: 3, failed: false });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: changes pending");
    expect(section(report.markdown, "Changed or deleted in LogScale")).toEqual([]);
    expect(section(report.markdown, "In the repository, not applied yet").sort()).toEqual([
      "- **ciDeployer** (`staging-ci-deployer`, organization token): permissions +ManageUsers",
      "- **clusterMonitor** (`staging-cluster-monitor`, system token): removed from the tokens file, still in LogScale until `pulumi up` deletes it",
      "- **ingestFeeder** (`staging-ingest-feeder`, view token): new in the tokens file, not created yet (ChangeIngestFeeds)",
    ]);
  });

  it("reports a rotation that is due, with the provider's warning", () => {
    const report = summarize(fixture("rotation"), { stack: "staging", now: meta.rotationNow });
    expect(report).toMatchObject({ drifted: 0, differing: 1, failed: false });
    const [line] = section(report.markdown, "Due for rotation or expired");
    expect(line).toMatch(/^- \*\*alertManager\*\* \(`staging-alert-manager`, view token\): expires on \d{4}-\d\d-\d\d \d\d:\d\dZ, within its rotation window \(7d\): `pulumi up` replaces it with a new token$/);
    // The provider process logs it once per process: shown once.
    expect(section(report.markdown, "Warnings")).toEqual([expect.stringMatching(/^- The view permissions token 'staging-alert-manager' \(\w+\) expires at .*within its rotateBeforeExpiry window of 7d/)]);
  });

  it("says a token has expired when its expiry has passed", () => {
    const preview = fixture("rotation");
    const expireAt = stepOf(preview, "replace", "alertManager").oldState?.outputs?.["expireAt"];
    expect(typeof expireAt).toBe("number");
    const report = summarize(preview, { now: Number(expireAt) + 1 });
    expect(section(report.markdown, "Due for rotation or expired")).toEqual([expect.stringMatching(/^- \*\*alertManager\*\* .*: expired on \d{4}-/)]);
  });

  it("still lists a replacement it cannot explain, under its own heading", () => {
    const preview = fixture("rotation");
    // As if the token had no rotation window, then and now: nothing in the JSON says why it is replaced.
    for (const inputs of [stepOf(preview, "replace", "alertManager").newState?.inputs, stepOf(preview, "refresh", "alertManager").oldState?.inputs]) {
      if (inputs === undefined) throw new Error("no inputs");
      delete inputs["rotateBeforeExpiry"];
    }
    preview.diagnostics = [];
    const report = summarize(preview, { now: meta.rotationNow });
    expect(report).toMatchObject({ drifted: 0, differing: 1 });
    expect(section(report.markdown, "Due for rotation or expired")).toEqual([]);
    expect(section(report.markdown, "Other changes the next `pulumi up` makes")).toEqual([
      "- **alertManager** (`staging-alert-manager`, view token): the next `pulumi up` replaces it (the warnings below or `pulumi preview --diff` say why)",
    ]);
  });

  it("reports the preview's error, not drift, when it could not run", () => {
    const report = summarize(fixture("failed"), { stack: "staging" });
    expect(report).toMatchObject({ failed: true, drifted: 0 });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: the drift check could not run");
    expect(report.markdown).toContain("Could not reach LogScale at http://127.0.0.1:1/graphql");
    // The first line of the error only: no stack trace from inside the provider.
    expect(report.markdown).not.toContain("    at ");
  });

  it("reports a token both changed in LogScale and in the repository under both headings", () => {
    const preview = fixture("drift");
    const planned = stepOf(preview, "update", "ciDeployer").newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    planned["permissions"] = ["CreateRepository", "ViewUsage", "ChangeIPFilters"];
    const report = summarize(preview);
    expect(section(report.markdown, "Changed or deleted in LogScale")).toContain(
      "- **ciDeployer** (`staging-ci-deployer`, organization token): **changed in LogScale**: permissions +ManageUsers \u2212CreateRepository",
    );
    expect(section(report.markdown, "In the repository, not applied yet")).toEqual(["- **ciDeployer** (`staging-ci-deployer`, organization token): permissions +ChangeIPFilters"]);
    expect(report.drifted).toBe(3);
  });

  it("ignores resources that are not tokens and steps it does not know", () => {
    const preview = fixture("clean");
    preview.steps.push({ op: "create", urn: "urn:pulumi:staging::p::random:index/randomId:RandomId::x" }, { op: "same", urn: stepOf(fixture("drift"), "update", "ciDeployer").urn });
    expect(summarize(preview)).toMatchObject({ drifted: 0, differing: 0 });
  });

  it("rejects JSON that is not a preview's", () => {
    expect(() => summarize({ steps: "none" })).toThrow();
  });
});

describe("the command line", () => {
  let scratch: string;
  beforeAll(() => (scratch = mkdtempSync(path.join(tmpdir(), "drift-summary-"))));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ["clean", 0],
    ["drift", 1],
    ["pending", 1],
    ["failed", 2],
  ] as const)("exits %s with %i", (name, code) => {
    const result = runCli([path.join(fixtureDir, `${name}.json`), "--stack", "staging"]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe(summarize(fixture(name), { stack: "staging" }).markdown);
  });

  it("exits 2 with a report saying so when the preview wrote no JSON", () => {
    const empty = path.join(scratch, "empty.json");
    writeFileSync(empty, "");
    const result = runCli([empty, "--stack", "staging"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^## LogScale tokens in `staging`: the drift check could not run\n\nThe preview wrote no readable JSON \(/);
  });

  it("exits 2 with usage for bad arguments", () => {
    expect(runCli([])).toEqual({ code: 2, stdout: "", stderr: "usage: drift-summary <preview.json | -> [--stack NAME]\n" });
    expect(runCli(["a.json", "--stack"]).code).toBe(2);
  });
});
