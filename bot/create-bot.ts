/**
 * Assembles the bot that runs inside a chat's Durable Object, in a fixed order:
 * error boundary, features, fallback last.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, type Context } from "grammy";
import { botInfoFor } from "./bot-info.ts";
import type { Config } from "./config.ts";
import { UserFacingError } from "./errors.ts";
import type { CodeModeService } from "../skills/cloudflare/code-mode/code-mode-service.ts";
import { createAssistantFeature } from "./features/assistant.ts";
import { createAuditFeature } from "./features/audit.ts";
import { userTokenFor } from "../skills/cloudflare/byok/index.ts";
import { createCloudflareFeature } from "./features/cloudflare.ts";
import { createConnectFeature } from "./features/connect.ts";
import { createLlmKeysFeature, storeLlmKey } from "./features/llm-keys.ts";
import { createCodeModeFeature } from "./features/code-mode.ts";
import { createSnippetsFeature } from "./features/snippets.ts";
import { fallbackFeature } from "./features/fallback.ts";
import { helpFeature } from "./features/help.ts";
import { startFeature } from "./features/start.ts";

/** What the chat's Durable Object lends the bot (absent in tests that exercise commands alone). */
export interface BotDeps {
  /** The chat's Code Mode service (sandbox, approvals, undo). */
  codeModeFor: (chatId: number) => CodeModeService;
  db: D1Database;
  env: Env;
  /** The chat's Durable Object storage (small per-chat state, e.g. "awaiting a token" for /connect). */
  storage: DurableObjectStorage;
}

/** Builds the chat bot from the validated config. */
export function createBot(config: Config, deps?: BotDeps): Bot<Context> {
  const bot = new Bot<Context>(config.TELEGRAM_BOT_TOKEN, {
    botInfo: botInfoFor(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_BOT_USERNAME),
    client: { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: 30 },
  });
  // 429s wait out retry_after; 5xx and network errors retry a few times, then the inbox retries the update.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));

  // A UserFacingError is said to the person once; anything else propagates so the inbox retries it.
  const features = bot.errorBoundary(async (error) => {
    if (!(error.error instanceof UserFacingError)) throw error.error;
    const chatId = error.ctx.chat?.id;
    if (chatId !== undefined) await error.ctx.api.sendMessage(chatId, error.error.message);
    if (error.ctx.callbackQuery) await error.ctx.answerCallbackQuery({ text: error.error.message.slice(0, 190), show_alert: true });
  });
  // First: while /connect or /key awaits a secret, the next message is the secret and must reach no other feature.
  if (deps) {
    const keys = { config, env: deps.env, db: deps.db, storage: deps.storage };
    features.use(createConnectFeature({ config, db: deps.db, storage: deps.storage, secrets: { "llm-key": storeLlmKey(keys) } }));
    features.use(createLlmKeysFeature(keys));
  }
  features.use(startFeature, helpFeature);
  if (deps) features.use(createCodeModeFeature(deps.codeModeFor), createSnippetsFeature(deps.codeModeFor), createAuditFeature(deps.db));
  features.use(createCloudflareFeature(config, deps ? { userToken: (userId) => userTokenFor(deps.db, config.ENCRYPTION_KEY, userId) } : {}));
  if (deps) features.use(createAssistantFeature(config, deps.env, deps.codeModeFor));
  features.use(fallbackFeature);
  return bot;
}
