// Per-user model API keys (/key <provider>): through the real webhook (the key message is deleted,
// the key stored encrypted, listed and removed, refused in groups), the providers' model choices
// built with a person's key (no provider is ever called), and a scan for the plaintext keys.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { LanguageModel } from "ai";
import type { Update } from "grammy/types";
import { afterAll, describe, expect, it } from "vitest";
import { requireConfig, type Config } from "../core/config.ts";
import { ANSWER_IN_CHAT } from "../approvals/run-store.ts";
import { createBot } from "../bot/create-bot.ts";
import { ModelTurns } from "../skills/cloudflare/agent/model-turns.ts";
import { availableModels, modelFor } from "../skills/cloudflare/agent/providers.ts";
import { importVaultKey, llmKeysFor, saveLlmKey } from "../skills/cloudflare/byok/index.ts";
import type { Runs } from "../skills/cloudflare/code-mode/runs.ts";
import type { TurnOutput } from "../skills/cloudflare/agent/model-turns.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { allBotCalls, botCalls, chatStub, deliver, freshChatId, sentTexts, textUpdate, waitForCalls, sayAndWait } from "./support/telegram.ts";

const config = requireConfig(env);
const USER = USERS.member;
const GROQ_MODEL = "groq:llama-3.3-70b-versatile";
/** Every key handed to the bot here; none may ever appear in traffic or in D1. */
const keysUsed = new Set<string>();

type Chat = { chatId: number; chatType?: "private" | "group"; userId?: number };

/** Says `text` in `chat` (as this file's user unless told otherwise) and waits for `replies` messages. */
const say = (chat: Chat, text: string, replies = 1) => sayAndWait({ ...chat, userId: chat.userId ?? USER }, text, replies);

