/**
 * `ChatAgent`: one Durable Object per Telegram chat.
 *
 * The webhook calls `enqueue(update)`, which stores the update in the durable inbox and arms an
 * alarm; the alarm handler works through the inbox in order, outside any webhook request, so
 * slow work (the model, the Cloudflare API) never delays Telegram's acknowledgement. See
 * `inbox/inbox.ts` for the ordering, dedupe and retry invariants.
 */
import { DurableObject } from "cloudflare:workers";
import type { Bot, Context } from "grammy";
import type { Update } from "grammy/types";
import { ApprovalStore } from "../approvals/approval-store.ts";
import { CodeModeService } from "../skills/cloudflare/code-mode/code-mode-service.ts";
import { createBot } from "./create-bot.ts";
import { requireConfig, type Config } from "./config.ts";
import { describeError } from "./errors.ts";
import { Inbox, backoffDelay, type InboxItem, type InboxState } from "./inbox/inbox.ts";
import { recordProcessedUpdate } from "./inbox/processed-updates.ts";

/** What `enqueue` reports back to the webhook. */
export type EnqueueResult = "queued" | "duplicate";

/** The per-chat Durable Object. */
export class ChatAgent extends DurableObject<Env> {
  private readonly inbox: Inbox;
  private readonly config: Config;
  private bot: Bot<Context> | undefined;
  private readonly codeModes = new Map<number, CodeModeService>();
  /** True while the alarm handler drains the inbox in this instance. */
  private draining = false;
  /** The alarm time this instance last saw or set; undefined when unknown, null when none is set. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = requireConfig(env);
    this.inbox = new Inbox(ctx.storage.sql);
  }

  /** Stores an update durably and makes sure the inbox will be worked through. */
  async enqueue(update: Update): Promise<EnqueueResult> {
    const now = Date.now();
    if (!this.inbox.add(update.update_id, JSON.stringify(update), now)) return "duplicate";
    // While the alarm handler drains, it picks the new row up itself (it re-reads the head
    // synchronously before finishing), so no extra alarm run is needed.
    if (!this.draining) await this.wakeBy(now);
    return "queued";
  }

