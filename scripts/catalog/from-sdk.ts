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

/** The version of the SDK installed at `sdkRoot`. */
export function sdkVersion(sdkRoot: string): string {
  const parsed: unknown = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8"));
  const version = typeof parsed === "object" && parsed !== null && "version" in parsed ? parsed.version : undefined;
  if (typeof version !== "string") throw new Error(`${sdkRoot}/package.json has no version; reinstall the cloudflare package`);
  return version;
}
