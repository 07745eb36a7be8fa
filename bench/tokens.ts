/**
 * `npm run bench -- tokens [--json]`: what the model sees on every request, counted offline with
 * the o200k tokenizer — the system prompt and the one codemode tool — beside the alternative of
 * sending every Cloudflare operation as its own tool (name, summary, JSON schema of its params),
 * computed from the generated catalog in the same run.
 * With --json, stdout gets exactly one object: { total, systemPrompt, tools, allOperationsAsTools }.
 */
import { parseArgs } from "node:util";
import { DETAIL_LOADERS } from "../skills/cloudflare/catalog/generated/detail-loaders.ts";
import type { OperationDetail } from "../skills/cloudflare/catalog/types.ts";
import { countPromptTokens, countTools } from "../skills/cloudflare/agent/token-budget.ts";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false } } });

const ours = countPromptTokens();
const operations: OperationDetail[] = [];
for (const load of Object.values(DETAIL_LOADERS)) operations.push(...(JSON.parse((await load()).DETAIL_JSON) as OperationDetail[]));
process.stderr.write(`catalog: ${operations.length} operations\n`);
const asTools = operations.map((op) => ({
  name: op.id.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 64),
  description: op.summary,
  parameters: {
    type: "object",
    properties: Object.fromEntries(op.params.map((p) => [p.name, { type: "string", description: `${p.type}${p.description ? ` — ${p.description}` : ""}`.slice(0, 200) }])),
    required: op.params.filter((p) => p.required).map((p) => p.name),
  },
}));
const allOperationsAsTools = countTools(asTools);
const out = { total: ours.total, systemPrompt: ours.systemPrompt, tools: ours.tools, allOperationsAsTools, operations: operations.length, budget: 1000, withinBudget: ours.total <= 1000 };
if (values.json) {
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log("Tokens the model sees on every request (o200k)\n");
  console.log(`  system prompt                  ${pad(ours.systemPrompt, 9)}`);
  console.log(`  tool definitions (codemode)    ${pad(ours.tools, 9)}`);
  console.log(`  total                          ${pad(ours.total, 9)}   budget 1,000: ${out.withinBudget ? "within" : "OVER"}`);
  console.log(`\n  every operation as its own tool ${pad(allOperationsAsTools.toLocaleString("en-US"), 8)}   (${operations.length} operations; ${Math.round(allOperationsAsTools / ours.total)}× more)`);
}
