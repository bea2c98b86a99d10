/**
 * Turns `pulumi preview --refresh --json` into a short Markdown report for people: which tokens
 * were changed or deleted in LogScale behind Pulumi's back, and what else the next `pulumi up`
 * would do (changes merged but not applied yet, rotations due).
 *
 *   npm run --silent drift-summary -- preview.json --stack staging     (ci/drift-check.sh runs it)
 *
 * Exit code: 0 nothing differs, 1 something does, 2 the preview failed or its JSON is unreadable.
 *
 * How drift is told apart from a repository change, from what the engine's JSON holds (CLI 3.259):
 * with --refresh every resource in the state has a step `op: "refresh"` whose `oldState` is the
 * state before the refresh (its `newState` is the same, not the refreshed one). The following
 * `update`/`replace` step's `oldState` is the refreshed state. So outputs before vs after the
 * refresh is what LogScale changed; inputs before the refresh vs the step's `newState.inputs` is
 * what the repository changed since the last `up`. A `create` of a resource that was refreshed
 * means LogScale no longer has the token. Unchanged resources have no step of their own.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const state = z.looseObject({
  urn: z.string(),
  type: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});
type State = z.infer<typeof state>;

const previewJson = z.looseObject({
  steps: z.array(z.looseObject({ op: z.string(), urn: z.string(), oldState: state.optional(), newState: state.optional() })).default([]),
  diagnostics: z.array(z.looseObject({ urn: z.string().optional(), message: z.string(), severity: z.string() })).default([]),
});
export type PreviewJson = z.infer<typeof previewJson>;

/** The fields of a token's state this report reads; anything else in the state is ignored. */
const tokenFields = z.looseObject({
  name: z.string().optional(),
  permissions: z.array(z.string()).optional(),
  expireAt: z.union([z.number(), z.string()]).nullish(),
  expiresIn: z.number().nullish(),
  rotateBeforeExpiry: z.number().nullish(),
  rotationTrigger: z.string().nullish(),
  ipFilterId: z.string().nullish(),
  ipFilterName: z.string().nullish(),
  viewIds: z.array(z.string()).nullish(),
  viewNames: z.array(z.string()).nullish(),
  views: z.array(z.object({ id: z.string(), name: z.string() })).nullish(),
});
type TokenFields = z.infer<typeof tokenFields>;

const tokenTypes: Readonly<Record<string, string>> = {
  OrgPermissionsToken: "organization token",
  ViewPermissionsToken: "view token",
  SystemPermissionsToken: "system token",
};

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: a name may itself contain "::", the type not. */
function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: parts[2] ?? "", name: parts.slice(3).join("::") };
}

function tokenKindOf(urn: string): string | undefined {
  const { type } = parseUrn(urn);
  const match = /^pulumi-nodejs:dynamic\/logscale:(\w+)$/.exec(type);
  return match?.[1] === undefined ? undefined : tokenTypes[match[1]];
}

function fields(record: Record<string, unknown> | undefined): TokenFields {
  const parsed = tokenFields.safeParse(record ?? {});
  return parsed.success ? parsed.data : {};
}

const minus = "\u2212";
const umbrellaParts = ["Create", "Update", "Delete"] as const;

/**
 * LogScale reports a view token's ChangeX permission as CreateX, UpdateX and DeleteX: a trio
 * that appears or goes together is shown as the ChangeX a person wrote.
 */
function collapseUmbrellas(permissions: readonly string[]): string[] {
  const set = new Set(permissions);
  const result: string[] = [];
  for (const permission of permissions) {
    const match = /^(Create|Update|Delete)(\w+)$/.exec(permission);
    const subject = match?.[2];
    if (subject !== undefined && umbrellaParts.every((part) => set.has(`${part}${subject}`))) {
      if (match?.[1] === "Create") result.push(`Change${subject}`);
      continue;
    }
    result.push(permission);
  }
  return result;
}

function setChange(before: readonly string[] | null | undefined, after: readonly string[] | null | undefined): string | undefined {
  const old = new Set(before ?? []);
  const now = new Set(after ?? []);
  const added = collapseUmbrellas([...now].filter((value) => !old.has(value)).sort());
  const removed = collapseUmbrellas([...old].filter((value) => !now.has(value)).sort());
  if (added.length === 0 && removed.length === 0) return undefined;
  return [...added.map((value) => `+${value}`), ...removed.map((value) => `${minus}${value}`)].join(" ");
}