  /** Makes sure the alarm fires no later than `at`. */
  async wakeBy(at: number): Promise<void> {
    // The alarm this instance set is remembered, so a burst of updates costs one setAlarm, not two
    // storage calls each; after eviction (unknown) or once it has fired (null) storage is asked again.
    if (this.alarmAt !== undefined && this.alarmAt !== null && this.alarmAt <= at) return;
    const alarm = this.alarmAt === undefined ? await this.ctx.storage.getAlarm() : this.alarmAt;
    if (alarm === null || alarm > at) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    } else {
      this.alarmAt = alarm;
    }
  }

  /** Counts of inbox rows by state (for tests and diagnostics). */
  async inboxCounts(): Promise<Record<InboxState, number>> {
    return this.inbox.counts();
  }

  /** Closes expired approval cards, then works through queued updates in order. */
  override async alarm(): Promise<void> {
    // The alarm that woke us is consumed; any later one is set (and remembered) from here on.
    this.alarmAt = null;
    if (this.draining) return;
    this.draining = true;
    try {
      await this.expireApprovals();
      await this.recoverApprovedRuns();
      await this.drain();
    } finally {
      this.draining = false;
    }
    const expiry = new ApprovalStore(this.ctx.storage.sql).nextExpiry();
    if (expiry !== undefined) await this.wakeBy(expiry);
  }

  /** Closes this chat's expired approval cards now: the retention cron's nudge, same code as the alarm's. */
  async expireStaleApprovals(): Promise<void> {
    await this.expireApprovals();
  }

  /** The chat's Code Mode service (one per chat; this object serves one chat). */
  codeModeFor(chatId: number): CodeModeService {
    let service = this.codeModes.get(chatId);
    if (!service) {
      service = new CodeModeService({ ctx: this.ctx, env: this.env, config: this.config, api: this.getBot().api, chatId, wakeBy: (at) => this.wakeBy(at) });
      this.codeModes.set(chatId, service);
    }
    return service;
  }

  private async expireApprovals(): Promise<void> {
    const due = new ApprovalStore(this.ctx.storage.sql).due(Date.now());
    for (const chatId of new Set(due.map((a) => a.chatId))) {
      try {
        await this.codeModeFor(chatId).flow.expireDue();
      } catch (error) {
        console.error(JSON.stringify({ level: "error", event: "approval_expiry_failed", chat_id: chatId, error: describeError(error) }));
      }
    }
  }

  /** Carries on runs whose card was approved but whose run never went on (the Worker failed in between). */
  private async recoverApprovedRuns(): Promise<void> {
    const stalled = new ApprovalStore(this.ctx.storage.sql).approvedNotSent();
    for (const chatId of new Set(stalled.map((a) => a.chatId))) {
      try {
        await this.codeModeFor(chatId).flow.recover();
      } catch (error) {
        console.error(JSON.stringify({ level: "error", event: "approval_recovery_failed", chat_id: chatId, error: describeError(error) }));
      }
    }
  }

  private async drain(): Promise<void> {
    for (let head = this.inbox.head(); head; head = this.inbox.head()) {
      if (head.startedAt !== null) {
        if (await this.settleInterrupted(head)) continue;
        return;
      }
      if (head.nextAttemptAt > Date.now()) {
        await this.ctx.storage.setAlarm(head.nextAttemptAt);
        this.alarmAt = head.nextAttemptAt;
        return;
      }
      if (!(await this.attempt(head))) return;
    }
    await this.clearRetryAlarm();
    this.inbox.prune(Date.now());
  }

  /** Runs the head update once; false when it failed and waits for a retry (the drain stops there). */
  private async attempt(head: InboxItem): Promise<boolean> {
    const update = JSON.parse(head.payload) as Update;
    const attempts = await this.beginAttempt(head);
    const started = Date.now();
    try {
      await this.getBot().handleUpdate(update);
      this.inbox.finish(head.updateId, Date.now());
      this.log("update_done", update, { attempts, ms: Date.now() - started });
      // D1 keeps the updates operations care about: retried and failed ones (not one write per message).
      if (attempts > 1) await recordProcessedUpdate(this.env.DB, update, "done", attempts, head.receivedAt, null);
      return true;
    } catch (error) {
      return this.afterFailure(head, update, attempts, describeError(error), false);
    }
  }

  /**
   * Counts the attempt, marks it running and arms an alarm, all on disk before the handler runs:
   * if the attempt dies without reaching a catch (the process crashes, the object is reset), the
   * next wake-up finds the mark and counts the attempt as failed instead of running it blindly.
   */
  private async beginAttempt(head: InboxItem): Promise<number> {
    const now = Date.now();
    const attempts = this.inbox.beginAttempt(head.updateId, now);
    // The interrupted alarm is no guarantee of a wake-up (the platform retries a failed alarm a
    // few times at its own pace; a test runner may have deleted it), so this attempt arms its own.
    await this.wakeBy(now + backoffDelay(attempts, this.config.INBOX_RETRY_BASE_MS));
    // SQLite writes commit on the next turn of the event loop, not at once: a crash in the
    // handler's first synchronous stretch would lose them. sync() resolves once they are on disk.
    await this.ctx.storage.sync();
    return attempts;
  }

  /** Handles a head whose last attempt never reported back; true when it was given up on. */
  private async settleInterrupted(head: InboxItem): Promise<boolean> {
    const update = JSON.parse(head.payload) as Update;
    const reason = `attempt ${head.attempts} never finished (the process crashed or the object was reset)`;
    return this.afterFailure(head, update, head.attempts, reason, true);
  }

  /**
   * Gives up on an update that used its attempts, or schedules its next attempt after a backoff
   * counted from now: a crash can outlast the backoff, and the pause after a restart is when
   * other chats get served. Returns true when the queue may move on.
   */
  private async afterFailure(head: InboxItem, update: Update, attempts: number, reason: string, crashed: boolean): Promise<boolean> {
    if (attempts >= this.config.INBOX_MAX_ATTEMPTS) {
      await this.giveUp(head, update, attempts, reason, crashed);
      return true;
    }
    const at = Date.now() + backoffDelay(attempts, this.config.INBOX_RETRY_BASE_MS);
    this.inbox.retryLater(head.updateId, at, reason);
    this.log(crashed ? "update_interrupted" : "update_retry", update, { attempts, error: reason, retryInMs: at - Date.now() });
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
    return false;
  }

  /** Drops the retry alarm once the inbox is empty, so a finished drain costs no extra wake-up. */
  private async clearRetryAlarm(): Promise<void> {
    if (this.alarmAt === null || this.alarmAt === undefined) return;
    await this.ctx.storage.deleteAlarm();
    // alarm() re-arms the next approval expiry right after, whoever had asked for an earlier wake-up.
    this.alarmAt = null;
  }

  /** Marks an update failed, records it in D1 and tells the sender. */
  private async giveUp(head: InboxItem, update: Update, attempts: number, reason: string, crashed: boolean): Promise<void> {
    this.inbox.fail(head.updateId, Date.now(), reason);
    this.log("update_failed", update, { attempts, crashed, error: reason });
    await recordProcessedUpdate(this.env.DB, update, "failed", attempts, head.receivedAt, reason);
    await this.tellGaveUp(update, attempts, crashed);
  }

  private getBot(): Bot<Context> {
    this.bot ??= createBot(this.config, { codeModeFor: (chatId) => this.codeModeFor(chatId), db: this.env.DB, env: this.env, storage: this.ctx.storage });
    return this.bot;
  }

  /** Tells the person their message could not be handled, so nothing is dropped silently. */
  private async tellGaveUp(update: Update, attempts: number, crashed: boolean): Promise<void> {
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
    if (chatId === undefined) return;
    try {
      if (update.callback_query) {
        await this.getBot().api.answerCallbackQuery(update.callback_query.id, { text: "That tap could not be processed; please try again.", show_alert: true }).catch(() => undefined);
      }
      await this.getBot().api.sendMessage(chatId, gaveUpText(update.callback_query ? "button tap" : "message", attempts, crashed),
        update.message ? { reply_parameters: { message_id: update.message.message_id, allow_sending_without_reply: true } } : {});
    } catch (error) {
      this.log("give_up_notice_failed", update, { error: describeError(error) });
    }
  }

  private log(event: string, update: Update, fields: Record<string, unknown>): void {
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
    const userId = update.message?.from?.id ?? update.callback_query?.from.id;
    const line = JSON.stringify({ level: event === "update_done" ? "info" : "warn", event, update_id: update.update_id, chat_id: chatId, user_id: userId, ...fields });
    if (event === "update_done") console.log(line); else console.warn(line);
  }
}

/** The give-up notice: what happened, and what the person can do about it. */
function gaveUpText(what: "message" | "button tap", attempts: number, crashed: boolean): string {
  if (!crashed) {
    return `⚠️ I could not process your ${what} after ${attempts} attempts, so I stopped trying. Please send it again; if it keeps failing, the bot's logs (wrangler tail) say why.`;
  }
  return `⚠️ I gave up on your ${what} after ${attempts} attempts: the bot crashed while handling it and never finished, so I dropped it and went on with the rest of the chat. `
    + "If it ran code, the code most likely used too much memory or CPU: try a smaller version (for example one page of results at a time). "
    + "Otherwise send it again later; the bot's logs (wrangler tail) show what happened.";
}
