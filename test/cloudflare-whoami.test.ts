// `/cloudflare whoami`: through the real webhook against the emulator, and through bots built with
// a different token or API base for the failure messages (delivered with `handleUpdate`, which is
// what the chat's Durable Object does with each update).
import { env } from "cloudflare:workers";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import { describe, expect, inject, it } from "vitest";
import { emulatorControl } from "../dev/cloudflare-emulator/control.ts";
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DEMO_EXPIRED_TOKEN, DEMO_LIMITED_TOKEN, DEMO_USER_EMAIL } from "../dev/cloudflare-emulator/seed.ts";
import { botInfoFor } from "../bot/bot-info.ts";
import { chatContext, type BotContext } from "../bot/context.ts";
import { requireConfig, type Config } from "../core/config.ts";
import { createBot } from "../bot/create-bot.ts";
import { createCloudflareFeature, type CloudflareFeatureOptions } from "../bot/features/cloudflare.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { allBotCalls, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";

const emulator = emulatorControl(inject("cloudflareEmulatorUrl"));
const config = requireConfig(env);
/** Every token a test handed to a bot; none may ever reach Telegram. */
const tokensUsed = new Set<string>([DEMO_API_TOKEN, DEMO_EXPIRED_TOKEN, DEMO_LIMITED_TOKEN]);

/** Runs `/cloudflare whoami` through the assembled bot with config overrides; returns what it said. */
async function whoamiWith(overrides: Partial<Config>): Promise<string> {
  if (overrides.CLOUDFLARE_API_TOKEN) tokensUsed.add(overrides.CLOUDFLARE_API_TOKEN);
  const chatId = freshChatId();
  await createBot({ ...config, ...overrides }).handleUpdate(whoamiUpdate(chatId));
  return onlyText(chatId);
}

/** Same, with just the /cloudflare feature and client options (short timeouts and retries). */
async function whoamiWithFeature(overrides: Partial<Config>, options: CloudflareFeatureOptions): Promise<string> {
  if (overrides.CLOUDFLARE_API_TOKEN) tokensUsed.add(overrides.CLOUDFLARE_API_TOKEN);
  const bot = new Bot<BotContext>(TEST_ENV.TELEGRAM_BOT_TOKEN, { botInfo: botInfoFor(TEST_ENV.TELEGRAM_BOT_TOKEN), client: { apiRoot: config.TELEGRAM_API_ROOT } });
  bot.use(chatContext(() => { throw new Error("the chat's services are not used here"); }));
  bot.use(createCloudflareFeature({ ...config, ...overrides }, options));
  const chatId = freshChatId();
  await bot.handleUpdate(whoamiUpdate(chatId));
  return onlyText(chatId);
}

/** The test helper builds plain JSON, as Telegram sends it; grammY's type wants its own literal types. */
function whoamiUpdate(chatId: number): Update {
  return textUpdate("/cloudflare whoami", { userId: USERS.owner, chatId }) as unknown as Update;
}

async function onlyText(chatId: number): Promise<string> {
  const texts = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
  expect(texts).toHaveLength(1);
  return texts[0]!;
}

describe("/cloudflare whoami", () => {
  it("shows the token's owner, status, expiry, accounts and zone count", async () => {
    const chatId = freshChatId();
    const response = await deliver(textUpdate("/cloudflare whoami", { userId: USERS.owner, chatId }));
    expect(response.status).toBe(200);
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).length >= 1);
    expect(sentTexts(calls)).toEqual([[
      "Cloudflare API token — the bot's token",
      `Belongs to: ${DEMO_USER_EMAIL}`,
      "Token: ed17574386854bf78a67040be0a770b0 · active · expires 2035-01-01",
      "Accounts (1):",
      `• Demo Shop — ${DEMO_ACCOUNT_ID}`,
      "Zones: 2 — demo-shop.dev, example.com",
    ].join("\n")]);
    const entities = calls.find((c) => c.method === "sendMessage")!.params.entities;
    expect(entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: "bold" }), expect.objectContaining({ type: "code" })]));
  });

  it("names the token by id when it may not read the user", async () => {
    const text = await whoamiWith({ CLOUDFLARE_API_TOKEN: DEMO_LIMITED_TOKEN });
    expect(text).toContain("Belongs to: token 7c6b5a49382716f5e4d3c2b1a0f9e8d7 (it may not read your user details)");
    expect(text).toContain("no expiry");
    expect(text).toContain("Zones: 2");
  });

  it("says to set CLOUDFLARE_API_TOKEN when none is configured", async () => {
    expect(await whoamiWith({ CLOUDFLARE_API_TOKEN: undefined })).toBe(
      "No Cloudflare API token is configured. Set CLOUDFLARE_API_TOKEN (in .dev.vars locally, or with wrangler secret put CLOUDFLARE_API_TOKEN when deployed), then try again.");
  });

  it("says Cloudflare refused an invalid token, with Cloudflare's reason", async () => {
    expect(await whoamiWith({ CLOUDFLARE_API_TOKEN: "revoked_or_mistyped_token_000000000000x" })).toBe(
      "Cloudflare refused the API token: Invalid API Token (code 1000). Create a token at https://dash.cloudflare.com/profile/api-tokens and set CLOUDFLARE_API_TOKEN to it.");
  });

  it("says when the token expired", async () => {
    expect(await whoamiWith({ CLOUDFLARE_API_TOKEN: DEMO_EXPIRED_TOKEN })).toBe(
      "The Cloudflare API token (5a3a1b0c9e7d4f6a8b2c1d0e9f8a7b6c) expired on 2025-01-01, so Cloudflare refuses it. Roll it or create a new one at https://dash.cloudflare.com/profile/api-tokens, then set CLOUDFLARE_API_TOKEN.");
  });

  it("says when Cloudflare cannot be reached", async () => {
    const text = await whoamiWithFeature({ CLOUDFLARE_API_BASE: "http://127.0.0.1:9/client/v4" }, { retry: { baseDelayMs: 5, maxAttempts: 2 } });
    expect(text).toBe("I could not reach the Cloudflare API at 127.0.0.1:9. Check CLOUDFLARE_API_BASE and the network, then try again.");
  });

  it("says when Cloudflare does not answer in time", async () => {
    const { token } = await emulator.mintToken();
    await emulator.fault({ path: "/user/tokens/verify", token, delayMs: 1_500 });
    const text = await whoamiWithFeature({ CLOUDFLARE_API_TOKEN: token }, { timeoutMs: 200 });
    expect(text).toBe("Cloudflare did not answer within 0.2 s. Try /cloudflare whoami again in a minute.");
  });

  it("reports any other Cloudflare failure with the operation, status and codes", async () => {
    const { token } = await emulator.mintToken();
    await emulator.fault({ path: "/accounts", token, status: 500, times: 3 });
    const text = await whoamiWithFeature({ CLOUDFLARE_API_TOKEN: token }, { retry: { baseDelayMs: 5 } });
    expect(text).toBe("Cloudflare API error. Cloudflare API call accounts.list failed: HTTP 500, Cloudflare says [10002] An unknown error has occurred. Please try again later. Hint: Cloudflare had a server error; try again shortly.");
  });

  it("never shows a Cloudflare token in any message to Telegram", async () => {
    // The whole Bot API traffic of the run so far (every chat, every test file): no token in any of it.
    const traffic = JSON.stringify(await allBotCalls());
    expect(traffic).toContain("Belongs to");
    for (const token of tokensUsed) expect(traffic).not.toContain(token);
  });
});
