import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../dev/cloudflare-emulator/seed.ts";
import { USERS } from "./support/test-env.ts";
import { botCalls, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, waitForAnswer, createRequests, d1Names, dataOf, tap } from "./support/code-mode.ts";

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;


describe("Code Mode: running code", () => {
  it("answers a read-only snippet directly, with the API's data", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run const r = await cloudflare.read({ op: "r2.buckets.list" });\nreturn r.map((b) => b.name);', { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    const done = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(done).toContain('"shop-assets"');
    // The one footer under every answer that ran code: API calls and time.
    expect(done).toMatch(/\n\n⚡ Code Mode · 1 API call · [\d.]+ m?s$/);
    expect(cards(calls)).toEqual([]);
  });

  it("runs a ```js code block sent as a message", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("```js\nconst zones = await cloudflare.read({ op: \"zones.list\" });\nreturn zones.map((z) => z.name).sort();\n```", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    expect(sentTexts(calls).find((t) => t.startsWith("✅ Done"))).toContain('"demo-shop.dev"');
  });

  it("reports a syntax error on the line the person wrote it, in a command and in a ```js block", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run const a = 1;\nconst b = ;\nreturn a;", { userId: USERS.owner, chatId }));
    await deliver(textUpdate("```js\nconst a = 1;\nconst b = ;\n```", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).filter((t) => t.startsWith("⚠️ The snippet failed")).length === 2);
    for (const text of sentTexts(calls).filter((t) => t.startsWith("⚠️ The snippet failed"))) expect(text).toContain("syntax error at line 2, column 11");
  });

  it("reports a syntax error on line 3 as line 3, whatever the code around it", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run\nconst a = 1;\nconst b = 2;\nconst c = ;", { userId: USERS.owner, chatId }));
    await deliver(textUpdate("```js\nconst a = await cloudflare.read({ op: \"zones.list\" });\nconst b = a;\nreturn b.;\n```", { userId: USERS.owner, chatId }));
    await deliver(textUpdate("/cloudflare run async function main() {\n  const x = 1;\n  return x +;\n}", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).filter((t) => t.startsWith("⚠️ The snippet failed")).length === 3);
    const failures = sentTexts(calls).filter((t) => t.startsWith("⚠️ The snippet failed"));
    expect(failures.map((t) => /syntax error at line (\d+)/.exec(t)?.[1])).toEqual(["3", "3", "3"]);
  });

  it("reports a failing snippet plainly", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run await cloudflare.read({ op: "d1.database.create", body: { name: "x" } })', { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    expect(sentTexts(calls).join("\n")).toContain("changes the account; use cloudflare.write");
    expect(sentTexts(calls).find((t) => t.startsWith("⚠️ The snippet failed"))).toMatch(/\n\n⚡ Code Mode · 0 API calls · [\d.]+ m?s$/);
  });
});

describe("Code Mode: approval gate", () => {
  it("sends a card for a write and does nothing until Approve; Approve runs it once and reports", async () => {
    const chatId = freshChatId();
    const name = unique("test-storia");
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })`, { userId: USERS.owner, chatId }));
    const before = await waitForCalls(chatId, (c) => cards(c).length === 1);
    const [card] = cards(before);
    expect(card!.text).toContain("Approval needed");
    expect(card!.text).toContain(`POST /accounts/${DEMO_ACCOUNT_ID}/d1/database`);
    expect(card!.text).toContain(name);
    expect(card!.text).toContain("Asked by Tester (@user1001)");
    expect(card!.data.every((d) => d.length <= 64)).toBe(true);
    expect(await d1Names()).not.toContain(name);
    expect(await createRequests(name)).toBe(0);

    const queryId = await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const after = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    expect((await waitForAnswer(queryId)).text).toBe("Approved. Running…");
    expect(sentTexts(after).find((t) => t.startsWith("✅ Done"))).toContain(name);
    expect(await d1Names()).toContain(name);
    expect(await createRequests(name)).toBe(1);
    const edit = after.find((c) => c.method === "editMessageText" && c.params.message_id === card!.messageId);
    expect(String(edit?.params.text)).toMatch(/✅ Approved by Tester at \d\d:\d\d UTC/);
    expect(edit?.params.reply_markup).toEqual({ inline_keyboard: [] });

    // A second tap (double tap or replayed callback) changes nothing and says what happened.
    const again = await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    expect(String((await waitForAnswer(again)).text)).toMatch(/^Already approved at \d\d:\d\d UTC/);
    expect(await createRequests(name)).toBe(1);

    const audit = await env.DB.prepare("SELECT status, approver_id, decided_at FROM audit_calls WHERE chat_id = ? AND operation = 'd1.database.create' AND seq IS NOT NULL").bind(chatId).first();
    expect(audit).toMatchObject({ status: "ok", approver_id: USERS.owner });
  });

  it("Reject stops the run and nothing is written", async () => {
    const chatId = freshChatId();
    const name = unique("rejected");
    await deliver(textUpdate(`/cloudflare run await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } }); return "after"`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    const queryId = await tap(chatId, card!.messageId, dataOf(card!, "rj"));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Rejected: the run stopped")));
    expect((await waitForAnswer(queryId)).text).toBe("Rejected. Nothing ran.");
    expect(sentTexts(calls).some((t) => t.startsWith("✅ Done"))).toBe(false);
    expect(await createRequests(name)).toBe(0);
  });

  it("a tap from someone who is neither the requester nor an approver changes nothing", async () => {
    const chatId = freshChatId();
    const name = unique("foreign");
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    const queryId = await tap(chatId, card!.messageId, dataOf(card!, "ap"), USERS.member);
    expect(await waitForAnswer(queryId)).toMatchObject({ show_alert: true, text: "Only Tester (@user1001) or an approver can decide this." });
    expect(await createRequests(name)).toBe(0);

    // The listed approver may decide it.
    await tap(chatId, card!.messageId, dataOf(card!, "ap"), USERS.approver);
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    expect(await createRequests(name)).toBe(1);
  });

  it("refuses forged, stale or malformed buttons", async () => {
    const chatId = freshChatId();
    for (const data of ["ap:doesnotexist1", "ap:", "ap:../../etc", "zz:abcdefgh", "rj:AAAAAAAAAAAA"]) {
      const queryId = await tap(chatId, 99, data);
      expect(String((await waitForAnswer(queryId)).text)).toMatch(/not valid any more|no longer active/);
    }
    expect((await botCalls(chatId)).filter((c) => c.method === "sendMessage")).toEqual([]);
  });
});
