/**
 * Turns what a snippet asked for (`{ op, params, query, body }`) into a concrete API request,
 * using the catalog: the operation (by id, or by `METHOD /path`), its path with the parameters
 * filled in, the query, and the body in the encoding the operation needs. Errors say exactly what
 * is missing, in words the model can act on.
 */
import { z } from "zod";
import { UNCATALOGED } from "../../../approvals/stored-request.ts";
import type { OperationDetail } from "../catalog/types.ts";

/** The catalog functions a call needs (bound to the generated catalog in production). */
export interface CatalogLookup {
  search(query: string, limit: number): Promise<Array<{ id: string; method: string; path: string; summary: string }>>;
  get(id: string): Promise<OperationDetail | undefined>;
  find(method: string, path: string): Promise<{ operation: OperationDetail; params: Record<string, string> } | undefined>;
  describe(id: string): Promise<string | undefined>;
}

/** What a snippet passes to `cloudflare.read` / `cloudflare.write` (unknown keys are refused: nothing a card does not show can ride along). */
export const callArgsSchema = z.strictObject({
  op: z.string().min(1, "op is required: an operation id such as \"r2.buckets.list\", or \"GET /accounts/{account_id}/r2/buckets\""),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  query: z.record(z.string(), z.unknown()).optional(),
  body: z.unknown().optional(),
}, {
  error: (issue) => issue.code === "unrecognized_keys"
    ? `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `"${k}"`).join(", ")}: pass only { op, params?, query?, body? }`
    : "pass one object: { op, params?, query?, body? }",
});

/** A call ready to send. */
export interface ResolvedCall {
  operation: OperationDetail;
  /** Path parameters by name (filled or given). */
  pathParams: Record<string, string>;
  path: string;
  query: Record<string, string | number | boolean>;
  body: unknown;
}

/** A call the snippet got wrong; its message goes back to the snippet as an Error. */
export class CallArgumentError extends Error {
  override readonly name = "CallArgumentError";
}

/** Resolves the operation and builds the request; `defaults` fills account_id etc. when not given. */
export async function resolveCall(catalog: CatalogLookup, raw: unknown, defaults: Record<string, string> = {}): Promise<ResolvedCall> {
  const parsed = callArgsSchema.safeParse(raw);
  if (!parsed.success) throw new CallArgumentError(`cloudflare call: ${parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ")}`);
  const args = parsed.data;
  const spaced = /^(GET|POST|PUT|PATCH|DELETE)\s+(\/\S*)$/i.exec(args.op.trim());
  let operation: OperationDetail | undefined;
  let fromPath: Record<string, string> = {};
  if (spaced) {
    const method = spaced[1]!.toUpperCase() as OperationDetail["method"];
    const path = spaced[2]!.split("?")[0]!;
    const found = await catalog.find(method, path);
    if (!found) return uncataloged(method, path, args);
    operation = found.operation;
    // "GET /accounts/{account_id}/…" names the template: its placeholders are filled from params and defaults, not sent as "{account_id}".
    fromPath = Object.fromEntries(Object.entries(found.params).filter(([, value]) => !/^\{[^}]*\}$/.test(value)));
  } else {
    if (args.op.trim() === "graphql") throw new CallArgumentError("graphql is the GraphQL Analytics API, not a REST operation: run queries with cloudflare.graphql({ query, variables }); find datasets with cloudflare.graphqlSchema({ search: \"words\" })");
    operation = await catalog.get(args.op.trim());
    if (!operation) {
      const guesses = (await catalog.search(args.op.replace(/[._]/g, " "), 3)).map((r) => r.id);
      throw new CallArgumentError(`unknown operation "${args.op}"${guesses.length ? `; did you mean ${guesses.map((g) => `"${g}"`).join(", ")}?` : ""} Use cloudflare.search("…") to find one`);
    }
  }
  const given: Record<string, string> = { ...fromPath };
  for (const [key, value] of Object.entries(args.params ?? {})) given[key] = String(value);
  const query: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(args.query ?? {})) {
    if (value === undefined || value === null) continue;
    query[key] = typeof value === "object" ? JSON.stringify(value) : (value as string | number | boolean);
  }
  const pathParams: Record<string, string> = {};
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = given[name] ?? defaults[name];
    if (value === undefined || value === "") {
      throw new CallArgumentError(`${operation.id} (${operation.method} ${operation.path}) needs params.${name}${name === "account_id" ? " (list accounts with cloudflare.read({ op: \"accounts.list\" }))" : name === "zone_id" ? " (find it with cloudflare.read({ op: \"zones.list\", query: { name: \"example.com\" } }))" : ""}`);
    }
    const refused = unsafeSegment(name, value);
    if (refused) throw new CallArgumentError(`${operation.id} (${operation.method} ${operation.path}): params.${name} ${refused}`);
    pathParams[name] = value;
    return encodeURIComponent(value);
  });
  // Parameters given in params that the operation takes in the query are moved there, forgivingly.
  for (const param of operation.params) {
    if (param.in === "query" && given[param.name] !== undefined && query[param.name] === undefined) query[param.name] = given[param.name]!;
  }
  if (operation.bodyEncoding === "multipart" && args.body !== undefined) {
    const wrong = multipartShapeError(args.body);
    if (wrong) throw new CallArgumentError(`${operation.id} (${operation.method} ${operation.path}): ${wrong}`);
  }
  return { operation, pathParams, path, query, body: args.body };
}

