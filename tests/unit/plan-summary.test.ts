/**
 * examples/gitops/ci/plan-summary.ts on `pulumi preview --refresh --json` outputs recorded from
 * real runs of the example (tests/fixtures/plan-summary/capture.ts says how), and on variations
 * of them for cases a run cannot easily produce: the pull request's plan, and with --drift the
 * nightly drift report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCli, summarize } from "../../examples/gitops/ci/plan-summary";

const fixtureDir = path.resolve(__dirname, "../fixtures/plan-summary");
const fixtureNames = ["clean", "drift", "pending", "replace", "adopt", "rotation", "failed"] as const;
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
const meta = JSON.parse(readFileSync(path.join(fixtureDir, "meta.json"), "utf8")) as { ids: Record<string, string>; rotationNow: number; adoptedTokenId: string };

/** The report's token lines, without the list marker. */
function tokenLines(markdown: string): string[] {
  const warnings = markdown.indexOf("### Warnings");
  return (warnings < 0 ? markdown : markdown.slice(0, warnings))
    .split("\n")
    .filter((line) => line.startsWith("- "))
    .map((line) => line.slice(2));
}

function warningLines(markdown: string): string[] {
  const warnings = markdown.indexOf("### Warnings\n");
  return warnings < 0 ? [] : markdown.slice(warnings).split("\n").filter((line) => line.startsWith("- ")).map((line) => line.slice(2));
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

describe("the pull request's plan", () => {
  it("the issue's change: permissions as a set, a deleted token and a new one, by key; unchanged tokens counted", () => {
    const report = summarize(fixture("pending"), { stack: "staging" });
    expect(report).toMatchObject({ drifted: 0, unchanged: 2, failed: false });
    expect(report.markdown).toBe(
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
  });

  it("says what changes as sets, never by position: an added permission in the middle of the list is one addition", () => {
    const preview = fixture("pending");
    const planned = stepOf(preview, "update", "ciDeployer").newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    // What the engine's own diff shows as "[1]: ViewUsage => ManageUsers, + [2]: ViewUsage".
    expect(planned["permissions"]).toEqual(["CreateRepository", "ManageUsers", "ViewUsage"]);
    planned["permissions"] = ["ManageUsers", "CreateRepository"];
    expect(tokenLines(summarize(preview).markdown)).toContain("ciDeployer: permissions +ManageUsers \u2212ViewUsage");
  });

  it("a new token with a lifetime says when it expires and when it is replaced, as the file says it", () => {
    const preview = fixture("pending");
    const planned = stepOf(preview, "create", "ingestFeeder").newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    Object.assign(planned, { expiresIn: "90d", rotateBeforeExpiry: "14d", ipFilterName: "office" });
    expect(tokenLines(summarize(preview).markdown)).toContain(
      "ingestFeeder: new view token on staging-logs, expires 90d after creation, replaced 14d before, IP filter office; permissions ChangeIngestFeeds",
    );
  });

  it("the recorded previews hold the durations as the file writes them", () => {
    const inputs = stepOf(fixture("pending"), "update", "ciDeployer").newState?.inputs;
    expect(inputs).toMatchObject({ expiresIn: "90d", rotateBeforeExpiry: "14d" });
  });

  it("names each replacement's reason: a name, views and an IP filter, an expiry, a rotation trigger", () => {
    const report = summarize(fixture("replace"), { stack: "staging" });
    expect(report).toMatchObject({ drifted: 0, unchanged: 0, failed: false });
    expect(tokenLines(report.markdown)).toEqual([
      "alertManager: replaced: new secret, consumers need it. Why: trigger none \u2192 '2026-12 audit'",
      "ciDeployer: replaced: new secret, consumers need it. Why: expiry 90d \u2192 60d",
      "clusterMonitor: replaced: new secret, consumers need it. Why: name 'staging-cluster-monitor' \u2192 'staging-cluster-watch'",
      "dashboardsReader: replaced: new secret, consumers need it. Why: views \u2212dashboards; IP filter office \u2192 none",
    ]);
    // As the provider gave them to the engine.
    expect(stepOf(fixture("replace"), "replace", "dashboardsReader")).toMatchObject({ replaceReasons: ["ipFilterId", "viewIds"] });
  });

  it("a replacement with a permission change says both", () => {
    const preview = fixture("replace");
    const planned = stepOf(preview, "replace", "ciDeployer").newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    planned["permissions"] = ["CreateRepository", "ManageUsers", "ViewUsage"];
    expect(tokenLines(summarize(preview).markdown)).toContain("ciDeployer: replaced: new secret, consumers need it. Why: expiry 90d \u2192 60d; permissions +ManageUsers");
  });

  it("a replacement the policy forces for a permission change says so", () => {
    const preview = fixture("replace");
    const step = stepOf(preview, "replace", "ciDeployer") as Step & { replaceReasons?: string[] };
    step.replaceReasons = ["permissions"];
    const planned = step.newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    Object.assign(planned, { expiresIn: "90d", permissions: ["CreateRepository", "ManageUsers", "ViewUsage"] });
    expect(tokenLines(summarize(preview).markdown)).toContain(
      "ciDeployer: replaced: new secret, consumers need it. Why: permissions, which the organization's token security policy forbids changing in place",
    );
  });

  it("a rotation that is due, with the provider's warning once", () => {
    const report = summarize(fixture("rotation"), { stack: "staging", now: meta.rotationNow });
    expect(report).toMatchObject({ drifted: 0, unchanged: 3, failed: false });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: 1 token changes");
    expect(tokenLines(report.markdown)).toEqual([
      expect.stringMatching(/^alertManager: replaced: new secret, consumers need it\. Why: rotation due: it expires on \d{4}-\d\d-\d\d \d\d:\d\dZ, within its 7d window$/),
    ]);
    expect(warningLines(report.markdown)).toEqual([expect.stringMatching(/^The view permissions token 'staging-alert-manager' \(\w+\) expires at .*within its rotateBeforeExpiry window of 7d/)]);
  });

  it("an adoption: the existing token taken over, its consumers keeping their secret, or a new one with rotateOnAdopt", () => {
    const report = summarize(fixture("adopt"), { stack: "staging" });
    expect(report).toMatchObject({ drifted: 0, unchanged: 4 });
    expect(tokenLines(report.markdown)).toEqual([
      `legacyCi: adopts the existing organization token ${meta.adoptedTokenId} and sets its permissions to ManageUsers, ViewUsage; its consumers keep their secret`,
    ]);
    const preview = fixture("adopt");
    const planned = stepOf(preview, "create", "legacyCi").newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    planned["rotateOnAdopt"] = true;
    expect(tokenLines(summarize(preview).markdown)).toEqual([expect.stringMatching(/; rotates it once: new secret, consumers need it, the old secret stops working$/)]);
  });

  it("a state holding durations in milliseconds (an earlier version's) shows no expiry change against the same text", () => {
    const preview = fixture("replace");
    const applied = stepOf(preview, "refresh", "ciDeployer").oldState?.inputs;
    if (applied === undefined) throw new Error("no inputs");
    applied["expiresIn"] = 60 * 86_400_000;
    expect(tokenLines(summarize(preview).markdown)).toContain("ciDeployer: replaced: new secret, consumers need it");
    applied["expiresIn"] = 90 * 86_400_000;
    expect(tokenLines(summarize(preview).markdown)).toContain("ciDeployer: replaced: new secret, consumers need it. Why: expiry 90d \u2192 60d");
  });

  it("reports no changes when the preview changes nothing", () => {
    const report = summarize(fixture("clean"), { stack: "staging" });
    expect(report.markdown).toBe("## LogScale tokens in `staging`: no changes\n\n`pulumi up` changes no token (4 unchanged).\n");
  });

  it("reports the preview's error when it could not run", () => {
    const report = summarize(fixture("failed"), { stack: "staging" });
    expect(report).toMatchObject({ failed: true });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: the preview failed");
    expect(report.markdown).toContain("Could not reach LogScale at http://127.0.0.1:1/graphql");
    // The first line of the error only: no stack trace from inside the provider.
    expect(report.markdown).not.toContain("    at ");
  });

  it("ignores resources that are not tokens and steps it does not know", () => {
    const preview = fixture("clean");
    preview.steps.push({ op: "create", urn: "urn:pulumi:staging::p::random:index/randomId:RandomId::x" }, { op: "same", urn: stepOf(fixture("drift"), "update", "ciDeployer").urn });
    expect(summarize(preview)).toMatchObject({ lines: [], drifted: 0 });
  });

  it("rejects JSON that is not a preview's", () => {
    expect(() => summarize({ steps: "none" })).toThrow();
  });
});

describe("the nightly drift report (--drift)", () => {
  it("reports no drift when the preview changes nothing", () => {
    const report = summarize(fixture("clean"), { stack: "staging", drift: true });
    expect(report).toMatchObject({ drifted: 0, lines: [], failed: false });
    expect(report.markdown).toBe("## LogScale tokens in `staging`: no drift\n\nAll 4 tokens match LogScale and the repository.\n");
  });

  it("names each token changed or deleted in LogScale, once, with what changed", () => {
    const report = summarize(fixture("drift"), { stack: "staging", drift: true });
    expect(report).toMatchObject({ drifted: 3, unchanged: 1, failed: false });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: drift");
    expect(report.markdown).toContain("3 of 4 tokens were changed or deleted in LogScale outside Pulumi.");
    expect(tokenLines(report.markdown)).toEqual([
      "alertManager: deleted in LogScale; `pulumi up` creates it again: new secret, consumers need it",
      "ciDeployer: changed in LogScale: permissions +ManageUsers \u2212CreateRepository; `pulumi up` sets it back to what the repository says",
      // LogScale reports ChangeDashboards as Create/Update/DeleteDashboards: shown as written.
      "dashboardsReader: changed in LogScale: permissions +ChangeDashboards \u2212QueryDashboard; `pulumi up` sets it back to what the repository says",
    ]);
    expect(report.markdown).toContain("`pulumi up --refresh --stack staging` (the deploy job) makes LogScale match the repository again.");
  });

  it("tells changes merged but not applied from drift", () => {
    const report = summarize(fixture("pending"), { stack: "staging", drift: true });
    expect(report).toMatchObject({ drifted: 0, failed: false });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: changes pending");
    expect(report.markdown).toContain("LogScale matches the last `pulumi up`, but the next one would change 3 of 5 tokens.");
  });

  it("says a token has expired when its expiry has passed and nothing else changes", () => {
    const preview = fixture("rotation");
    const step = stepOf(preview, "replace", "alertManager");
    const expireAt = step.oldState?.outputs?.["expireAt"];
    expect(typeof expireAt).toBe("number");
    // As the provider plans an expired token without a window: an update it leaves alone.
    step.op = "update";
    for (const inputs of [step.newState?.inputs, stepOf(preview, "refresh", "alertManager").oldState?.inputs]) delete inputs?.["rotateBeforeExpiry"];
    const report = summarize(preview, { now: Number(expireAt) + 1, drift: true });
    expect(tokenLines(report.markdown)).toEqual([expect.stringMatching(/^alertManager: expired on \d{4}-.*: it no longer works; set a new expireAt to replace it$/)]);
  });

  it("reports a token both changed in LogScale and in the repository with both", () => {
    const preview = fixture("drift");
    const planned = stepOf(preview, "update", "ciDeployer").newState?.inputs;
    if (planned === undefined) throw new Error("no planned inputs");
    planned["permissions"] = ["CreateRepository", "ViewUsage", "ChangeIPFilters"];
    const report = summarize(preview, { drift: true });
    expect(tokenLines(report.markdown)).toContain("ciDeployer: changed in LogScale: permissions +ManageUsers \u2212CreateRepository; permissions +ChangeIPFilters");
    expect(report.drifted).toBe(3);
  });

  it("says the drift check could not run when the preview failed", () => {
    const report = summarize(fixture("failed"), { stack: "staging", drift: true });
    expect(report.markdown.split("\n")[0]).toBe("## LogScale tokens in `staging`: the drift check could not run");
  });
});

describe("the command line", () => {
  let scratch: string;
  beforeAll(() => (scratch = mkdtempSync(path.join(tmpdir(), "plan-summary-"))));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ["clean", 0, 0],
    ["drift", 0, 1],
    ["pending", 0, 1],
    ["failed", 2, 2],
  ] as const)("%s: exits %i for a plan, %i with --drift", (name, planCode, driftCode) => {
    const file = path.join(fixtureDir, `${name}.json`);
    const plan = runCli([file, "--stack", "staging"]);
    expect(plan.code).toBe(planCode);
    expect(plan.stdout).toBe(summarize(fixture(name), { stack: "staging" }).markdown);
    const drift = runCli([file, "--drift", "--stack", "staging"]);
    expect(drift.code).toBe(driftCode);
    expect(drift.stdout).toBe(summarize(fixture(name), { stack: "staging", drift: true }).markdown);
  });

  it("exits 2 with a report saying so when the preview wrote no JSON", () => {
    const empty = path.join(scratch, "empty.json");
    writeFileSync(empty, "");
    const result = runCli([empty, "--stack", "staging"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^## LogScale tokens in `staging`: the preview failed\n\nThe preview wrote no readable JSON \(/);
    expect(runCli([empty, "--stack", "staging", "--drift"]).stdout).toMatch(/^## LogScale tokens in `staging`: the drift check could not run\n/);
  });

  it("exits 2 with usage for bad arguments", () => {
    expect(runCli([])).toEqual({ code: 2, stdout: "", stderr: "usage: plan-summary <preview.json | -> [--stack NAME] [--drift]\n" });
    expect(runCli(["a.json", "--stack"]).code).toBe(2);
  });
});

describe("the logscale plugin's resources (examples/gitops-yaml)", () => {
  /** The same preview as the plugin's engine writes it: its type tokens in every URN and type. */
  function asPlugin(text: string): unknown {
    return JSON.parse(text.replace(/pulumi-nodejs:dynamic\/logscale:(\w+PermissionsToken)/g, "logscale:index:$1"));
  }

  it.each(["pending", "drift", "replace", "adopt"] as const)("%s.json reads the same with logscale:index types, keyed by the resource's name", (name) => {
    const text = fixtureText(name);
    expect(text).toContain("pulumi-nodejs:dynamic/logscale:");
    const plugin = asPlugin(text);
    expect(JSON.stringify(plugin)).not.toContain("pulumi-nodejs:dynamic/logscale:");
    const options = { stack: "staging", now: meta.rotationNow };
    const report = summarize(plugin, options);
    expect(report.lines.length).toBeGreaterThan(0);
    expect(report.markdown).toBe(summarize(JSON.parse(text), options).markdown);
  });
});
