/**
 * Reads the `api.md` files of the `cloudflare` SDK: one line per SDK method, e.g.
 * `<code title="post /accounts/{account_id}/r2/buckets">client.r2.buckets.<a href="./src/…/buckets.ts">create</a>…`.
 * The `title` holds the HTTP method and the path template with the API's own parameter names,
 * which is why the catalog takes paths from here rather than from the TypeScript sources.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HttpMethod } from "../../skills/cloudflare/catalog/types.ts";

/** One SDK method as listed in an `api.md` file. */
export interface ApiMdEntry {
  method: HttpMethod;
  path: string;
  /** The resource's accessor path without `client.`, e.g. `r2.buckets`. */
  resource: string;
  /** The SDK method name, e.g. `create`. */
  name: string;
  /** The source file that defines it, relative to the SDK's `src/` folder. */
  file: string;
}

const LINE = /<code title="(get|post|put|patch|delete) ([^"]+)">client\.([A-Za-z0-9_.]+)\.<a href="\.\/src\/([^"]+)">([A-Za-z0-9_]+)<\/a>/;

/** Every method entry of every `api.md` under `sdkSrc/resources`, in a stable order. */
export function readApiMdEntries(sdkSrc: string): ApiMdEntry[] {
  const entries: ApiMdEntry[] = [];
  for (const file of findApiMdFiles(join(sdkSrc, "resources"))) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = LINE.exec(line);
      if (!match) continue;
      const [, method, path, resource, source, name] = match as unknown as [string, string, string, string, string, string];
      entries.push({ method: method.toUpperCase() as HttpMethod, path, resource, name, file: source });
    }
  }
  return entries.sort((a, b) => compare(`${a.resource}.${a.name}`, `${b.resource}.${b.name}`));
}

function findApiMdFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findApiMdFiles(full));
    else if (entry.name === "api.md") found.push(full);
  }
  return found;
}

/** Code-unit order, independent of the machine's locale (byte-for-byte reproducible output). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
