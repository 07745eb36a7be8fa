/**
 * The Cloudflare API catalog: ranked search, lookup by id or by request, and compact
 * descriptions for an LLM. Runtime-neutral (workerd and Node). Generated data lives in
 * ./generated (run `npm run catalog:build`); this file only re-exports.
 */
export { searchOperations, searchOperationsSync, parseQuery, type SearchResult, type SearchOptions, type ParsedQuery } from "./search.ts";
export { getOperation, findOperation, type OperationMatch } from "./lookup.ts";
export { describeOperation, renderSignature } from "./describe.ts";
export { permissionsFor, type PermissionSubject } from "./permissions.ts";
export { catalogInfo, listOperations, type CatalogInfo, type OperationSummary } from "./catalog-info.ts";
export type { Access, HttpMethod, OperationDetail, OperationParam, PaginationKind, ParamLocation, Sensitivity, WriteCondition } from "./types.ts";
