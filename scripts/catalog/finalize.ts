/**
 * The source-independent half of the build: both the SDK reader and the OpenAPI reader produce
 * `RawOperation`s, and this turns them into the catalog's `OperationDetail`s: account-or-zone
 * paths split in two, summary cut from the description, access, credentials and conditional
 * writes decided (classify.ts), duplicates marked, and everything sorted by id so the output is
 * byte-for-byte reproducible.
 */
import type { HttpMethod, OperationDetail, OperationParam, PaginationKind } from "../../skills/cloudflare/catalog/types.ts";
import { classify, defaultedFields, unmatchedEntries } from "./classify.ts";
import { compare } from "./sdk-api-md.ts";

/** An operation as a reader found it, before splitting and classification. */
export interface RawOperation {
  id: string;
  method: HttpMethod;
  path: string;
  /** The full documentation text (first sentence becomes the summary). */
  doc: string;
  /** An explicit summary (OpenAPI `summary`); otherwise cut from `doc`. */
  summary?: string;
  deprecated: boolean;
  pagination: PaginationKind;
  params: OperationParam[];
  bodyEncoding?: "multipart" | "binary";
  /** The token permissions that allow it (OpenAPI `x-api-token-group`; any one suffices). */
  permissions?: string[];
}

/** The build's result: operations plus the problems worth a human's look. */
export interface FinalCatalog {
  operations: OperationDetail[];
  anomalies: string[];
}

const SPLIT_PREFIX = "/{accounts_or_zones}/{account_or_zone_id}/";

/** Splits, classifies, marks duplicates and sorts; reports what looked wrong. */
export function finalize(raw: RawOperation[], anomalies: string[] = []): FinalCatalog {
  const operations = raw.flatMap(splitAccountOrZone).map(toDetail);
  markDuplicates(operations);
  operations.sort((a, b) => compare(a.id, b.id));
  const ids = new Set<string>();
  for (const op of operations) {
    if (ids.has(op.id)) anomalies.push(`duplicate id ${op.id}`);
    ids.add(op.id);
    if (!op.summary) anomalies.push(`${op.id}: no documentation`);
  }
  anomalies.push(...unmatchedEntries(operations));
  return { operations, anomalies };
}

function splitAccountOrZone(op: RawOperation): RawOperation[] {
  if (!op.path.startsWith(SPLIT_PREFIX)) return [op];
  const rest = op.path.slice(SPLIT_PREFIX.length);
  return (["account", "zone"] as const).map((scope) => {
    const idName = `${scope}_id`;
    const other = scope === "account" ? "zone_id" : "account_id";
    const kept = op.params.filter((p) => p.name !== "accounts_or_zones" && p.name !== "account_or_zone_id" && p.name !== other);
    const own = kept.find((p) => p.name === idName);
    const idParam: OperationParam = { name: idName, in: "path", required: true, type: "string", description: `The ${scope} id.` };
    if (own?.description) idParam.description = own.description.replace(/\s*Mutually exclusive with the \w+ ID\.?/i, "").trim();
    return {
      ...op,
      id: `${op.id}@${scope}`,
      path: `/${scope}s/{${idName}}/${rest}`,
      params: [idParam, ...kept.filter((p) => p.name !== idName)],
    };
  });
}

function toDetail(op: RawOperation): OperationDetail {
  const { access, sensitive, writeWhen } = classify(op);
  const detail: OperationDetail = {
    id: op.id,
    method: op.method,
    path: op.path,
    summary: op.summary?.trim() || summarize(op.doc),
    description: op.doc.trim(),
    access,
    deprecated: op.deprecated,
    pagination: op.pagination,
    params: op.params,
  };
  if (op.bodyEncoding) detail.bodyEncoding = op.bodyEncoding;
  if (op.bodyEncoding === "multipart") detail.params = detail.params.map(multipartFiles);
  const defaulted = defaultedFields(op);
  if (defaulted.size > 0) detail.params = detail.params.map((p) => (p.in === "body" && defaulted.has(p.name) ? { ...p, required: false } : p));
  // Set only when they apply, so every other operation's generated line stays as it was.
  if (sensitive) detail.sensitive = sensitive;
  if (op.permissions) detail.permissions = op.permissions;
  if (writeWhen) detail.writeWhen = writeWhen;
  return detail;
}

/**
 * The connector builds a multipart body from `{ metadata, files: { "name.js": "code" } }` (one
 * part per file, named by its key: code-mode/resolve-call.ts `multipartBody`), so a list of
 * uploads is described as that object: an array would give parts named "0", "1", and fail.
 */
export const MULTIPART_FILES_TYPE = "Record<string, string>";
const MULTIPART_FILES_DESCRIPTION = 'Files by name, as text: { "index.js": "export default {…}" } (an object, not an array)';

function multipartFiles(param: OperationParam): OperationParam {
  if (param.in !== "body" || !/^\((?:string \| )?File \| Blob\)\[\]$/.test(param.type)) return param;
  return { ...param, type: MULTIPART_FILES_TYPE, description: MULTIPART_FILES_DESCRIPTION };
}

/** The first sentence of the first paragraph, on one line, at most ~200 characters. */
export function summarize(doc: string): string {
  const paragraph = (doc.trim().split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(paragraph)?.[1] ?? paragraph;
  return sentence.length <= 200 ? sentence : `${sentence.slice(0, 197).replace(/\s+\S*$/, "")}…`;
}

/** Several ids for one method+path: prefer not deprecated, then the shortest id; mark the rest. */
function markDuplicates(operations: OperationDetail[]): void {
  const byRoute = new Map<string, OperationDetail[]>();
  for (const op of operations) {
    const key = `${op.method} ${op.path}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), op]);
  }
  for (const group of byRoute.values()) {
    if (group.length < 2) continue;
    const [preferred, ...others] = [...group].sort(
      (a, b) => Number(a.deprecated) - Number(b.deprecated) || a.id.length - b.id.length || compare(a.id, b.id),
    );
    for (const other of others) other.duplicateOf = preferred!.id;
  }
}
