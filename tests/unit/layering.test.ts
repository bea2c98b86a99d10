/**
 * The layering the README describes, read from the sources' imports: the program side knows
 * nothing of the provider, the client nothing of Pulumi, the core nothing of how it is served
 * (and writes nowhere itself: each serving gives it a place for its messages).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..", "provider");

function sources(folder: string): { file: string; text: string }[] {
  const dir = path.join(root, folder);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file: `${folder}/${file}`, text: readFileSync(path.join(dir, file), "utf8") }));
}

function imports(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((match) => match[1]!);
}

function offending(folder: string, refused: (specifier: string) => boolean): string[] {
  return sources(folder).flatMap(({ file, text }) => imports(text).filter(refused).map((specifier) => `${file}: ${specifier}`));
}

it("provider/program imports nothing of the core, the client or the servings", () => {
  expect(offending("program", (specifier) => /^\.\.\/(core|client|serving)\b/.test(specifier))).toEqual([]);
});

it("provider/client imports nothing of Pulumi, the core or the servings", () => {
  expect(offending("client", (specifier) => specifier.startsWith("@pulumi/") || /^(\.\.\/)+(core|serving)\b/.test(specifier))).toEqual([]);
});

it("provider/core imports nothing of Pulumi or the servings, and writes to no stream of the process", () => {
  expect(offending("core", (specifier) => specifier.startsWith("@pulumi/") || /^\.\.\/serving\b/.test(specifier))).toEqual([]);
  expect(sources("core").filter(({ text }) => /process\.(stdout|stderr)|console\./.test(text)).map(({ file }) => file)).toEqual([]);
});

it("the import reader finds imports (a check of the check)", () => {
  expect(imports(readFileSync(path.join(root, "serving", "dynamic", "dynamic-provider.ts"), "utf8"))).toEqual(
    expect.arrayContaining(["@pulumi/pulumi/log", "../../core/token-provider"]),
  );
});
