import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLOUDFLARE_TEST_TOKEN, USERS } from "./support/test-env.ts";
import { allBotCalls, chatStub, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { buttons, cards, createRequests, d1Names, dataOf, waitForAnswer, tap } from "./support/code-mode.ts";

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const createSnippet = (...names: string[]) =>
  `/cloudflare run const made = [];\n${names.map((n) => `made.push((await cloudflare.write({ op: "d1.database.create", body: { name: "${n}" } })).name);`).join("\n")}\nreturn made;`;


const done = (texts: string[]) => texts.find((t) => t.startsWith("✅ Done"));

afterEach(() => {
  vi.useRealTimers();
});

describe("approval gate, deeper", () => {
  it("Approve all covers the later writes of the same run only", async () => {
    const chatId = freshChatId();
    const [a, b] = [unique("all-a"), unique("all-b")];
    await deliver(textUpdate(createSnippet(a, b), { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "aa"));
    const calls = await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(done(sentTexts(calls))).toContain(`"${a}"`);
    expect(done(sentTexts(calls))).toContain(`"${b}"`);
    // The second write was still shown and logged, as approved automatically (naming who tapped Approve all), with no buttons.
    expect(sentTexts(calls).some((t) => t.includes(b) && t.includes("Approved automatically (Approve all in this run, by Tester)"))).toBe(true);
    expect(cards(calls)).toHaveLength(1);
    expect(await createRequests(a)).toBe(1);
    expect(await createRequests(b)).toBe(1);

    // A new run in the same chat asks again.
    const c = unique("all-c");
    await deliver(textUpdate(createSnippet(c), { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (calls2) => cards(calls2).length === 2);
    expect(await createRequests(c)).toBe(0);
  });

  it("two approvers tapping at once run the call exactly once", async () => {
    const chatId = freshChatId();
    const name = unique("race");
    await deliver(textUpdate(createSnippet(name), { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    const [first, second] = await Promise.all([
      tap(chatId, card!.messageId, dataOf(card!, "ap"), USERS.owner),
      tap(chatId, card!.messageId, dataOf(card!, "ap"), USERS.approver),
    ]);
    const answers = [String((await waitForAnswer(first)).text), String((await waitForAnswer(second)).text)].sort();
    expect(answers[0]).toMatch(/^Already approved at/);
    expect(answers[1]).toBe("Approved. Running…");
    await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(await createRequests(name)).toBe(1);
  });

  it("completes an approved run after the chat's Durable Object was evicted while paused", async () => {
    const chatId = freshChatId();
    const name = unique("evicted");
    await deliver(textUpdate(createSnippet(name), { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await evictDurableObject(chatStub(chatId));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const calls = await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(done(sentTexts(calls))).toContain(name);
    expect(await createRequests(name)).toBe(1);
  });

  it("expires a card after the TTL: a late tap runs nothing, and the alarm closes cards nobody answers", async () => {
    const chatId = freshChatId();
    const [late, ignored] = [unique("late"), unique("ignored")];
    await deliver(textUpdate(createSnippet(late), { userId: USERS.owner, chatId }));
    await deliver(textUpdate(createSnippet(ignored), { userId: USERS.owner, chatId }));
    const [lateCard, ignoredCard] = cards(await waitForCalls(chatId, (c) => cards(c).length === 2));

    // The clock: 16 minutes later (the TTL is 15). The Durable Object runs in this isolate, so it sees it too.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    const queryId = await tap(chatId, lateCard!.messageId, dataOf(lateCard!, "ap"));
    // The alarm the tap armed is due at the fake time (real minutes away), so it is run by hand:
    // it handles the tap, then closes every card past its expiry.
    expect(await runDurableObjectAlarm(chatStub(chatId))).toBe(true);
    vi.useRealTimers();
    expect(String((await waitForAnswer(queryId)).text)).toMatch(/^This card (already )?expired at \d\d:\d\d UTC; nothing ran\./);

    const calls = await waitForCalls(chatId, (c) => c.filter((x) => x.method === "editMessageText").length >= 2);
    for (const card of [lateCard!, ignoredCard!]) {
      const edit = calls.find((c) => c.method === "editMessageText" && c.params.message_id === card.messageId);
      expect(String(edit?.params.text)).toContain("⌛ Expired at");
      expect(edit?.params.reply_markup).toEqual({ inline_keyboard: [] });
    }
    expect(await createRequests(late)).toBe(0);
    expect(await createRequests(ignored)).toBe(0);
    const rows = await env.DB.prepare("SELECT status FROM audit_calls WHERE chat_id = ? AND seq IS NOT NULL").bind(chatId).all<{ status: string }>();
    expect(rows.results.map((r) => r.status)).toEqual(["expired", "expired"]);
  });

  it("Undo reverses a create after its own confirmation, once", async () => {
    const chatId = freshChatId();
    const name = unique("undo");
    await deliver(textUpdate(createSnippet(name), { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const finished = await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(await d1Names()).toContain(name);
    const result = buttons(finished).find((b) => b.data.some((d) => d.startsWith("un:")))!;
    expect(result.text.startsWith("✅ Done")).toBe(true);

    // A stranger to the run (an allowed member who is not an approver) cannot undo it.
    const denied = await tap(chatId, result.messageId, dataOf(result, "un"), USERS.member);
    expect((await waitForAnswer(denied)).show_alert).toBe(true);

    await tap(chatId, result.messageId, dataOf(result, "un"));
    const confirm = buttons(await waitForCalls(chatId, (c) => buttons(c).some((b) => b.data.some((d) => d.startsWith("uy:")))))
      .find((b) => b.data.some((d) => d.startsWith("uy:")))!;
    expect(confirm.text).toContain(`Undo this run: delete D1 database ${name}?`);
    // The Undo button itself names what it removes.
    expect(finished.find((c) => c.method === "sendMessage" && c.params.text === result.text)?.params.reply_markup).toMatchObject({ inline_keyboard: [[{ text: `↩️ Undo: delete D1 database ${name}` }]] });
    expect(confirm.text).toContain("d1/database");
    await tap(chatId, confirm.messageId, dataOf(confirm, "uy"));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("↩️ Undone")));
    expect(sentTexts(calls).find((t) => t.startsWith("↩️ Undone"))).toBe(`↩️ Undone by Tester: deleted D1 database ${name}.`);
    expect(await d1Names()).not.toContain(name);
    // The used Undo button is taken off the result message.
    expect(calls.some((c) => c.method === "editMessageReplyMarkup" && c.params.message_id === result.messageId
      && JSON.stringify(c.params.reply_markup) === JSON.stringify({ inline_keyboard: [] }))).toBe(true);

    const again = await tap(chatId, confirm.messageId, dataOf(confirm, "uy"));
    expect(String((await waitForAnswer(again)).text)).toBe("This run was already undone.");
  });

  it("writes audit rows for every step, shows them with /audit, and never stores or sends the token", async () => {
    const chatId = freshChatId();
    const name = unique("audited");
    await deliver(textUpdate(createSnippet(name), { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);

    const execution = await env.DB.prepare("SELECT * FROM audit_executions WHERE chat_id = ?").bind(chatId).first<{ status: string; user_id: number; code: string; execution_id: string }>();
    expect(execution).toMatchObject({ status: "completed", user_id: USERS.owner });
    const calls = await env.DB.prepare("SELECT operation, method, access, risk, status, approver_id, seq FROM audit_calls WHERE chat_id = ? ORDER BY id").bind(chatId).all();
    // One row per write: shown as a card (pending), decided (approved, by whom), then sent (ok, with the HTTP status).
    expect(calls.results).toEqual([
      expect.objectContaining({ operation: "d1.database.create", method: "POST", access: "write", risk: "write", status: "ok", approver_id: USERS.owner, seq: 0 }),
    ]);

    await deliver(textUpdate("/audit", { userId: USERS.owner, chatId }));
    const list = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Last runs in this chat")));
    expect(sentTexts(list).find((t) => t.startsWith("Last runs"))).toContain("#1 completed");
    await deliver(textUpdate(`/audit ${execution!.execution_id}`, { userId: USERS.owner, chatId }));
    const detail = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Run #1") && t.includes(execution!.execution_id)));
    expect(sentTexts(detail).find((t) => t.startsWith("Run "))).toContain("d1.database.create");

    const everything = JSON.stringify([
      (await env.DB.prepare("SELECT * FROM audit_executions").all()).results,
      (await env.DB.prepare("SELECT * FROM audit_calls").all()).results,
      await allBotCalls(),
    ]);
    expect(everything).not.toContain(CLOUDFLARE_TEST_TOKEN);
  });
});
