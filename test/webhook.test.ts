import { describe, expect, it } from "vitest";
import { strangerLine } from "../bot/features/copy.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { botCalls, chatStub, deliver, deliverRaw, freshChatId, textUpdate, updateId } from "./support/telegram.ts";

/** Waits a moment so anything wrongly queued would have had time to run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function expectNothingHappened(chatId: number): Promise<void> {
  await settle();
  expect(await botCalls(chatId)).toEqual([]);
  expect(await chatStub(chatId).inboxCounts()).toEqual({ queued: 0, done: 0, failed: 0 });
}

describe("webhook secret", () => {
  it("refuses a missing secret with 401 and does nothing", async () => {
    const chatId = freshChatId();
    const response = await deliverRaw(JSON.stringify(textUpdate("/start", { userId: USERS.owner, chatId })), {
      "x-telegram-bot-api-secret-token": "",
    });
    expect(response.status).toBe(401);
    await expectNothingHappened(chatId);
  });

  it("refuses a wrong secret with 401 before reading the body", async () => {
    const chatId = freshChatId();
    const wrong = await deliverRaw(JSON.stringify(textUpdate("/start", { userId: USERS.owner, chatId })), {
      "x-telegram-bot-api-secret-token": `${TEST_ENV.TELEGRAM_WEBHOOK_SECRET}x`,
    });
    expect(wrong.status).toBe(401);
    // A bad body with a bad secret is still a 401, not a 400: nothing about the body leaks.
    const garbage = await deliverRaw("{not json", { "x-telegram-bot-api-secret-token": "nope" });
    expect(garbage.status).toBe(401);
    await expectNothingHappened(chatId);
  });
});

describe("malformed bodies", () => {
  const message = (overrides: Record<string, unknown>) => ({
    message_id: 1, date: 1_700_000_000, chat: { id: 42, type: "private" },
    from: { id: USERS.owner, is_bot: false, first_name: "A" }, text: "/start", ...overrides,
  });
  const cases: Array<[string, BodyInit, number, Record<string, string>?]> = [
    ["an empty body", "", 400],
    ["text that is not JSON", "hello telegram", 400],
    ["truncated JSON", '{"update_id": 1, "message": {', 400],
    ["a JSON array", "[]", 400],
    ["JSON null", "null", 400],
    ["a JSON number", "42", 400],
    ["an update without update_id", JSON.stringify({ message: message({}) }), 400],
    ["a string update_id", JSON.stringify({ update_id: "77", message: message({}) }), 400],
    ["a negative update_id", JSON.stringify({ update_id: -1, message: message({}) }), 400],
    ["a fractional update_id", JSON.stringify({ update_id: 1.5, message: message({}) }), 400],
    ["an update with no payload", JSON.stringify({ update_id: 9 }), 400],
    ["an update with two payloads", JSON.stringify({ update_id: 9, message: message({}), edited_message: message({}) }), 400],
    ["a message without a chat", JSON.stringify({ update_id: 9, message: message({ chat: undefined }) }), 400],
    ["a string chat id", JSON.stringify({ update_id: 9, message: message({ chat: { id: "42", type: "private" } }) }), 400],
    ["an unknown chat type", JSON.stringify({ update_id: 9, message: message({ chat: { id: 42, type: "planet" } }) }), 400],
    ["a string user id", JSON.stringify({ update_id: 9, message: message({ from: { id: "1001", is_bot: false, first_name: "A" } }) }), 400],
    ["text longer than Telegram allows", JSON.stringify({ update_id: 9, message: message({ text: "x".repeat(5000) }) }), 400],
    ["a callback query without an id", JSON.stringify({ update_id: 9, callback_query: { from: { id: 1, is_bot: false, first_name: "A" }, chat_instance: "c" } }), 400],
    ["callback data over 64 bytes", JSON.stringify({ update_id: 9, callback_query: { id: "q", from: { id: 1, is_bot: false, first_name: "A" }, chat_instance: "c", data: "d".repeat(65) } }), 400],
    ["a body over 1 MB", JSON.stringify({ update_id: 9, message: message({ caption: "y".repeat(1_100_000) }) }), 413],
    ["a form-encoded body", "update_id=9", 415, { "content-type": "application/x-www-form-urlencoded" }],
    ["bytes that are not UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 400],
  ];

  it.each(cases)("answers %s with a 4xx and a reason", async (_name, body, status, headers) => {
    const response = await deliverRaw(body, headers);
    expect(response.status).toBe(status);
    const reason = await response.text();
    expect(reason.length).toBeGreaterThan(5);
    expect(reason).not.toMatch(/at \w+ \(|stack/i);
  });

  it("never touched chat 42, the chat all malformed bodies named", async () => {
    await expectNothingHappened(42);
  });
});

describe("updates the bot acknowledges and ignores", () => {
  const msg = (chatId: number, type = "private") => ({
    message_id: 3, date: 1_700_000_000, chat: { id: chatId, type }, from: { id: USERS.owner, is_bot: false, first_name: "A" }, text: "hi",
  });
  const cases: Array<[string, (chatId: number) => unknown]> = [
    ["an edited message", (chatId) => ({ update_id: updateId(), edited_message: msg(chatId) })],
    ["a channel post", (chatId) => ({ update_id: updateId(), channel_post: { ...msg(chatId, "channel"), from: undefined } })],
    ["a my_chat_member change", (chatId) => ({ update_id: updateId(), my_chat_member: { chat: { id: chatId, type: "group" }, from: { id: USERS.owner }, date: 1, old_chat_member: {}, new_chat_member: {} } })],
    ["a poll", () => ({ update_id: updateId(), poll: { id: "p", question: "?", options: [] } })],
    ["a kind this bot has never heard of", () => ({ update_id: updateId(), future_feature: { anything: true } })],
  ];

  it.each(cases)("answers 200 to %s and does nothing", async (_name, build) => {
    const chatId = freshChatId();
    const response = await deliver(build(chatId));
    expect(response.status).toBe(200);
    await expectNothingHappened(chatId);
  });

  it("answers a tap on an inline-mode button (no message) as no longer active, in the webhook reply", async () => {
    const response = await deliver({
      update_id: updateId(),
      callback_query: { id: "cb-inline", from: { id: USERS.owner, is_bot: false, first_name: "A" }, chat_instance: "c", inline_message_id: "im1", data: "x" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: "answerCallbackQuery", callback_query_id: "cb-inline", text: "This button is no longer active." });
  });
});

describe("strangers", () => {
  it("get one polite line in a private chat, and no skill, model or API runs", async () => {
    const response = await deliver(textUpdate("list my r2 buckets", { userId: USERS.stranger, chatId: USERS.stranger }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: "sendMessage", chat_id: USERS.stranger, text: strangerLine(USERS.stranger) });
    // The line tells them their user id, so the owner can add it.
    expect(strangerLine(USERS.stranger)).toContain(`Your Telegram user id is ${USERS.stranger}: ask the owner to add it to ALLOWED_USER_IDS`);
    await expectNothingHappened(USERS.stranger);
  });

  it("are ignored in groups, so a busy group is not spammed", async () => {
    const chatId = -freshChatId();
    const response = await deliver(textUpdate("/start", { userId: USERS.stranger, chatId, chatType: "group" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    await expectNothingHappened(chatId);
  });

  it("get an alert when they tap a button", async () => {
    const chatId = freshChatId();
    const response = await deliver({
      update_id: updateId(),
      callback_query: { id: "cb-stranger", from: { id: USERS.stranger, is_bot: false, first_name: "S" }, chat_instance: "c",
        message: { message_id: 5, date: 1, chat: { id: chatId, type: "private" } }, data: "approve:abc" },
    });
    expect(await response.json()).toMatchObject({ method: "answerCallbackQuery", callback_query_id: "cb-stranger", show_alert: true, text: strangerLine(USERS.stranger) });
    expect(strangerLine(USERS.stranger).length).toBeLessThanOrEqual(200); // Telegram's limit for an alert
    await expectNothingHappened(chatId);
  });
});
