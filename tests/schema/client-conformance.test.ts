import { buildSchema, GraphQLEnumType, type GraphQLSchema, parse, validate } from "graphql";
import { allDocuments } from "../../provider/client/graphql/documents";
import { assetPermissions, organizationPermissions, systemPermissions, viewPermissions } from "../../provider/program/permissions";
import { describeWithShared, readShared } from "../support/shared";

describeWithShared("the client against the real LogScale 1.204.0 schema", () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildSchema(readShared("logscale/full-schema-1.204.0.graphql"));
  });

  it.each(Object.entries(allDocuments))("document %s is valid", (_name, document) => {
    const errors = validate(schema, parse(document));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("each document holds exactly one operation, named as the client sends it", () => {
    for (const document of Object.values(allDocuments)) {
      const operations = parse(document).definitions.filter((definition) => definition.kind === "OperationDefinition");
      expect(operations).toHaveLength(1);
    }
  });

  it.each([
    ["OrganizationPermission", organizationPermissions],
    ["SystemPermission", systemPermissions],
    ["Permission", viewPermissions],
    ["AssetPermission", assetPermissions],
  ])("the %s list equals the schema's enum, in order", (typeName, values) => {
    const type = schema.getType(typeName);
    expect(type).toBeInstanceOf(GraphQLEnumType);
    expect((type as GraphQLEnumType).getValues().map((value) => value.name)).toEqual([...values]);
  });
});
