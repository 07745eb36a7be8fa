/**
 * `npm run eval`: how well a model operates a Cloudflare account through this bot. Runs the task
 * suite (eval/tasks/) against the real Worker under `wrangler dev`, one fresh demo account per task,
 * and prints a table (or, with `--json`, one JSON object on stdout; progress goes to stderr).
 *
 *   npm run eval                                   the scripted models (offline, what CI runs)
 *   npm run eval -- --model groq:llama-3.3-70b-versatile [--strong openai:gpt-4o]
 *   options: --json  --concurrency N (default 4)  --only id,id  --modes model,auto,deep  --max-steps N
 *
 * A real provider's key comes from the environment: `<PROVIDER>_API_KEY` (GROQ_API_KEY, …) or
 * LLM_API_KEY (LLM_STRONG_API_KEY for --strong); LLM_BASE_URL overrides the provider's URL.
 */
import { readFileSync } from "node:fs";
import { runTask, type RunMode, type TaskResult } from "./harness.ts";
import { startModelGateway, type ModelGateway, type ModelUsage } from "./model-gateway.ts";
import { formatReport, summarize, type EvalReport } from "./report.ts";
import { startEvalStack, type ModelSetting } from "./stack.ts";
import { TASKS } from "./tasks/index.ts";

/** The scripted models' names (what LLM_MODEL / LLM_STRONG_MODEL are set to offline). */
export const SCRIPTED = { cheap: "scripted-cheap", strong: "scripted-strong" } as const;

/** Where each provider's OpenAI- or Anthropic-style API lives (as in skills/cloudflare/agent/providers.ts). */
const UPSTREAMS: Record<string, string> = {
  openai: "https://api.openai.com/v1", anthropic: "https://api.anthropic.com/v1", groq: "https://api.groq.com/openai/v1",
  deepseek: "https://api.deepseek.com/v1", openrouter: "https://openrouter.ai/api/v1", together: "https://api.together.xyz/v1",
  ollama: "http://127.0.0.1:11434/v1",
};

interface Args { model?: string; strong?: string; json: boolean; concurrency: number; only?: string[]; modes?: RunMode[]; maxSteps: number }

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, concurrency: 4, maxSteps: 8 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--json") args.json = true;
    else if (a === "--model") args.model = value();
    else if (a === "--strong") args.strong = value();
    else if (a === "--concurrency") args.concurrency = Math.max(1, Number(value()) || 1);
    else if (a === "--max-steps") args.maxSteps = Math.max(1, Number(value()) || 8);
    else if (a === "--only") args.only = value().split(",").map((s) => s.trim()).filter(Boolean);
    else if (a === "--modes") args.modes = value().split(",").map((s) => s.trim()) as RunMode[];
    else throw new Error(`unknown option ${a} (see the top of eval/run.ts)`);
  }
  for (const m of args.modes ?? []) if (!["model", "auto", "deep"].includes(m)) throw new Error(`--modes takes model, auto, deep (not ${m})`);
  return args;
}

