/**
 * Working through a chat's inbox (./inbox.ts): updates in order, each attempt counted and marked
 * running on disk before it starts, failures retried with backoff, a poison update given up after
 * `INBOX_MAX_ATTEMPTS` with a message to the sender. See inbox.ts for the invariants.
 */
import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Config } from "../../core/config.ts";
import { describeError } from "../../core/errors.ts";
import { backoffDelay, type Inbox, type InboxItem } from "./inbox.ts";
import { recordProcessedUpdate } from "./processed-updates.ts";

/** The chat object's alarm, as the drain uses it. */
export interface DrainAlarm {
  /** Makes sure the alarm fires no later than `at`. */
  wakeBy(at: number): Promise<void>;
  /** Sets the alarm to exactly `at`. */
  set(at: number): Promise<void>;
  /** Drops the retry alarm once the inbox is empty (the chat re-arms card expiry after). */
  clear(): Promise<void>;
  /** Resolves once storage writes so far are on disk. */
  sync(): Promise<void>;
}

/** What the drain needs from the chat's Durable Object. */
export interface InboxDrainDeps {
  inbox: Inbox;
  config: Pick<Config, "INBOX_MAX_ATTEMPTS" | "INBOX_RETRY_BASE_MS">;
  db: D1Database;
  api: Api;
  alarm: DrainAlarm;
  /** Handles one update (the chat's bot). */
  handle: (update: Update) => Promise<void>;
}

/** The drain of one chat's inbox. */
export class InboxDrain {
  private readonly d: InboxDrainDeps;

  constructor(deps: InboxDrainDeps) {
    this.d = deps;
  }

  /** Works through the queued updates in order; stops at one that waits for a retry. */
  async drain(): Promise<void> {
    for (let head = this.d.inbox.head(); head; head = this.d.inbox.head()) {
      if (head.startedAt !== null) {
        if (await this.settleInterrupted(head)) continue;
        return;
      }
      if (head.nextAttemptAt > Date.now()) {
        await this.d.alarm.set(head.nextAttemptAt);
        return;
      }
      if (!(await this.attempt(head))) return;
    }
    await this.d.alarm.clear();
    this.d.inbox.prune(Date.now());
  }

  /** Runs the head update once; false when it failed and waits for a retry (the drain stops there). */
  private async attempt(head: InboxItem): Promise<boolean> {
    const update = JSON.parse(head.payload) as Update;
    const attempts = await this.beginAttempt(head);
    const started = Date.now();
    try {
      await this.d.handle(update);
      this.d.inbox.finish(head.updateId, Date.now());
      this.log("update_done", update, { attempts, ms: Date.now() - started });
      // D1 keeps the updates operations care about: retried and failed ones (not one write per message).
      if (attempts > 1) await recordProcessedUpdate(this.d.db, update, "done", attempts, head.receivedAt, null);
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
    const attempts = this.d.inbox.beginAttempt(head.updateId, now);
    // The interrupted alarm is no guarantee of a wake-up (the platform retries a failed alarm a
    // few times at its own pace; a test runner may have deleted it), so this attempt arms its own.
    await this.d.alarm.wakeBy(now + backoffDelay(attempts, this.d.config.INBOX_RETRY_BASE_MS));
    // SQLite writes commit on the next turn of the event loop, not at once: a crash in the
    // handler's first synchronous stretch would lose them. sync() resolves once they are on disk.
    await this.d.alarm.sync();
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
    if (attempts >= this.d.config.INBOX_MAX_ATTEMPTS) {
      await this.giveUp(head, update, attempts, reason, crashed);
      return true;
    }
    const at = Date.now() + backoffDelay(attempts, this.d.config.INBOX_RETRY_BASE_MS);
    this.d.inbox.retryLater(head.updateId, at, reason);
    this.log(crashed ? "update_interrupted" : "update_retry", update, { attempts, error: reason, retryInMs: at - Date.now() });
    await this.d.alarm.set(at);
    return false;
  }

  /** Marks an update failed, records it in D1 and tells the sender. */
  private async giveUp(head: InboxItem, update: Update, attempts: number, reason: string, crashed: boolean): Promise<void> {
    this.d.inbox.fail(head.updateId, Date.now(), reason);
    this.log("update_failed", update, { attempts, crashed, error: reason });
    await recordProcessedUpdate(this.d.db, update, "failed", attempts, head.receivedAt, reason);
    await this.tellGaveUp(update, attempts, crashed);
  }

  /** Tells the person their message could not be handled, so nothing is dropped silently. */
  private async tellGaveUp(update: Update, attempts: number, crashed: boolean): Promise<void> {
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
    if (chatId === undefined) return;
    try {
      if (update.callback_query) {
        await this.d.api.answerCallbackQuery(update.callback_query.id, { text: "That tap could not be processed; please try again.", show_alert: true }).catch(() => undefined);
      }
      await this.d.api.sendMessage(chatId, gaveUpText(update.callback_query ? "button tap" : "message", attempts, crashed),
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
