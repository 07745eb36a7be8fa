/**
 * Model usage: the per-request row in D1 (who, which model, tokens, estimated cost, API calls),
 * the price table lookup, and the per-user limits, counted from D1 so they hold across isolates.
 */
import prices from "./prices.json";

/** Tokens and cost of one request. */
export interface UsageRow {
  chatId: number;
  userId: number;
  model: string;
  inputTokens: number;
  outputTokens: number;
  apiCalls: number;
  executionId?: string;
}

/** Estimated cost in USD, or undefined for a model without a price. */
export function costOf(model: string, inputTokens: number, outputTokens: number): number | undefined {
  const price = (prices as Record<string, unknown>)[model];
  if (!Array.isArray(price)) return undefined;
  const [input, output] = price as [number, number];
  return (inputTokens * input + outputTokens * output) / 1_000_000;
}

/** Writes a usage row. */
export async function recordUsage(db: D1Database, row: UsageRow): Promise<void> {
  await db.prepare("INSERT INTO usage (chat_id, user_id, model, input_tokens, output_tokens, cost_usd, api_calls, execution_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .bind(row.chatId, row.userId, row.model, row.inputTokens, row.outputTokens, costOf(row.model, row.inputTokens, row.outputTokens) ?? null, row.apiCalls, row.executionId ?? null, Date.now())
    .run();
}

/** Why a user may not send another request now, or undefined when they may. */
export async function limitReached(db: D1Database, userId: number, limits: { perMinute: number; tokensPerDay: number }, now = Date.now()): Promise<string | undefined> {
  const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
  const row = await db.prepare(
    "SELECT SUM(CASE WHEN at > ?2 THEN 1 ELSE 0 END) AS recent, SUM(CASE WHEN at >= ?3 THEN input_tokens + output_tokens ELSE 0 END) AS tokens FROM usage WHERE user_id = ?1 AND at >= ?4",
  ).bind(userId, now - 60_000, dayStart, Math.min(dayStart, now - 60_000)).first<{ recent: number | null; tokens: number | null }>();
  if (limits.perMinute > 0 && (row?.recent ?? 0) >= limits.perMinute) {
    return `You have sent ${limits.perMinute} requests in the last minute, the limit per person. Try again in a minute.`;
  }
  if (limits.tokensPerDay > 0 && (row?.tokens ?? 0) >= limits.tokensPerDay) {
    return `You have used today's model budget (${limits.tokensPerDay.toLocaleString("en-US")} tokens). It resets at 00:00 UTC; /cloudflare run works without the model.`;
  }
  return undefined;
}

/**
 * The answer footer, e.g. `⚡ Code Mode · llama-3.3-70b · 812→143 tok · $0.0004 · 2 API calls · 3.1 s`
 * (the same shape as the footer of code run without a model, bot/format/run-footer.ts, plus the model).
 */
export function footer(model: string, inputTokens: number, outputTokens: number, apiCalls: number, ms: number): string {
  const cost = costOf(model, inputTokens, outputTokens);
  const name = model.includes(":") ? model.slice(model.indexOf(":") + 1).split("/").pop()! : model;
  const took = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  return [`⚡ Code Mode`, name, `${inputTokens}→${outputTokens} tok`, ...(cost !== undefined ? [`$${cost.toFixed(4)}`] : []), `${apiCalls} API call${apiCalls === 1 ? "" : "s"}`, took].join(" · ");
}

/** One attempt's tokens and cost, e.g. `812→143 tok · $0.0004` (tokens only for a model without a price). */
export function attemptCost(model: string, inputTokens: number, outputTokens: number): string {
  const cost = costOf(model, inputTokens, outputTokens);
  return `${inputTokens}→${outputTokens} tok${cost !== undefined ? ` · $${cost.toFixed(4)}` : ""}`;
}
