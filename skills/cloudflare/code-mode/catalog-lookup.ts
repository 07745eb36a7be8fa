/** The generated catalog, bound to the shape the connector and the approval cards use. */
import { describeOperation, findOperation, getOperation, searchOperations } from "../catalog/index.ts";
import type { CatalogLookup } from "./resolve-call.ts";

/** Catalog lookups over the committed, generated catalog. */
export const catalogLookup: CatalogLookup = {
  search: async (query, limit) => (await searchOperations(query, { limit })).map(({ id, method, path, summary }) => ({ id, method, path, summary })),
  get: getOperation,
  find: async (method, path) => {
    const match = findOperation(method, path);
    const operation = match && (await getOperation(match.id));
    return operation && match ? { operation, params: match.pathParams } : undefined;
  },
  describe: describeOperation,
};
