/**
 * Turns `pulumi preview --json` into the Markdown plan a reviewer reads: one line per token that
 * changes, by its key in the tokens file, in the words that matter for the people who use it.
 *
 *   ciDeployer: permissions +ManageUsers                       (in place: same token, same secret)
 *   ingestFeeder: new view token on staging-logs, …
 *   clusterMonitor: deleted: whatever uses it stops working
 *   alertManager: replaced: new secret, consumers need it. Why: rotation due …
 *
 * The key is the resource's name in Pulumi: the entry's key in tokens/<stack>.yaml, or the
 * resource's logical name in a Pulumi YAML program (examples/gitops-yaml, which runs this file).
 *
 * Unchanged tokens are counted, not listed. The same report serves the pull request (ci/plan.sh,
 * the preview workflow) and the nightly drift check (ci/drift-check.sh, with --drift): with
 * `--refresh`, what LogScale changed behind Pulumi's back comes first on a token's line.
 *
 *   npm run --silent plan-summary -- preview.json --stack staging [--drift]
 *
 * Exit code: 2 the preview failed or its JSON is unreadable; with --drift, 1 when the next `up`
 * would change anything; else 0.
 *
 * How the engine's JSON (CLI 3.259) is read: with --refresh every resource in the state has a
 * step `op: "refresh"` whose `oldState` is the state before the refresh (its `newState` is the
 * same, not the refreshed one); the following `update`/`replace` step's `oldState` is the
 * refreshed state. So outputs before vs after the refresh is what LogScale changed; inputs
 * before the refresh vs the step's `newState.inputs` is what the repository changed since the
 * last `up`. A `create` of a resource that was refreshed means LogScale no longer has the token.
 * A `replace` step names the inputs that force it in `replaceReasons`, as the provider gave them.
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
  steps: z
    .array(
      z.looseObject({
        op: z.string(),
        urn: z.string(),
        oldState: state.optional(),
        newState: state.optional(),
        replaceReasons: z.array(z.string()).nullish(),
      }),
    )
    .default([]),
  diagnostics: z.array(z.looseObject({ urn: z.string().optional(), message: z.string(), severity: z.string() })).default([]),
});
export type PreviewJson = z.infer<typeof previewJson>;

/** A duration as the program wrote it ("90d"), or milliseconds in states from before that. */
const durationField = z.union([z.string(), z.number()]).nullish();

/** The fields of a token's state this report reads; anything else in the state is ignored. */
const tokenFields = z.looseObject({
  name: z.string().optional(),
  permissions: z.array(z.string()).optional(),
  expireAt: z.union([z.number(), z.string()]).nullish(),
  expiresIn: durationField,
  rotateBeforeExpiry: durationField,
  rotationTrigger: z.string().nullish(),
  ipFilterId: z.string().nullish(),
  ipFilterName: z.string().nullish(),
  viewIds: z.array(z.string()).nullish(),
  viewNames: z.array(z.string()).nullish(),
  views: z.array(z.object({ id: z.string(), name: z.string() })).nullish(),
  assetPermissionAssignments: z.array(z.unknown()).nullish(),
  adoptTokenId: z.string().nullish(),
  rotateOnAdopt: z.boolean().nullish(),
});
type TokenFields = z.infer<typeof tokenFields>;

const tokenKinds: Readonly<Record<string, string>> = {
  OrgPermissionsToken: "organization",
  ViewPermissionsToken: "view",
  SystemPermissionsToken: "system",
};

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: a name may itself contain "::", the type not. */
function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: parts[2] ?? "", name: parts.slice(3).join("::") };
}

/**
 * The token's kind from its resource type: the dynamic resources of a TypeScript program
 * (`pulumi-nodejs:dynamic/logscale:OrgPermissionsToken`, examples/gitops) or the `logscale`
 * plugin's (`logscale:index:OrgPermissionsToken`, Pulumi YAML and every other language,
 * examples/gitops-yaml). Their inputs and outputs are the same, served by one core.
 */
function tokenKindOf(urn: string): string | undefined {
  const match = /^(?:pulumi-nodejs:dynamic\/logscale:|logscale:index:)(\w+)$/.exec(parseUrn(urn).type);
  return match?.[1] === undefined ? undefined : tokenKinds[match[1]];
}

function fields(record: Record<string, unknown> | undefined): TokenFields {
  const parsed = tokenFields.safeParse(record ?? {});
  return parsed.success ? parsed.data : {};
}

const minus = "\u2212";
const arrow = "\u2192";
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

/** "+Added −Removed", as sets: order and duplicates are no change. */
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

const durationUnits = [["w", 7 * 86_400_000], ["d", 86_400_000], ["h", 3_600_000], ["m", 60_000]] as const;

