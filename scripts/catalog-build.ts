/**
 * `npm run catalog:build [-- --from-openapi openapi.json] [--out dir] [--quiet]`
 *
 * Generates the Cloudflare API catalog (skills/cloudflare/catalog/generated/) from the pinned
 * `cloudflare` npm SDK, or from Cloudflare's OpenAPI document when `--from-openapi` is given.
 * Prints counts and anomalies at the end. The output is reproducible byte for byte; a test
 * rebuilds it into a temporary folder and fails when the committed copy is stale.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emitCatalog } from "./catalog/emit.ts";
import { finalize, type FinalCatalog } from "./catalog/finalize.ts";
import { readOpenApiCatalog } from "./catalog/from-openapi.ts";
import { readSdkCatalog, sdkRouteIds } from "./catalog/from-sdk.ts";
import type { CatalogSource } from "../skills/cloudflare/catalog/types.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    "from-openapi": { type: "string" },
    out: { type: "string", default: `${root}skills/cloudflare/catalog/generated` },
    quiet: { type: "boolean", default: false },
  },
});

const started = performance.now();
let catalog: FinalCatalog;
let source: CatalogSource;
if (values["from-openapi"]) {
  const document: unknown = JSON.parse(readFileSync(values["from-openapi"], "utf8"));
  // Where the SDK has the same route, its id: the prompt, help text and examples name SDK ids.
  const sdk = `${root}node_modules/cloudflare`;
  const read = readOpenApiCatalog(document, existsSync(sdk) ? { sdkIds: sdkRouteIds(sdk) } : {});
  source = { kind: "openapi", version: read.version };
  catalog = finalize(read.operations, read.anomalies);
} else {
  const read = readSdkCatalog(`${root}node_modules/cloudflare`);
  source = { kind: "cloudflare-sdk", version: read.version };
  catalog = finalize(read.operations, read.anomalies);
}
const { files } = emitCatalog(values.out, catalog.operations, source);
if (!values.quiet) report(catalog, files, performance.now() - started);

function report({ operations, anomalies }: FinalCatalog, files: number, ms: number): void {
  const byMethod = new Map<string, number>();
  for (const op of operations) byMethod.set(op.method, (byMethod.get(op.method) ?? 0) + 1);
  const routes = new Set(operations.map((op) => `${op.method} ${op.path}`)).size;
  const reads = operations.filter((op) => op.access === "read").length;
  const out = [
    `catalog: ${operations.length} operations (${source.kind} ${source.version}) -> ${values.out} (${files} files, ${Math.round(ms)} ms)`,
    `  by method: ${[...byMethod].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(", ")}`,
    `  distinct method+path: ${routes}; read ${reads}, write ${operations.length - reads}`,
    `  GET writes ${operations.filter((op) => op.method === "GET" && op.access === "write").length}, credentials ${operations.filter((op) => op.sensitive).length} (reads ${operations.filter((op) => op.sensitive && op.access === "read").length}), conditional writes ${operations.filter((op) => op.writeWhen).length}`,
    `  deprecated ${operations.filter((op) => op.deprecated).length}, duplicates ${operations.filter((op) => op.duplicateOf).length}, paginated ${operations.filter((op) => op.pagination !== "none").length}`,
    `  anomalies: ${anomalies.length}`,
    ...anomalies.slice(0, 40).map((a) => `    - ${a}`),
    ...(anomalies.length > 40 ? [`    … and ${anomalies.length - 40} more`] : []),
  ];
  console.log(out.join("\n"));
}
