import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../bot/worker.ts";
import { USERS } from "./support/test-env.ts";
import { cards } from "./support/code-mode.ts";
import { deliver, freshChatId, textUpdate, waitForCalls } from "./support/telegram.ts";

const DAY = 24 * 60 * 60 * 1000;

/** Runs the Worker's cron handler at `at` with `bindings` (the test env by default). */
async function runCron(at = Date.now(), bindings: Env = env): Promise<void> {
  const controller = createScheduledController({ scheduledTime: at, cron: "*/15 * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, bindings, ctx);
  await waitOnExecutionContext(ctx);
}

async function insertExecution(chatId: number, startedAt: number, tag: string): Promise<void> {
  const executionId = `exec-${tag}-${chatId}`;
  await env.DB.prepare(
    `INSERT INTO audit_executions (id, execution_id, chat_id, user_id, source, code_hash, code, status, started_at, updated_at)
     VALUES (?, ?, ?, ?, 'run', 'hash', 'return 1', 'completed', ?, ?)`,
  ).bind(`run-${tag}-${chatId}`, executionId, chatId, USERS.owner, startedAt, startedAt).run();
  await env.DB.prepare(
    `INSERT INTO audit_calls (execution_id, chat_id, operation, method, path, access, status, started_at)
     VALUES (?, ?, 'zones.list', 'GET', '/zones', 'read', 'ok', ?)`,
  ).bind(executionId, chatId, startedAt).run();
}

async function insertProcessedUpdate(updateId: number, chatId: number, finishedAt: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO processed_updates (update_id, chat_id, user_id, kind, status, attempts, received_at, finished_at)
     VALUES (?, ?, ?, 'message', 'done', 1, ?, ?)`,
  ).bind(updateId, chatId, USERS.owner, finishedAt, finishedAt).run();
}

async function auditTags(chatId: number): Promise<{ executions: string[]; calls: string[] }> {
  const executions = await env.DB.prepare("SELECT id FROM audit_executions WHERE chat_id = ? ORDER BY id").bind(chatId).all<{ id: string }>();
  const calls = await env.DB.prepare("SELECT execution_id FROM audit_calls WHERE chat_id = ? ORDER BY execution_id").bind(chatId).all<{ execution_id: string }>();
  return { executions: executions.results.map((r) => r.id.split("-")[1] ?? ""), calls: calls.results.map((r) => r.execution_id.split("-")[1] ?? "") };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the retention cron", () => {
  it("deletes audit and usage rows older than AUDIT_RETENTION_DAYS (default 90) and keeps newer ones", async () => {
    const chatId = freshChatId();
    const now = Date.now();
    await insertExecution(chatId, now - 91 * DAY, "old");
    await insertExecution(chatId, now - 45 * DAY, "middle");
    await insertExecution(chatId, now - 1 * DAY, "new");
    for (const [model, at] of [["old", now - 91 * DAY], ["new", now - DAY]] as const) {
      await env.DB.prepare("INSERT INTO usage (chat_id, user_id, model, input_tokens, output_tokens, at) VALUES (?, ?, ?, 10, 5, ?)").bind(chatId, USERS.owner, model, at).run();
    }

    await runCron(now);
    expect(await auditTags(chatId)).toEqual({ executions: ["middle", "new"], calls: ["middle", "new"] });
    const usage = await env.DB.prepare("SELECT model FROM usage WHERE chat_id = ?").bind(chatId).all<{ model: string }>();
    expect(usage.results.map((r) => r.model)).toEqual(["new"]);

    // A shorter retention setting takes the 45-day-old rows too.
    await runCron(now, { ...env, AUDIT_RETENTION_DAYS: "30" });
    expect(await auditTags(chatId)).toEqual({ executions: ["new"], calls: ["new"] });
  });

  it("keeps processed_updates to the last 7 days", async () => {
    const chatId = freshChatId();
    const now = Date.now();
    const base = Math.floor(Math.random() * 1e9);
    await insertProcessedUpdate(base + 1, chatId, now - 8 * DAY);
    await insertProcessedUpdate(base + 2, chatId, now - 6 * DAY);
    await insertProcessedUpdate(base + 3, chatId, now - 60_000);

    await runCron(now);
    const rows = await env.DB.prepare("SELECT update_id FROM processed_updates WHERE chat_id = ? ORDER BY update_id").bind(chatId).all<{ update_id: number }>();
    expect(rows.results.map((r) => r.update_id)).toEqual([base + 2, base + 3]);
  });

  it("leaves an approval card alone within its lifetime, and has the chat's object expire it once it is stale", async () => {
    const chatId = freshChatId();
    const name = `cron-${Math.random().toString(36).slice(2, 8)}`;
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } });`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    const status = async () => (await env.DB.prepare("SELECT status FROM audit_calls WHERE chat_id = ? AND seq IS NOT NULL").bind(chatId).all<{ status: string }>()).results.map((r) => r.status);

    await runCron();
    expect(await status()).toEqual(["pending"]);

    // 16 minutes later (the TTL is 15): the chat's alarm is still real minutes away, so only the cron's nudge can close the card.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    await runCron();
    vi.useRealTimers();

    const calls = await waitForCalls(chatId, (c) => c.some((x) => x.method === "editMessageText" && x.params.message_id === card!.messageId));
    const edit = calls.find((c) => c.method === "editMessageText" && c.params.message_id === card!.messageId);
    expect(String(edit?.params.text)).toContain("⌛ Expired at");
    expect(edit?.params.reply_markup).toEqual({ inline_keyboard: [] });
    expect(await status()).toEqual(["expired"]);
  });

  it("marks audit rows expired that are pending long past their card's lifetime with no card left to close", async () => {
    const chatId = freshChatId();
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO audit_calls (execution_id, chat_id, seq, operation, method, path, access, status, started_at)
       VALUES (?, ?, 0, 'd1.database.create', 'POST', '/accounts/x/d1/database', 'write', 'pending', ?)`,
    ).bind(`exec-orphan-${chatId}`, chatId, now - 3 * 60 * 60_000).run();

    await runCron(now);
    const row = await env.DB.prepare("SELECT status, decided_at FROM audit_calls WHERE chat_id = ?").bind(chatId).first<{ status: string; decided_at: number }>();
    expect(row).toEqual({ status: "expired", decided_at: now });
  });
});