function durationMs(value: string | number): number {
  if (typeof value === "number") return value;
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([wdhm])/g)) ms += Number(amount) * (durationUnits.find(([name]) => name === unit)?.[1] ?? 0);
  return ms;
}

/** As written; milliseconds from an older state as the largest whole unit. */
function duration(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value;
  for (const [unit, size] of durationUnits.slice(1)) if (value % size === 0) return `${value / size}${unit}`;
  return `${value} ms`;
}

function sameDuration(a: string | number | null | undefined, b: string | number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return durationMs(a) === durationMs(b);
}

function valueChange(label: string, before: string, after: string): string | undefined {
  return before === after ? undefined : `${label} ${before} ${arrow} ${after}`;
}

function present<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((value): value is T => value !== undefined);
}

function viewsOf(token: TokenFields): string[] {
  return token.viewNames ?? token.views?.map((view) => view.name) ?? token.viewIds ?? [];
}

function expiryOf(token: TokenFields): string | undefined {
  if (token.expiresIn !== null && token.expiresIn !== undefined) return duration(token.expiresIn);
  if (token.expireAt !== null && token.expireAt !== undefined) return date(token.expireAt);
  return undefined;
}

/** What LogScale changed: the token's outputs before the refresh against after it. */
function logscaleChanges(before: TokenFields, after: TokenFields): string[] {
  const permissions = setChange(before.permissions, after.permissions);
  const views = setChange(before.views?.map((view) => view.name) ?? before.viewIds, after.views?.map((view) => view.name) ?? after.viewIds);
  return present([
    valueChange("name", `'${before.name ?? ""}'`, `'${after.name ?? ""}'`),
    permissions === undefined ? undefined : `permissions ${permissions}`,
    views === undefined ? undefined : `views ${views}`,
    valueChange("expiry", date(before.expireAt), date(after.expireAt)),
    valueChange("IP filter", before.ipFilterId ?? "none", after.ipFilterId ?? "none"),
  ]);
}

/**
 * Why a token is replaced, in the words of the tokens file: the inputs that force a replacement
 * and changed, and what the provider's replaceReasons add that no input shows (a rotation due,
 * named by its expireAt output; a view or IP filter created again with a new id; a policy
 * against in-place updates).
 */
function replacementReasons(reasons: readonly string[] | undefined, before: TokenFields, after: TokenFields, current: TokenFields): string[] {
  const given = reasons ?? [];
  const has = (property: string) => given.includes(property);
  const words: string[] = [];
  if (has("name") || before.name !== after.name) words.push(`name '${before.name ?? ""}' ${arrow} '${after.name ?? ""}'`);
  const views = setChange(viewsOf(before), viewsOf(after));
  if (views !== undefined) words.push(`views ${views}`);
  else if (has("viewIds")) words.push("views: one was deleted and created again under the same name (a new id)");
  const ipFilterBefore = before.ipFilterName ?? before.ipFilterId ?? "none";
  const ipFilterAfter = after.ipFilterName ?? after.ipFilterId ?? "none";
  if (ipFilterBefore !== ipFilterAfter) words.push(`IP filter ${ipFilterBefore} ${arrow} ${ipFilterAfter}`);
  else if (has("ipFilterId")) words.push(`IP filter ${ipFilterAfter}: deleted and created again (a new id)`);
  const expiryBefore = expiryOf(before) ?? "never";
  const expiryAfter = expiryOf(after) ?? "never";
  const expiryChanged = !sameDuration(before.expiresIn, after.expiresIn) || date(before.expireAt) !== date(after.expireAt);
  if (expiryChanged) words.push(`expiry ${expiryBefore} ${arrow} ${expiryAfter}`);
  if ((before.rotationTrigger ?? "") !== (after.rotationTrigger ?? "")) {
    const trigger = (value: string | null | undefined) => (value ? `'${value}'` : "none");
    words.push(`trigger ${trigger(before.rotationTrigger)} ${arrow} ${trigger(after.rotationTrigger)}`);
  }
  if (has("assetPermissionAssignments")) words.push("asset permissions");
  // The provider names the output that makes a rotation due, expireAt, though no input changed.
  if (has("expireAt") && !expiryChanged) words.push(`rotation due: it expires on ${date(current.expireAt)}, within its ${duration(after.rotateBeforeExpiry)} window`);
  if (has("permissions")) words.push("permissions, which the organization's token security policy forbids changing in place");
  return words;
}

export interface TokenLine {
  /** The token's key in the tokens file (the resource's name in Pulumi). */
  readonly key: string;
  /** Changed or deleted in LogScale, outside Pulumi: what the nightly check is for. */
  readonly drifted: boolean;
  readonly text: string;
}

