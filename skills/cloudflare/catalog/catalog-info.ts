/**
 * Facts about the catalog as a whole (source, version, size) and a plain list of operations,
 * both from the always-loaded index.
 */
import { CATALOG_META } from "./generated/meta.ts";
import { getSearchIndex } from "./search-index.ts";
import {
  INDEX_FLAG_CREDENTIALS,
  INDEX_FLAG_DEPRECATED,
  INDEX_FLAG_READ,
  INDEX_FLAG_WRITE_WHEN,
  type Access,
  type CatalogSource,
  type HttpMethod,
  type Sensitivity,
} from "./types.ts";

/** Where the catalog came from and how many operations it has. */
export interface CatalogInfo {
  source: CatalogSource;
  operations: number;
}

/** One operation without detail. */
export interface OperationSummary {
  id: string;
  method: HttpMethod;
  path: string;
  summary: string;
  access: Access;
  deprecated: boolean;
  /** Set when the response carries credentials. */
  sensitive?: Sensitivity;
  /** Set when some calls of this read are writes: decide a call with its detail's `writeWhen`. */
  conditional?: true;
}

/** The catalog's source (SDK version or OpenAPI version) and size. */
export function catalogInfo(): CatalogInfo {
  return { source: CATALOG_META.source, operations: CATALOG_META.operations };
}

/** Every operation, sorted by id, without detail. */
export function listOperations(): OperationSummary[] {
  return getSearchIndex().operations.map((op) => {
    const summary: OperationSummary = {
      id: op.id,
      method: op.method,
      path: op.path,
      summary: op.summary,
      access: op.flags & INDEX_FLAG_READ ? "read" : "write",
      deprecated: (op.flags & INDEX_FLAG_DEPRECATED) !== 0,
    };
    if (op.flags & INDEX_FLAG_CREDENTIALS) summary.sensitive = "credentials";
    if (op.flags & INDEX_FLAG_WRITE_WHEN) summary.conditional = true;
    return summary;
  });
}
