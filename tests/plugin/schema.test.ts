/**
 * schema.json, which the plugin serves, against the TypeScript side it must agree with: the
 * resource classes' Args types and declared outputs (read with the TypeScript compiler from
 * provider/program/resources.ts), the kinds table and its permission lists, the stack config keys, and
 * what the classes make secret (as they register with the engine, under mocks).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { configKeys, OrgPermissionsToken, SystemPermissionsToken, ViewPermissionsToken } from "../../provider";
import { tokenKinds } from "../../provider/core/kinds";
import { schema } from "../../provider/serving/plugin/schema";
import { secretSettings } from "../../provider/serving/plugin/provider-config";
import { resourceTypeOf } from "../../provider/serving/plugin/resource-types";
import { projectDir } from "../support/consumer";

/** A property's type, the same whether read from TypeScript or from the schema. */
type Shape =
  | { readonly kind: "string" | "number" | "boolean" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "oneOf"; readonly of: readonly Shape[] }
  | { readonly kind: "array"; readonly items: Shape }
  | { readonly kind: "object"; readonly properties: Record<string, Property> };

interface Property {
  readonly shape: Shape;
  readonly required: boolean;
}

// ---------------------------------------------------------------------------------------------
// The TypeScript side

const resourcesFile = path.join(projectDir, "provider", "program", "resources.ts");
const program = ts.createProgram([resourcesFile], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  skipLibCheck: true,
  types: [],
});
const checker = program.getTypeChecker();
const source = program.getSourceFile(resourcesFile)!;

/** pulumi.Input<T> is T | Promise<T> | OutputInstance<T>: T is what the schema describes. */
const wrappers = new Set(["Promise", "OutputInstance", "Output"]);

