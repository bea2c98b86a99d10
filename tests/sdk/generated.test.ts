/**
 * The SDKs in sdk/, generated from the plugin's schema by Pulumi's code generators
 * (npm run sdk:gen): that they are what the schema generates now, byte for byte, and what can be
 * checked of each here. Go runs end to end (tests/e2e/sdk-go.test.ts), and the README's Go program
 * compiles against it; the Node.js SDK type-checks
 * against this repository's @pulumi/pulumi; Python and .NET, whose Pulumi packages cannot be
 * installed on these machines, are checked as far as their own tools allow (Python byte-compiles,
 * its classes carry the schema's type tokens; the .NET project file is well-formed XML naming the
 * package, its version and the Pulumi package it needs).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { schema } from "../../provider/serving/plugin/schema";
import { projectDir } from "../support/consumer";

jest.setTimeout(600_000);

const sdkDir = path.join(projectDir, "sdk");
const version = (JSON.parse(readFileSync(path.join(projectDir, "package.json"), "utf8")) as { version: string }).version;
/** logscale:index:OrgPermissionsToken → OrgPermissionsToken, for each resource of the schema. */
const resourceClasses = Object.fromEntries(Object.keys(schema.resources).map((token) => [token, token.split(":").pop()!]));
const language = schema.language;

function runOrThrow(command: string, args: string[], cwd = projectDir): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** Every file under dir, as paths relative to it with forward slashes. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(dir, relative) : [relative];
  });
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "logscale-sdk-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("sdk/", () => {
  it("is what schema.json generates, byte for byte (else: npm run sdk:gen)", () => {
    const generated = path.join(scratch, "generated");
    runOrThrow("bash", [path.join(projectDir, "scripts", "sdk-gen.sh"), generated]);
    // What the repository holds of sdk/: committed files and new ones, not what .gitignore keeps out (node_modules, bin/, __pycache__).
    const held = runOrThrow("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "."], sdkDir).split("\n").filter((line) => line !== "");
    const heldNow = held.filter((file) => existsSync(path.join(sdkDir, file)));
    const expected = filesUnder(generated).sort();
    const missing = expected.filter((file) => !heldNow.includes(file));
    const extra = heldNow.filter((file) => !expected.includes(file));
    const changed = expected.filter((file) => heldNow.includes(file) && !readFileSync(path.join(sdkDir, file)).equals(readFileSync(path.join(generated, file))));
    const differences = [...missing.map((file) => `missing ${file}`), ...extra.map((file) => `not generated ${file}`), ...changed.map((file) => `changed ${file}`)];
    if (differences.length > 0) {
      throw new Error(`sdk/ is not what provider/serving/plugin/schema.json generates; run \`npm run sdk:gen\` and commit sdk/:\n  ${differences.join("\n  ")}`);
    }
    expect(expected).toEqual(expect.arrayContaining(["go/go.mod", "python/pyproject.toml", "nodejs/package.json", "dotnet/LogScaleTokens.LogScale.csproj"]));
  });

  it("names the packages as schema.json's language section says, at package.json's version", () => {
    expect(readFileSync(path.join(sdkDir, "go", "go.mod"), "utf8")).toMatch(new RegExp(`^module ${path.posix.dirname(language.go.importBasePath)}$`, "m"));
    const nodePackage = JSON.parse(readFileSync(path.join(sdkDir, "nodejs", "package.json"), "utf8")) as Record<string, unknown>;
    expect([nodePackage["name"], nodePackage["version"], nodePackage["pulumi"]]).toEqual([language.nodejs.packageName, version, { resource: true, name: "logscale", version }]);
    for (const plugin of ["go/logscale/pulumi-plugin.json", `python/${language.python.packageName}/pulumi-plugin.json`, "dotnet/pulumi-plugin.json"]) {
      expect([plugin, JSON.parse(readFileSync(path.join(sdkDir, plugin), "utf8"))]).toEqual([plugin, { resource: true, name: "logscale", version }]);
    }
  });
});

describe("the Go SDK", () => {
  it("compiles the README's Go program (go vet, gofmt), in a module taking the SDK from this checkout", () => {
    const readme = readFileSync(path.join(projectDir, "README.md"), "utf8");
    const program = /\*\*A Go program\*\*[^]*?```go\n([^]*?)```/.exec(readme)?.[1];
    if (program === undefined) throw new Error("README.md has no Go program after **A Go program**");
    const moduleDir = path.join(scratch, "readme-go");
    mkdirSync(moduleDir);
    writeFileSync(path.join(moduleDir, "main.go"), program);
    // The end-to-end program's module, whose go.sum pins the same dependencies (npm test has built it, so Go's cache holds them).
    const e2eModule = path.join(projectDir, "tests", "e2e", "go");
    const goMod = readFileSync(path.join(e2eModule, "go.mod"), "utf8").replace(/=> \.\.\/\.\.\/\.\.\/sdk\/go$/m, `=> ${path.join(sdkDir, "go")}`);
    expect(goMod).toContain(`=> ${path.join(sdkDir, "go")}`);
    writeFileSync(path.join(moduleDir, "go.mod"), goMod);
    cpSync(path.join(e2eModule, "go.sum"), path.join(moduleDir, "go.sum"));
    const cacheRoot = path.join(process.env["XDG_CACHE_HOME"] ?? path.join(homedir(), ".cache"), "pulumi-logscale-tokens");
    const vet = spawnSync("go", ["vet", "-mod=readonly", "-trimpath", "."], {
      cwd: moduleDir,
      encoding: "utf8",
      env: { ...process.env, GOMODCACHE: path.join(cacheRoot, "gomod"), GOTOOLCHAIN: "local", GOFLAGS: "", GOWORK: "off", CGO_ENABLED: "0" },
    });
    expect({ status: vet.status, output: `${vet.stdout}${vet.stderr}` }).toEqual({ status: 0, output: "" });
    // As gofmt writes it, so that a reader can paste it.
    expect(runOrThrow("gofmt", ["-l", "main.go"], moduleDir)).toBe("");
  });
});

