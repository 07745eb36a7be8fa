/**
 * Reads the catalog from the installed `cloudflare` npm SDK: `api.md` for method + path, the
 * TypeScript sources for docs, parameters and pagination.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RawOperation } from "./finalize.ts";
import { readApiMdEntries } from "./sdk-api-md.ts";
import { SdkSource } from "./sdk-source.ts";

/** The SDK's operations and version, plus what could not be read cleanly. */
export interface SdkCatalog {
  version: string;
  operations: RawOperation[];
  anomalies: string[];
}

/** Reads every operation of the SDK installed at `sdkRoot` (the package folder). */
export function readSdkCatalog(sdkRoot: string): SdkCatalog {
  const version = sdkVersion(sdkRoot);
  const src = join(sdkRoot, "src");
  const entries = readApiMdEntries(src);
  const source = new SdkSource(src);
  const operations: RawOperation[] = [];
  const anomalies: string[] = [];
  for (const entry of entries) {
    const id = `${entry.resource}.${entry.name}`;
    const info = source.describe(entry);
    if (!info) {
      anomalies.push(`${id}: listed in api.md but not found in ${entry.file}`);
      operations.push({ id, method: entry.method, path: entry.path, doc: "", deprecated: false, pagination: "none", params: [] });
      continue;
    }
    for (const note of info.anomalies) anomalies.push(`${id}: ${note}`);
    const op: RawOperation = {
      id,
      method: entry.method,
      path: entry.path,
      doc: info.doc,
      deprecated: info.deprecated,
      pagination: info.pagination,
      params: info.params,
    };
    if (info.bodyEncoding) op.bodyEncoding = info.bodyEncoding;
    operations.push(op);
  }
  return { version, operations, anomalies };
}

/**
 * The SDK's operation id for each route, keyed `METHOD path` with placeholder names erased
 * (`GET /accounts/{}/r2/buckets` -> `r2.buckets.list`), so a catalog built from an OpenAPI
 * document keeps the ids the prompt, help text and examples use. Read from `api.md` only (no
 * type checker). The SDK's unsplit account-or-zone routes also give `@account` and `@zone` ids; where
 * several methods share a route, the one the SDK build prefers: not deprecated, then shortest.
 */
export function sdkRouteIds(sdkRoot: string): Map<string, string> {
  const src = join(sdkRoot, "src");
  const candidates = new Map<string, string[]>();
  const add = (key: string, id: string) => candidates.set(key, [...(candidates.get(key) ?? []), id]);
  for (const entry of readApiMdEntries(src)) {
    const id = `${entry.resource}.${entry.name}`;
    const split = /^\/\{accounts_or_zones\}\/\{account_or_zone_id\}\/(.*)$/.exec(entry.path);
    add(routeKey(entry.method, entry.path), id);
    // A document that lists the account and zone halves separately gets the split ids.
    if (split) for (const scope of ["account", "zone"]) add(routeKey(entry.method, `/${scope}s/{}/${split[1]}`), `${id}@${scope}`);
  }
  const deprecated = deprecatedMethods(src);
  const ids = new Map<string, string>();
  for (const [key, list] of candidates) {
    const [preferred] = list.sort((a, b) => Number(deprecated.has(baseOf(a))) - Number(deprecated.has(baseOf(b))) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    ids.set(key, preferred!);
  }
  return ids;
}

/** `METHOD /path` with placeholder names erased: the key routes are compared by. */
export function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/\{[^}]*\}/g, "{}")}`;
}

function baseOf(id: string): string {
  return id.replace(/@(account|zone)$/, "");
}

/** SDK ids whose method is marked `@deprecated`, found by a text scan of each resource class. */
function deprecatedMethods(src: string): Set<string> {
  const found = new Set<string>();
  const files = new Set(readApiMdEntries(src).map((e) => e.file));
  for (const file of files) {
    const text = readFileSync(join(src, file), "utf8");
    const key = /static override readonly _key: readonly \[([^\]]*)\]/.exec(text)?.[1];
    if (!key) continue;
    const resource = [...key.matchAll(/'([^']+)'/g)].map((m) => m[1]).join(".");
    for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n\s*(\w+)\(/g)) if (m[1]!.includes("@deprecated")) found.add(`${resource}.${m[2]}`);
  }
  return found;
}

/** The version of the SDK installed at `sdkRoot`. */
export function sdkVersion(sdkRoot: string): string {
  const parsed: unknown = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8"));
  const version = typeof parsed === "object" && parsed !== null && "version" in parsed ? parsed.version : undefined;
  if (typeof version !== "string") throw new Error(`${sdkRoot}/package.json has no version; reinstall the cloudflare package`);
  return version;
}