function tsShape(type: ts.Type): Shape {
  const parts = (type.isUnion() ? type.types : [type]).filter(
    (part) => !(part.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && !wrappers.has(part.getSymbol()?.getName() ?? ""),
  );
  if (parts.length > 0 && parts.every((part) => part.isStringLiteral())) {
    return { kind: "enum", values: parts.map((part) => (part as ts.StringLiteralType).value).sort() };
  }
  if (parts.length > 0 && parts.every((part) => part.flags & ts.TypeFlags.BooleanLiteral)) return { kind: "boolean" };
  if (parts.length > 1) return { kind: "oneOf", of: parts.map(tsShape).sort((a, b) => a.kind.localeCompare(b.kind)) };
  const only = parts[0];
  if (only === undefined) throw new Error(`no type in ${checker.typeToString(type)}`);
  if (only.flags & ts.TypeFlags.String) return { kind: "string" };
  if (only.flags & ts.TypeFlags.Number) return { kind: "number" };
  if (only.flags & ts.TypeFlags.Boolean) return { kind: "boolean" };
  if (checker.isArrayType(only)) return { kind: "array", items: tsShape(checker.getTypeArguments(only as ts.TypeReference)[0]!) };
  return { kind: "object", properties: tsProperties(only) };
}

function tsProperties(type: ts.Type): Record<string, Property> {
  const properties: Record<string, Property> = {};
  for (const symbol of checker.getPropertiesOfType(type)) {
    properties[symbol.getName()] = { shape: tsShape(checker.getTypeOfSymbol(symbol)), required: (symbol.flags & ts.SymbolFlags.Optional) === 0 };
  }
  return properties;
}

function exportedType(name: string): ts.Type {
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((candidate) => candidate.getName() === name);
  if (symbol === undefined) throw new Error(`provider/program/resources.ts has no type ${name}`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

/** A class's declared outputs: its `pulumi.Output<T>` properties from resources.ts, as T. */
function tsOutputs(className: string): Record<string, Property> {
  const outputs: Record<string, Property> = {};
  for (const symbol of checker.getPropertiesOfType(exportedType(className))) {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined || declaration.getSourceFile() !== source || !ts.isPropertyDeclaration(declaration)) continue;
    const typeNode = declaration.type;
    if (typeNode === undefined || !ts.isTypeReferenceNode(typeNode) || !/(^|\.)Output$/.test(typeNode.typeName.getText(source))) continue;
    const inner = checker.getTypeFromTypeNode(typeNode.typeArguments![0]!);
    const optional = inner.isUnion() && inner.types.some((part) => part.flags & ts.TypeFlags.Undefined);
    outputs[symbol.getName()] = { shape: tsShape(inner), required: !optional };
  }
  return outputs;
}

// ---------------------------------------------------------------------------------------------
// The schema side

interface SchemaProperty {
  readonly type?: string;
  readonly $ref?: string;
  readonly items?: SchemaProperty;
  readonly oneOf?: readonly SchemaProperty[];
  readonly secret?: boolean;
  readonly description?: string;
}
interface SchemaType {
  readonly type: string;
  readonly description?: string;
  readonly enum?: readonly { value: string }[];
  readonly properties?: Record<string, SchemaProperty>;
  readonly required?: readonly string[];
}
interface SchemaResource {
  readonly description: string;
  readonly inputProperties: Record<string, SchemaProperty>;
  readonly requiredInputs: readonly string[];
  readonly properties: Record<string, SchemaProperty>;
  readonly required: readonly string[];
}
interface PackageSchema {
  readonly name: string;
  readonly config: { readonly variables: Record<string, SchemaProperty> };
  readonly provider: { readonly description: string; readonly inputProperties: Record<string, SchemaProperty> };
  readonly types: Record<string, SchemaType>;
  readonly resources: Record<string, SchemaResource>;
}

const packageSchema = schema as unknown as PackageSchema;

function referenced(ref: string): SchemaType {
  const type = packageSchema.types[ref.replace(/^#\/types\//, "")];
  if (type === undefined) throw new Error(`schema.json refers to ${ref}, which it does not define`);
  return type;
}

function schemaShape(property: SchemaProperty): Shape {
  if (property.oneOf) return { kind: "oneOf", of: property.oneOf.map(schemaShape).sort((a, b) => a.kind.localeCompare(b.kind)) };
  if (property.$ref) {
    const type = referenced(property.$ref);
    if (type.enum) return { kind: "enum", values: type.enum.map((member) => member.value).sort() };
    return { kind: "object", properties: schemaProperties(type.properties ?? {}, type.required ?? []) };
  }
  if (property.type === "array") return { kind: "array", items: schemaShape(property.items!) };
  if (property.type === "string" || property.type === "number" || property.type === "boolean") return { kind: property.type };
  throw new Error(`schema.json has a property of type ${String(property.type)}`);
}

function schemaProperties(properties: Record<string, SchemaProperty>, required: readonly string[]): Record<string, Property> {
  return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, { shape: schemaShape(property), required: required.includes(name) }]));
}

// ---------------------------------------------------------------------------------------------
// What the classes register with the engine: which outputs are secret, and which inputs.

interface Registration {
  readonly type: string;
  readonly secretInputs: string[];
  readonly additionalSecretOutputs: string[];
}
const registrations = new Map<string, Registration>();

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) }, "project", "stack", false);
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (request: RegisterRequest, callback: unknown) => unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const inputs = request.getObject()?.toJavaScript() ?? {};
    registrations.set(request.getName(), {
      type: request.getType(),
      secretInputs: Object.keys(inputs).filter((key) => pulumi.runtime.isRpcSecret(inputs[key])),
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    });
    return original(request, callback);
  };
  const connection = { url: "https://logscale.example.com", token: "api-token" };
  const org = new OrgPermissionsToken("org", { name: "o", permissions: ["ViewUsage"], connection });
  const view = new ViewPermissionsToken("view", { name: "v", permissions: ["ReadAccess"], viewIds: ["a"], connection });
  const system = new SystemPermissionsToken("system", { name: "s", permissions: ["ReadHealthCheck"], connection });
  await Promise.all([org, view, system].map((resource) => new Promise((resolve) => resource.urn.apply(resolve))));
});

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getAdditionalsecretoutputsList(): string[];
}

