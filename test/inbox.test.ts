import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { chatStub, deliver, freshChatId, injectFault, sentTexts, textUpdate, updateId, waitForCalls } from "./support/telegram.ts";

const HELP = "Commands";
const START = "I operate your Cloudflare account";
const USAGE = "/cloudflare — your Cloudflare account";

/** Which of the three known answers each sent text is, in order. */
function answers(texts: string[]): string[] {
  return texts.map((t) => (t.includes(START) ? "start" : t.startsWith(HELP) ? "help" : t.startsWith(USAGE) ? "cloudflare" : t.slice(0, 30)));
}

describe("the per-chat inbox", () => {
  it("processes a re-delivered update once, even when both deliveries arrive together", async () => {
    const chatId = freshChatId();
    const update = textUpdate("/start", { userId: USERS.owner, chatId });
    const responses = await Promise.all([deliver(update), deliver(update), deliver(update)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await waitForCalls(chatId, (c) => sentTexts(c).length >= 1);
    expect((await deliver(update)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answers(sentTexts(await waitForCalls(chatId, () => true)))).toEqual(["start"]);
    expect(await chatStub(chatId).inboxCounts()).toEqual({ queued: 0, done: 1, failed: 0 });
  });

  it("retries an update whose handler throws, and keeps the chat's later updates in order behind it", async () => {
    const chatId = freshChatId();
    // The first answer fails once at Telegram (a 400 the bot cannot fix by itself), so /help's handler throws.
    await injectFault({ method: "sendMessage", chat_id: chatId, times: 1, error_code: 400, description: "Bad Request: injected failure" });
    for (const text of ["/help", "/start", "/cloudflare"]) {
      expect((await deliver(textUpdate(text, { userId: USERS.owner, chatId }))).status).toBe(200);
    }
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).length >= 3);
    expect(calls[0]).toMatchObject({ method: "sendMessage", ok: false });
    expect(answers(sentTexts(calls))).toEqual(["help", "start", "cloudflare"]);
    expect(await chatStub(chatId).inboxCounts()).toEqual({ queued: 0, done: 3, failed: 0 });
    const row = await env.DB.prepare("SELECT status, attempts FROM processed_updates WHERE chat_id = ? ORDER BY update_id LIMIT 1").bind(chatId).first();
    expect(row).toEqual({ status: "done", attempts: 2 });
  });

  it("gives up after the attempt limit, tells the person, records it, and moves on", async () => {
    const chatId = freshChatId();
    await injectFault({ method: "sendMessage", chat_id: chatId, times: 5, error_code: 400, description: "Bad Request: injected failure" });
    await deliver(textUpdate("/help", { userId: USERS.owner, chatId }));
    await deliver(textUpdate("/start", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).length >= 2);
    const texts = sentTexts(calls);
    expect(texts[0]).toContain("I could not process your message after 5 attempts");
    expect(answers(texts.slice(1))).toEqual(["start"]);
    expect(calls.filter((c) => !c.ok)).toHaveLength(5);
    expect(await chatStub(chatId).inboxCounts()).toEqual({ queued: 0, done: 1, failed: 1 });
    const failed = await env.DB.prepare("SELECT status, attempts, error FROM processed_updates WHERE chat_id = ? AND status = 'failed'").bind(chatId).first<{ status: string; attempts: number; error: string }>();
    expect(failed).toMatchObject({ status: "failed", attempts: 5 });
    expect(failed?.error).toContain("injected failure");
  });

  it("still processes everything when the chat's Durable Object is evicted mid-inbox", async () => {
    const chatId = freshChatId();
    await injectFault({ method: "sendMessage", chat_id: chatId, times: 2, error_code: 400, description: "Bad Request: injected failure" });
    const ids = [updateId(), updateId(), updateId()];
    await deliver(textUpdate("/cloudflare", { userId: USERS.owner, chatId, id: ids[0] }));
    await deliver(textUpdate("/help", { userId: USERS.owner, chatId, id: ids[1] }));
    await deliver(textUpdate("/start", { userId: USERS.owner, chatId, id: ids[2] }));
    await waitForCalls(chatId, (c) => c.length >= 1);
    await evictDurableObject(chatStub(chatId));
    // A re-delivery after eviction is still recognised.
    await deliver(textUpdate("/cloudflare", { userId: USERS.owner, chatId, id: ids[0] }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).length >= 3);
    expect(answers(sentTexts(calls))).toEqual(["cloudflare", "help", "start"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await chatStub(chatId).inboxCounts()).toEqual({ queued: 0, done: 3, failed: 0 });
  });

  it("keeps chats independent: a failing chat does not hold up another", async () => {
    const stuck = freshChatId();
    const free = freshChatId();
    await injectFault({ method: "sendMessage", chat_id: stuck, times: 3, error_code: 400, description: "Bad Request: injected failure" });
    await deliver(textUpdate("/start", { userId: USERS.owner, chatId: stuck }));
    await deliver(textUpdate("/start", { userId: USERS.member, chatId: free }));
    expect(answers(sentTexts(await waitForCalls(free, (c) => sentTexts(c).length >= 1)))).toEqual(["start"]);
    expect(answers(sentTexts(await waitForCalls(stuck, (c) => sentTexts(c).length >= 1)))).toEqual(["start"]);
  });

  it("keeps only the id of a handled update, not its content (a pasted secret must not linger)", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/help secret-looking-text-1234", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await runInDurableObject(chatStub(chatId), (_instance, state) =>
      state.storage.sql.exec<{ update_id: number; payload: string; state: string }>("SELECT update_id, payload, state FROM inbox").toArray());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ payload: "", state: "done" });
  });
});
