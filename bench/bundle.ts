/**
 * `npm run bench -- bundle [--json]`
 *
 * What `wrangler deploy` would upload: runs `wrangler deploy --dry-run --outdir <tmp>` and
 * reports the bundle's raw and gzip bytes (the Free plan allows 3 MiB gzip). Source maps are
 * not uploaded and not counted.
 *
 * While bot/ does not import the API catalog yet, the bench also bundles a probe entry that
 * wraps bot/worker.ts and calls the catalog, and reports it as `withCatalog…`: the size the
 * Worker will have once the `cloudflare` connector is wired in. Progress goes to stderr; stdout
 * gets a table, or with `--json` exactly one JSON object `{ rawBytes, gzipBytes, … }`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { json: { type: "boolean", default: false } } });
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;
const CATALOG_MARKER = "SEARCH_INDEX_JSON";

interface Bundle {
  rawBytes: number;
  gzipBytes: number;
  includesCatalog: boolean;
}

function dryRun(label: string, entry?: string): Bundle {
  const outdir = mkdtempSync(join(tmpdir(), "bundle-"));
  try {
    console.error(`bundle: wrangler deploy --dry-run (${label}) …`);
    const args = ["wrangler", "deploy", "--dry-run", "--config", join(root, "wrangler.toml"), "--outdir", outdir, ...(entry ? [entry] : [])];
    // wrangler's own output goes to stderr so stdout stays one JSON object.
    const run = spawnSync("npx", args, { cwd: root, stdio: ["ignore", 2, 2], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
    if (run.status !== 0) throw new Error(`wrangler deploy --dry-run failed (exit ${run.status}); run it by hand to see why`);
    const modules = readdirSync(outdir).filter((f) => /\.(m?js|wasm)$/.test(f));
    const contents = modules.map((f) => readFileSync(join(outdir, f)));
    return {
      rawBytes: contents.reduce((sum, c) => sum + c.length, 0),
      gzipBytes: contents.reduce((sum, c) => sum + gzipSync(c).length, 0),
      includesCatalog: contents.some((c) => c.includes(CATALOG_MARKER)),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** An entry that serves the Worker and uses the catalog, so the bundler must keep all of it. */
function catalogProbe(): string {
  const dir = mkdtempSync(join(tmpdir(), "bundle-probe-"));
  const file = join(dir, "entry.ts");
  writeFileSync(file, [
    `import worker from ${JSON.stringify(join(root, "bot/worker.ts"))};`,
    `import { describeOperation, searchOperations } from ${JSON.stringify(join(root, "skills/cloudflare/catalog/index.ts"))};`,
    `export * from ${JSON.stringify(join(root, "bot/worker.ts"))};`,
    "export default {",
    "  async fetch(request, env, ctx) {",
    "    const q = new URL(request.url).searchParams.get('catalog');",
    "    if (q === null) return worker.fetch(request, env, ctx);",
    "    const hits = await searchOperations(q);",
    "    return Response.json({ hits, first: hits[0] ? await describeOperation(hits[0].id) : null });",
    "  },",
    "};",
  ].join("\n"));
  return file;
}

const worker = dryRun("bot/worker.ts");
const result: Record<string, number | boolean> = { rawBytes: worker.rawBytes, gzipBytes: worker.gzipBytes, includesCatalog: worker.includesCatalog };
if (!worker.includesCatalog) {
  const probe = catalogProbe();
  try {
    const withCatalog = dryRun("bot/worker.ts + catalog probe", probe);
    result.withCatalogRawBytes = withCatalog.rawBytes;
    result.withCatalogGzipBytes = withCatalog.gzipBytes;
  } finally {
    rmSync(join(probe, ".."), { recursive: true, force: true });
  }
}
result.freePlanGzipLimit = FREE_PLAN_GZIP_LIMIT;

if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  const rows: Array<[string, string, string]> = [["bot/worker.ts", kib(worker.rawBytes), kib(worker.gzipBytes)]];
  if (typeof result.withCatalogRawBytes === "number" && typeof result.withCatalogGzipBytes === "number") {
    rows.push(["+ API catalog (probe)", kib(result.withCatalogRawBytes), kib(result.withCatalogGzipBytes)]);
  }
  console.log(["bundle".padEnd(24) + "raw".padStart(14) + "gzip".padStart(14), ...rows.map(([a, b, c]) => a.padEnd(24) + b.padStart(14) + c.padStart(14))].join("\n"));
  console.log(`Free plan limit: ${kib(FREE_PLAN_GZIP_LIMIT)} gzip; catalog in bot/worker.ts bundle: ${worker.includesCatalog ? "yes" : "no (probe shown)"}`);
}
