/**
 * `npm run bench -- search [--json] [--queries N]`
 *
 * Our catalog search against codemode's own generic search over the same operations.
 * - Queries: the evaluation set (test/fixtures/search-eval.json) plus variations of it (polite
 *   prefixes, capitals, question marks), cycled to at least N (default 1,200), after a warm-up.
 * - Ours: `searchOperationsSync` (skills/cloudflare/catalog); index load = the cold first
 *   `getSearchIndex()` (parse of the generated rows and postings), heap = its heapUsed delta.
 * - Baseline: `searchConnectors` from @cloudflare/codemode's dist (the function behind
 *   `codemode.search`; not exported, so its source region is evaluated as is), over one
 *   "cloudflare" connector with one method per operation (name = `sanitizeToolName(id)`,
 *   description = the operation's summary), which is what a one-method-per-operation connector
 *   would give it.
 * - top1/top5: share of evaluation queries whose expected id is first / in the first five.
 * Progress goes to stderr; stdout gets a table, or with `--json` exactly one JSON object.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { getSearchIndex } from "../skills/cloudflare/catalog/search-index.ts";
import { searchOperationsSync } from "../skills/cloudflare/catalog/search.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, queries: { type: "string", default: "1200" } } });
const wanted = Math.max(1000, Number(values.queries) || 1200);

interface EvalQuery {
  query: string;
  expected: string[];
}
type Search = (query: string) => string[];

const evaluation = (JSON.parse(readFileSync(join(root, "test/fixtures/search-eval.json"), "utf8")) as { queries: EvalQuery[] }).queries;

// --- ours: cold load time and memory of the index, as the first search in an isolate pays it
const heapBefore = process.memoryUsage().heapUsed;
const index = getSearchIndex();
const indexLoadMs = index.buildMs;
const indexHeapBytes = process.memoryUsage().heapUsed - heapBefore;
const ours: Search = (query) => searchOperationsSync(query, { limit: 5 }, index).map((r) => r.id);

// --- baseline: codemode's searchConnectors over the same operations
const baseline = await loadBaseline(index.operations.map((op) => ({ id: op.id, summary: op.summary })));

// --- queries
const variations = [(q: string) => q, (q: string) => `please ${q}`, (q: string) => `${q}?`, (q: string) => q.toUpperCase(),
  (q: string) => `can you ${q}`, (q: string) => `${q} for me`, (q: string) => q.replace(/^\w/, (c) => c.toUpperCase())];
const pool = variations.flatMap((vary) => evaluation.map((e) => vary(e.query)));
const queries = Array.from({ length: Math.max(wanted, pool.length) }, (_, i) => pool[i % pool.length]!);

console.error(`search: ${index.operations.length} operations, ${queries.length} queries; warming up…`);
for (const q of pool.slice(0, 100)) (ours(q), baseline(q));
const oursTimes = time(ours, queries);
console.error("search: baseline…");
const baselineTimes = time(baseline, queries);
const oursQuality = quality(ours);
const baselineQuality = quality(baseline);

const result = {
  operations: index.operations.length,
  queries: queries.length,
  p50Ms: round(percentile(oursTimes, 50)),
  p99Ms: round(percentile(oursTimes, 99)),
  baselineP50Ms: round(percentile(baselineTimes, 50)),
  baselineP99Ms: round(percentile(baselineTimes, 99)),
  top1: round(oursQuality.top1),
  top5: round(oursQuality.top5),
  baselineTop1: round(baselineQuality.top1),
  baselineTop5: round(baselineQuality.top5),
  evalQueries: evaluation.length,
  indexLoadMs: round(indexLoadMs),
  indexHeapBytes,
};

if (values.json) console.log(JSON.stringify(result));
else {
  const rows: Array<[string, string, string]> = [
    ["p50 per query (ms)", String(result.p50Ms), String(result.baselineP50Ms)],
    ["p99 per query (ms)", String(result.p99Ms), String(result.baselineP99Ms)],
    ["top-1", String(result.top1), String(result.baselineTop1)],
    ["top-5", String(result.top5), String(result.baselineTop5)],
  ];
  console.log([`${"".padEnd(22)}${"ours".padStart(10)}${"codemode".padStart(10)}`, ...rows.map(([a, b, c]) => a.padEnd(22) + b.padStart(10) + c.padStart(10))].join("\n"));
  console.log(`${result.operations} operations, ${result.queries} timed queries, ${result.evalQueries} evaluation queries; index load ${result.indexLoadMs} ms, ~${(indexHeapBytes / 1048576).toFixed(1)} MiB heap`);
}

function time(search: Search, list: string[]): number[] {
  return list.map((q) => {
    const started = performance.now();
    search(q);
    return performance.now() - started;
  });
}

function quality(search: Search): { top1: number; top5: number } {
  let top1 = 0;
  let top5 = 0;
  for (const { query, expected } of evaluation) {
    const rank = search(query).slice(0, 5).findIndex((id) => expected.includes(id));
    if (rank === 0) top1++;
    if (rank >= 0) top5++;
  }
  return { top1: top1 / evaluation.length, top5: top5 / evaluation.length };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

interface BaselineResult {
  results: Array<{ path: string }>;
}
type SearchConnectors = (query: string, descriptions: unknown[], snippets?: unknown[]) => BaselineResult;

/** codemode's `searchConnectors`, taken from its dist (it is internal), and its `sanitizeToolName`. */
async function loadBaseline(operations: Array<{ id: string; summary: string }>): Promise<Search> {
  const dist = join(root, "node_modules/@cloudflare/codemode/dist");
  const source = readFileSync(join(dist, "index.js"), "utf8");
  const start = source.indexOf("//#region src/connectors/search.ts");
  const end = source.indexOf("//#endregion", start);
  if (start < 0 || end < 0) throw new Error("codemode's dist/index.js no longer has src/connectors/search.ts; update bench/search.ts");
  const searchConnectors = new Function(`${source.slice(start, end)}\nreturn searchConnectors;`)() as SearchConnectors;
  const chunk = readdirSync(dist).find((f) => f.endsWith(".js") && readFileSync(join(dist, f), "utf8").includes("function sanitizeToolName("));
  const alias = chunk && /sanitizeToolName as (\w+)/.exec(readFileSync(join(dist, chunk), "utf8"))?.[1];
  if (!chunk || !alias) throw new Error("codemode's sanitizeToolName was not found in its dist; update bench/search.ts");
  const module = (await import(pathToFileURL(join(dist, chunk)).href)) as Record<string, (name: string) => string>;
  const sanitize = module[alias]!;
  const ids = new Map<string, string>();
  const descriptors: Record<string, { description: string }> = {};
  for (const op of operations) {
    const name = sanitize(op.id);
    ids.set(`cloudflare.${name}`, op.id);
    descriptors[name] = { description: op.summary };
  }
  const descriptions = [{ name: "cloudflare", descriptors }];
  return (query) => searchConnectors(query, descriptions).results.slice(0, 5).map((r) => ids.get(r.path) ?? r.path);
}
