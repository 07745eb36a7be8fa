import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shorten } from "../bot/presenters/audit-view.ts";
import { USERS } from "./support/test-env.ts";
import { botCalls, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { buttons, cards, dataOf, emulator, tap, waitForAnswer } from "./support/code-mode.ts";

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const count = (texts: string[], prefix: string) => texts.filter((t) => t.startsWith(prefix)).length;

/** A run with one read and two writes (KV namespaces), the second approved automatically after "Approve all". */
function readAndTwoWrites(name: string): string {
  return `/cloudflare run const before = await cloudflare.read({ op: "kv.namespaces.list" });
const a = await cloudflare.write({ op: "kv.namespaces.create", body: { title: "${name}-a" } });
const b = await cloudflare.write({ op: "kv.namespaces.create", body: { title: "${name}-b" } });
return [a.title, b.title];`;
}

describe("/audit", () => {
  it("lists runs by number and name, counts only API requests, and marks Approve all", async () => {
    const chatId = freshChatId();
    const name = unique("audit");
    await deliver(textUpdate("/cloudflare run return 1", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);
    await deliver(textUpdate(readAndTwoWrites(name), { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "aa"));
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 2);

    await deliver(textUpdate("/audit", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Last runs in this chat")));
    const list = buttons(calls).find((b) => b.text.startsWith("Last runs in this chat"))!;
    const [newest, oldest] = list.text.split("\n").slice(1, 3);
    expect(newest).toMatch(/^✅ #2 completed · code · Tester \(@user1001\) · 3 API calls · 2 writes by Approve all · (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC$/);
    expect(oldest).toMatch(/^✅ #1 completed · code · Tester \(@user1001\) · 0 API calls · /);
    expect(list.data).toEqual([expect.stringMatching(/^ad:run_/), expect.stringMatching(/^ad:run_/)]);

    // The details button opens every call: operation, method and path, decision, who, when, outcome.
    await tap(chatId, list.messageId, list.data[0]!);
    const detail = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Run #2")))).find((t) => t.startsWith("Run #2"))!;
    expect(detail).toContain("asked by Tester (@user1001) · code ·");
    expect(detail).toContain("Calls (3)");
    expect(detail).toMatch(/1\. kv\.namespaces\.list\n {3}GET \/accounts\/\w+\/storage\/kv\/namespaces\n {3}read, no approval needed → ok 200/);
    expect(detail).toMatch(/2\. kv\.namespaces\.create\n {3}POST \/accounts\/\w+\/storage\/kv\/namespaces\n {3}approved by Tester \(Approve all\) at \d\d:\d\d UTC → ok 200/);
    expect(detail).toMatch(/3\. kv\.namespaces\.create\n.*\n {3}approved automatically \(Approve all by Tester\) at \d\d:\d\d UTC → ok 200/);

    // /audit <number> shows the same run.
    await deliver(textUpdate("/audit 1", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Run #1 ✅ completed")));
  });

  it("says \"1 API call\" and shortens a long error at a word, never mid-sentence without a mark", async () => {
    const chatId = freshChatId();
    const reason = "the first part of a long reason explains what went wrong in some detail, and the second part, which is longer still, tells the person what to do about it next time";
    await deliver(textUpdate(`/cloudflare run await cloudflare.read({ op: "zones.list" }); throw new Error("${reason}");`, { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => count(sentTexts(c), "⚠️ The snippet failed") === 1);
    await deliver(textUpdate("/audit", { userId: USERS.owner, chatId }));
    const list = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Last runs")))).find((t) => t.startsWith("Last runs"))!;
    expect(list).toContain("· 1 API call ·");
    const why = list.split("\n")[2]!.trim();
    expect(why.endsWith("…")).toBe(true);
    const stored = await env.DB.prepare("SELECT error FROM audit_executions WHERE chat_id = ?").bind(chatId).first<{ error: string }>();
    expect(stored!.error).toContain(reason);
    // What is shown is the start of the reason, cut after a whole word, and marked as cut.
    const shown = why.slice(0, -1);
    expect(stored!.error.startsWith(shown)).toBe(true);
    expect(stored!.error[shown.length]).toMatch(/[\s,;:]/);
  });

  it("shows the model cost of a run, from the usage rows that name it", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run return 1", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);
    const run = await env.DB.prepare("SELECT execution_id FROM audit_executions WHERE chat_id = ?").bind(chatId).first<{ execution_id: string }>();
    // Two model requests went into this run (the turn that wrote it, and the one after a tap).
    for (const cost of [0.0009, 0.0003]) {
      await env.DB.prepare("INSERT INTO usage (chat_id, user_id, model, input_tokens, output_tokens, cost_usd, api_calls, execution_id, at) VALUES (?, ?, 'groq:llama-3.3-70b-versatile', 1000, 100, ?, 0, ?, ?)")
        .bind(chatId, USERS.owner, cost, run!.execution_id, Date.now()).run();
    }
    await deliver(textUpdate("/audit", { userId: USERS.owner, chatId }));
    const list = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Last runs")))).find((t) => t.startsWith("Last runs"))!;
    expect(list).toContain("· 0 API calls · $0.0012 ·");
    await deliver(textUpdate("/audit 1", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Run #1") && t.includes("model cost $0.0012")));
  });

  it("shortens text at a sentence or word boundary", () => {
    expect(shorten("HTTP 400, Cloudflare says [7003] Could not route to /zones/x. Check the zone id and try again.", 60)).toBe("HTTP 400, Cloudflare says [7003] Could not route to…");
    expect(shorten("Short enough.", 60)).toBe("Short enough.");
    expect(shorten("One sentence that is fairly long. Another sentence that goes past the limit easily.", 60)).toBe("One sentence that is fairly long. …");
  });

  it("answers a forged or stale details button plainly, and never shows another chat's run", async () => {
    const other = freshChatId();
    await deliver(textUpdate("/cloudflare run return 'secret of the other chat'", { userId: USERS.owner, chatId: other }));
    await waitForCalls(other, (c) => count(sentTexts(c), "✅ Done") === 1);
    await deliver(textUpdate("/audit", { userId: USERS.owner, chatId: other }));
    const [otherRun] = buttons(await waitForCalls(other, (c) => sentTexts(c).some((t) => t.startsWith("Last runs")))).find((b) => b.text.startsWith("Last runs"))!.data;

    const chatId = freshChatId();
    await deliver(textUpdate("/start", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).length === 1);
    for (const data of [otherRun!, "ad:run_0000000000000000"]) {
      const query = await tap(chatId, 1, data);
      expect(await waitForAnswer(query)).toMatchObject({ show_alert: true, text: "That run is not in this chat's audit log (any more). Send /audit for the latest." });
    }
    expect(sentTexts(await botCalls(chatId))).toHaveLength(1);
  });
});

/**
 * Makes every insert into `table` for one chat fail, in the real D1 (a trigger scoped to the chat, so
 * other tests are untouched), for the length of `body`.
 */
async function withFailingInserts(table: "audit_executions" | "audit_calls", chatId: number, body: () => Promise<void>): Promise<void> {
  const trigger = `fail_${table}_${Math.abs(chatId)}`;
  await env.DB.prepare(`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} WHEN NEW.chat_id = ${chatId} BEGIN SELECT RAISE(ABORT, 'audit log unavailable (test)'); END`).run();
  try {
    await body();
  } finally {
    await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
  }
}

describe("audit rows come before what depends on them", () => {
  it("sends nothing when the run's own row cannot be written", async () => {
    const chatId = freshChatId();
    const path = `/zones/${"a".repeat(24)}${Math.random().toString(16).slice(2, 10)}`;
    await withFailingInserts("audit_executions", chatId, async () => {
      await deliver(textUpdate(`/cloudflare run return await cloudflare.read({ op: "GET ${path}" })`, { userId: USERS.owner, chatId }));
      const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️")));
      expect(sentTexts(calls).join("\n")).toContain("the audit log could not be written, so nothing was sent");
      expect(sentTexts(calls).some((t) => t.startsWith("✅ Done"))).toBe(false);
    });
    expect(await emulator.requests({ path })).toEqual([]);
  });

  it("shows no result when a read's row cannot be written", async () => {
    const chatId = freshChatId();
    await withFailingInserts("audit_calls", chatId, async () => {
      await deliver(textUpdate('/cloudflare run return (await cloudflare.read({ op: "zones.list" })).map((z) => z.name)', { userId: USERS.owner, chatId }));
      const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️")));
      const texts = sentTexts(calls).join("\n");
      expect(texts).toContain("the audit log could not record a call");
      expect(texts).not.toContain("demo-shop.dev");
      expect(sentTexts(calls).some((t) => t.startsWith("✅ Done"))).toBe(false);
    });
    const run = await env.DB.prepare("SELECT status FROM audit_executions WHERE chat_id = ?").bind(chatId).first();
    expect(run).toEqual({ status: "error" });
  });
});
