/**
 * The Worker entry: routes HTTP requests and exports the Durable Object classes.
 *
 * - `POST /telegram`: Telegram's webhook (secret header, validated update, handed to the chat's
 *   Durable Object, 200 at once).
 * - `POST /mcp`: the MCP server (mcp/): any MCP client, with a personal token; writes wait for a tap in Telegram.
 * - `GET /health`: `{ ok, version }`, or `ok: false` with the names of missing variables.
 * - anything else: 404.
 *
 * `scheduled` (cron, wrangler.toml `[triggers]`): expires stale approvals and prunes old rows (bot/ops/).
 */
import { readConfig } from "../core/config.ts";
import { handleMcp } from "../mcp/endpoint.ts";
import { runScheduled } from "./ops/scheduled.ts";
import { handleTelegramWebhook } from "./webhook/telegram-webhook.ts";
import { VERSION } from "../core/version.ts";

export { ChatHome } from "./chat-home.ts";
export { CodemodeRuntime } from "@cloudflare/codemode";

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/telegram") {
      if (request.method !== "POST") return text("use POST for the Telegram webhook", 405, { allow: "POST" });
      const started = Date.now();
      const response = await handleTelegramWebhook(request, env, ctx);
      // Refused deliveries are logged here; accepted ones get their one line from the chat's
      // object when handled (update_done), so the hot path writes no log line.
      if (response.status >= 400) console.warn(JSON.stringify({ level: "warn", event: "webhook_refused", status: response.status, ms: Date.now() - started }));
      return response;
    }
    if (url.pathname === "/mcp") {
      const config = readConfig(env);
      if (!config.ok) return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "the bot is not configured (see GET /health)" } }, { status: 503 });
      return handleMcp(request, config.config, env.DB, (userId) => env.CHAT.getByName(String(userId)));
    }
    if (url.pathname === "/health" && (request.method === "GET" || request.method === "HEAD")) {
      const config = readConfig(env);
      const body = config.ok
        ? { ok: true, version: VERSION }
        : { ok: false, version: VERSION, missing: config.error.variables, error: config.error.message };
      return Response.json(body, { status: config.ok ? 200 : 503 });
    }
    return text("not found", 404);
  },

  async scheduled(controller, env, _ctx): Promise<void> {
    await runScheduled(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;

function text(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}