interface TokenSteps {
  readonly urn: string;
  readonly kind: string;
  refreshed?: State;
  readonly ops: string[];
  replaceReasons?: string[];
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
    if (step.replaceReasons) token.replaceReasons ??= step.replaceReasons;
  }
  // The engine's step order depends on its parallelism; a report read by people (and compared
  // between runs) lists tokens in one order: by their key.
  return [...byUrn.values()].sort((a, b) => parseUrn(a.urn).name.localeCompare(parseUrn(b.urn).name));
}

const changingOps = ["create", "update", "replace", "create-replacement", "delete-replaced", "delete"];
const consumersNeedIt = "new secret, consumers need it";

function newToken(kind: string, planned: TokenFields): string {
  const views = viewsOf(planned);
  const on = views.length > 0 ? ` on ${views.join(", ")}` : "";
  const expiry =
    planned.expiresIn !== null && planned.expiresIn !== undefined
      ? `expires ${duration(planned.expiresIn)} after creation` +
        (planned.rotateBeforeExpiry === null || planned.rotateBeforeExpiry === undefined ? "" : `, replaced ${duration(planned.rotateBeforeExpiry)} before`)
      : planned.expireAt !== null && planned.expireAt !== undefined
        ? `expires on ${date(planned.expireAt)}`
        : "never expires";
  const ipFilter = planned.ipFilterName ?? planned.ipFilterId;
  return `new ${kind} token${on}, ${expiry}${ipFilter ? `, IP filter ${ipFilter}` : ""}; permissions ${collapseUmbrellas([...(planned.permissions ?? [])].sort()).join(", ")}`;
}

function describeToken(token: TokenSteps, now: number): TokenLine | undefined {
  const key = parseUrn(token.urn).name;
  const ops = new Set(token.ops);
  if (!changingOps.some((op) => ops.has(op))) return undefined;
  const refreshed = token.refreshed === undefined ? undefined : { inputs: fields(token.refreshed.inputs), outputs: fields(token.refreshed.outputs) };
  const current = { inputs: fields(token.current?.inputs), outputs: fields(token.current?.outputs) };
  const planned = fields(token.planned?.inputs);
  // What the last `up` applied: before the refresh, which rewrites the inputs from LogScale.
  const applied = refreshed?.inputs ?? current.inputs;
  const line = (text: string, drifted = false): TokenLine => ({ key, drifted, text: `${key}: ${text}` });

  if (ops.has("create") && token.refreshed !== undefined) {
    return line(`deleted in LogScale; \`pulumi up\` creates it again: ${consumersNeedIt}`, true);
  }
  if (ops.has("create")) {
    if (planned.adoptTokenId) {
      const views = viewsOf(planned);
      const adopted = `adopts the existing ${token.kind} token ${planned.adoptTokenId}${views.length > 0 ? ` on ${views.join(", ")}` : ""} and sets its permissions to ${collapseUmbrellas([...(planned.permissions ?? [])].sort()).join(", ")}`;
      return line(planned.rotateOnAdopt ? `${adopted}; rotates it once: ${consumersNeedIt}, the old secret stops working` : `${adopted}; its consumers keep their secret`);
    }
    return line(newToken(token.kind, planned));
  }
  if (ops.has("delete")) return line("deleted: whatever uses it stops working");

  const parts: string[] = [];
  const inLogScale = refreshed === undefined ? [] : logscaleChanges(refreshed.outputs, current.outputs);
  if (inLogScale.length > 0) parts.push(`changed in LogScale: ${inLogScale.join("; ")}`);
  const permissions = setChange(applied.permissions, planned.permissions);
  const replaced = ops.has("replace") || ops.has("create-replacement");
  if (replaced) {
    const reasons = replacementReasons(token.replaceReasons, applied, planned, current.outputs);
    parts.push(`replaced: ${consumersNeedIt}${reasons.length > 0 ? `. Why: ${reasons.join("; ")}` : ""}`);
    if (permissions !== undefined && !reasons.some((reason) => reason.startsWith("permissions"))) parts.push(`permissions ${permissions}`);
  } else if (permissions !== undefined) {
    parts.push(`permissions ${permissions}`);
  } else if (inLogScale.length > 0) {
    parts.push("`pulumi up` sets it back to what the repository says");
  }
  const expireAt = typeof current.outputs.expireAt === "number" ? current.outputs.expireAt : undefined;
  if (parts.length === 0 && expireAt !== undefined && expireAt <= now) {
    parts.push(`expired on ${date(expireAt)}: it no longer works; set a new expireAt to replace it`);
  }
  if (parts.length === 0) parts.push("changes (`pulumi preview --diff` in the job log says how)");
  return line(parts.join("; "), inLogScale.length > 0);
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
      return name === undefined || tokenKindOf(diagnostic.urn ?? "") === undefined ? text : `${name}: ${text}`;
    });
  return [...new Set(lines)];
}

