/**
 * The inventory of a test folder's checks, read from the source (nothing is run): for each test
 * file, each `it`/`test` by its full name (describe blocks included) with the number of `expect(`
 * calls in its body, and, separately, those in the helpers it calls (functions of the test files
 * and of tests/support that call `expect` themselves, followed through further helpers) and in the
 * file's hooks. Two inventories, before and after a change to the tests, show whether a check was
 * dropped: merged or moved tests keep the sum of their parts.
 *
 *   npm run test:inventory                   tests/e2e, readable
 *   npm run test:inventory -- --json         the same as JSON, for diffing
 *   npm run test:inventory -- tests/provider another folder (or several)
 *
 * And from runs (LOGSCALE_TEST_REPORT=<file> npm test writes a run's report, see
 * tests/support/timing-reporter.js): each test that ran and the assertions that passed in it,
 * loops and helpers included, or two runs compared file by file.
 *
 *   npm run test:inventory -- --report run.json
 *   npm run test:inventory -- --compare before.json after.json
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const projectDir = path.resolve(__dirname, "..");
/** Where helpers that tests call are defined, beside the test files themselves. */
const helperDirs = ["tests/support", "tests/e2e"];

interface Helper {
  readonly name: string;
  readonly file: string;
  readonly expects: number;
  readonly calls: ReadonlySet<string>;
  /** The function's body, where tests it declares (a shared suite) are found. */
  readonly body: ts.Node;
  readonly source: ts.SourceFile;
}

interface TestEntry {
  readonly name: string;
  /** `it.each`/`describe.each` or a loop: one entry in the source, several tests when run. */
  readonly repeated: boolean;
  readonly expects: number;
  /** Helper name → its expects, for every helper reached from the test's body. */
  readonly helpers: Record<string, number>;
}

interface FileInventory {
  readonly file: string;
  readonly tests: TestEntry[];
  /** expects in beforeAll/beforeEach/afterAll/afterEach bodies (helpers included). */
  readonly hookExpects: number;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function tsFiles(dir: string, suffix = ".ts"): string[] {
  const absolute = path.join(projectDir, dir);
  return readdirSync(absolute, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => path.join(absolute, entry.name))
    .sort();
}

/** The identifier a call starts from: `expect` for `expect(x)`, `it` for `it.each(...)(...)`. */
function calleeRoot(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return calleeRoot(expression.expression);
  if (ts.isCallExpression(expression)) return calleeRoot(expression.expression);
  return undefined;
}

/** `expect(` calls and the plain function names called, anywhere below `node`. */
function scan(node: ts.Node): { expects: number; calls: Set<string> } {
  let expects = 0;
  const calls = new Set<string>();
  const passed = new Set<string>();
  const declared = new Set<string>();
  const visit = (child: ts.Node): void => {
    if ((ts.isVariableDeclaration(child) || ts.isParameter(child)) && ts.isIdentifier(child.name)) declared.add(child.name.text);
    if (ts.isCallExpression(child)) {
      if (ts.isIdentifier(child.expression)) {
        if (child.expression.text === "expect") expects += 1;
        else calls.add(child.expression.text);
      }
    }
    // Passed as a value (e.g. `.map(check)`): still called.
    if (ts.isIdentifier(child) && ts.isCallExpression(child.parent) && child.parent.arguments.includes(child)) passed.add(child.text);
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  for (const name of passed) if (!declared.has(name)) calls.add(name);
  return { expects, calls };
}

/** Named functions (declarations, `const f = () => …`, object methods) and what each checks and calls. */
function helpersOf(file: string): Helper[] {
  const source = parse(file);
  const helpers: Helper[] = [];
  const add = (name: string, body: ts.Node): void => {
    const { expects, calls } = scan(body);
    helpers.push({ name, file: path.relative(projectDir, file), expects, calls, body, source });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name !== undefined && node.body !== undefined) add(node.name.text, node.body);
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      if (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)) add(node.name.text, node.initializer.body);
    } else if (ts.isMethodDeclaration(node) && ts.isIdentifier(node.name) && node.body !== undefined) add(node.name.text, node.body);
    else if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) {
      add(node.name.text, node.initializer.body);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return helpers;
}

