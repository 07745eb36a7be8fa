import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { HeldCall } from "../dev/fake-telegram/fake-bot-api.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { botCalls, chatStub, deliver, freshChatId, heldCalls, injectFault, sentTexts, textUpdate, updateId, waitForCalls } from "./support/telegram.ts";

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

  it("a crashing update is given up after its attempts while another chat keeps being answered", async () => {
    const poisoned = freshChatId();
    const other = freshChatId();
    const maxAttempts = Number(TEST_ENV.INBOX_MAX_ATTEMPTS);
    const backoff = (attempts: number) => Number(TEST_ENV.INBOX_RETRY_BASE_MS) * 2 ** (attempts - 1);
    // Every answer to the poisoned chat's /start is held at the fake Bot API, so each attempt is
    // still inside its handler when the chat's object is reset under it (see `crash`).
    await injectFault({ method: "sendMessage", chat_id: poisoned, times: maxAttempts, delay_ms: 60_000 });
    // The poisoned chat lives an hour ahead: its alarms are due an hour from now in real time, so
    // only this test runs them, one attempt at a time.
    let now = Date.now() + 60 * 60_000;
    useClock(now);
    try {
      await deliver(textUpdate("/start", { userId: USERS.owner, chatId: poisoned }));
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        // The attempt blocks on the held call, so its alarm run ends only with the crash.
        const running = runDurableObjectAlarm(chatStub(poisoned)).then(() => "finished", (error: unknown) => String(error));
        await waitForHeld(poisoned, (held) => held.length === attempt);
        // Counted and marked running, with an alarm armed, before the handler ran.
        expect(await inboxHead(poisoned)).toMatchObject({ attempts: attempt, startedAt: now, alarm: now + backoff(attempt) });
        if (attempt === 2) {
          vi.useRealTimers();
          await deliver(textUpdate("/start", { userId: USERS.member, chatId: other }));
          expect(answers(sentTexts(await waitForCalls(other, (c) => sentTexts(c).length >= 1)))).toEqual(["start"]);
          useClock(now);
        }
        await crash(poisoned);
        expect(await running).toContain("simulated crash");
        // Woken after the restart, the chat counts the dead attempt and waits out a backoff from then.
        now += 1_000;
        vi.setSystemTime(now);
        expect(await runDurableObjectAlarm(chatStub(poisoned))).toBe(true);
        if (attempt === maxAttempts) break;
        const retry = { attempts: attempt, startedAt: null, nextAttemptAt: now + backoff(attempt), alarm: now + backoff(attempt) };
        expect(await inboxHead(poisoned)).toEqual(retry);
        // Woken again before that time, it runs nothing.
        expect(await runDurableObjectAlarm(chatStub(poisoned))).toBe(true);
        expect(await inboxHead(poisoned)).toEqual(retry);
        expect(await heldCalls(poisoned)).toHaveLength(attempt);
        now = retry.nextAttemptAt;
        vi.setSystemTime(now);
      }
    } finally {
      vi.useRealTimers();
    }

    // Each attempt's call was cut off by the crash, never answered.
    const held = await waitForHeld(poisoned, (calls) => calls.every((call) => call.state !== "holding"));
    expect(held.map((call) => [call.method, call.state])).toEqual(Array(maxAttempts).fill(["sendMessage", "abandoned"]));
    const calls = await botCalls(poisoned);
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(sentTexts(calls)[0]).toMatch(/^⚠️ I gave up on your message after 5 attempts: the bot crashed while handling it/);
    expect(sentTexts(calls)[0]).toContain("try a smaller version");
    expect(await chatStub(poisoned).inboxCounts()).toEqual({ queued: 0, done: 0, failed: 1 });
    const failed = await env.DB.prepare("SELECT status, attempts, error FROM processed_updates WHERE chat_id = ?").bind(poisoned).first<{ status: string; attempts: number; error: string }>();
    expect(failed).toMatchObject({ status: "failed", attempts: 5 });
    expect(failed?.error).toBe("attempt 5 never finished (the process crashed or the object was reset)");
    expect(answers(sentTexts(await botCalls(other)))).toEqual(["start"]);
  }, 60_000);

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

/** Freezes this isolate's `Date` (the chats' objects run here too) at `at`. */
function useClock(at: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
}

/**
 * Resets the chat's object the way a crash of the process would: `abort()` ends its I/O context
 * and stops its JavaScript at once, so an in-flight handler gets no catch or finally, storage keeps
 * only what was committed, and the next request builds a fresh instance. (A memory bomb in local
 * workerd takes every object in the process down; this takes one, so other chats can be checked.)
 */
async function crash(chatId: number): Promise<void> {
  await expect(runInDurableObject(chatStub(chatId), (_instance, state) => state.abort("simulated crash"))).rejects.toThrow("simulated crash");
}

/** The head update's durable attempt count, running mark and retry time, and the object's stored alarm. */
async function inboxHead(chatId: number) {
  // A fresh stub each time: a stub that saw its object reset stays broken.
  return runInDurableObject(chatStub(chatId), async (_instance, state) => {
    const row = state.storage.sql.exec<{ attempts: number; started_at: number | null; next_attempt_at: number }>(
      "SELECT attempts, started_at, next_attempt_at FROM inbox WHERE state = 'queued' ORDER BY update_id LIMIT 1").one();
    return { attempts: row.attempts, startedAt: row.started_at, nextAttemptAt: row.next_attempt_at, alarm: await state.storage.getAlarm() };
  });
}

/** Waits (counting polls, as the clock may be frozen) until the chat's held calls satisfy `predicate`. */
async function waitForHeld(chatId: number, predicate: (held: HeldCall[]) => boolean): Promise<HeldCall[]> {
  let held: HeldCall[] = [];
  for (let poll = 0; poll < 600; poll += 1) {
    held = await heldCalls(chatId);
    if (predicate(held)) return held;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for held calls in chat ${chatId}; saw: ${JSON.stringify(held.map((call) => [call.method, call.state]))}`);
}
