// Per-user Cloudflare tokens (/connect, /disconnect): through the real webhook against the
// emulator, plus bots built with a different ENCRYPTION_KEY (delivered with `handleUpdate` inside
// the chat's Durable Object, as the inbox does), and unit tests of the vault's crypto.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Update } from "grammy/types";
import { afterAll, describe, expect, it } from "vitest";
import { requireConfig, type Config } from "../core/config.ts";
import { createBot } from "../bot/create-bot.ts";
import { decryptToken, encryptToken, importVaultKey, saveUserToken, TokenVaultError } from "../skills/cloudflare/byok/index.ts";
import { emulator } from "./support/code-mode.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { allBotCalls, botCalls, chatStub, deliver, freshChatId, sentTexts, textUpdate, waitForCalls, sayAndWait } from "./support/telegram.ts";

const config = requireConfig(env);
/** BYOK tests act as the second allowed user, so the owner's tests elsewhere keep the bot's token. */
const USER = USERS.member;
/** Every token handed to the bot here; none may ever appear in traffic or in D1. */
const tokensUsed = new Set<string>();

type Chat = { chatId: number; chatType?: "private" | "group"; userId?: number };

/** Says `text` in `chat` (as this file's user unless told otherwise) and waits for `replies` messages. */
const say = (chat: Chat, text: string, replies = 1) => sayAndWait({ ...chat, userId: chat.userId ?? USER }, text, replies);

/** Mints a fresh emulator token (remembered for the leak scan). */
async function mint(options: { status?: "active" | "expired" } = {}) {
  const minted = await emulator.mintToken(options);
  tokensUsed.add(minted.token);
  return minted;
}

async function storedRow(userId: number) {
  return env.DB.prepare("SELECT * FROM user_tokens WHERE user_id = ?").bind(userId).first<Record<string, unknown>>();
}

function deletedIds(calls: Awaited<ReturnType<typeof botCalls>>): unknown[] {
  return calls.filter((c) => c.method === "deleteMessage").map((c) => c.params.message_id);
}

/** Runs one update through a bot built with `overrides`, inside the chat's Durable Object; returns the new texts. */
async function withConfig(overrides: Partial<Config>, chatId: number, update: unknown): Promise<string[]> {
  const before = sentTexts(await botCalls(chatId)).length;
  await runInDurableObject(chatStub(chatId), async (_instance, state) => {
    const bot = createBot({ ...config, ...overrides }, {
      services: () => { throw new Error("the chat's services are not used here"); }, db: env.DB, env, storage: state.storage,
    });
    await bot.handleUpdate(update as Update);
  });
  return sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length > before)).slice(before);
}

afterAll(async () => {
  await env.DB.prepare("DELETE FROM user_tokens WHERE user_id = ?").bind(USER).run();
});

