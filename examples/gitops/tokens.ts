/**
 * The token files, tokens/<stack>.yaml: parsed and checked here, before the program declares a
 * single resource, so a mistake in a pull request fails its preview with the file, the token
 * and the field, instead of half a plan. `npm run check-tokens` runs the same check on every
 * file without Pulumi.
 */
import { readFileSync } from "node:fs";
import { isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { organizationPermissions, systemPermissions, viewPermissions } from "pulumi-logscale-tokens";

/** Lowercase first, letters and digits: the key is the resource name and the prefix of its stack outputs. */
const keyPattern = /^[a-z][a-zA-Z0-9]*$/;
/** The provider's own duration syntax, so a bad value fails here with the file's line. */
const durationPattern = /^(\d+[wdhm])+$/;

const kinds = ["organization", "view", "system"] as const;
export type TokenKind = (typeof kinds)[number];

function quoted(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** "did you mean": a misspelt permission is the most common mistake in these files. */
function suggestion(value: unknown, candidates: readonly string[]): string {
  if (typeof value !== "string") return "";
  const wanted = value.toLowerCase();
  const scored = candidates
    .map((candidate) => ({ candidate, score: editDistance(wanted, candidate.toLowerCase()) }))
    .filter(({ score }) => score <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((x, y) => x.score - y.score);
  return scored[0] ? ` (did you mean '${scored[0].candidate}'?)` : "";
}

function permissionList<const T extends readonly [string, ...string[]]>(kind: TokenKind, values: T) {
  const permission = z.enum(values, {
    error: (issue) => `${quoted(issue.input)} is not a permission of ${kind} tokens${suggestion(issue.input, values)}`,
  });
  return z.array(permission, { error: `must be a list of ${kind} token permissions, e.g. [${values[0]}]` }).min(1, { error: "must list at least one permission" });
}

const text = (what: string) => z.string({ error: `must be ${what} (text)` }).min(1, { error: `must be ${what}, not empty` });
const duration = z
  .string({ error: 'must be a duration such as "90d", "12h", "2w" or "1d12h"' })
  .regex(durationPattern, { error: (issue) => `${quoted(issue.input)} is not a duration such as "90d", "12h", "2w" or "1d12h" (units w, d, h, m)` });

/** What every kind takes; each field maps to the resource input of the same meaning (README: the fields). */
const commonFields = {
  name: text("the token's name in LogScale"),
  ipFilter: text("the name of an IP filter").optional(),
  expireAt: z.union([z.string(), z.number()], { error: "must be an ISO-8601 time with a time zone or epoch milliseconds" }).optional(),
  expiresIn: duration.optional(),
  rotateBeforeExpiry: duration.optional(),
  rotationTrigger: text("any text; changing it rotates the token").optional(),
  adoptTokenId: text("the id of an existing LogScale token").optional(),
  rotateOnAdopt: z.boolean({ error: "must be true or false" }).optional(),
};

const organizationToken = z.strictObject({ kind: z.literal("organization"), ...commonFields, permissions: permissionList("organization", organizationPermissions) });
const systemToken = z.strictObject({ kind: z.literal("system"), ...commonFields, permissions: permissionList("system", systemPermissions) });
const viewToken = z.strictObject({
  kind: z.literal("view"),
  ...commonFields,
  permissions: permissionList("view", viewPermissions),
  views: z.array(text("a view or repository name"), { error: "must be a list of view or repository names" }).min(1, { error: "must name at least one view or repository" }),
});

const tokenEntry = z
  .discriminatedUnion("kind", [organizationToken, viewToken, systemToken], {
    error: (issue) =>
      issue.code === "invalid_union" ? `must be one of ${kinds.map(quoted).join(", ")}` : "must be a map of fields (kind, name, permissions, …)",
  })
  .superRefine((entry, context) => {
    // Checked here, not only by the provider at preview, so the message can point at the line.
    if (entry.expireAt !== undefined && entry.expiresIn !== undefined) {
      context.addIssue({ code: "custom", path: ["expiresIn"], message: "give expireAt (a fixed date) or expiresIn (a lifetime), not both" });
    }
    if (entry.rotateBeforeExpiry !== undefined && entry.expiresIn === undefined) {
      context.addIssue({ code: "custom", path: ["rotateBeforeExpiry"], message: 'needs expiresIn, the lifetime each new token gets (e.g. expiresIn: "90d")' });
    }
    if (entry.rotateOnAdopt !== undefined && entry.adoptTokenId === undefined) {
      context.addIssue({ code: "custom", path: ["rotateOnAdopt"], message: "needs adoptTokenId, the token to take over" });
    }
  });

const tokenFile = z.strictObject(
  {
    tokens: z.record(
      z.string().regex(keyPattern, {
        error: (issue) =>
          `${quoted(issue.input)} cannot name a token: use letters and digits starting with a lowercase letter (e.g. ciDeployer), as it becomes the stack outputs <name>Token and <name>TokenId`,
      }),
      tokenEntry,
      { error: "must be a map from each token's name in this stack to its fields" },
    ),
  },
  { error: "must be a map with the key 'tokens'" },
);

export type TokenDefinition = z.infer<typeof tokenEntry> & { readonly key: string };

/** One message per problem, each naming the file and line, the token and the field. */
export class TokenFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} is not a valid token file:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "TokenFileError";
  }
}