/** Every helper with an `expect` reachable from `calls`, preferring the test file's own definitions. */
function reachable(calls: ReadonlySet<string>, file: string, helpers: readonly Helper[]): Record<string, number> {
  const found: Record<string, number> = {};
  const seen = new Set<string>();
  const pending = [...calls];
  const relative = path.relative(projectDir, file);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const candidates = helpers.filter((helper) => helper.name === name);
    const own = candidates.filter((helper) => helper.file === relative);
    for (const helper of own.length > 0 ? own : candidates) {
      if (helper.expects > 0) found[`${helper.name} (${helper.file})`] = helper.expects;
      pending.push(...helper.calls);
    }
  }
  return found;
}

function nameText(node: ts.Expression | undefined, source: ts.SourceFile): string {
  if (node === undefined) return "?";
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return node.getText(source);
}

const testCalls = new Set(["it", "test"]);
const hookCalls = new Set(["beforeAll", "beforeEach", "afterAll", "afterEach"]);

/** Whether `node` declares tests (`it`/`test` calls) somewhere below it. */
function declaresTests(node: ts.Node): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(child)) {
      const root = calleeRoot(child.expression);
      if (root !== undefined && testCalls.has(root)) found = true;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

function inventoryOf(file: string, helpers: readonly Helper[]): FileInventory {
  const tests: TestEntry[] = [];
  let hookExpects = 0;
  const entered = new Set<string>();
  const visit = (node: ts.Node, prefix: string[], repeated: boolean, source: ts.SourceFile): void => {
    if (ts.isCallExpression(node)) {
      const root = calleeRoot(node.expression);
      // A shared suite (describeGitopsExample, userSdkSuite): its tests are this file's.
      if (ts.isIdentifier(node.expression) && !entered.has(root ?? "")) {
        const suite = helpers.find((helper) => helper.name === root && declaresTests(helper.body));
        if (suite !== undefined) {
          entered.add(suite.name);
          visit(suite.body, prefix, repeated, suite.source);
          entered.delete(suite.name);
        }
      }
      const each = ts.isCallExpression(node.expression) && ts.isPropertyAccessExpression(node.expression.expression) && node.expression.expression.name.text === "each";
      const body = node.arguments.find((argument) => ts.isArrowFunction(argument) || ts.isFunctionExpression(argument));
      if (root !== undefined && testCalls.has(root) && body !== undefined) {
        const { expects, calls } = scan(body);
        tests.push({ name: [...prefix, nameText(node.arguments[0], source)].join(" › "), repeated: repeated || each, expects, helpers: reachable(calls, file, helpers) });
        return;
      }
      if (root === "describe" && body !== undefined) {
        ts.forEachChild(body, (child) => visit(child, [...prefix, nameText(node.arguments[0], source)], repeated || each, source));
        return;
      }
      if (root !== undefined && hookCalls.has(root) && body !== undefined) {
        const { expects, calls } = scan(body);
        hookExpects += expects + Object.values(reachable(calls, file, helpers)).reduce((sum, count) => sum + count, 0);
        return;
      }
    }
    const loop = ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node);
    ts.forEachChild(node, (child) => visit(child, prefix, repeated || loop, source));
  };
  visit(parse(file), [], false, parse(file));
  return { file: path.relative(projectDir, file), tests, hookExpects };
}

/** A run's report as tests/support/timing-reporter.js writes it (LOGSCALE_TEST_REPORT). */
interface RunReport {
  readonly wallMs: number;
  readonly files: ReadonlyArray<{ file: string; ms: number; tests: ReadonlyArray<{ name: string; status: string; ms: number; asserts: number }> }>;
}

function readReport(file: string): RunReport {
  return JSON.parse(readFileSync(file, "utf8")) as RunReport;
}

/** What ran: each test with its status and the assertions that passed in it (loops and helpers included). */
function printReport(file: string): void {
  const report = readReport(file);
  let tests = 0;
  let asserts = 0;
  for (const entry of [...report.files].sort((a, b) => a.file.localeCompare(b.file))) {
    const fileAsserts = entry.tests.reduce((sum, test) => sum + test.asserts, 0);
    console.log(`${entry.file}: ${entry.tests.length} tests, ${fileAsserts} passing assertions`);
    for (const test of entry.tests) console.log(`  ${String(test.asserts).padStart(4)}  ${test.status.padEnd(7)} ${test.name}`);
    tests += entry.tests.length;
    asserts += fileAsserts;
  }
  console.log(`
${report.files.length} files, ${tests} tests, ${asserts} passing assertions`);
}

