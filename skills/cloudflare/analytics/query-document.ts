/**
 * The read-only gate of the GraphQL Analytics API: a document is parsed with graphql-js (the
 * reference parser) and allowed only when every operation in it is a `query`. A mutation or
 * subscription anywhere in the document is refused, whichever operation `operationName` picks,
 * and so are type-system definitions. What is sent is the document as graphql-js prints it back,
 * not the snippet's text: the API then parses exactly what was checked, so no trick of syntax
 * (comments, odd whitespace, a byte-order mark) can make it read something else.
 */
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from "graphql/language";

/** A GraphQL document or call the gate refuses; the message says why and what to do. */
export class GraphqlError extends Error {
  override readonly name = "GraphqlError";
}

/** Documents longer than this many tokens are refused before they are parsed in full. */
const MAX_TOKENS = 20_000;

/** The checked document, ready to send. */
export interface ReadOnlyDocument {
  /** The document as printed from its syntax tree. */
  query: string;
  /** Variable names the operations declare. */
  variables: string[];
}

/** Parses `query` and returns it printed, or throws `GraphqlError` unless it only reads. */
export function readOnlyDocument(query: string, operationName?: string): ReadOnlyDocument {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: MAX_TOKENS });
  } catch (error) {
    throw new GraphqlError(`cloudflare.graphql: the query is not valid GraphQL: ${error instanceof Error ? error.message : String(error)}`);
  }
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind !== Kind.FRAGMENT_DEFINITION) {
      throw new GraphqlError(`cloudflare.graphql: only queries and fragments are allowed, not a ${definition.kind.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`);
    }
  }
  if (operations.length === 0) throw new GraphqlError("cloudflare.graphql: the document has no query; write { viewer { … } }");
  const other = operations.find((o) => o.operation !== "query");
  if (other) {
    throw new GraphqlError(`cloudflare.graphql runs queries only: this document has a ${other.operation}${other.name ? ` (${other.name.value})` : ""}, which is refused. The Analytics API is read-only; change things with cloudflare.write.`);
  }
  if (operationName !== undefined && !operations.some((o) => o.name?.value === operationName)) {
    throw new GraphqlError(`cloudflare.graphql: operationName "${operationName}" names no query in the document`);
  }
  if (operations.length > 1 && operationName === undefined) {
    throw new GraphqlError("cloudflare.graphql: the document has several queries; pass operationName to pick one, or send one query");
  }
  const variables = operations.flatMap((o) => (o.variableDefinitions ?? []).map((v) => v.variable.name.value));
  return { query: print(document), variables };
}
