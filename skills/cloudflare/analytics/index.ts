/** The GraphQL Analytics API for snippets: the read-only gate, the request, the schema guide. Re-exports only. */
export { GraphqlError, readOnlyDocument, type ReadOnlyDocument } from "./query-document.ts";
export { GRAPHQL_PATH, sendGraphql, type GraphqlCall } from "./graphql-request.ts";
export { GraphqlSchemaCache, SCHEMA_TTL_MS, type IntrospectedType } from "./schema-cache.ts";
export { GraphqlSchemaGuide, type Dataset, type Introspect } from "./schema-guide.ts";
export { ANALYTICS_HIT, GRAPHQL_USAGE, isAnalyticsQuestion } from "./analytics-hint.ts";
