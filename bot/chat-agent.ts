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
import { Inbox, backoffDelay, type InboxState } from "./inbox/inbox.ts";
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
      const now = Date.now();
      if (head.nextAttemptAt > now) {
        await this.ctx.storage.setAlarm(head.nextAttemptAt);
        this.alarmAt = head.nextAttemptAt;
        return;
      }
      const attempts = this.inbox.beginAttempt(head.updateId);
      const update = JSON.parse(head.payload) as Update;
      const started = Date.now();
      try {
        await this.getBot().handleUpdate(update);
        this.inbox.finish(head.updateId, Date.now());
        this.log("update_done", update, { attempts, ms: Date.now() - started });
        // D1 keeps the updates operations care about: retried and failed ones (not one write per message).
        if (attempts > 1) await recordProcessedUpdate(this.env.DB, update, "done", attempts, head.receivedAt, null);
      } catch (error) {
        const reason = describeError(error);
        if (attempts >= this.config.INBOX_MAX_ATTEMPTS) {
          this.inbox.fail(head.updateId, Date.now(), reason);
          this.log("update_failed", update, { attempts, error: reason });
          await recordProcessedUpdate(this.env.DB, update, "failed", attempts, head.receivedAt, reason);
          await this.tellGaveUp(update, attempts);
        } else {
          const at = Date.now() + backoffDelay(attempts, this.config.INBOX_RETRY_BASE_MS);
          this.inbox.retryLater(head.updateId, at, reason);
          this.log("update_retry", update, { attempts, error: reason, retryInMs: at - Date.now() });
          await this.ctx.storage.setAlarm(at);
          this.alarmAt = at;
          return;
        }
      }
    }
    this.inbox.prune(Date.now());
  }

  private getBot(): Bot<Context> {
    this.bot ??= createBot(this.config, { codeModeFor: (chatId) => this.codeModeFor(chatId), db: this.env.DB, env: this.env, storage: this.ctx.storage });
    return this.bot;
  }

  /** Tells the person their message could not be handled, so nothing is dropped silently. */
  private async tellGaveUp(update: Update, attempts: number): Promise<void> {
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
    if (chatId === undefined) return;
    try {
      if (update.callback_query) {
        await this.getBot().api.answerCallbackQuery(update.callback_query.id, { text: "That tap could not be processed; please try again.", show_alert: true }).catch(() => undefined);
      }
      await this.getBot().api.sendMessage(chatId,
        `⚠️ I could not process your ${update.callback_query ? "button tap" : "message"} after ${attempts} attempts, so I stopped trying. Please send it again; if it keeps failing, the bot's logs (wrangler tail) say why.`,
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
