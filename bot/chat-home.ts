/**
 * `ChatHome`: one Durable Object per Telegram chat, the chat's inbox and home.
 *
 * The webhook calls `enqueue(update)`, which stores the update in the durable inbox and arms an
 * alarm; the alarm works through the inbox in order (./inbox/inbox-drain.ts), outside any
 * webhook request, so slow work (the model, the Cloudflare API) never delays Telegram's
 * acknowledgement. The same alarm closes expired approval cards and carries on approved runs a
 * failure interrupted. The chat's services (runs, model turns) live here, built on first use.
 *
 * Storage: the inbox (inbox.ts), the runs and cards (approvals/), the conversation
 * (skills/cloudflare/agent/memory.ts), codemode's facet, and table `chat_home` (the chat's id).
 */
import { DurableObject } from "cloudflare:workers";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { requireConfig, type Config } from "../core/config.ts";
import { describeError } from "../core/errors.ts";
import { executeForMcp, executionForMcp, type ExecutionView, type McpCaller } from "../mcp/mcp-runs.ts";
import { createChatServices, type ChatServices } from "./chat-services.ts";
import type { BotContext } from "./context.ts";
import { createBot } from "./create-bot.ts";
import { Inbox, type InboxState } from "./inbox/inbox.ts";
import { InboxDrain } from "./inbox/inbox-drain.ts";

/** What `enqueue` reports back to the webhook. */
export type EnqueueResult = "queued" | "duplicate";

/** The per-chat Durable Object. */
export class ChatHome extends DurableObject<Env> {
  private readonly inbox: Inbox;
  private readonly config: Config;
  private bot: Bot<BotContext> | undefined;
  private services: ChatServices | undefined;
  /** True while the alarm handler drains the inbox in this instance. */
  private draining = false;
  /** The alarm time this instance last saw or set; undefined when unknown, null when none is set. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = requireConfig(env);
    this.inbox = new Inbox(ctx.storage.sql);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS chat_home (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  /** Stores an update durably and makes sure the inbox will be worked through. */
  async enqueue(update: Update): Promise<EnqueueResult> {
    const now = Date.now();
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.edited_message?.chat.id;
    if (chatId !== undefined) this.rememberChat(chatId);
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
    if (alarm === null || alarm > at) await this.setAlarm(at);
    else this.alarmAt = alarm;
  }

  /** Counts of inbox rows by state (for tests and diagnostics). */
  async inboxCounts(): Promise<Record<InboxState, number>> {
    return this.inbox.counts();
  }

  /** Closes expired approval cards, carries on interrupted approved runs, then works through queued updates in order. */
  override async alarm(): Promise<void> {
    // The alarm that woke us is consumed; any later one is set (and remembered) from here on.
    this.alarmAt = null;
    if (this.draining) return;
    this.draining = true;
    try {
      await this.tend("approval_expiry_failed", (services) => services.runs.expireDue());
      await this.tend("approval_recovery_failed", (services) => services.runs.recover());
      await this.drain().drain();
    } finally {
      this.draining = false;
    }
    const expiry = this.chatServices()?.runs.nextExpiry();
    if (expiry !== undefined) await this.wakeBy(expiry);
  }

  /** Runs a snippet for an MCP caller in this chat (the caller's private chat with the bot; its id is their user id). */
  async mcpExecute(caller: McpCaller, code: string): Promise<ExecutionView> {
    this.rememberChat(caller.userId);
    return executeForMcp((this.chatServices() ?? noChat()).runs, caller, code);
  }

  /** The state of an MCP caller's execution, waiting up to `waitMs` for its outcome. */
  async mcpExecution(userId: number, id: string, waitMs: number): Promise<ExecutionView> {
    const services = this.chatServices();
    return services ? executionForMcp(services.runs, userId, id, waitMs) : { status: "unknown", executionId: id };
  }

  /** The cron's nudge: closes expired cards and prunes old runs (same code as the alarm's). */
  async expireStaleApprovals(): Promise<void> {
    await this.tend("approval_expiry_failed", (services) => services.runs.expireDue());
    await this.tend("run_prune_failed", (services) => services.runs.prune());
  }

  /** Runs one housekeeping task of the chat's runs; a failure is logged, never stops the inbox. */
  private async tend(event: string, task: (services: ChatServices) => Promise<unknown>): Promise<void> {
    const services = this.chatServices();
    if (!services) return;
    try {
      await task(services);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", event, chat_id: services.chatId, error: describeError(error) }));
    }
  }

  /** The chat's services, once the chat's id is known (from its first update). */
  private chatServices(): ChatServices | undefined {
    if (this.services) return this.services;
    const chatId = this.ctx.storage.sql.exec<{ value: number }>("SELECT value FROM chat_home WHERE key = 'chat_id'").toArray()[0]?.value ?? this.chatIdFromRuns();
    if (chatId === undefined) return undefined;
    this.services = createChatServices({ ctx: this.ctx, env: this.env, config: this.config, api: this.getBot().api, chatId, wakeBy: (at) => this.wakeBy(at) });
    return this.services;
  }

  /** An object from before `chat_home` existed knows its chat from its runs (so its cards still expire before the next message). */
  private chatIdFromRuns(): number | undefined {
    try {
      const chatId = this.ctx.storage.sql.exec<{ chat_id: number }>("SELECT chat_id FROM runs LIMIT 1").toArray()[0]?.chat_id;
      if (chatId !== undefined) this.rememberChat(chatId);
      return chatId;
    } catch {
      return undefined; // no runs table: this chat never ran anything
    }
  }

  private rememberChat(chatId: number): void {
    this.ctx.storage.sql.exec("INSERT INTO chat_home (key, value) VALUES ('chat_id', ?) ON CONFLICT (key) DO NOTHING", chatId);
  }

  private drain(): InboxDrain {
    return new InboxDrain({
      inbox: this.inbox, config: this.config, db: this.env.DB, api: this.getBot().api,
      handle: (update) => this.getBot().handleUpdate(update),
      alarm: {
        wakeBy: (at) => this.wakeBy(at),
        set: (at) => this.setAlarm(at),
        clear: async () => {
          if (this.alarmAt === null || this.alarmAt === undefined) return;
          await this.ctx.storage.deleteAlarm();
          this.alarmAt = null;
        },
        sync: () => this.ctx.storage.sync(),
      },
    });
  }

  private async setAlarm(at: number): Promise<void> {
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  private getBot(): Bot<BotContext> {
    this.bot ??= createBot(this.config, {
      services: () => this.chatServices() ?? noChat(), db: this.env.DB, env: this.env, storage: this.ctx.storage,
    });
    return this.bot;
  }
}

function noChat(): never {
  throw new Error("this chat's id is not known yet");
}