const FILES_EXAMPLE = 'files: { "index.js": "export default { fetch() { … } }" }';

/**
 * Why `body` cannot become a multipart body, or undefined when it can: `{ metadata?, files?, … }`
 * with `files` an object of file name to text. An array of files would become parts named "0",
 * "1", which the API refuses with a puzzling error, so it is refused here with the shape to use.
 */
export function multipartShapeError(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return `body must be an object such as { metadata: { main_module: "index.js" }, ${FILES_EXAMPLE} }`;
  }
  const files = (body as Record<string, unknown>).files;
  if (files === undefined) return undefined;
  if (Array.isArray(files)) return `body.files must be an object of file name to content, not an array: ${FILES_EXAMPLE}`;
  if (files === null || typeof files !== "object") return `body.files must be an object of file name to content: ${FILES_EXAMPLE}`;
  for (const [name, content] of Object.entries(files)) {
    if (typeof content !== "string") return `body.files[${JSON.stringify(name)}] must be the file's content as a string (got ${content === null ? "null" : typeof content})`;
  }
  return undefined;
}

/**
 * A call to a path the catalog does not know (the live API has operations the SDK lacks, such as
 * Workers Builds): GET is a read, anything else a write, and the card says plainly that the
 * operation is not in the catalog. The path is sent as given, and must be plain segments.
 */
function uncataloged(method: OperationDetail["method"], path: string, args: { query?: Record<string, unknown>; body?: unknown }): ResolvedCall {
  // The GraphQL API is reached only through cloudflare.graphql, whose gate refuses anything but queries.
  if (path === "/graphql") throw new CallArgumentError(`${method} /graphql: use cloudflare.graphql({ query, variables }) for the GraphQL Analytics API (queries only)`);
  if (!/^\/[^/]/.test(path) || path.endsWith("/")) throw new CallArgumentError(`${method} ${path}: give the full path, such as "GET /accounts/<id>/builds/workers/<script>/builds"`);
  for (const segment of path.slice(1).split("/")) {
    const refused = unsafeSegment("path", segment);
    if (refused) throw new CallArgumentError(`${method} ${path}: a path segment ${refused}`);
    if (!/^(?:[A-Za-z0-9_.~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+$/.test(segment)) {
      throw new CallArgumentError(`${method} ${path}: the segment ${JSON.stringify(segment)} has characters that must be percent-encoded`);
    }
  }
  const operation: OperationDetail = {
    id: UNCATALOGED, method, path, summary: "Not in the API catalog", description: "", access: method === "GET" ? "read" : "write",
    deprecated: false, pagination: "none", params: [],
  };
  const query: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(args.query ?? {})) {
    if (value !== undefined && value !== null) query[key] = typeof value === "object" ? JSON.stringify(value) : (value as string | number | boolean);
  }
  return { operation, pathParams: {}, path, query, body: args.body };
}

/**
 * Parameters whose values the API documents as names that may contain "/" (sent percent-encoded
 * as one segment): KV key names. Every other path parameter is one plain segment.
 */
const SLASHES_ALLOWED = new Set(["key_name"]);

/**
 * Why a path parameter value cannot be sent as one path segment, or undefined when it can.
 * A value like ".." would make the URL climb to another operation (`/environments/../purge_cache`
 * is `/purge_cache`), escaping the card, the policy and the risk badge; percent-encoded forms are
 * refused too, in case anything on the way decodes them twice.
 */
export function unsafeSegment(name: string, value: string): string | undefined {
  if (value === "") return "is empty";
  let decoded = value;
  for (let i = 0; i < 3; i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break; // a literal "%" (e.g. "100%"): it is sent encoded as %25, so nothing can decode it into a separator
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return "contains control characters";
  if (decoded.includes("\\")) return `must not contain "\\" (got ${JSON.stringify(value)})`;
  const parts = SLASHES_ALLOWED.has(name) ? decoded.split("/") : [decoded];
  if (!SLASHES_ALLOWED.has(name) && decoded.includes("/")) return `must be a single path segment without "/" (got ${JSON.stringify(value)})`;
  if (parts.some((part) => part === "." || part === "..")) return `must not be "." or ".." in any form (got ${JSON.stringify(value)}): it would point the request at another path`;
  return undefined;
}

/** Builds a multipart body from `{ metadata, files: { name: content } }`, as Workers uploads need. */
export function multipartBody(body: unknown): FormData {
  const form = new FormData();
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  if (record.metadata !== undefined) {
    form.set("metadata", new Blob([JSON.stringify(record.metadata)], { type: "application/json" }), "metadata.json");
  }
  const wrong = multipartShapeError(body);
  if (wrong) throw new CallArgumentError(wrong);
  const files = (record.files ?? {}) as Record<string, unknown>;
  for (const [name, content] of Object.entries(files)) {
    const type = name.endsWith(".py") ? "text/x-python" : name.endsWith(".wasm") ? "application/wasm" : "application/javascript+module";
    form.set(name, new Blob([String(content)], { type }), name);
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== "metadata" && key !== "files") form.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return form;
}
