/**
 * Test helpers that play Telegram: build updates, deliver them to the Worker's webhook exactly as
 * Telegram does, and read what the bot sent from the fake Bot API (over loopback, like the bot).
 */
import { env, exports } from "cloudflare:workers";
import { inject } from "vitest";
import type { Fault, HeldCall, RecordedCall } from "../../dev/fake-telegram/fake-bot-api.ts";
import { callbackQueryUpdate, textMessageUpdate, type CallbackQueryUpdate, type TextMessageUpdate } from "../../dev/shared/telegram-updates.ts";
import { TEST_ENV } from "./test-env.ts";

let nextUpdateId = Math.floor(Math.random() * 1e6) * 1000;
let nextChatId = 500_000 + Math.floor(Math.random() * 1e6) * 100;

/** A fresh update id (ids only grow, as Telegram's do). */
export function updateId(): number {
  nextUpdateId += 1;
  return nextUpdateId;
}

/** A chat id no other test uses, so recorded calls can be told apart. */
export function freshChatId(): number {
  nextChatId += 1;
  return nextChatId;
}

/** A text message update from `userId` in a private chat `chatId` (defaults: a fresh chat). */
export function textUpdate(text: string, options: { userId: number; chatId?: number; chatType?: "private" | "group"; id?: number }): TextMessageUpdate {
  const chatId = options.chatId ?? options.userId;
  return textMessageUpdate({
    updateId: options.id ?? updateId(),
    messageId: Math.floor(Math.random() * 1e6),
    chat: options.chatType === "group" ? { id: chatId, type: "group", title: "Test group" } : { id: chatId, type: "private", first_name: "Tester" },
    from: { id: options.userId, is_bot: false, first_name: "Tester", username: `user${options.userId}` },
    text,
  });
}

/** A callback query (button tap) on bot message `messageId` in `chatId`. */
export function callbackUpdate(data: string, options: { userId: number; chatId: number; messageId: number; id?: number }): CallbackQueryUpdate {
  return callbackQueryUpdate({
    updateId: options.id ?? updateId(),
    queryId: `cbq-${Math.random().toString(36).slice(2)}`,
    from: { id: options.userId, is_bot: false, first_name: "Tester" },
    chatInstance: "ci-1",
    chat: { id: options.chatId, type: "private" },
    messageId: options.messageId,
    messageText: "card",
    data,
  });
}

/** Delivers a raw body to POST /telegram with the right secret (unless told otherwise). */
export async function deliverRaw(body: BodyInit | null, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request("https://bot.example/telegram", {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TEST_ENV.TELEGRAM_WEBHOOK_SECRET, ...headers },
    body,
  }));
}

/** Delivers an update as Telegram would. */
export async function deliver(update: unknown): Promise<Response> {
  return deliverRaw(JSON.stringify(update));
}

function fakeUrl(path: string): string {
  return `${inject("telegramApiRoot")}${path}`;
}

/** The Bot API calls the fake recorded for one chat (optionally one method). */
export async function botCalls(chatId: number, method?: string): Promise<RecordedCall[]> {
  const query = new URLSearchParams({ chat_id: String(chatId), ...(method ? { method } : {}) });
  const response = await fetch(fakeUrl(`/__fake/calls?${query}`));
  return ((await response.json()) as { calls: RecordedCall[] }).calls;
}

/** All recorded calls after sequence number `since`. */
export async function allBotCalls(since = 0): Promise<RecordedCall[]> {
  const response = await fetch(fakeUrl(`/__fake/calls?since=${since}`));
  return ((await response.json()) as { calls: RecordedCall[] }).calls;
}

/** Makes the fake fail (or hold, with `delay_ms`) the next `times` calls of `method` for `chatId`. */
export async function injectFault(fault: Fault): Promise<void> {
  await fetch(fakeUrl("/__fake/faults"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
}

/** The calls a `delay_ms` fault held for one chat, in arrival order. */
export async function heldCalls(chatId: number): Promise<HeldCall[]> {
  const response = await fetch(fakeUrl(`/__fake/held?chat_id=${chatId}`));
  return ((await response.json()) as { held: HeldCall[] }).held;
}

/** Waits until `predicate` holds for the chat's recorded calls, or fails with what was seen. */
export async function waitForCalls(
  chatId: number,
  predicate: (calls: RecordedCall[]) => boolean,
  timeoutMs = 10_000,
): Promise<RecordedCall[]> {
  const deadline = Date.now() + timeoutMs;
  let calls: RecordedCall[] = [];
  while (Date.now() < deadline) {
    calls = await botCalls(chatId);
    if (predicate(calls)) return calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for bot calls in chat ${chatId}; saw: ${JSON.stringify(calls.map((c) => [c.method, c.params.text ?? c.params.text]))}`);
}

/** Texts of the messages the bot sent to a chat, in order. */
export function sentTexts(calls: RecordedCall[]): string[] {
  return calls.filter((c) => c.method === "sendMessage" && c.ok).map((c) => String(c.params.text));
}

/** The chat's Durable Object stub. */
export function chatStub(chatId: number) {
  return env.CHAT.getByName(String(chatId));
}

/** A chat to talk in, and as whom. */
export type ChatRef = { chatId: number; chatType?: "private" | "group"; userId: number };

/** Sends `text` and waits until the bot has sent `replies` more messages; returns the update and the new texts. */
export async function sayAndWait(chat: ChatRef, text: string, replies = 1) {
  const before = sentTexts(await botCalls(chat.chatId)).length;
  const update = textUpdate(text, { userId: chat.userId, chatId: chat.chatId, chatType: chat.chatType ?? "private" });
  await deliver(update);
  const calls = await waitForCalls(chat.chatId, (c) => sentTexts(c).length >= before + replies);
  return { update, texts: sentTexts(calls).slice(before), calls };
}
