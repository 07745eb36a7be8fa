/**
 * Walks a list operation page by page. Cloudflare paginates two ways: by page number
 * (`page`/`per_page`, `result_info.total_pages`) and by cursor (`cursor`, `result_info.cursor` or
 * `result_info.cursors.after`, empty at the end). The first answer tells which one a list uses.
 */
import type { z } from "zod";
import type { CloudflareClient, CloudflareRequest } from "./client.ts";
import { CloudflareApiError } from "./errors.ts";

/** Options for `paginate` / `listAll`. */
export interface PaginateOptions<T> {
  /** Page size to ask for (each list has its own bounds). */
  perPage?: number;
  /** Stop after this many pages (default 50), so a huge account cannot run away with a call. */
  maxPages?: number;
  /** Validates each item. */
  schema?: z.ZodType<T>;
}

/** Yields every item of a list operation, fetching pages as needed. */
export async function* paginate<T = unknown>(client: CloudflareClient, request: CloudflareRequest, options: PaginateOptions<T> = {}): AsyncGenerator<T> {
  const operation = request.operation ?? `${request.method ?? "GET"} ${request.path}`;
  const maxPages = options.maxPages ?? 50;
  let query: CloudflareRequest["query"] = { ...request.query, ...(options.perPage !== undefined ? { per_page: options.perPage } : {}) };
  for (let pageNumber = 1; pageNumber <= maxPages; pageNumber += 1) {
    const response = await client.request({ ...request, operation, query });
    if (response.kind !== "json") throw notAList(operation, response.status);
    const items = itemsOf(response.result, operation, response.status);
    for (const item of items) yield options.schema ? validate(options.schema, item, operation, response.status) : (item as T);
    const info = response.resultInfo;
    const cursor = info?.cursors?.after ?? info?.cursor;
    if (info && ("cursor" in info || info.cursors)) {
      if (!cursor) return;
      query = { ...query, cursor };
      continue;
    }
    const page = info?.page ?? pageNumber;
    const perPage = info?.per_page;
    const done = items.length === 0
      || (info?.total_pages !== undefined ? page >= info.total_pages : perPage === undefined || items.length < perPage);
    if (done) return;
    query = { ...query, page: page + 1 };
  }
}

/** Collects every item of a list operation (bounded by `maxPages`). */
export async function listAll<T = unknown>(client: CloudflareClient, request: CloudflareRequest, options: PaginateOptions<T> = {}): Promise<T[]> {
  const items: T[] = [];
  for await (const item of paginate(client, request, options)) items.push(item);
  return items;
}

/** A list is an array result, or an object holding exactly one array (R2: `{ buckets: [...] }`). */
function itemsOf(result: unknown, operation: string, status: number): unknown[] {
  if (Array.isArray(result)) return result;
  if (result && typeof result === "object") {
    const arrays = Object.values(result).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0] as unknown[];
  }
  throw notAList(operation, status);
}

function validate<T>(schema: z.ZodType<T>, item: unknown, operation: string, status: number): T {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw new CloudflareApiError({ reason: "invalid_response", operation, status, detail: `unexpected item: ${parsed.error.issues[0]?.message ?? "invalid"}` });
}

function notAList(operation: string, status: number): CloudflareApiError {
  return new CloudflareApiError({ reason: "invalid_response", operation, status, detail: "the result is not a list" });
}
