/**
 * The package schema the plugin serves (GetSchema): schema.json, committed beside this file and
 * held against the TypeScript classes by tests/plugin/schema.test.ts.
 */
import schema from "./schema.json";

export { schema };

/** The schema as GetSchema answers it, stamped with the plugin's version. */
export function schemaText(version: string): string {
  return JSON.stringify({ ...schema, version });
}
