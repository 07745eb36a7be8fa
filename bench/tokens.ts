/**
 * `npm run bench -- tokens [--json]`: what the model sees on every request, counted offline with
 * the o200k tokenizer — the system prompt and the one codemode tool — beside the alternative of
 * sending every Cloudflare operation as its own tool (name, summary, JSON schema of its params),
 * computed from the generated catalog in the same run.
 * It also counts the MCP server's tool list (`tools/list` at /mcp, asked in-process): what an MCP
 * client puts in its model's context for this bot (Cloudflare's own Code Mode server: 1,069).
 * With --json, stdout gets exactly one object: { total, systemPrompt, tools, allOperationsAsTools, mcpTools }.
 */
import { parseArgs } from "node:util";
import { DETAIL_LOADERS } from "../skills/cloudflare/catalog/generated/detail-loaders.ts";
import type { OperationDetail } from "../skills/cloudflare/catalog/types.ts";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { createMcpEndpoint } from "../mcp/server.ts";
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
const mcpTools = encode(JSON.stringify(await mcpToolList())).length;
const out = { total: ours.total, systemPrompt: ours.systemPrompt, tools: ours.tools, allOperationsAsTools, mcpTools, operations: operations.length, budget: 1000, withinBudget: ours.total <= 1000 };
if (values.json) {
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log("Tokens the model sees on every request (o200k)\n");
  console.log(`  system prompt                  ${pad(ours.systemPrompt, 9)}`);
  console.log(`  tool definitions (codemode)    ${pad(ours.tools, 9)}`);
  console.log(`  total                          ${pad(ours.total, 9)}   budget 1,000: ${out.withinBudget ? "within" : "OVER"}`);
  console.log(`\n  every operation as its own tool ${pad(allOperationsAsTools.toLocaleString("en-US"), 8)}   (${operations.length} operations; ${Math.round(allOperationsAsTools / ours.total)}× more)`);
  console.log(`  MCP server's tool list (/mcp)  ${pad(mcpTools, 9)}   (Cloudflare's Code Mode MCP server: 1,069)`);
}

/** The MCP server's `tools/list` answer, asked in-process (no network, no token: the tools are the same for everyone). */
async function mcpToolList(): Promise<unknown> {
  const unused = async (): Promise<never> => { throw new Error("not called by tools/list"); };
  const response = await createMcpEndpoint({ execute: unused, execution: unused }).fetch(new Request("http://bench.local/mcp", {
    method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  }));
  const text = await response.text();
  // The 2025 leg answers as a server-sent event: the JSON is on its `data:` line.
  const json = text.trimStart().startsWith("{") ? text : text.split("\n").find((line) => line.startsWith("data:"))?.slice(5) ?? "{}";
  return (JSON.parse(json) as { result?: { tools?: unknown } }).result?.tools;
}