function date(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "never";
  const time = typeof value === "number" ? value : Date.parse(value);
  return Number.isNaN(time) ? String(value) : new Date(time).toISOString().replace(/:\d\d\.\d{3}Z$/, "Z").replace("T", " ");
}

function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "none";
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms} ms`;
}

function valueChange(label: string, before: string, after: string): string | undefined {
  return before === after ? undefined : `${label}: ${before} \u2192 ${after}`;
}

function present<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((value): value is T => value !== undefined);
}

/** What LogScale changed: the token's outputs before the refresh against after it. */
function logscaleChanges(before: TokenFields, after: TokenFields): string[] {
  const permissions = setChange(before.permissions, after.permissions);
  const viewNames = (token: TokenFields) => token.views?.map((view) => view.name) ?? token.viewIds ?? [];
  const views = setChange(viewNames(before), viewNames(after));
  return present([
    valueChange("name", `'${before.name ?? ""}'`, `'${after.name ?? ""}'`),
    permissions === undefined ? undefined : `permissions ${permissions}`,
    views === undefined ? undefined : `views ${views}`,
    valueChange("expiry", date(before.expireAt), date(after.expireAt)),
    valueChange("IP filter", before.ipFilterId ?? "none", after.ipFilterId ?? "none"),
  ]);
}

/** What the repository changed since the last `up`: the inputs then against the program's now. */
function repositoryChanges(before: TokenFields, after: TokenFields): string[] {
  const permissions = setChange(before.permissions, after.permissions);
  const views = setChange(before.viewNames ?? before.viewIds, after.viewNames ?? after.viewIds);
  return present([
    valueChange("name", `'${before.name ?? ""}'`, `'${after.name ?? ""}'`),
    permissions === undefined ? undefined : `permissions ${permissions}`,
    views === undefined ? undefined : `views ${views}`,
    valueChange("IP filter", before.ipFilterName ?? before.ipFilterId ?? "none", after.ipFilterName ?? after.ipFilterId ?? "none"),
    valueChange("expireAt", date(before.expireAt), date(after.expireAt)),
    valueChange("expiresIn", duration(before.expiresIn), duration(after.expiresIn)),
    valueChange("rotateBeforeExpiry", duration(before.rotateBeforeExpiry), duration(after.rotateBeforeExpiry)),
    valueChange("rotationTrigger", `'${before.rotationTrigger ?? ""}'`, `'${after.rotationTrigger ?? ""}'`),
  ]);
}

export interface Finding {
  /**
   * drift: changed or deleted in LogScale, outside Pulumi; pending: the repository differs from
   * what the last `up` applied; time: nothing changed, but the token is due for rotation or has
   * expired; other: the plan changes it for a reason the JSON does not tell (e.g. a view named in
   * `views` was re-created with a new id).
   */
  readonly category: "drift" | "pending" | "time" | "other";
  readonly line: string;
}

export interface DriftReport {
  readonly markdown: string;
  /** Tokens changed or deleted in LogScale. */
  readonly drifted: number;
  /** Every token the next `up` would change, for whatever reason. */
  readonly differing: number;
  readonly failed: boolean;
}

export interface SummaryOptions {
  readonly stack?: string;
  /** Epoch ms; whether a token has expired is judged against it. */
  readonly now?: number;
}

interface TokenSteps {
  readonly urn: string;
  readonly kind: string;
  refreshed?: State;
  readonly ops: string[];
  /** The refreshed state, from the step that changes the token. */
  current?: State;
  /** What the program declares now. */
  planned?: State;
}

function collectTokens(preview: PreviewJson): TokenSteps[] {
  const byUrn = new Map<string, TokenSteps>();
  for (const step of preview.steps) {
    const kind = tokenKindOf(step.urn);
    if (kind === undefined) continue;
    let token = byUrn.get(step.urn);
    if (token === undefined) {
      token = { urn: step.urn, kind, ops: [] };
      byUrn.set(step.urn, token);
    }
    if (step.op === "refresh") {
      token.refreshed = step.oldState;
      continue;
    }
    token.ops.push(step.op);
    token.current ??= step.oldState;
    token.planned ??= step.newState;
  }
  // The engine's step order depends on its parallelism; a report read by people (and compared
  // between nights) lists tokens in one order: by their name in the program.
  const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  return [...byUrn.values()].sort((a, b) => nameOf(a.urn).localeCompare(nameOf(b.urn)));
}

function describeToken(token: TokenSteps, now: number): Finding[] {
  const logical = parseUrn(token.urn).name;
  const before = { inputs: fields(token.refreshed?.inputs), outputs: fields(token.refreshed?.outputs) };
  const current = { inputs: fields(token.current?.inputs), outputs: fields(token.current?.outputs) };
  const planned = fields(token.planned?.inputs);
  const logscaleName = before.outputs.name ?? before.inputs.name ?? planned.name ?? "?";
  const who = `**${logical}** (\`${logscaleName}\`, ${token.kind})`;
  const ops = new Set(token.ops);
  const differs = ["create", "update", "replace", "create-replacement", "delete-replaced", "delete"].some((op) => ops.has(op));
  if (!differs) return [];

  if (ops.has("create") && token.refreshed !== undefined) {
    const findings: Finding[] = [{ category: "drift", line: `${who}: **deleted in LogScale**; \`pulumi up\` creates a new token, with a new secret its consumers need` }];
    const repository = repositoryChanges(before.inputs, planned);
    if (repository.length > 0) findings.push({ category: "pending", line: `${who}: ${repository.join("; ")}` });
    return findings;
  }
  if (ops.has("create")) {
    const permissions = planned.permissions?.join(", ") ?? "";
    return [{ category: "pending", line: `**${logical}** (\`${planned.name ?? "?"}\`, ${token.kind}): new in the tokens file, not created yet (${permissions})` }];
  }
  if (ops.has("delete")) {
    return [{ category: "pending", line: `${who}: removed from the tokens file, still in LogScale until \`pulumi up\` deletes it` }];
  }

  const findings: Finding[] = [];
  const inLogScale = logscaleChanges(before.outputs, current.outputs);
  if (inLogScale.length > 0) findings.push({ category: "drift", line: `${who}: **changed in LogScale**: ${inLogScale.join("; ")}` });
  const repository = repositoryChanges(before.inputs, planned);
  if (repository.length > 0) findings.push({ category: "pending", line: `${who}: ${repository.join("; ")}` });
  if (findings.length === 0) {
    const expireAt = typeof current.outputs.expireAt === "number" ? current.outputs.expireAt : undefined;
    const replaced = ops.has("replace") || ops.has("create-replacement");
    if (expireAt !== undefined && expireAt <= now) {
      findings.push({ category: "time", line: `${who}: expired on ${date(expireAt)}` });
    } else if (expireAt !== undefined && replaced && planned.rotateBeforeExpiry) {
      const window = duration(planned.rotateBeforeExpiry);
      findings.push({ category: "time", line: `${who}: expires on ${date(expireAt)}, within its rotation window (${window}): \`pulumi up\` replaces it with a new token` });
    } else {
      const what = replaced ? "replaces" : "updates";
      findings.push({ category: "other", line: `${who}: the next \`pulumi up\` ${what} it (the warnings below or \`pulumi preview --diff\` say why)` });
    }
  }
  return findings;
}