const registeredAs: Record<string, string> = { organization: "org", view: "view", system: "system" };

// ---------------------------------------------------------------------------------------------

describe("schema.json", () => {
  it("is the logscale package with one resource per kind, named like the TypeScript classes", () => {
    expect(packageSchema.name).toBe("logscale");
    expect(Object.keys(packageSchema.resources).sort()).toEqual(Object.values(tokenKinds).map((kind) => `logscale:index:${kind.resourceType}`).sort());
  });

  describe.each(Object.values(tokenKinds).map((kind) => [kind.resourceType, kind] as const))("%s", (className, kind) => {
    const resource = () => packageSchema.resources[resourceTypeOf(kind.name)]!;

    it("has the inputs of its Args type: names, types, required", () => {
      expect(schemaProperties(resource().inputProperties, resource().requiredInputs)).toEqual(tsProperties(exportedType(`${className}Args`)));
    });

    it("has the outputs the class declares: names, types, required", () => {
      expect(schemaProperties(resource().properties, resource().required)).toEqual(tsOutputs(className));
    });

    it("enumerates exactly the kind's permissions", () => {
      const permissions = schemaShape(resource().inputProperties["permissions"]!);
      expect(permissions).toEqual({ kind: "array", items: { kind: "enum", values: [...kind.permissions].sort() } });
    });

    it("marks secret what the class makes secret", () => {
      const registration = registrations.get(registeredAs[kind.name]!)!;
      expect(registration.type).toBe(`pulumi-nodejs:dynamic/logscale:${className}`);
      const secretOutputs = Object.entries(resource().properties).filter(([, property]) => property.secret).map(([name]) => name);
      expect(secretOutputs).toEqual(registration.additionalSecretOutputs);
      const secretInputs = Object.entries(resource().inputProperties).filter(([, property]) => property.secret).map(([name]) => name);
      expect(secretInputs).toEqual(registration.secretInputs);
    });

    it("describes the resource and every property", () => {
      expect(resource().description).not.toBe("");
      for (const property of [...Object.values(resource().inputProperties), ...Object.values(resource().properties)]) {
        expect(property.description ?? "").not.toBe("");
      }
    });
  });

  it("has the provider settings of the stack config keys, typed like a resource's connection", () => {
    const connection = tsProperties(exportedType("ConnectionArgs"));
    const expected = Object.fromEntries(
      Object.keys(configKeys).map((name) => [name, { shape: connection[name]?.shape ?? { kind: "number" }, required: false }]),
    );
    expect(Object.keys(configKeys)).toContain("timeoutSeconds"); // the one setting a connection has not
    expect(schemaProperties(packageSchema.config.variables, [])).toEqual(expected);
    expect(schemaProperties(packageSchema.provider.inputProperties, [])).toEqual(expected);
    expect(packageSchema.provider.description).not.toBe("");
  });

  it("marks secret the settings that hold credentials, in the stack config and in a connection", () => {
    const secret = (properties: Record<string, SchemaProperty>) => Object.keys(properties).filter((name) => properties[name]!.secret).sort();
    expect(secret(packageSchema.config.variables)).toEqual([...secretSettings].sort());
    expect(secret(packageSchema.provider.inputProperties)).toEqual([...secretSettings].sort());
    expect(secret(packageSchema.types["logscale:index:Connection"]!.properties!)).toEqual([...secretSettings].sort());
  });

  it("describes every type and its properties", () => {
    for (const type of Object.values(packageSchema.types)) {
      expect(type.description ?? "").not.toBe("");
      for (const property of Object.values(type.properties ?? {})) expect(property.description ?? "").not.toBe("");
    }
  });
});
