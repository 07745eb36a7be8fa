/**
 * Cloudflare's v4 response envelope, as the emulator writes it:
 * `{ success, errors: [{ code, message }], messages, result, result_info? }`, with the real
 * pagination shapes (page-based `result_info` with counts, or cursor-based `{ cursor, per_page }`).
 */

/** One entry of an envelope's `errors` (Cloudflare nests causes in `error_chain`). */
export interface CfError {
  code: number;
  message: string;
  error_chain?: CfError[];
}

/** Page-based `result_info`, as on /zones, /dns_records, /d1/database, … */
export interface PageInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

/** A failure a route handler throws; the emulator turns it into an error envelope. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  readonly status: number;
  readonly errors: CfError[];
  readonly headers: Record<string, string>;
  constructor(status: number, errors: CfError[], headers: Record<string, string> = {}) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join("; "));
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

/** A success envelope. */
export function ok(result: unknown, extra: { status?: number; resultInfo?: unknown; messages?: unknown[] } = {}): Response {
  const body = {
    success: true,
    errors: [],
    messages: extra.messages ?? [],
    result,
    ...(extra.resultInfo !== undefined ? { result_info: extra.resultInfo } : {}),
  };
  return json(body, extra.status ?? 200);
}

/** An error envelope. */
export function fail(status: number, errors: CfError[], headers: Record<string, string> = {}): Response {
  return json({ success: false, errors, messages: [], result: null }, status, headers);
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** "No route for that URI" (7000), Cloudflare's answer to a path it does not know. */
export function noRoute(): ApiFailure {
  return new ApiFailure(404, [{ code: 7000, message: "No route for that URI" }]);
}

/** Cloudflare's answer to an identifier it cannot route (7003, with 7000 alongside). */
export function couldNotRoute(path: string, status = 400): ApiFailure {
  return new ApiFailure(status, [
    { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
    { code: 7000, message: "No route for that URI" },
  ]);
}

/** A request body or parameter the API rejects. */
export function badRequest(code: number, message: string): ApiFailure {
  return new ApiFailure(400, [{ code, message }]);
}

/** Slices `items` by `page`/`per_page` from the query, with Cloudflare's bounds for this list. */
export function paginate<T>(items: T[], url: URL, bounds: { defaultPerPage: number; maxPerPage: number }): { items: T[]; info: PageInfo } {
  const page = intParam(url, "page", 1, 1, 1_000_000);
  const perPage = intParam(url, "per_page", bounds.defaultPerPage, 1, bounds.maxPerPage);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    items: slice,
    info: { page, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) },
  };
}

/** Cursor pagination (R2 buckets): the cursor is an opaque offset; an empty cursor means the end. */
export function paginateByCursor<T>(items: T[], url: URL, bounds: { defaultPerPage: number; maxPerPage: number }): { items: T[]; info: { cursor: string; per_page: number } } {
  const perPage = intParam(url, "per_page", bounds.defaultPerPage, 1, bounds.maxPerPage);
  const cursor = url.searchParams.get("cursor");
  const start = cursor ? decodeCursor(cursor) : 0;
  const slice = items.slice(start, start + perPage);
  const next = start + perPage < items.length ? encodeCursor(start + perPage) : "";
  return { items: slice, info: { cursor: next, per_page: perPage } };
}

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw badRequest(1004, `Invalid ${name}: must be an integer of at least ${min}`);
  return Math.min(value, max);
}

function encodeCursor(offset: number): string {
  return btoa(`offset:${offset}`).replace(/=+$/, "");
}

function decodeCursor(cursor: string): number {
  const match = /^offset:(\d+)$/.exec(safeAtob(cursor));
  if (!match) throw badRequest(10033, "The provided cursor is invalid.");
  return Number(match[1]);
}

function safeAtob(value: string): string {
  try {
    return atob(value);
  } catch {
    return "";
  }
}

/** A new 32-hex identifier, like Cloudflare's zone, record and account ids. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `value` has the shape of a Cloudflare identifier (32 lowercase hex). */
export function isId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/** A UUID (D1 database ids are UUIDs). */
export function newUuid(): string {
  return crypto.randomUUID();
}

/** Now, as the API writes timestamps (ISO 8601 with microseconds, UTC). */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/Z$/, "000Z");
}