/**
 * The first line of each diagnostic: the rest is a stack trace from inside the provider. A
 * warning the dynamic provider logs reaches the JSON as its stderr, severity "info#err", text
 * "warning: [runtime] …", and once per provider process that logged it.
 */
function diagnosticLines(preview: PreviewJson, severity: "error" | "warning"): string[] {
  const lines = preview.diagnostics
    .filter((diagnostic) => diagnostic.severity === severity || (diagnostic.severity === "info#err" && diagnostic.message.startsWith(`${severity}: `)))
    .map((diagnostic) => {
      const text = diagnostic.message.trim().replace(/^(error|warning): (\[runtime\] )?/, "").split("\n")[0] ?? "";
      const name = diagnostic.urn === undefined ? undefined : parseUrn(diagnostic.urn).name;
      return name === undefined || tokenKindOf(diagnostic.urn ?? "") === undefined ? text : `**${name}**: ${text}`;
    });
  return [...new Set(lines)];
}

/** The Markdown report of a `pulumi preview --refresh --json` output. */
export function summarize(input: unknown, options: SummaryOptions = {}): DriftReport {
  const preview = previewJson.parse(input);
  const now = options.now ?? Date.now();
  const stack = options.stack === undefined ? "" : ` in \`${options.stack}\``;
  const tokens = collectTokens(preview);
  const described = tokens.map((token) => describeToken(token, now));
  const findings = described.flat();
  const section = (category: Finding["category"]) => findings.filter((finding) => finding.category === category).map((finding) => `- ${finding.line}`);
  const drift = section("drift");
  const pending = section("pending");
  const time = section("time");
  const other = section("other");
  const errors = diagnosticLines(preview, "error");
  const warnings = diagnosticLines(preview, "warning");
  const differing = described.filter((token) => token.length > 0).length;
  const drifted = described.filter((token) => token.some((finding) => finding.category === "drift")).length;

  const lines: string[] = [];
  if (errors.length > 0) {
    lines.push(`## LogScale tokens${stack}: the drift check could not run`, "", ...errors.map((error) => `- ${error}`), "");
  } else if (differing === 0) {
    lines.push(`## LogScale tokens${stack}: no drift`, "", `All ${tokens.length} tokens match LogScale and the repository.`, "");
  } else {
    const headline =
      drifted > 0
        ? `${drifted} of ${tokens.length} tokens ${drifted === 1 ? "was" : "were"} changed or deleted in LogScale outside Pulumi.`
        : `LogScale matches the last \`pulumi up\`, but the next one would change ${differing} of ${tokens.length} tokens.`;
    lines.push(`## LogScale tokens${stack}: ${drifted > 0 ? "drift" : "changes pending"}`, "", headline, "");
  }
  if (drift.length > 0) lines.push("### Changed or deleted in LogScale", "", ...drift, "");
  if (pending.length > 0) lines.push("### In the repository, not applied yet", "", ...pending, "");
  if (time.length > 0) lines.push("### Due for rotation or expired", "", ...time, "");
  if (other.length > 0) lines.push("### Other changes the next `pulumi up` makes", "", ...other, "");
  if (warnings.length > 0) lines.push("### Warnings", "", ...warnings.map((warning) => `- ${warning}`), "");
  if (differing > 0 && errors.length === 0) {
    const command = options.stack === undefined ? "pulumi up --refresh" : `pulumi up --refresh --stack ${options.stack}`;
    lines.push(`\`${command}\` (the deploy job) makes LogScale match the repository again. A change made in LogScale on purpose belongs in the tokens file first.`, "");
  }
  return { markdown: lines.join("\n"), drifted, differing, failed: errors.length > 0 };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command line: `<preview.json | -> [--stack NAME]`. */
export function runCli(argv: readonly string[]): CliResult {
  const args = [...argv];
  const stackIndex = args.indexOf("--stack");
  const stack = stackIndex >= 0 ? args.splice(stackIndex, 2)[1] : undefined;
  const [file] = args;
  if (file === undefined || args.length !== 1 || (stackIndex >= 0 && stack === undefined)) {
    return { code: 2, stdout: "", stderr: "usage: drift-summary <preview.json | -> [--stack NAME]\n" };
  }
  let report: DriftReport;
  try {
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    report = summarize(JSON.parse(text), stack === undefined ? {} : { stack });
  } catch (error) {
    // An empty or cut-off file: the preview died before it wrote its JSON, and said why on stderr.
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    const where = stack === undefined ? "" : ` in \`${stack}\``;
    return { code: 2, stdout: `## LogScale tokens${where}: the drift check could not run\n\nThe preview wrote no readable JSON (${reason}); its error output says why.\n`, stderr: "" };
  }
  return { code: report.failed ? 2 : report.differing > 0 ? 1 : 0, stdout: report.markdown, stderr: "" };
}

if (require.main === module) {
  const result = runCli(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