describe("/connect", () => {
  it("asks for the token, deletes the token message, verifies it, stores it encrypted and confirms with the last 4 only", async () => {
    const chat = { chatId: freshChatId() };
    const { token, id } = await mint();
    const last4 = token.slice(-4);

    const prompt = await say(chat, "/connect");
    expect(prompt.texts[0]).toContain("Send the token as your next message (within 10 minutes). I delete that message at once");

    const sent = await say(chat, token);
    expect(deletedIds(sent.calls)).toEqual([sent.update.message.message_id]);
    expect(sent.texts).toEqual([`✅ Connected token …${last4} (status active, no expiry). Your /cloudflare commands now use it in every chat; /disconnect removes it.\nI deleted your message so the token does not stay in this chat.`]);
    expect(await emulator.requests({ token, path: "/user/tokens/verify" })).toHaveLength(1);

    const row = await storedRow(USER);
    expect(row).toMatchObject({ user_id: USER, last4, token_id: id });
    expect(String(row!.ciphertext)).not.toContain(token);
    expect(atob(String(row!.ciphertext))).not.toContain(token);
    expect(atob(String(row!.iv))).toHaveLength(12);
  });

  it("uses the connected token for /cloudflare run in any chat, and /cloudflare whoami says so", async () => {
    const { token, id } = await mint();
    const chat = { chatId: freshChatId() };
    await say(chat, "/connect");
    await say(chat, token);

    // Another chat (a group): the token belongs to the person, not to the chat.
    const group = { chatId: freshChatId(), chatType: "group" as const };
    const before = (await emulator.requests({ token, path: "/zones" })).length;
    const ran = await say(group, '/cloudflare run const z = await cloudflare.read({ op: "zones.list" });\nreturn z.map((x) => x.name).sort();');
    expect(ran.texts.join("\n")).toContain('"demo-shop.dev"');
    expect((await emulator.requests({ token, path: "/zones" })).length).toBe(before + 1);

    const who = await say(group, "/cloudflare whoami");
    expect(who.texts[0]).toContain(`Cloudflare API token — your connected token …${token.slice(-4)}\n`);
    expect(who.texts[0]).toContain(`Token: ${id} · active · no expiry`);

    // Somebody else in the same group still gets the bot's token.
    const owner = await say({ ...group, userId: USERS.owner }, "/cloudflare whoami");
    expect(owner.texts[0]).toContain("Cloudflare API token — the bot's token\n");
  });

  it("refuses an invalid token and stores nothing, but still deletes the message", async () => {
    await env.DB.prepare("DELETE FROM user_tokens WHERE user_id = ?").bind(USER).run();
    const chat = { chatId: freshChatId() };
    const bogus = `bogus_${crypto.randomUUID().replace(/-/g, "")}`;
    tokensUsed.add(bogus);
    await say(chat, "/connect");
    const sent = await say(chat, bogus);
    expect(deletedIds(sent.calls)).toEqual([sent.update.message.message_id]);
    expect(sent.texts[0]).toBe("Cloudflare refused this token: Invalid API Token (code 1000). Nothing was stored; send /connect to try again.\nI deleted your message so the token does not stay in this chat.");
    expect(await storedRow(USER)).toBeNull();
  });

  it("refuses an expired token and text that is not a token", async () => {
    const chat = { chatId: freshChatId() };
    const { token } = await mint({ status: "expired" });
    await say(chat, "/connect");
    const expired = await say(chat, token);
    expect(expired.texts[0]).toMatch(/^Cloudflare says this token is expired since 2025-01-01, so it cannot be used\. Nothing was stored/);

    await say(chat, "/connect");
    const prose = await say(chat, "my token is in my other phone");
    expect(deletedIds(prose.calls)).toContain(prose.update.message.message_id);
    expect(prose.texts[0]).toMatch(/^That does not look like a Cloudflare API token .* Nothing was stored; send \/connect to try again\./);
    expect(await storedRow(USER)).toBeNull();
  });

  it("works only in a private chat", async () => {
    const group = { chatId: freshChatId(), chatType: "group" as const };
    const refused = await say(group, "/connect");
    expect(refused.texts[0]).toBe(`/connect works only in a private chat, so nobody else sees your token. Open a chat with @${config.TELEGRAM_BOT_USERNAME ?? "codemode_bot"} and send /connect there.`);
    // Nothing waits for a token there: the next message is left alone.
    await deliver(textUpdate("looks_like_a_token_0000000000", { userId: USER, chatId: group.chatId, chatType: "group" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deletedIds(await botCalls(group.chatId))).toEqual([]);
  });

  it("stops waiting on /cancel, on any other command and after 10 minutes", async () => {
    const chat = { chatId: freshChatId() };
    await say(chat, "/connect");
    expect((await say(chat, "/cancel")).texts).toEqual(["Cancelled: no token was stored."]);
    await say(chat, "not_a_token_after_cancel_000");

    await say(chat, "/connect");
    expect((await say(chat, "/help")).texts[0]).toContain("Commands");
    await say(chat, "not_a_token_after_help_0000");

    // An expired wait (written straight into the chat's storage) is ignored too.
    await runInDurableObject(chatStub(chat.chatId), async (_instance, state) => {
      await state.storage.put(`connect:awaiting:${USER}`, { until: Date.now() - 1 });
    });
    await say(chat, "not_a_token_after_expiry_000");
    expect(deletedIds(await botCalls(chat.chatId))).toEqual([]);
  });

  it("/disconnect removes the token and says the bot's token is used again", async () => {
    const { token } = await mint();
    const chat = { chatId: freshChatId() };
    await say(chat, "/connect");
    await say(chat, token);
    expect((await say(chat, "/disconnect")).texts[0]).toBe(
      `Disconnected token …${token.slice(-4)}: the bot no longer stores it. Your /cloudflare commands use the bot's token again.\nIt still works at Cloudflare until you delete or roll it at https://dash.cloudflare.com/profile/api-tokens.`);
    expect(await storedRow(USER)).toBeNull();
    expect((await say(chat, "/cloudflare whoami")).texts[0]).toContain("Cloudflare API token — the bot's token\n");
    expect((await say(chat, "/disconnect")).texts[0]).toBe("You have no connected token. Your /cloudflare commands use the bot's token.");
  });

  it("says ENCRYPTION_KEY must be set (or well formed) and waits for nothing", async () => {
    const chatId = freshChatId();
    const connect = () => textUpdate("/connect", { userId: USER, chatId });
    expect(await withConfig({ ENCRYPTION_KEY: undefined }, chatId, connect())).toEqual([
      "/connect needs ENCRYPTION_KEY to be set: the bot stores your token encrypted with it. Ask whoever runs the bot to fix it. ENCRYPTION_KEY is not set. Generate one with: openssl rand -base64 32; set it in .dev.vars locally, or with wrangler secret put ENCRYPTION_KEY when deployed."]);
    expect((await withConfig({ ENCRYPTION_KEY: "c2hvcnQ=" }, chatId, connect()))[0]).toContain(
      "/connect needs ENCRYPTION_KEY to be 32 random bytes in base64: the bot stores your token encrypted with it. Ask whoever runs the bot to fix it. ENCRYPTION_KEY decodes to 5 bytes instead of 32");
    const awaiting = await runInDurableObject(chatStub(chatId), (_instance, state) => state.storage.get(`connect:awaiting:${USER}`));
    expect(awaiting).toBeUndefined();
  });

  it("says when a stored token cannot be decrypted because ENCRYPTION_KEY changed", async () => {
    const userId = 424_242;
    const { token } = await mint();
    await saveUserToken(env.DB, await importVaultKey(TEST_ENV.ENCRYPTION_KEY), { userId, token, tokenId: null });
    const chatId = freshChatId();
    const other = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const texts = await withConfig({ ENCRYPTION_KEY: other }, chatId, textUpdate("/cloudflare whoami", { userId, chatId }));
    expect(texts[0]).toBe("Your connected token cannot be used. The stored Cloudflare token could not be decrypted: ENCRYPTION_KEY changed since it was stored, or the stored row was altered. Send /disconnect, then /connect the token again.");
    await env.DB.prepare("DELETE FROM user_tokens WHERE user_id = ?").bind(userId).run();
  });

  it("never lets a token reach Telegram, the audit log or the stored row", async () => {
    expect(tokensUsed.size).toBeGreaterThan(3);
    const traffic = JSON.stringify(await allBotCalls());
    expect(traffic).toContain("Connected token");
    const tables = await Promise.all(["audit_executions", "audit_calls", "processed_updates", "user_tokens"].map((t) => env.DB.prepare(`SELECT * FROM ${t}`).all()));
    const stored = JSON.stringify(tables.map((t) => t.results));
    for (const token of tokensUsed) {
      expect(traffic).not.toContain(token);
      expect(stored).not.toContain(token);
    }
    expect(traffic).not.toContain(TEST_ENV.ENCRYPTION_KEY);
  });
});

describe("token vault crypto", () => {
  it("round-trips a token, with a fresh IV each time", async () => {
    const key = await importVaultKey(TEST_ENV.ENCRYPTION_KEY);
    const a = await encryptToken(key, "secret_token_value_123", "7");
    const b = await encryptToken(key, "secret_token_value_123", "7");
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(await decryptToken(key, a, "7")).toBe("secret_token_value_123");
    expect(await decryptToken(key, b, "7")).toBe("secret_token_value_123");
  });

  it("fails with a clear error under a wrong key, another owner or altered data", async () => {
    const key = await importVaultKey(TEST_ENV.ENCRYPTION_KEY);
    const sealed = await encryptToken(key, "secret_token_value_123", "7");
    const wrong = await importVaultKey(btoa("another-test-key-of-32-bytes-ok!"));
    const message = "The stored Cloudflare token could not be decrypted: ENCRYPTION_KEY changed since it was stored, or the stored row was altered. Send /disconnect, then /connect the token again.";
    await expect(decryptToken(wrong, sealed, "7")).rejects.toThrow(message);
    await expect(decryptToken(key, sealed, "8")).rejects.toThrow(message);
    const flipped = { ...sealed, ciphertext: (sealed.ciphertext.startsWith("A") ? "B" : "A") + sealed.ciphertext.slice(1) };
    await expect(decryptToken(key, flipped, "7")).rejects.toBeInstanceOf(TokenVaultError);
  });

  it("validates ENCRYPTION_KEY", async () => {
    await expect(importVaultKey(undefined)).rejects.toMatchObject({ name: "TokenVaultError", reason: "missing_key" });
    await expect(importVaultKey("  ")).rejects.toThrow(/^ENCRYPTION_KEY is not set\./);
    await expect(importVaultKey("not base64 at all!")).rejects.toThrow(/^ENCRYPTION_KEY is not base64: it must be 32 random bytes/);
    await expect(importVaultKey(btoa("sixteen-bytes-ok"))).rejects.toThrow(/^ENCRYPTION_KEY decodes to 16 bytes instead of 32/);
    // URL-safe base64 without padding is accepted too.
    const urlSafe = TEST_ENV.ENCRYPTION_KEY.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    await expect(importVaultKey(urlSafe)).resolves.toBeDefined();
  });
});
