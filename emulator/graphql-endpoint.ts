import {
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { z } from "zod";
import type { Caller } from "./auth";
import { LogScaleError } from "./errors";
import type { RequestIdentity } from "./faults";
import { RequestContext } from "./resolvers";
import { emulatorSchema } from "./schema";

/** The GraphQL-over-HTTP request body. Unknown members (e.g. `extensions`) are ignored. */
export const graphqlBodySchema = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});
export type GraphqlBody = z.infer<typeof graphqlBodySchema>;

export type ParsedRequest = { body: GraphqlBody; document: DocumentNode | GraphQLError };

/**
 * Clients send the same few documents over and over (only the variables change): parsing and
 * validating each once keeps the emulator's own cost out of what a benchmark of its clients
 * measures. Bounded, so a client sending endless distinct documents cannot grow it.
 */
const documentCacheSize = 256;
const documents = new Map<string, { document: DocumentNode | GraphQLError; validationErrors?: readonly GraphQLError[] }>();

function parsed(query: string): { document: DocumentNode | GraphQLError; validationErrors?: readonly GraphQLError[] } {
  let entry = documents.get(query);
  if (entry === undefined) {
    try {
      entry = { document: parse(query) };
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      entry = { document: err };
    }
    if (documents.size >= documentCacheSize) documents.delete(documents.keys().next().value!);
    documents.set(query, entry);
  }
  return entry;
}

export function parseRequest(body: GraphqlBody): ParsedRequest {
  return { body, document: parsed(body.query).document };
}

/** Validation of a parsed document, once per distinct document text. */
function validationErrorsOf(query: string, document: DocumentNode): readonly GraphQLError[] {
  const entry = parsed(query);
  entry.validationErrors ??= entry.document === document ? validate(emulatorSchema, document) : undefined;
  return entry.validationErrors ?? validate(emulatorSchema, document);
}

/** Operation name and root fields, for fault matching and the request log (best effort). */
export function identify(request: ParsedRequest): RequestIdentity {
  const given = request.body.operationName ?? null;
  if (request.document instanceof GraphQLError) return { operationName: given, rootFields: [] };
  const document = request.document;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = given === null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === given);
  if (operation === undefined) return { operationName: given, rootFields: [] };

  const fields: string[] = [];
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!fields.includes(selection.name.value)) fields.push(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        // Not validated yet, so a fragment cycle is possible: visit each fragment once.
        visited.add(selection.name.value);
        const fragment = document.definitions.find(
          (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
        );
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return { operationName: given ?? operation.name?.value ?? null, rootFields: fields };
}

export interface GraphqlResponse {
  status: number;
  payload: Record<string, unknown>;
}

/** A GraphQL error as LogScale serialises it: standard members plus a top-level `state`. */
function formatError(error: GraphQLError): Record<string, unknown> {
  const json: Record<string, unknown> = { ...error.toJSON() };
  if (error.originalError instanceof LogScaleError) json["state"] = { ...error.originalError.state };
  return json;
}

/**
 * Runs one request. A request that cannot start executing (syntax, validation, variable
 * coercion, unknown operation) gets `validationErrorStatus` and `data: null`; execution
 * errors come back as 200 with `errors` beside whatever partial data GraphQL allows.
 */
export async function runGraphql(
  request: ParsedRequest,
  caller: Caller,
  rootValue: Record<string, unknown>,
  validationErrorStatus: number,
): Promise<GraphqlResponse> {
  const requestError = (errors: readonly GraphQLError[]): GraphqlResponse => ({
    status: validationErrorStatus,
    payload: { errors: errors.map((e) => ({ message: e.message, ...(e.locations ? { locations: e.locations } : {}) })), data: null },
  });
  if (request.document instanceof GraphQLError) return requestError([request.document]);
  const validationErrors = validationErrorsOf(request.body.query, request.document);
  if (validationErrors.length > 0) return requestError(validationErrors);

  const result = await execute({
    schema: emulatorSchema,
    document: request.document,
    rootValue,
    contextValue: new RequestContext(caller),
    variableValues: request.body.variables ?? undefined,
    operationName: request.body.operationName ?? undefined,
  });
  if (result.data === undefined) return requestError(result.errors ?? []);
  const payload: Record<string, unknown> = {};
  if (result.errors !== undefined && result.errors.length > 0) payload["errors"] = result.errors.map(formatError);
  payload["data"] = result.data;
  return { status: 200, payload };
}
