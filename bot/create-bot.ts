/**
 * Assembles the bot that runs inside a chat's Durable Object, in a fixed order: the context
 * flavor, "typing" while work runs, the error boundary, the features, the fallback last.
 */
import { autoChatAction } from "@grammyjs/auto-chat-action";
import { autoRetry } from "@grammyjs/auto-retry";
import { commands } from "@grammyjs/commands";
import { Bot } from "grammy";
import type { Config } from "../core/config.ts";
import { UserFacingError } from "../core/errors.ts";
import { userTokenFor } from "../skills/cloudflare/byok/index.ts";
import { botInfoFor } from "./bot-info.ts";
import type { ChatServices } from "./chat-services.ts";
import { chatContext, type BotContext } from "./context.ts";
import { approvalButtonsFeature } from "./features/approval-buttons.ts";
import { createAssistantFeature } from "./features/assistant.ts";
import { createAuditFeature } from "./features/audit.ts";
import { createCloudflareFeature } from "./features/cloudflare.ts";
import { codeModeFeature } from "./features/code-mode.ts";
import { createConnectFeature } from "./features/connect.ts";
import { fallbackFeature } from "./features/fallback.ts";
import { helpFeature } from "./features/help.ts";
import { createLlmKeysFeature, storeLlmKey } from "./features/llm-keys.ts";
import { createMcpTokensFeature } from "./features/mcp-tokens.ts";
import { snippetsFeature } from "./features/snippets.ts";
import { startFeature } from "./features/start.ts";

/** What the chat's Durable Object lends the bot (absent in tests that exercise commands alone). */
export interface BotDeps {
  /** The chat's services, built on first use. */
  services: () => ChatServices;
  db: D1Database;
  env: Env;
  /** The chat's Durable Object storage (small per-chat state, e.g. "awaiting a token" for /connect). */
  storage: DurableObjectStorage;
}

/** Builds the chat bot from the validated config. */
export function createBot(config: Config, deps?: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(config.TELEGRAM_BOT_TOKEN, {
    botInfo: botInfoFor(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_BOT_USERNAME),
    client: { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: 30 },
  });
  // 429s wait out retry_after; 5xx and network errors retry a few times, then the inbox retries the update.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  bot.use(chatContext(deps?.services ?? noServices));
  bot.use(autoChatAction());
  bot.use(commands());

  // A UserFacingError is said to the person once; anything else propagates so the inbox retries it.
  const features = bot.errorBoundary(async (error) => {
    if (!(error.error instanceof UserFacingError)) throw error.error;
    if (error.ctx.chat) await error.ctx.say(error.error.message);
    if (error.ctx.callbackQuery) await error.ctx.answerCallbackQuery({ text: error.error.message.slice(0, 190), show_alert: true }).catch(() => undefined);
  });
  // First: while /connect or /key awaits a secret, the next message is the secret and must reach no other feature.
  if (deps) {
    const keys = { config, env: deps.env, db: deps.db, storage: deps.storage };
    features.use(createConnectFeature({ config, db: deps.db, storage: deps.storage, secrets: { "llm-key": storeLlmKey(keys) } }));
    features.use(createLlmKeysFeature(keys));
  }
  features.use(startFeature, helpFeature);
  if (deps) features.use(codeModeFeature, approvalButtonsFeature, snippetsFeature, createAuditFeature(deps.db), createMcpTokensFeature(config, deps.db));
  features.use(createCloudflareFeature(config, deps ? { userToken: (userId) => userTokenFor(deps.db, config.ENCRYPTION_KEY, userId) } : {}));
  if (deps) features.use(createAssistantFeature(config, deps.env));
  features.use(fallbackFeature);
  return bot;
}

function noServices(): never {
  throw new Error("this bot was built without a chat's services");
}