type PathSegment = PropertyKey;

/** "token 'ciDeployer', field 'permissions[1]'" for a zod path like ["tokens", "ciDeployer", "permissions", 1]. */
function describePath(path: readonly PathSegment[]): string {
  const [top, key, ...field] = path;
  if (top !== "tokens") return path.length === 0 ? "the file" : `field '${String(top)}'`;
  if (key === undefined) return "field 'tokens'";
  const fieldText = field.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`)).join("");
  return fieldText === "" ? `token '${String(key)}'` : `token '${String(key)}', field '${fieldText}'`;
}

/**
 * Checks a token file's text. Throws TokenFileError listing every problem, so one push fixes
 * them all; `file` is how the messages name it (the path as the repository has it).
 */
export function parseTokenFile(file: string, source: string): TokenDefinition[] {
  const lineCounter = new LineCounter();
  // uniqueKeys: a token written twice would otherwise be silently the second one.
  const document = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const { line } = lineCounter.linePos(offset);
    return `${file}:${line}`;
  };
  if (document.errors.length > 0) {
    throw new TokenFileError(
      file,
      document.errors.map((error) => `${where(error.pos[0])}: ${error.message.split("\n")[0] ?? error.message}`),
    );
  }

  const parsed = tokenFile.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      // The deepest node of the path that exists in the file: a missing field points at its token.
      let offset: number | undefined;
      for (let length = issue.path.length; length >= 0 && offset === undefined; length--) {
        const node: unknown = document.getIn(issue.path.slice(0, length), true);
        if (isNode(node) && node.range) offset = node.range[0];
      }
      const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : [];
      const message =
        unknownKeys.length > 0
          ? `unknown field${unknownKeys.length > 1 ? "s" : ""} ${unknownKeys.map(quoted).join(", ")}${unknownFieldHint(issue.path, unknownKeys, parsedKind(document.toJS(), issue.path))}`
          : // A bad key's own message is inside the issue; the record's message is about the whole map.
            issue.code === "invalid_key"
            ? (issue.issues[0]?.message ?? issue.message)
            : issue.message;
      return `${where(offset)}: ${describePath(issue.path)}: ${message}`;
    });
    throw new TokenFileError(file, problems);
  }

  const definitions = Object.entries(parsed.data.tokens).map(([key, entry]) => ({ ...entry, key }));
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const definition of definitions) {
    // Two entries for one LogScale token would fight over it on every `up`.
    const other = seen.get(`${definition.kind}/${definition.name}`);
    if (other !== undefined) {
      const node: unknown = document.getIn(["tokens", definition.key, "name"], true);
      const offset = isNode(node) && node.range ? node.range[0] : undefined;
      problems.push(`${where(offset)}: token '${definition.key}', field 'name': '${definition.name}' is already the name of token '${other}' (${definition.kind})`);
    }
    seen.set(`${definition.kind}/${definition.name}`, definition.key);
  }
  if (problems.length > 0) throw new TokenFileError(file, problems);
  return definitions;
}

function parsedKind(value: unknown, path: readonly PathSegment[]): TokenKind | undefined {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  const kind = typeof current === "object" && current !== null ? (current as Record<string, unknown>)["kind"] : undefined;
  return kinds.find((candidate) => candidate === kind);
}

const fieldsOf: Record<TokenKind, readonly string[]> = {
  organization: Object.keys(organizationToken.shape),
  view: Object.keys(viewToken.shape),
  system: Object.keys(systemToken.shape),
};

function unknownFieldHint(path: readonly PathSegment[], keys: readonly string[], kind: TokenKind | undefined): string {
  if (path.length !== 2 || kind === undefined) return "";
  if (keys.includes("views")) return ` (only view tokens have views)`;
  const first = keys[0];
  const close = first === undefined ? "" : suggestion(first, fieldsOf[kind]);
  return close !== "" ? close : ` (a ${kind} token has ${fieldsOf[kind].join(", ")})`;
}

/** Reads and checks tokens/<stack>.yaml; `displayName` is how messages name it. */
export function loadTokenFile(filePath: string, displayName = filePath): TokenDefinition[] {
  return parseTokenFile(displayName, readFileSync(filePath, "utf8"));
}