/**
 * Two runs' checks side by side, per file: tests and passing assertions. A file whose assertions
 * went down, and a test name that is gone, are listed; the exit status is 1 when there is any.
 */
function compareReports(beforeFile: string, afterFile: string): void {
  const [before, after] = [readReport(beforeFile), readReport(afterFile)];
  const byFile = (report: RunReport) => new Map(report.files.map((entry) => [entry.file, entry]));
  const [was, is] = [byFile(before), byFile(after)];
  let lost = false;
  const files = [...new Set([...was.keys(), ...is.keys()])].sort();
  const total = { beforeTests: 0, afterTests: 0, beforeAsserts: 0, afterAsserts: 0 };
  for (const file of files) {
    const [old, now] = [was.get(file)?.tests ?? [], is.get(file)?.tests ?? []];
    const sum = (tests: typeof old) => tests.reduce((count, test) => count + test.asserts, 0);
    const gone = old.filter((test) => !now.some((other) => other.name === test.name)).map((test) => test.name);
    const added = now.filter((test) => !old.some((other) => other.name === test.name)).map((test) => test.name);
    const failing = now.filter((test) => test.status !== "passed").map((test) => `${test.name} (${test.status})`);
    const fewer = sum(now) < sum(old);
    lost ||= fewer || failing.length > 0;
    total.beforeTests += old.length;
    total.afterTests += now.length;
    total.beforeAsserts += sum(old);
    total.afterAsserts += sum(now);
    console.log(`${fewer ? "FEWER" : "     "} ${file}: tests ${old.length} → ${now.length}, passing assertions ${sum(old)} → ${sum(now)}`);
    for (const name of gone) console.log(`        - ${name}`);
    for (const name of added) console.log(`        + ${name}`);
    for (const name of failing) console.log(`        ! ${name}`);
  }
  console.log(`
tests ${total.beforeTests} → ${total.afterTests}, passing assertions ${total.beforeAsserts} → ${total.afterAsserts}; wall ${(before.wallMs / 1000).toFixed(0)} s → ${(after.wallMs / 1000).toFixed(0)} s`);
  if (lost) process.exitCode = 1;
}

function main(): void {
  const args = process.argv.slice(2);
  const reportAt = args.indexOf("--report");
  if (reportAt >= 0) return printReport(args[reportAt + 1] ?? "");
  const compareAt = args.indexOf("--compare");
  if (compareAt >= 0) return compareReports(args[compareAt + 1] ?? "", args[compareAt + 2] ?? "");
  const json = args.includes("--json");
  const dirs = args.filter((arg) => !arg.startsWith("--"));
  const testDirs = dirs.length > 0 ? dirs : ["tests/e2e"];
  const helpers = [...new Set([...helperDirs, ...testDirs])].flatMap((dir) => tsFiles(dir)).flatMap(helpersOf);
  const inventory = testDirs.flatMap((dir) => tsFiles(dir, ".test.ts")).map((file) => inventoryOf(file, helpers));
  if (json) {
    process.stdout.write(`${JSON.stringify(inventory, null, 2)}\n`);
    return;
  }
  let tests = 0;
  let direct = 0;
  for (const { file, tests: entries, hookExpects } of inventory) {
    const fileDirect = entries.reduce((sum, entry) => sum + entry.expects, 0);
    console.log(`${file}: ${entries.length} tests, ${fileDirect} expect( in tests, ${hookExpects} in hooks`);
    for (const entry of entries) {
      const via = Object.entries(entry.helpers).map(([name, count]) => `${name} ${count}`);
      console.log(`  ${entry.expects}${via.length > 0 ? ` + [${via.join(", ")}]` : ""}\t${entry.name}${entry.repeated ? "  (repeated: each/loop)" : ""}`);
    }
    tests += entries.length;
    direct += fileDirect;
  }
  console.log(`\n${inventory.length} files, ${tests} tests, ${direct} expect( in test bodies`);
}

main();
