/**
 * The webhook's hot path. It must answer Telegram within a few milliseconds, so it only:
 * checks the secret (grammY, constant time), validates the update, turns strangers away with
 * one polite line (sent as a webhook reply: no extra request), and hands everything else to the
 * chat's `ChatHome`, whose durable inbox does the real work later. Nothing slow runs here.
 */
import { Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import { isAllowedUser, readConfig, type Config } from "../../core/config.ts";
import { describeError } from "../../core/errors.ts";
import { UpdateRejectedError } from "../errors.ts";
import { botInfoFor } from "../bot-info.ts";
import { strangerLine, STALE_BUTTON_LINE } from "../features/copy.ts";
import { routeOf, type ValidUpdate } from "./update-schema.ts";
import { strictWorkersAdapter } from "./strict-adapter.ts";

type WebhookHandler = (request: Request) => Promise<Response>;

const handlers = new WeakMap<Config, WebhookHandler>();

/** Answers one webhook request. */
export async function handleTelegramWebhook(request: Request, env: Env, _ctx: ExecutionContext): Promise<Response> {
  const config = readConfig(env);
  if (!config.ok) {
    // Fail closed: without a token and secret nothing can be checked or answered. Telegram retries later.
    return new Response(`bot not configured: ${config.error.variables.join(", ")}`, { status: 503 });
  }
  let handle = handlers.get(config.config);
  if (!handle) {
    handle = createWebhookHandler(config.config, env);
    handlers.set(config.config, handle);
  }
  try {
    return await handle(request);
  } catch (error) {
    if (error instanceof UpdateRejectedError) {
      return new Response(error.reason, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    console.error(JSON.stringify({ level: "error", event: "webhook_failed", error: describeError(error) }));
    // Not accepted: Telegram will deliver the update again, and the inbox dedupes it then.
    return new Response("could not accept the update; Telegram will retry", { status: 500 });
  }
}

/** Builds the edge bot: allow-list, stranger reply, hand-off. Replies go out in the webhook response. */
function createWebhookHandler(config: Config, env: Env): WebhookHandler {
  const bot = new Bot(config.TELEGRAM_BOT_TOKEN, {
    botInfo: botInfoFor(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_BOT_USERNAME),
    client: {
      apiRoot: config.TELEGRAM_API_ROOT,
      canUseWebhookReply: (method) => method === "sendMessage" || method === "answerCallbackQuery",
    },
  });
  bot.use(async (ctx) => {
    const update = ctx.update as unknown as ValidUpdate;
    const route = routeOf(update);
    if (!route) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: STALE_BUTTON_LINE });
      return;
    }
    if (!isAllowedUser(config, route.userId)) {
      if (ctx.callbackQuery) {
        await ctx.answerCallbackQuery({ text: strangerLine(route.userId), show_alert: true });
      } else if (route.chatType === "private") {
        await ctx.reply(strangerLine(route.userId));
      }
      return;
    }
    const stub = env.CHAT.getByName(String(route.chatId));
    await stub.enqueue(ctx.update as Update);
  });
  const callback = webhookCallback(bot, strictWorkersAdapter, {
    secretToken: config.TELEGRAM_WEBHOOK_SECRET,
    timeoutMilliseconds: 9_000,
  });
  return (request) => callback(request);
}