describe("the Node.js SDK", () => {
  it("type-checks (strict) against this repository's @pulumi/pulumi and exports a class per resource", () => {
    // skipLibCheck leaves out @pulumi/pulumi's own declarations (a fifth of the time); every file of the SDK is checked.
    runOrThrow(path.join(projectDir, "node_modules", ".bin", "tsc"), ["--noEmit", "--skipLibCheck", "-p", path.join(sdkDir, "nodejs", "tsconfig.json")]);
    const index = readFileSync(path.join(sdkDir, "nodejs", "index.ts"), "utf8");
    for (const className of [...Object.values(resourceClasses), "Provider"]) {
      expect(index).toMatch(new RegExp(`^export const ${className}: typeof import\\("\\./\\w+"\\)\\.${className} = `, "m"));
    }
  });
});

describe("the Python SDK", () => {
  const packageDir = () => path.join(sdkDir, "python", language.python.packageName);

  it("byte-compiles", () => {
    runOrThrow("python3", ["-X", `pycache_prefix=${path.join(scratch, "pycache")}`, "-m", "compileall", "-q", "-f", path.join(sdkDir, "python")]);
  });

  it("has a resource class per schema resource, registered under the schema's type token", () => {
    // Read with Python's own parser: each class decorated with @pulumi.type_token("<token>"), and what it derives from.
    const script = `
import ast, json, pathlib, sys
found = {}
for source in sorted(pathlib.Path(sys.argv[1]).glob("*.py")):
    for node in ast.parse(source.read_text(), str(source)).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pulumi.type_token":
                found[decorator.args[0].value] = [node.name, [ast.unparse(base) for base in node.bases], source.stem]
print(json.dumps(found))`;
    const classes = JSON.parse(runOrThrow("python3", ["-c", script, packageDir()])) as Record<string, [string, string[], string]>;
    const resources = Object.fromEntries(Object.entries(classes).filter(([token]) => token in resourceClasses));
    expect(Object.fromEntries(Object.entries(resources).map(([token, [name, bases]]) => [token, [name, bases]]))).toEqual(
      Object.fromEntries(Object.entries(resourceClasses).map(([token, name]) => [token, [name, ["pulumi.CustomResource"]]])),
    );
    // The package exports each of them.
    const init = readFileSync(path.join(packageDir(), "__init__.py"), "utf8");
    for (const [, , module] of Object.values(resources)) expect(init).toContain(`from .${module} import *\n`);
  });

  it("declares the package in pyproject.toml: name, version, the pulumi dependency", () => {
    const script = `
import json, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print(json.dumps({"name": project["name"], "version": project["version"], "readme": project["readme"], "pulumi": [d for d in project["dependencies"] if d.startswith("pulumi")]}))`;
    const project = JSON.parse(runOrThrow("python3", ["-c", script, path.join(sdkDir, "python", "pyproject.toml")])) as Record<string, unknown>;
    expect(project).toEqual({ name: language.python.packageName, version, readme: "README.md", pulumi: [expect.stringMatching(/^pulumi>=3\.\d+\.\d+,<4\.0\.0$/)] });
    expect(readFileSync(path.join(sdkDir, "python", "README.md"), "utf8")).toContain(schema.description);
  });
});

describe("the .NET SDK", () => {
  const namespace = `${language.csharp.rootNamespace}.${language.csharp.namespaces.logscale}`;

  it("has a well-formed project file naming the package, its version and the Pulumi package", () => {
    // Parsed by a real XML parser (Python's): a malformed file fails here.
    const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(json.dumps({"sdk": root.get("Sdk"), "version": root.findtext("./PropertyGroup/Version"), "license": root.findtext("./PropertyGroup/PackageLicenseExpression"),
  "references": {r.get("Include"): r.get("Version") for r in root.iter("PackageReference")}}))`;
    const project = JSON.parse(runOrThrow("python3", ["-c", script, path.join(sdkDir, "dotnet", `${namespace}.csproj`)])) as {
      sdk: string;
      version: string;
      license: string;
      references: Record<string, string>;
    };
    expect([project.sdk, project.version, project.license]).toEqual(["Microsoft.NET.Sdk", version, schema.license]);
    expect(project.references["Pulumi"]).toMatch(/^\[3\.[\d.]+,4\)$/);
  });

  it("has a resource class per schema resource in the schema's namespace, under the schema's type token", () => {
    for (const [token, className] of Object.entries(resourceClasses)) {
      const source = readFileSync(path.join(sdkDir, "dotnet", `${className}.cs`), "utf8");
      expect(source).toMatch(new RegExp(`^namespace ${namespace.replace(".", "\\.")}$`, "m"));
      expect(source).toContain(`[LogScaleResourceType("${token}")]\n    public partial class ${className} : global::Pulumi.CustomResource\n`);
    }
  });
});
