import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { EMULATOR_SDL } from "../../emulator";
import { emulatorSchema } from "../../emulator/schema";
import { describeWithShared, readShared } from "../support/shared";

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "object";
  if (isInterfaceType(type)) return "interface";
  if (isInputObjectType(type)) return "input";
  if (isEnumType(type)) return "enum";
  if (isScalarType(type)) return "scalar";
  if (isUnionType(type)) return "union";
  return "unknown";
}

function signature(field: GraphQLField<unknown, unknown>): { type: string; args: string[] } {
  return { type: String(field.type), args: field.args.map((a) => `${a.name}: ${String(a.type)}`) };
}

const ownTypes = (schema: GraphQLSchema): GraphQLNamedType[] =>
  Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith("__"));

describeWithShared("emulator SDL conforms to the real LogScale 1.204.0 schema", () => {
  let real: GraphQLSchema;
  const mine = buildSchema(EMULATOR_SDL);

  beforeAll(() => {
    real = buildSchema(readShared("logscale/full-schema-1.204.0.graphql"));
  });

  it("uses the real root type names", () => {
    expect(mine.getQueryType()?.name).toBe(real.getQueryType()?.name);
    expect(mine.getMutationType()?.name).toBe(real.getMutationType()?.name);
  });

  it.each(ownTypes(mine).map((t) => [t.name, t] as const))("type %s exists with the same kind", (name, type) => {
    const realType = real.getType(name);
    expect(realType && kindOf(realType)).toBe(kindOf(type));
  });

  it("every field of every object and interface type has the real type and the full real argument list", () => {
    const mismatches: string[] = [];
    for (const type of ownTypes(mine)) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      const realType = real.getType(type.name);
      if (!isObjectType(realType) && !isInterfaceType(realType)) {
        mismatches.push(`${type.name}: not an object/interface in the real schema`);
        continue;
      }
      const realFields = realType.getFields();
      for (const field of Object.values(type.getFields())) {
        const realField = realFields[field.name];
        if (realField === undefined) {
          mismatches.push(`${type.name}.${field.name}: no such field`);
          continue;
        }
        const want = signature(realField);
        const got = signature(field);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          mismatches.push(`${type.name}.${field.name}: ${JSON.stringify(got)} != real ${JSON.stringify(want)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("implements exactly the real interfaces and lists every real implementation of each interface", () => {
    for (const type of ownTypes(mine)) {
      if (isObjectType(type)) {
        const realType = real.getType(type.name);
        if (!isObjectType(realType)) throw new Error(`${type.name} is not an object type in the real schema`);
        const realInterfaces = realType.getInterfaces().map((i) => i.name).filter((n) => mine.getType(n) !== undefined);
        expect({ type: type.name, interfaces: type.getInterfaces().map((i) => i.name).sort() }).toEqual({
          type: type.name,
          interfaces: realInterfaces.sort(),
        });
      }
      if (isInterfaceType(type)) {
        const realType = real.getType(type.name);
        if (!isInterfaceType(realType)) throw new Error(`${type.name} is not an interface in the real schema`);
        expect({ type: type.name, implementations: mine.getPossibleTypes(type).map((t) => t.name).sort() }).toEqual({
          type: type.name,
          implementations: real.getPossibleTypes(realType).map((t) => t.name).sort(),
        });
      }
    }
  });

  it("declares every input type completely, with the real field types", () => {
    const inputs = ownTypes(mine).filter(isInputObjectType);
    expect(inputs.length).toBeGreaterThan(10);
    for (const input of inputs) {
      const realInput = real.getType(input.name);
      if (!isInputObjectType(realInput)) throw new Error(`${input.name} is not an input type in the real schema`);
      const fields = (t: typeof input) =>
        Object.values(t.getFields())
          .map((f) => `${f.name}: ${String(f.type)}`)
          .sort();
      expect({ input: input.name, fields: fields(input) }).toEqual({ input: input.name, fields: fields(realInput) });
    }
  });

  it("declares every enum completely, values in real schema order", () => {
    const enums = ownTypes(mine).filter(isEnumType);
    expect(enums.map((e) => e.name)).toEqual(
      expect.arrayContaining(["Tokens__Type", "Tokens__SortBy", "OrderBy", "OrganizationPermission", "SystemPermission", "Permission", "AssetPermission", "RepositoryType"]),
    );
    for (const e of enums) {
      const realEnum = real.getType(e.name);
      if (!isEnumType(realEnum)) throw new Error(`${e.name} is not an enum in the real schema`);
      expect({ enum: e.name, values: e.getValues().map((v) => v.name) }).toEqual({
        enum: e.name,
        values: realEnum.getValues().map((v) => v.name),
      });
    }
  });

  it("every enum reachable from the executable schema is declared (none trimmed away)", () => {
    // Follow every field, argument and input field from the roots: each enum met must be one
    // the emulator declares in full (checked above), so nothing the emulator uses is partial.
    const seen = new Set<string>();
    const visit = (type: GraphQLNamedType): void => {
      if (seen.has(type.name)) return;
      seen.add(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          visit(getNamedType(field.type));
          for (const arg of field.args) visit(getNamedType(arg.type));
        }
        if (isInterfaceType(type)) for (const impl of emulatorSchema.getPossibleTypes(type)) visit(impl);
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
      }
    };
    const query = emulatorSchema.getQueryType();
    const mutation = emulatorSchema.getMutationType();
    if (!query || !mutation) throw new Error("roots missing");
    visit(query);
    visit(mutation);
    const reachableEnums = [...seen].filter((n) => isEnumType(emulatorSchema.getType(n)));
    expect(reachableEnums.sort()).toEqual(
      ["AssetPermission", "OrderBy", "OrganizationPermission", "Permission", "RepositoryType", "SystemPermission", "Tokens__SortBy", "Tokens__Type"].sort(),
    );
  });

  it("offers the operations the provider and humio-operator need", () => {
    const query = Object.keys(mine.getQueryType()?.getFields() ?? {});
    const mutation = Object.keys(mine.getMutationType()?.getFields() ?? {});
    expect(query).toEqual(expect.arrayContaining(["token", "tokens", "ipFilters", "searchDomain", "organization"]));
    expect(mutation).toEqual(
      expect.arrayContaining([
        "createOrganizationPermissionsToken",
        "createSystemPermissionsToken",
        "createViewPermissionsToken",
        "createOrganizationPermissionsTokenV2",
        "createSystemPermissionsTokenV2",
        "createViewPermissionsTokenV2",
        "updateOrganizationPermissionsTokenPermissions",
        "updateSystemPermissionsTokenPermissions",
        "updateViewPermissionsTokenPermissions",
        "deleteToken",
        "rotateToken",
        "updateTokenSecurityPolicies",
        "createIPFilter",
        "deleteIPFilter",
      ]),
    );
  });

  it("the executable schema is the SDL (Long coercion patched in, nothing else changed)", () => {
    expect(Object.keys(emulatorSchema.getTypeMap()).sort()).toEqual(Object.keys(mine.getTypeMap()).sort());
  });
});
