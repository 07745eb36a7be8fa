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
  /** True while the alarm handler drains the inbox in this instance. */
  private draining = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = requireConfig(env);
    this.inbox = new Inbox(ctx.storage.sql);
  }

  /** Stores an update durably and makes sure the inbox will be worked through. */
  async enqueue(update: Update): Promise<EnqueueResult> {
    const now = Date.now();
    if (!this.inbox.add(update.update_id, JSON.stringify(update), now)) return "duplicate";
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > now) await this.ctx.storage.setAlarm(now);
    return "queued";
  }

  /** Counts of inbox rows by state (for tests and diagnostics). */
  async inboxCounts(): Promise<Record<InboxState, number>> {
    return this.inbox.counts();
  }

  /** Works through queued updates in order until the inbox is empty or the head must wait. */
  override async alarm(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      await this.drain();
    } finally {
      this.draining = false;
    }
  }

  private async drain(): Promise<void> {
    for (let head = this.inbox.head(); head; head = this.inbox.head()) {
      const now = Date.now();
      if (head.nextAttemptAt > now) {
        await this.ctx.storage.setAlarm(head.nextAttemptAt);
        return;
      }
      const attempts = this.inbox.beginAttempt(head.updateId);
      const update = JSON.parse(head.payload) as Update;
      const started = Date.now();
      try {
        await this.getBot().handleUpdate(update);
        this.inbox.finish(head.updateId, Date.now());
        this.log("update_done", update, { attempts, ms: Date.now() - started });
        await recordProcessedUpdate(this.env.DB, update, "done", attempts, head.receivedAt, null);
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
          return;
        }
      }
    }
    this.inbox.prune(Date.now());
  }

  private getBot(): Bot<Context> {
    this.bot ??= createBot(this.config);
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