/** A fresh fake Groq-style key (remembered for the leak scan). */
function fakeKey(): string {
  const key = `gsk_${crypto.randomUUID().replace(/-/g, "")}${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  keysUsed.add(key);
  return key;
}

async function rowOf(userId: number, provider: string) {
  return env.DB.prepare("SELECT * FROM user_llm_keys WHERE user_id = ? AND provider = ?").bind(userId, provider).first<Record<string, unknown>>();
}

function deletedIds(calls: Awaited<ReturnType<typeof botCalls>>): unknown[] {
  return calls.filter((c) => c.method === "deleteMessage").map((c) => c.params.message_id);
}

/** The Authorization header an OpenAI-compatible AI SDK model would send (read from its config; nothing is called). */
async function authorizationOf(model: LanguageModel): Promise<string | undefined> {
  const headers = await (model as unknown as { config: { headers: () => Record<string, string> | Promise<Record<string, string>> } }).config.headers();
  return headers.Authorization ?? headers.authorization;
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

/** A user id only the agent test below stores a key for. */
const VAULT_USER = 434_343;

afterAll(async () => {
  await env.DB.prepare("DELETE FROM user_llm_keys WHERE user_id IN (?, ?)").bind(USER, VAULT_USER).run();
});

describe("/key", () => {
  it("asks for the key, deletes the key message, stores it encrypted and confirms with the last 4 only", async () => {
    const chat = { chatId: freshChatId() };
    const key = fakeKey();
    const last4 = key.slice(-4);

    const prompt = await say(chat, "/key groq");
    expect(prompt.texts[0]).toBe("Store your groq API key\nSend the key as your next message (within 10 minutes). I delete that message at once and keep the key encrypted; your model requests then use it, in every chat. It is not checked with groq.\n/cancel stops.");

    const sent = await say(chat, key);
    expect(deletedIds(sent.calls)).toEqual([sent.update.message.message_id]);
    expect(sent.texts).toEqual([`✅ Stored your groq key …${last4} — stored, not checked: it is used on your next request (${GROQ_MODEL}; /model picks another). /key groq remove deletes it.\nI deleted your message so the key does not stay in this chat.`]);

    const row = await rowOf(USER, "groq");
    expect(row).toMatchObject({ user_id: USER, provider: "groq", last4 });
    expect(typeof row!.created_at).toBe("number");
    expect(String(row!.ciphertext)).not.toContain(key);
    expect(atob(String(row!.ciphertext))).not.toContain(key);
    expect(atob(String(row!.iv))).toHaveLength(12);
    // It decrypts back for this user only.
    expect(await llmKeysFor(env.DB, TEST_ENV.ENCRYPTION_KEY, USER)).toEqual({ groq: key });

    // /key lists it (last 4 only) with the usage.
    const listed = await say(chat, "/key");
    expect(listed.texts[0]).toBe(`Your model API keys\ngroq …${last4}\n\n/key <provider> stores your own key (I delete the message with it at once; it is kept encrypted and used for your requests), /key <provider> remove deletes it. Providers: openai, anthropic, groq, deepseek, openrouter, together, openai-compatible.`);

    // /model in the person's private chat offers the model built with their key, and uses it by default.
    const models = await say(chat, "/model");
    expect(models.texts[0]).toMatch(new RegExp(`^Model: ${GROQ_MODEL}\\nAvailable: .*${GROQ_MODEL}.*\\nWith your own key \\(/key\\): ${GROQ_MODEL}$`));
    // Somebody without a key is not offered it.
    const other = await say({ chatId: freshChatId(), userId: USERS.owner }, "/model");
    expect(other.texts[0]).not.toContain("groq:");
    const picked = await say(chat, `/model ${GROQ_MODEL}`);
    expect(picked.texts[0]).toBe(`This chat now uses ${GROQ_MODEL}.`);
  });

  it("builds the next request's model with the person's key: the stored key becomes a groq choice", async () => {
    const chat = { chatId: freshChatId() };
    const key = fakeKey();
    await say(chat, "/key groq");
    await say(chat, key);
    const keys = await llmKeysFor(env.DB, TEST_ENV.ENCRYPTION_KEY, USER);
    const choice = modelFor(config, env, undefined, keys);
    expect(choice).toMatchObject({ id: GROQ_MODEL, provider: "groq", model: "llama-3.3-70b-versatile", ownKey: true });
    const model = choice!.create();
    expect(model).toMatchObject({ provider: "groq.chat", modelId: "llama-3.3-70b-versatile" });
    expect(await authorizationOf(model)).toBe(`Bearer ${key}`);
  });

  it("/key <provider> remove deletes the key", async () => {
    const chat = { chatId: freshChatId() };
    const key = fakeKey();
    await say(chat, "/key groq");
    await say(chat, key);
    expect((await say(chat, "/key groq remove")).texts[0]).toBe(`Removed your groq key …${key.slice(-4)}: the bot no longer stores it. It still works at groq until you revoke it there.`);
    expect(await rowOf(USER, "groq")).toBeNull();
    expect((await say(chat, "/key groq remove")).texts[0]).toBe("You have no groq key stored. /key lists yours.");
    expect((await say(chat, "/key")).texts[0]).toMatch(/^Your model API keys: none stored; your requests use the bot's model\./);
    expect(availableModels(config, env, await llmKeysFor(env.DB, TEST_ENV.ENCRYPTION_KEY, USER)).some((m) => m.ownKey)).toBe(false);
  });

  it("works only in a private chat, and then waits for nothing", async () => {
    const group = { chatId: freshChatId(), chatType: "group" as const };
    const refused = await say(group, "/key groq");
    expect(refused.texts[0]).toBe(`/key works only in a private chat, so nobody else sees your key. Open a chat with @${config.TELEGRAM_BOT_USERNAME ?? "codemode_bot"} and send /key there.`);
    await deliver(textUpdate(`gsk_not_a_key_in_a_group_${crypto.randomUUID()}`, { userId: USER, chatId: group.chatId, chatType: "group" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deletedIds(await botCalls(group.chatId))).toEqual([]);
  });

  it("refuses unknown providers and text that is not a key, and stops on /cancel", async () => {
    const chat = { chatId: freshChatId() };
    expect((await say(chat, "/key mistral")).texts[0]).toMatch(/^No provider mistral\. \/key <provider> stores your own key/);
    await say(chat, "/key openai");
    const prose = await say(chat, "my key is on my other laptop");
    expect(deletedIds(prose.calls)).toEqual([prose.update.message.message_id]);
    expect(prose.texts[0]).toBe("That does not look like an API key (one line of letters, digits and symbols, no spaces). Nothing was stored; send /key openai to try again.\nI deleted your message so the key does not stay in this chat.");
    await say(chat, "/key openai");
    expect((await say(chat, "/cancel")).texts).toEqual(["Cancelled: no key was stored."]);
    expect(await rowOf(USER, "openai")).toBeNull();
  });

  it("says ENCRYPTION_KEY must be set and waits for nothing", async () => {
    const chatId = freshChatId();
    expect(await withConfig({ ENCRYPTION_KEY: undefined }, chatId, textUpdate("/key groq", { userId: USER, chatId }))).toEqual([
      "/key needs ENCRYPTION_KEY to be set: the bot stores your key encrypted with it. Ask whoever runs the bot to fix it. ENCRYPTION_KEY is not set. Generate one with: openssl rand -base64 32; set it in .dev.vars locally, or with wrangler secret put ENCRYPTION_KEY when deployed."]);
    const awaiting = await runInDurableObject(chatStub(chatId), (_instance, state) => state.storage.get(`connect:awaiting:${USER}`));
    expect(awaiting).toBeUndefined();
  });

  it("never lets a key reach Telegram or D1 in plaintext", async () => {
    expect(keysUsed.size).toBeGreaterThanOrEqual(3);
    const traffic = JSON.stringify(await allBotCalls());
    expect(traffic).toContain("Stored your groq key");
    const tables = await Promise.all(["user_llm_keys", "user_tokens", "audit_executions", "audit_calls", "processed_updates", "usage"]
      .map((t) => env.DB.prepare(`SELECT * FROM ${t}`).all()));
    const stored = JSON.stringify(tables.map((t) => t.results));
    for (const key of keysUsed) {
      expect(traffic).not.toContain(key);
      expect(stored).not.toContain(key);
    }
  });
});

describe("model choices with a person's own keys", () => {
  const groqConfig: Config = { ...config, LLM_PROVIDER: "groq", LLM_MODEL: "llama-3.1-8b-instant", LLM_API_KEY: "deployment-key-0000" };

  it("keeps the existing choices without keys, and adds <provider>:<default model> with them", () => {
    const plain = availableModels(config, env);
    expect(plain.some((m) => m.ownKey)).toBe(false);
    const withKeys = availableModels(config, env, { groq: "gsk_fake_one", anthropic: "sk-ant-fake" });
    expect(withKeys.slice(0, plain.length).map((m) => m.id)).toEqual(plain.map((m) => m.id));
    expect(withKeys.filter((m) => m.ownKey).map((m) => m.id)).toEqual(["anthropic:claude-3-5-haiku-latest", GROQ_MODEL]);
    // openai-compatible has no default model, so its key adds nothing unless the bot is configured for it.
    expect(availableModels(config, env, { "openai-compatible": "k-fake-0000" }).some((m) => m.ownKey)).toBe(false);
  });

  it("uses the person's key over LLM_API_KEY for the configured provider, and for their /model choice", async () => {
    const deployment = modelFor(groqConfig, env, undefined);
    expect(deployment).toMatchObject({ id: "groq:llama-3.1-8b-instant", provider: "groq" });
    expect(deployment!.ownKey).toBeUndefined();
    expect(await authorizationOf(deployment!.create())).toBe("Bearer deployment-key-0000");

    const keys = { groq: "gsk_fake_personal" };
    const configured = modelFor(groqConfig, env, undefined, keys);
    expect(configured).toMatchObject({ id: "groq:llama-3.1-8b-instant", ownKey: true });
    expect(await authorizationOf(configured!.create())).toBe("Bearer gsk_fake_personal");

    const chosen = modelFor(groqConfig, env, GROQ_MODEL, keys);
    expect(chosen).toMatchObject({ id: GROQ_MODEL, provider: "groq", model: "llama-3.3-70b-versatile", ownKey: true });
    expect(await authorizationOf(chosen!.create())).toBe("Bearer gsk_fake_personal");
    // Someone without the key, in a chat that chose it, falls back to the deployment's model.
    expect(modelFor(groqConfig, env, GROQ_MODEL)).toMatchObject({ id: "groq:llama-3.1-8b-instant" });
  });
});

describe("the agent with a person's stored keys", () => {
  it("refuses the request with a clear message when ENCRYPTION_KEY is missing or changed, before any model is called", async () => {
    const key = fakeKey();
    await saveLlmKey(env.DB, await importVaultKey(TEST_ENV.ENCRYPTION_KEY), { userId: VAULT_USER, provider: "groq", apiKey: key });
    const chatId = freshChatId();
    const other = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const errors = await runInDurableObject(chatStub(chatId), async (_instance, state) => {
      const agentWith = (ENCRYPTION_KEY: string | undefined) => new ModelTurns({
        config: { ...config, ENCRYPTION_KEY }, env, chatId, sql: state.storage.sql, runs: {} as Runs, output: {} as TurnOutput,
      });
      const requester = { id: VAULT_USER, name: "Tester" };
      const missing = await agentWith(undefined).ask("list my zones", requester, ANSWER_IN_CHAT).then(() => "", (e: unknown) => String(e));
      const changed = await agentWith(other).ask("list my zones", requester, ANSWER_IN_CHAT).then(() => "", (e: unknown) => String(e));
      const keys = await agentWith(TEST_ENV.ENCRYPTION_KEY).keysOf(VAULT_USER);
      return { missing, changed, keys };
    });
    expect(errors.missing).toMatch(/^UserFacingError: ⚠️ Your stored model API keys cannot be used, so your request was not sent to a model\. ENCRYPTION_KEY is not set\./);
    expect(errors.changed).toContain("Your stored groq API key could not be decrypted: ENCRYPTION_KEY changed since it was stored, or the stored row was altered. Send /key groq remove, then /key groq again.");
    expect(errors.keys).toEqual({ groq: key });
    expect(errors.missing + errors.changed).not.toContain(key);
  });
});
