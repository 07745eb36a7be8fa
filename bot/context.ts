/**
 * The bot's context flavor: what every handler finds on `ctx` besides grammY's own.
 *
 * - `ctx.services`: the chat's services (runs, model turns, credentials), built on first use;
 * - `ctx.requester`: the person behind the update, as named on cards and in the audit log;
 * - `ctx.answerTo`: where answers to this update go: its forum topic, and in groups the message
 *   that asked, which they reply to (so two people's answers are not mixed up; not in private chats,
 *   nor for button taps, whose message is the bot's own);
 * - `ctx.say(text)`: sends formatted text there, split to Telegram's limits;
 * - `ctx.chatAction` (@grammyjs/auto-chat-action): "typing" while long work runs;
 * - `ctx.getNearestCommand` (@grammyjs/commands): the known command closest to a mistyped one.
 *
 * @example
 * ```ts
 * feature.command("audit", async (ctx) => { await ctx.say(fmt`${F.bold("Last runs")}…`); });
 * ```
 */
import { FormattedString as F } from "@grammyjs/parse-mode";
import type { AutoChatActionFlavor } from "@grammyjs/auto-chat-action";
import type { CommandsFlavor } from "@grammyjs/commands";
import type { Context, MiddlewareFn } from "grammy";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import type { AnswerTo } from "../approvals/run-store.ts";
import type { Requester } from "../skills/cloudflare/code-mode/runs.ts";
import type { ChatServices } from "./chat-services.ts";
import { answerOptions, sendLong } from "./format/send.ts";

/** What `ctx.say` accepts besides the text. */
export interface SayOptions {
  replyMarkup?: InlineKeyboardMarkup;
  /** The message the first part replies to. */
  replyTo?: number;
}

/** The flavor our middleware adds. */
export interface ChatFlavor {
  readonly services: ChatServices;
  readonly requester: Requester;
  readonly answerTo: AnswerTo;
  say(text: F | string, options?: SayOptions): Promise<Message.TextMessage[]>;
}

/** The context every handler of this bot gets. */
export type BotContext = Context & ChatFlavor & AutoChatActionFlavor & CommandsFlavor;

/** Puts the chat's services, the requester, where to answer and `say` on the context. */
export function chatContext(services: () => ChatServices): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const group = ctx.chat?.type === "group" || ctx.chat?.type === "supergroup";
    const answerTo: AnswerTo = {
      threadId: ctx.msg?.is_topic_message ? (ctx.msg.message_thread_id ?? null) : null,
      replyTo: group && ctx.message ? ctx.message.message_id : null,
    };
    Object.defineProperties(ctx, {
      services: { get: services },
      requester: { value: ctx.from ? requesterOf(ctx.from) : { id: 0, name: "someone" } },
      answerTo: { value: answerTo },
      say: {
        value: (text: F | string, options: SayOptions = {}) => {
          if (!ctx.chat) throw new Error("ctx.say needs a chat");
          return sendLong(ctx.api, ctx.chat.id, typeof text === "string" ? new F(text) : text, { ...answerOptions(answerTo), ...options });
        },
      },
    });
    await next();
  };
}

/** The person behind an update, as named on cards and in the audit log. */
export function requesterOf(from: { id: number; first_name: string; username?: string }): Requester {
  return { id: from.id, name: from.username ? `${from.first_name} (@${from.username})` : from.first_name };
}
