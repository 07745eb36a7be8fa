/**
 * `npm run bench -- mcp [--json] [--runs N]`
 *
 * One read snippet, run N times over MCP (the official 2.x SDK client calling `execute` at /mcp)
 * and N times through Telegram (`/cloudflare run`, timed from the webhook POST to the bot's
 * "✅ Done" message at the fake Bot API), against the same Worker under `wrangler dev` in the
 * same run (the playground stack on free ports, demo account emulator), alternating the two.
 * Also counts the tokens of the MCP tool list a client puts in its model's context (o200k).
 *
 * With --json, stdout gets exactly one object:
 * { runs, p50Ms, p99Ms, baselineP50Ms, baselineP99Ms, ratioP50, ratioP99, toolTokens }
 * where the baseline is the Telegram path. Progress goes to stderr.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { startPlayground, type Playground } from "../dev/playground/playground.ts";
import { PLAYGROUND_USERS } from "../dev/playground/users.ts";
import { intOption } from "./support/cli.ts";
import { percentile, round } from "./support/load.ts";
import { runMain } from "./support/processes.ts";

const CODE = 'return (await cloudflare.read({ op: "zones.list" })).map((z) => z.name);';
const progress = (line: string) => process.stderr.write(`${line}\n`);

runMain(async () => {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, runs: { type: "string" } } });
  const usage = (problem: string): never => { throw new Error(`${problem}\nusage: npm run bench -- mcp [--json] [--runs N]`); };
  const runs = intOption(values, "runs", 30, 2, 1000, usage);
  const pg = await startPlayground({ port: 0, stateDir: mkdtempSync(join(tmpdir(), "codemode-bench-mcp-")), removeStateDir: true, cloudflare: "emulator", devVars: false, onProgress: progress });
  try {
    const token = await mcpToken(pg);
    const client = new Client({ name: "bench", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${pg.urls.worker}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    const toolTokens = encode(JSON.stringify((await client.listTools()).tools)).length;
    const mcp: number[] = [];
    const telegram: number[] = [];
    const viaMcp = async () => {
      const started = performance.now();
      const result = await client.callTool({ name: "execute", arguments: { code: CODE } });
      if (!JSON.stringify(result).includes("demo-shop.dev")) throw new Error(`the MCP run did not answer with the zones: ${JSON.stringify(result).slice(0, 300)}`);
      return performance.now() - started;
    };
    const viaTelegram = async () => {
      const from = pg.log.last();
      const started = performance.now();
      await pg.client.sendText(PLAYGROUND_USERS.owner, PLAYGROUND_USERS.owner.id, `/cloudflare run ${CODE}`);
      for (;;) {
        if (pg.log.since(from).some((e) => e.kind === "bot" && e.method === "sendMessage" && (e.text ?? "").startsWith("✅ Done"))) return performance.now() - started;
        await pg.log.wait(pg.log.last(), 10_000);
      }
    };
    // Warm both paths, then alternate which goes first.
    await viaMcp();
    await viaTelegram();
    for (let i = 0; i < runs; i += 1) {
      progress(`run ${i + 1}/${runs}`);
      if (i % 2 === 0) { mcp.push(await viaMcp()); telegram.push(await viaTelegram()); } else { telegram.push(await viaTelegram()); mcp.push(await viaMcp()); }
    }
    await client.close();
    const sortedMcp = [...mcp].sort((a, b) => a - b);
    const sortedTelegram = [...telegram].sort((a, b) => a - b);
    const out = {
      runs, p50Ms: round(percentile(sortedMcp, 50)), p99Ms: round(percentile(sortedMcp, 99)),
      baselineP50Ms: round(percentile(sortedTelegram, 50)), baselineP99Ms: round(percentile(sortedTelegram, 99)),
      ratioP50: round(percentile(sortedMcp, 50) / percentile(sortedTelegram, 50)), ratioP99: round(percentile(sortedMcp, 99) / percentile(sortedTelegram, 99)),
      toolTokens,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      console.log(`One read snippet, ${runs} runs each (wrangler dev, demo account emulator)\n`);
      console.log(`  over MCP (execute, 2.x SDK client)     p50 ${out.p50Ms} ms   p99 ${out.p99Ms} ms`);
      console.log(`  through Telegram (/cloudflare run)     p50 ${out.baselineP50Ms} ms   p99 ${out.baselineP99Ms} ms`);
      console.log(`  ratio (MCP / Telegram)                 p50 ${out.ratioP50}×   p99 ${out.ratioP99}×`);
      console.log(`\n  MCP tool list: ${toolTokens} tokens (o200k) for search, execute, execution`);
    }
  } finally {
    await pg.stop();
  }
}, progress);

/** A token made the way a person makes one: `/mcp new bench` in the private chat. */
async function mcpToken(pg: Playground): Promise<string> {
  const from = pg.log.last();
  await pg.client.sendText(PLAYGROUND_USERS.owner, PLAYGROUND_USERS.owner.id, "/mcp new bench");
  for (;;) {
    const made = pg.log.since(from).find((e) => e.kind === "bot" && (e.text ?? "").includes('MCP token "bench"'));
    const token = made?.kind === "bot" ? /cmcp_[A-Za-z0-9_-]+/.exec(made.text ?? "")?.[0] : undefined;
    if (token) return token;
    await pg.log.wait(pg.log.last(), 10_000);
  }
}