export interface PlanReport {
  readonly markdown: string;
  /** One per token the next `up` changes, by key. */
  readonly lines: readonly TokenLine[];
  /** Tokens the preview saw that the next `up` leaves as they are. */
  readonly unchanged: number;
  /** Tokens changed or deleted in LogScale (only a preview with --refresh can tell). */
  readonly drifted: number;
  readonly failed: boolean;
}

export interface SummaryOptions {
  readonly stack?: string;
  /** Epoch ms; whether a token has expired is judged against it. */
  readonly now?: number;
  /** The nightly check's words: "drift" and "no drift" rather than a plan's. */
  readonly drift?: boolean;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The Markdown report of a `pulumi preview [--refresh] --json` output. */
export function summarize(input: unknown, options: SummaryOptions = {}): PlanReport {
  const preview = previewJson.parse(input);
  const now = options.now ?? Date.now();
  const where = options.stack === undefined ? "" : ` in \`${options.stack}\``;
  const tokens = collectTokens(preview);
  const lines = present(tokens.map((token) => describeToken(token, now)));
  const unchanged = tokens.length - lines.length;
  const drifted = lines.filter((line) => line.drifted).length;
  const errors = diagnosticLines(preview, "error");
  const warnings = diagnosticLines(preview, "warning");
  const failed = errors.length > 0;

  const out: string[] = [];
  if (failed) {
    out.push(`## LogScale tokens${where}: ${options.drift ? "the drift check could not run" : "the preview failed"}`, "", ...errors.map((error) => `- ${error}`), "");
  } else if (lines.length === 0) {
    out.push(
      `## LogScale tokens${where}: ${options.drift ? "no drift" : "no changes"}`,
      "",
      options.drift ? `All ${plural(tokens.length, "token")} match LogScale and the repository.` : `\`pulumi up\` changes no token (${unchanged} unchanged).`,
      "",
    );
  } else {
    const title = options.drift ? (drifted > 0 ? "drift" : "changes pending") : `${plural(lines.length, "token")} ${lines.length === 1 ? "changes" : "change"}`;
    out.push(`## LogScale tokens${where}: ${title}`, "");
    if (drifted > 0) out.push(`${drifted} of ${plural(tokens.length, "token")} ${drifted === 1 ? "was" : "were"} changed or deleted in LogScale outside Pulumi.`, "");
    else if (options.drift) out.push(`LogScale matches the last \`pulumi up\`, but the next one would change ${lines.length} of ${plural(tokens.length, "token")}.`, "");
    out.push(...lines.map((line) => `- ${line.text}`), "");
    if (unchanged > 0) out.push(`${plural(unchanged, "other token")} unchanged.`, "");
  }
  if (warnings.length > 0) out.push("### Warnings", "", ...warnings.map((warning) => `- ${warning}`), "");
  if (options.drift && lines.length > 0 && !failed) {
    const command = options.stack === undefined ? "pulumi up --refresh" : `pulumi up --refresh --stack ${options.stack}`;
    out.push(`\`${command}\` (the deploy job) makes LogScale match the repository again. A change made in LogScale on purpose belongs in the tokens file first.`, "");
  }
  return { markdown: out.join("\n"), lines, unchanged, drifted, failed };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const usage = "usage: plan-summary <preview.json | -> [--stack NAME] [--drift]\n";

/** The command line: `<preview.json | -> [--stack NAME] [--drift]`. */
export function runCli(argv: readonly string[]): CliResult {
  const args = [...argv];
  const driftIndex = args.indexOf("--drift");
  const drift = driftIndex >= 0;
  if (drift) args.splice(driftIndex, 1);
  const stackIndex = args.indexOf("--stack");
  const stack = stackIndex >= 0 ? args.splice(stackIndex, 2)[1] : undefined;
  const [file] = args;
  if (file === undefined || args.length !== 1 || (stackIndex >= 0 && stack === undefined)) return { code: 2, stdout: "", stderr: usage };
  let report: PlanReport;
  try {
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    report = summarize(JSON.parse(text), { drift, ...(stack === undefined ? {} : { stack }) });
  } catch (error) {
    // An empty or cut-off file: the preview died before it wrote its JSON, and said why on stderr.
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    const where = stack === undefined ? "" : ` in \`${stack}\``;
    const title = drift ? "the drift check could not run" : "the preview failed";
    return { code: 2, stdout: `## LogScale tokens${where}: ${title}\n\nThe preview wrote no readable JSON (${reason}); its error output says why.\n`, stderr: "" };
  }
  return { code: report.failed ? 2 : drift && report.lines.length > 0 ? 1 : 0, stdout: report.markdown, stderr: "" };
}

if (require.main === module) {
  const result = runCli(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
