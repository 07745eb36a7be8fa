/**
 * Reads the catalog from Cloudflare's OpenAPI document (`openapi.json`), for people who have a
 * newer spec than the pinned SDK. The output format is the SDK path's. Ids: where the SDK has the
 * same method and path, its id (`r2.buckets.create`), so the prompt, help text and examples keep
 * working; otherwise `<group>.<operationId in camelCase>`, the group being the first path segment
 * after `/accounts/{…}/` or `/zones/{…}/` (e.g. `builds.listBuildsByScript`). The spec's token
 * permission names (`x-api-token-group`) are kept on each operation as `permissions`.
 */
import type { HttpMethod, OperationParam, PaginationKind, ParamLocation } from "../../skills/cloudflare/catalog/types.ts";
import type { RawOperation } from "./finalize.ts";
import { routeKey } from "./from-sdk.ts";
import { asObject, resolveRef, schemaType } from "./openapi-schema.ts";

/** The document's operations and version, plus what could not be read cleanly. */
export interface OpenApiCatalog {
  version: string;
  operations: RawOperation[];
  anomalies: string[];
}

const METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Options of `readOpenApiCatalog`. */
export interface OpenApiOptions {
  /** The SDK's id per route (`sdkRouteIds`): operations with the same method and path take it. */
  sdkIds?: ReadonlyMap<string, string>;
}

/** Reads every operation of an OpenAPI 3 document. */
export function readOpenApiCatalog(document: unknown, options: OpenApiOptions = {}): OpenApiCatalog {
  const root = asObject(document);
  const paths = asObject(root?.["paths"]);
  if (!root || !paths) throw new Error("not an OpenAPI document: it has no `paths` object (pass Cloudflare's openapi.json)");
  const info = asObject(root["info"]);
  const version = typeof info?.["version"] === "string" ? info["version"] : "unknown";
  const operations: RawOperation[] = [];
  const anomalies: string[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = asObject(rawItem) ?? {};
    for (const method of METHODS) {
      const op = asObject(item[method.toLowerCase()]);
      if (op) operations.push(readOperation(document, path, method, op, item["parameters"], anomalies, options.sdkIds));
    }
  }
  return { version, operations, anomalies };
}

function readOperation(
  document: unknown,
  path: string,
  method: HttpMethod,
  op: Record<string, unknown>,
  shared: unknown,
  anomalies: string[],
  sdkIds: ReadonlyMap<string, string> | undefined,
): RawOperation {
  const operationId = typeof op["operationId"] === "string" ? op["operationId"] : `${method.toLowerCase()} ${path}`;
  const id = sdkIds?.get(routeKey(method, path)) ?? `${groupOf(path)}.${camel(operationId)}`;
  const params = new Map<string, OperationParam>();
  for (const raw of [...(Array.isArray(shared) ? shared : []), ...(Array.isArray(op["parameters"]) ? op["parameters"] : [])]) {
    const param = resolveRef(document, raw);
    const name = param?.["name"];
    const location = param?.["in"];
    if (typeof name !== "string" || !isLocation(location)) continue;
    params.set(`${location} ${name}`, withDescription({ name, in: location, required: location === "path" || param?.["required"] === true, type: schemaType(document, param?.["schema"]) }, param?.["description"]));
  }
  const { bodyParams, bodyEncoding } = readBody(document, op["requestBody"]);
  for (const param of bodyParams) params.set(`body ${param.name}`, param);
  for (const placeholder of path.matchAll(/\{([^}]+)\}/g)) {
    if (!params.has(`path ${placeholder[1]}`)) {
      anomalies.push(`${id}: path placeholder {${placeholder[1]}} is not declared as a parameter`);
      params.set(`path ${placeholder[1]}`, { name: placeholder[1]!, in: "path", required: true, type: "string" });
    }
  }
  const raw: RawOperation = {
    id,
    method,
    path,
    doc: [op["summary"], op["description"]].filter((t) => typeof t === "string" && t.trim()).join("\n\n"),
    deprecated: op["deprecated"] === true,
    pagination: paginationOf([...params.values()]),
    params: sortParams([...params.values()], path),
  };
  if (typeof op["summary"] === "string") raw.summary = op["summary"];
  if (bodyEncoding) raw.bodyEncoding = bodyEncoding;
  const permissions = op["x-api-token-group"];
  if (Array.isArray(permissions) && permissions.length > 0) raw.permissions = permissions.filter((p): p is string => typeof p === "string");
  return raw;
}

function readBody(document: unknown, raw: unknown): { bodyParams: OperationParam[]; bodyEncoding?: "multipart" | "binary" } {
  const body = resolveRef(document, raw);
  const content = asObject(body?.["content"]) ?? {};
  const [mediaType, media] = preferredMedia(Object.entries(content));
  if (!mediaType) return { bodyParams: [] };
  const encoding = mediaType.startsWith("multipart/") ? "multipart" : mediaType === "application/octet-stream" ? "binary" : undefined;
  const schema = resolveRef(document, asObject(media)?.["schema"]);
  const properties = asObject(schema?.["properties"]);
  const required = new Set(Array.isArray(schema?.["required"]) ? schema["required"] : []);
  const bodyParams = properties
    ? Object.entries(properties).map(([name, value]) =>
        withDescription({ name, in: "body", required: required.has(name), type: schemaType(document, value, 1) }, resolveRef(document, value)?.["description"]))
    : [{ name: "body", in: "body" as const, required: body?.["required"] === true, type: schemaType(document, schema) }];
  return encoding ? { bodyParams, bodyEncoding: encoding } : { bodyParams };
}

/**
 * The media type the connector sends: multipart when offered (a Worker upload lists a raw
 * `application/javascript` body first, but modules and bindings need multipart), then JSON, then
 * whatever comes first.
 */
function preferredMedia(entries: Array<[string, unknown]>): [string, unknown] | [] {
  return entries.find(([type]) => type.startsWith("multipart/form-data"))
    ?? entries.find(([type]) => /^application\/json\b/.test(type))
    ?? entries[0] ?? [];
}

function withDescription(param: OperationParam, description: unknown): OperationParam {
  if (typeof description === "string" && description.trim()) param.description = description.trim();
  return param;
}

function isLocation(value: unknown): value is ParamLocation {
  return value === "path" || value === "query" || value === "header";
}

function paginationOf(params: OperationParam[]): PaginationKind {
  const names = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
  if (names.has("cursor")) return "cursor";
  if (names.has("page_token")) return "token";
  if (names.has("page") && names.has("per_page")) return "page";
  return "none";
}

function sortParams(params: OperationParam[], path: string): OperationParam[] {
  const placeholders = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const rank = (p: OperationParam): number =>
    p.in === "path" ? placeholders.indexOf(p.name) : 100 + ["query", "header", "body"].indexOf(p.in) * 2 + (p.required ? 0 : 1);
  return params.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function groupOf(path: string): string {
  const segments = path.split("/").filter(Boolean);
  const scoped = (segments[0] === "accounts" || segments[0] === "zones" || segments[0] === "{accounts_or_zones}") && segments[1]?.startsWith("{");
  const first = (scoped ? segments[2] : segments[0]) ?? (segments[0] === "zones" ? "zones" : "accounts");
  return camel(first.startsWith("{") ? segments[0] ?? "root" : first);
}

function camel(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}
