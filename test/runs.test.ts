// The run owner (skills/cloudflare/code-mode/runs.ts): runs are found by id however many came
// before, storage stays bounded however many runs a chat makes, and a forum topic's request is
// answered in that topic (its cards and results too), each a reply to the request.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RequesterCredentials } from "../skills/cloudflare/code-mode/requester-credentials.ts";
import type { ChatDesk, RunListener } from "../skills/cloudflare/code-mode/run-listener.ts";
import { Runs } from "../skills/cloudflare/code-mode/runs.ts";
import { CLOUDFLARE_TEST_TOKEN, USERS } from "./support/test-env.ts";
import { botCalls, chatStub, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { buttons, cards, d1Names, dataOf, emulator, tap } from "./support/code-mode.ts";

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;


describe("runs are found by id", () => {
  it("a run in a chat with 60 earlier runs can still be approved, undone and saved", async () => {
    const chatId = freshChatId();
    for (let i = 0; i < 60; i += 1) await deliver(textUpdate(`/cloudflare run return ${i}`, { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).filter((t) => t.startsWith("✅ Done")).length === 60, 120_000);
    const name = unique("after-sixty");
    await deliver(textUpdate(`/cloudflare run return (await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })).name`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const done = buttons(await waitForCalls(chatId, (c) => buttons(c).some((b) => b.data.some((d) => d.startsWith("un:"))))).find((b) => b.data.some((d) => d.startsWith("un:")))!;
    expect(done.text).toContain(name);

    await deliver(textUpdate("/save newest creates the database", { userId: USERS.owner, chatId }));
    const saved = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("💾 Saved")));
    expect(sentTexts(saved).find((t) => t.startsWith("💾 Saved"))).toContain(`body: { name: "${name}" }`);

    await tap(chatId, done.messageId, dataOf(done, "un"));
    const confirm = buttons(await waitForCalls(chatId, (c) => buttons(c).some((b) => b.data.some((d) => d.startsWith("uy:"))))).find((b) => b.data.some((d) => d.startsWith("uy:")))!;
    await tap(chatId, confirm.messageId, dataOf(confirm, "uy"));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("↩️ Undone")));
    expect(await d1Names()).not.toContain(name);
  });
});

describe("storage stays bounded", () => {
  it("after 2,000 runs in one chat, the chat's SQLite holds the configured window and no more", async () => {
    const keep = 20;
    const sizes = await runInDurableObject(chatStub(freshChatId()), async (_instance, state) => {
      const quiet: ChatDesk & RunListener = {
        showCard: async () => 0, closeCard: async () => undefined, showCredentials: async () => undefined, confirmUndo: async () => undefined,
        undone: async () => undefined, notice: async () => undefined, paused: async () => undefined, finished: async () => undefined,
      };
      const runs = new Runs({
        ctx: state, env, chatId: 4242, approverIds: [], approvalTtlMs: 60_000, retention: { runs: keep, days: 30 },
        credentials: new RequesterCredentials({ db: env.DB, encryptionKey: undefined, deploymentToken: CLOUDFLARE_TEST_TOKEN, apiBase: emulator.apiBase }),
        desk: quiet, listeners: { chat: quiet }, wakeBy: async () => undefined,
      });
      const start = (i: number) => runs.start({ code: `return ${JSON.stringify({ run: i, padding: "x".repeat(400) })}`, requester: { id: USERS.owner, name: "Tester" }, origin: { kind: "chat" }, source: "run" });
      for (let i = 0; i < 50; i += 1) await start(i);
      const early = state.storage.sql.databaseSize;
      for (let i = 50; i < 2000; i += 1) await start(i);
      await runs.prune();
      const executions = await runs.keptExecutions();
      return { early, late: state.storage.sql.databaseSize, kept: runs.runs.count(), executions };
    });
    expect(sizes.kept).toBe(keep);
    expect(sizes.executions).toBeLessThanOrEqual(keep + 20);
    // 40 times the runs, and the chat's database did not grow with them (SQLite reuses freed pages;
    // a little slack for page churn). codemode's logs live in its facet's own database, bounded above.
    expect(sizes.late).toBeLessThan(sizes.early * 1.5);
  }, 600_000);
});

describe("forum topics", () => {
  it("answers a request in the topic it came from: its card, its result, and the Undo report", async () => {
    const chatId = -freshChatId();
    const topic = 77;
    const name = unique("in-topic");
    const update = textUpdate(`/cloudflare run return (await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })).name`, { userId: USERS.owner, chatId, chatType: "group" });
    const message = update.message as Record<string, unknown>;
    message.chat = { id: chatId, type: "supergroup", title: "Ops", is_forum: true };
    message.is_topic_message = true;
    message.message_thread_id = topic;
    await deliver(update);
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    const sends = (await botCalls(chatId)).filter((c) => c.method === "sendMessage");
    expect(sends.length).toBeGreaterThanOrEqual(2);
    for (const send of sends) expect(send.params.message_thread_id).toBe(topic);
    // A reply in a topic carries the topic too: each answer is both in the topic and a reply to the request.
    for (const send of sends) expect(send.params.reply_parameters).toEqual({ message_id: update.message.message_id, allow_sending_without_reply: true });
  });
});