/** A real provider's model behind a counting proxy. */
async function realModel(spec: string, keyVar: string): Promise<ModelSetting> {
  const at = spec.indexOf(":");
  if (at <= 0) throw new Error(`--model takes provider:model, e.g. groq:llama-3.3-70b-versatile (got "${spec}")`);
  const provider = spec.slice(0, at).toLowerCase();
  const model = spec.slice(at + 1);
  if (provider === "workers-ai") throw new Error("workers-ai cannot be evaluated here: its binding is remote-only in wrangler dev. Use an OpenAI-compatible endpoint instead.");
  const upstream = process.env.LLM_BASE_URL ?? UPSTREAMS[provider];
  if (!upstream) throw new Error(`no URL known for provider ${provider}: set LLM_BASE_URL`);
  const apiKey = process.env[`${provider.toUpperCase().replaceAll("-", "_")}_API_KEY`] ?? process.env[keyVar];
  if (!apiKey && provider !== "ollama" && provider !== "openai-compatible") throw new Error(`no key for ${provider}: set ${provider.toUpperCase().replaceAll("-", "_")}_API_KEY or ${keyVar}`);
  const gateway = await startModelGateway({ kind: "proxy", upstream });
  return { provider, model, ...(apiKey ? { apiKey } : {}), gateway };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const tasks = args.only ? TASKS.filter((t) => args.only!.includes(t.id)) : TASKS;
  if (tasks.length === 0) throw new Error(`no task matches --only ${args.only?.join(",")}`);
  const scripted = args.model === undefined;
  const gateways: ModelGateway[] = [];
  let cheap: ModelSetting;
  let strong: ModelSetting | undefined;
  if (scripted) {
    const byPrompt = new Map(tasks.map((t) => [t.prompt, t]));
    const gateway = await startModelGateway({ kind: "scripted", scripts: (request, model) => {
      const task = byPrompt.get(request);
      return task && (model === SCRIPTED.strong ? task.strongScript ?? task.script : task.script);
    } });
    gateways.push(gateway);
    cheap = { provider: "openai-compatible", model: SCRIPTED.cheap, gateway };
    strong = { provider: "openai-compatible", model: SCRIPTED.strong, gateway };
  } else {
    cheap = await realModel(args.model!, "LLM_API_KEY");
    gateways.push(cheap.gateway);
    if (args.strong) {
      strong = await realModel(args.strong, "LLM_STRONG_API_KEY");
      gateways.push(strong.gateway);
    }
  }
  const modes = args.modes ?? (strong ? ["model", "auto"] : ["model"]);
  if (!strong && modes.some((m) => m !== "model")) throw new Error("auto and deep modes need a strong model: --strong provider:model");

  const prices = JSON.parse(readFileSync(new URL("../skills/cloudflare/agent/prices.json", import.meta.url), "utf8")) as Record<string, unknown>;
  const providerOf = new Map([[cheap.model, cheap.provider], ...(strong ? [[strong.model, strong.provider] as [string, string]] : [])]);
  const price = (model: string, input: number, output: number) => {
    const p = prices[`${providerOf.get(model) ?? "?"}:${model}`];
    return Array.isArray(p) ? (input * Number(p[0]) + output * Number(p[1])) / 1_000_000 : undefined;
  };
  const usage = (prompt: string): ModelUsage => {
    const all = gateways.map((g) => g.usage(prompt));
    return all.reduce((a, b) => ({ calls: a.calls + b.calls, toolCalls: a.toolCalls + b.toolCalls, inputTokens: a.inputTokens + b.inputTokens,
      outputTokens: a.outputTokens + b.outputTokens, byModel: { ...a.byModel, ...b.byModel }, errors: [...a.errors, ...b.errors] }));
  };

  const users = modes.flatMap((_, m) => tasks.map((_, t) => 710_000 + m * 1000 + t));
  log(`Eval: ${tasks.length} tasks × ${modes.join(", ")} with ${scripted ? "scripted models" : `${args.model}${args.strong ? ` (strong: ${args.strong})` : ""}`}, concurrency ${args.concurrency}`);
  const stack = await startEvalStack({ cheap, ...(strong ? { strong } : {}), users, maxSteps: args.maxSteps, onProgress: log });
  // Ctrl-C or a timeout's SIGTERM: stop wrangler dev and its workerd before leaving.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void stack.stop().finally(() => process.exit(130)));
  }
  const results: TaskResult[] = [];
  const started = Date.now();
  try {
    for (const [m, mode] of modes.entries()) {
      // Modes run one after another: the gateway counts per prompt, and each mode sends the same prompts.
      for (const g of gateways) g.reset();
      const queue = tasks.map((task, t) => ({ task, userId: 710_000 + m * 1000 + t }));
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const r = await runTask(stack, next.task, { userId: next.userId, mode, ...(strong ? { strongModel: strong.model } : {}), usage, price });
          results.push(r);
          log(`${r.success ? "✓" : "✗"} [${mode}] ${r.task}${r.failure ? ` — ${r.failure}` : ""} (${(r.wallMs / 1000).toFixed(1)} s)`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(args.concurrency, tasks.length) }, worker));
    }
  } finally {
    await stack.stop();
    for (const g of gateways) await g.close();
  }
  const order = new Map(tasks.map((t, i) => [t.id, i]));
  results.sort((a, b) => modes.indexOf(a.mode) - modes.indexOf(b.mode) || order.get(a.task)! - order.get(b.task)!);
  // The scripted suite has a known outcome: everything passes except, on the cheap model alone, the tasks meant for Deep Mode.
  const meantToFail = (r: TaskResult) => r.mode === "model" && Boolean(tasks.find((t) => t.id === r.task)?.cheapFails);
  const unexpected = scripted ? results.filter((r) => r.success === meantToFail(r)).map((r) => `${r.task} (${r.mode})`) : [];
  const report: EvalReport = { model: scripted ? `scripted (${SCRIPTED.cheap})` : args.model!, ...(strong ? { strong: scripted ? SCRIPTED.strong : args.strong! } : {}),
    wallMs: Date.now() - started, rows: summarize(results, modes), tasks: results, ...(scripted ? { unexpected } : {}) };
  process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  if (unexpected.length > 0) log(`The scripted suite did not go as scripted: ${unexpected.join(", ")}`);
  // With a real model failures are results, not errors; the scripted suite is a test of the harness and the bot.
  process.exitCode = unexpected.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
