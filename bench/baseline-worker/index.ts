/**
 * The webhook benchmark's baseline: the smallest useful grammY webhook Worker.
 *
 * It checks the secret with grammY's own "cloudflare-mod" adapter and answers `/start` with
 * `ctx.reply` inside the request (one Bot API call before the 200), with no validation, no
 * Durable Object and no storage. bench/webhook.ts compares our Worker's time-to-200 with this.
 */
import { Bot, webhookCallback } from "grammy";

/** The variables bench/webhook.ts passes with `--var`. */
interface BaselineEnv {
  BOT_TOKEN: string;
  WEBHOOK_SECRET: string;
  API_ROOT: string;
}

let handler: ((request: Request) => Promise<Response>) | undefined;

function createHandler(env: BaselineEnv): (request: Request) => Promise<Response> {
  const bot = new Bot(env.BOT_TOKEN, {
    // Static botInfo: no getMe call per isolate.
    botInfo: {
      id: Number(env.BOT_TOKEN.split(":")[0]),
      is_bot: true,
      first_name: "Baseline",
      username: "baseline_bench_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
    client: { apiRoot: env.API_ROOT },
  });
  bot.command("start", (ctx) => ctx.reply("Hi! This is the baseline bot."));
  return webhookCallback(bot, "cloudflare-mod", { secretToken: env.WEBHOOK_SECRET });
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return new Response("ok");
    if (url.pathname !== "/telegram" || request.method !== "POST") return new Response("not found", { status: 404 });
    handler ??= createHandler(env);
    return handler(request);
  },
} satisfies ExportedHandler<BaselineEnv>;
