/**
 * `npm run -s api:search -- [--limit N] [--json] ["<query>"]`
 *
 * Searches the Cloudflare API catalog the way the bot does. Contract (stable, used by tests and
 * scripts): with `--json`, prints ONE JSON array of `{ id, method, path, summary }`, best first.
 * Without a query argument it reads one query per line from stdin and prints one result per
 * line, in order. Without `--json` it prints a readable list instead.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { searchOperationsSync } from "../skills/cloudflare/catalog/search.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: "string", default: "5" }, json: { type: "boolean", default: false } },
});
const limit = Number(values.limit);
if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
  console.error(`--limit must be a whole number from 1 to 50 (got "${values.limit}")`);
  process.exit(2);
}

function answer(query: string): string {
  const results = searchOperationsSync(query, { limit }).map(({ id, method, path, summary }) => ({ id, method, path, summary }));
  if (values.json) return JSON.stringify(results);
  if (results.length === 0) return `${query}\n  (no match)`;
  return [query, ...results.map((r, i) => `  ${i + 1}. ${r.method.padEnd(6)} ${r.path}\n     ${r.id}: ${r.summary}`)].join("\n");
}

if (positionals.length > 0) {
  console.log(answer(positionals.join(" ")));
} else {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) console.log(answer(line));
}
