/**
 * Lookups by id and by concrete request. `getOperation` loads the operation's detail chunk on
 * first use (dynamic import: a Worker parses only the groups it touches) and caches it for the
 * isolate; `findOperation` needs only the always-loaded search index.
 */
import { chunkCandidates } from "./chunk-name.ts";
import { DETAIL_LOADERS } from "./generated/detail-loaders.ts";
import { getSearchIndex } from "./search-index.ts";
import {
  INDEX_FLAG_CREDENTIALS,
  INDEX_FLAG_DEPRECATED,
  INDEX_FLAG_DUPLICATE,
  INDEX_FLAG_READ,
  INDEX_FLAG_WRITE_WHEN,
  type Access,
  type HttpMethod,
  type OperationDetail,
  type Sensitivity,
} from "./types.ts";

const chunks = new Map<string, Promise<Map<string, OperationDetail>>>();

/** The full detail of an operation by id (e.g. `r2.buckets.create`), or undefined if unknown. */
export async function getOperation(id: string): Promise<OperationDetail | undefined> {
  if (!getSearchIndex().byId.has(id)) return undefined;
  for (const name of chunkCandidates(id)) {
    const load = DETAIL_LOADERS[name];
    if (!load) continue;
    let chunk = chunks.get(name);
    if (!chunk) {
      chunk = load().then(({ DETAIL_JSON }) => new Map((JSON.parse(DETAIL_JSON) as OperationDetail[]).map((op) => [op.id, op])));
      // A failed load is not cached, so a later call can retry it.
      chunk.catch(() => chunks.delete(name));
      chunks.set(name, chunk);
    }
    const found = (await chunk).get(id);
    if (found) return found;
  }
  return undefined;
}

/** A concrete request matched to its operation. */
export interface OperationMatch {
  id: string;
  method: HttpMethod;
  /** The template, e.g. `/accounts/{account_id}/r2/buckets/{bucket_name}`. */
  path: string;
  access: Access;
  /** Placeholder values taken from the concrete path, e.g. `{ account_id: "abc", bucket_name: "photos" }`. */
  pathParams: Record<string, string>;
  /** Set when the response carries credentials. */
  sensitive?: Sensitivity;
  /** Set when some calls of this read are writes: decide the call with the detail's `writeWhen`. */
  conditional?: true;
}

interface Template {
  index: number;
  segments: string[];
  literals: number;
}

let templates: Map<string, Template[]> | undefined;

/**
 * The operation a concrete request addresses, e.g. `findOperation("GET", "/accounts/abc/r2/buckets")`.
 * Accepts full URLs and `/client/v4` prefixes; ignores query strings. The most specific template
 * wins (most literal segments), then the preferred one among duplicates.
 */
export function findOperation(method: string, path: string): OperationMatch | undefined {
  const index = getSearchIndex();
  templates ??= compileTemplates();
  const segments = splitPath(path);
  let best: { template: Template; params: Record<string, string> } | undefined;
  for (const template of templates.get(method.toUpperCase()) ?? []) {
    if (template.segments.length !== segments.length) continue;
    const params = matchSegments(template.segments, segments);
    if (!params) continue;
    if (!best || rank(template) > rank(best.template)) best = { template, params };
  }
  if (!best) return undefined;
  const op = index.operations[best.template.index]!;
  const match: OperationMatch = { id: op.id, method: op.method, path: op.path, access: op.flags & INDEX_FLAG_READ ? "read" : "write", pathParams: best.params };
  if (op.flags & INDEX_FLAG_CREDENTIALS) match.sensitive = "credentials";
  if (op.flags & INDEX_FLAG_WRITE_WHEN) match.conditional = true;
  return match;
}

function rank(template: Template): number {
  const flags = getSearchIndex().operations[template.index]!.flags;
  return template.literals * 4 - (flags & INDEX_FLAG_DUPLICATE ? 2 : 0) - (flags & INDEX_FLAG_DEPRECATED ? 1 : 0);
}

function compileTemplates(): Map<string, Template[]> {
  const byMethod = new Map<string, Template[]>();
  getSearchIndex().operations.forEach((op, index) => {
    const segments = splitPath(op.path);
    const list = byMethod.get(op.method) ?? [];
    list.push({ index, segments, literals: segments.filter((s) => !s.startsWith("{")).length });
    byMethod.set(op.method, list);
  });
  return byMethod;
}

function splitPath(path: string): string[] {
  const bare = path.replace(/^[a-z]+:\/\/[^/]+/i, "").replace(/[?#].*$/, "").replace(/^\/client\/v4(?=\/)/, "");
  return bare.split("/").filter(Boolean);
}

function matchSegments(template: string[], concrete: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i]!;
    const actual = concrete[i]!;
    if (expected.startsWith("{") && expected.endsWith("}")) params[expected.slice(1, -1)] = safeDecode(actual);
    else if (expected !== actual) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
