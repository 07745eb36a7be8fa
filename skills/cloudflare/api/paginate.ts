/**
 * Walks a list operation page by page, the ways the Cloudflare API pages (the SDK's pagination
 * classes, `node_modules/cloudflare/src/core/pagination.ts`):
 * - by page number (`V4PagePagination[Array]`): `page` / `per_page` in the query; the next page is
 *   `page + 1` until `result_info.total_pages`, or until a short or empty page when it is absent;
 * - by cursor (`CursorPagination`, `CursorLimitPagination`, `CursorPaginationAfter`, and R2's
 *   bucket list, which the SDK does not wrap): `result_info.cursor` or `result_info.cursors.after`
 *   goes back as the `cursor` query parameter; empty or absent means the end;
 * - by page token (`PageTokenPagination`, `ContainersInstancesV1Pagination`):
 *   `result_info.next_page_token` goes back as `page_token`;
 * - not at all (`SinglePage`): one answer holds the whole list.
 * Each answer's `result_info` says which one applies, so a list the catalog does not know as
 * paged is still followed. A list's items are its array result, or the one array inside an object
 * result that holds nothing else (R2: `{ buckets: [...] }`, `V4PagePagination`: `{ items: [...] }`).
 */
import type { z } from "zod";
import type { CloudflareClient, CloudflareRequest, QueryValue } from "./client.ts";
import type { ResultInfo } from "./envelope.ts";
import { CloudflareApiError } from "./errors.ts";
import type { CloudflareResponse } from "./response.ts";

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
  let query: Record<string, QueryValue> = { ...request.query, ...(options.perPage !== undefined ? { per_page: options.perPage } : {}) };
  for (let pages = 0; pages < (options.maxPages ?? 50); pages += 1) {
    const response = await client.request({ ...request, operation, query });
    const items = response.kind === "json" ? itemsOf(response.result, true) : undefined;
    if (!items) throw notAList(operation, response.status);
    for (const item of items) yield options.schema ? validate(options.schema, item, operation, response.status) : (item as T);
    const next = response.kind === "json" ? nextPage(response.resultInfo, query, items.length, "page") : undefined;
    if (!next) return;
    query = { ...query, ...next };
  }
}

/** Collects every item of a list operation (bounded by `maxPages`). */
export async function listAll<T = unknown>(client: CloudflareClient, request: CloudflareRequest, options: PaginateOptions<T> = {}): Promise<T[]> {
  const items: T[] = [];
  for await (const item of paginate(client, request, options)) items.push(item);
  return items;
}

/** What `collectList` found: a list (and whether it stopped before the end), or an answer that is not a list. */
export type Collected =
  | { kind: "list"; items: unknown[]; pages: number; status: number; stopped?: "limit" | "pages" }
  | { kind: "other"; response: CloudflareResponse };

/** How `collectList` may page. */
export interface CollectOptions {
  /** How the catalog says the operation pages (`none`, `single`, `page`, `cursor`, `token`). */
  paging: string;
  /** At most this many items; when more exist, `stopped` says so. */
  limit: number;
  /** At most this many requests. */
  maxPages: number;
}

/**
 * Sends a read and, when its answer is a list, follows its pages until the end, `limit` items or
 * `maxPages` requests. A caller that picked a page itself (`page`, `cursor` or `page_token` in the
 * query) gets that one page. An answer that is not a list comes back as it is.
 */
export async function collectList(client: CloudflareClient, request: CloudflareRequest, options: CollectOptions): Promise<Collected> {
  let query: Record<string, QueryValue> = { ...request.query };
  const chosen = ["page", "cursor", "page_token"].some((key) => query[key] !== undefined);
  const first = await client.request({ ...request, query });
  if (first.kind !== "json") return { kind: "other", response: first };
  const firstItems = itemsOf(first.result, options.paging !== "none" || hasPaging(first.resultInfo));
  if (!firstItems) return { kind: "other", response: first };
  const items = [...firstItems];
  let status = first.status;
  let pages = 1;
  let next = chosen ? undefined : nextPage(first.resultInfo, query, firstItems.length, options.paging);
  while (next && items.length < options.limit && pages < options.maxPages) {
    query = { ...query, ...next };
    const response = await client.request({ ...request, query });
    const more = response.kind === "json" ? itemsOf(response.result, true) : undefined;
    if (!more) throw notAList(request.operation ?? request.path, response.status);
    items.push(...more);
    status = response.status;
    pages += 1;
    next = response.kind === "json" ? nextPage(response.resultInfo, query, more.length, options.paging) : undefined;
  }
  if (items.length > options.limit) return { kind: "list", items: items.slice(0, options.limit), pages, status, stopped: "limit" };
  if (next) return { kind: "list", items, pages, status, stopped: items.length >= options.limit ? "limit" : "pages" };
  return { kind: "list", items, pages, status };
}

/**
 * The query that asks for the page after this one, or undefined at the end of the list. An answer
 * that would ask for the same page again (a cursor that does not move) ends the list too.
 */
export function nextPage(info: ResultInfo | undefined, query: Record<string, QueryValue>, count: number, paging: string): Record<string, string | number> | undefined {
  const next = pageAfter(info, query, count, paging);
  return next && Object.entries(next).every(([key, value]) => String(query[key]) === String(value)) ? undefined : next;
}

function pageAfter(info: ResultInfo | undefined, query: Record<string, QueryValue>, count: number, paging: string): Record<string, string | number> | undefined {
  if (!info || count === 0) return undefined;
  if (info.cursors !== undefined || typeof info.cursor === "string") {
    const cursor = info.cursors?.after ?? info.cursor;
    return cursor ? { cursor } : undefined;
  }
  const token = (info as { next_page_token?: unknown }).next_page_token;
  if (typeof token === "string") return token ? { page_token: token } : undefined;
  if (info.page === undefined && info.total_pages === undefined && paging !== "page") return undefined;
  const page = info.page ?? (Number(query.page) || 1);
  if (info.total_pages !== undefined) return page < info.total_pages ? { page: page + 1 } : undefined;
  const perPage = info.per_page ?? Number(query.per_page);
  return perPage > 0 && count >= perPage ? { page: page + 1 } : undefined;
}

/** Whether a `result_info` shows that the answer is one page of a longer list. */
function hasPaging(info: ResultInfo | undefined): boolean {
  return info !== undefined && (info.cursors !== undefined || typeof info.cursor === "string" || info.total_pages !== undefined
    || typeof (info as { next_page_token?: unknown }).next_page_token === "string");
}

/**
 * A list is an array result or, when `inObject`, an object that holds one array and nothing else
 * (R2: `{ buckets: [...] }`). An object with more beside its array (Vectorize's `{ vectors,
 * nextCursor, … }`) is not unwrapped: what it says about the list would be lost.
 */
function itemsOf(result: unknown, inObject: boolean): unknown[] | undefined {
  if (Array.isArray(result)) return result;
  if (inObject && result && typeof result === "object") {
    const values = Object.values(result);
    if (values.length === 1 && Array.isArray(values[0])) return values[0] as unknown[];
  }
  return undefined;
}

function validate<T>(schema: z.ZodType<T>, item: unknown, operation: string, status: number): T {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw new CloudflareApiError({ reason: "invalid_response", operation, status, detail: `unexpected item: ${parsed.error.issues[0]?.message ?? "invalid"}` });
}

function notAList(operation: string, status: number): CloudflareApiError {
  return new CloudflareApiError({ reason: "invalid_response", operation, status, detail: "the result is not a list" });
}
