/** Sends formatted text, split to Telegram's limits, with any keyboard on the last part; and where an answer goes. */
import type { FormattedString } from "@grammyjs/parse-mode";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup, Message, ReplyParameters } from "grammy/types";
import type { AnswerTo } from "../../approvals/run-store.ts";
import { fitMessages } from "./telegram-text.ts";

/** Bot API parameters that put a message where `to` says: its forum topic, a reply to the request (still sent if that message is gone). */
export function answerParams(to: AnswerTo): { message_thread_id?: number; reply_parameters?: ReplyParameters } {
  return {
    ...(to.threadId !== null ? { message_thread_id: to.threadId } : {}),
    ...(to.replyTo !== null ? { reply_parameters: { message_id: to.replyTo, allow_sending_without_reply: true } } : {}),
  };
}

/** `sendLong` options that put the text where `to` says. */
export function answerOptions(to: AnswerTo): Pick<SendOptions, "threadId" | "replyTo"> {
  return { ...(to.threadId !== null ? { threadId: to.threadId } : {}), ...(to.replyTo !== null ? { replyTo: to.replyTo } : {}) };
}

/** Options for `sendLong`. */
export interface SendOptions {
  replyMarkup?: InlineKeyboardMarkup;
  /** Message the first part replies to (keeps context in groups). */
  replyTo?: number;
  /** Thread (forum topic) to post in. */
  threadId?: number;
}

/** Sends `text` to `chatId` in as few messages as fit; returns the messages sent. */
export async function sendLong(api: Api, chatId: number, text: FormattedString, options: SendOptions = {}): Promise<Message.TextMessage[]> {
  const parts = fitMessages(text);
  const sent: Message.TextMessage[] = [];
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    sent.push(await api.sendMessage(chatId, part.text, {
      entities: part.entities,
      link_preview_options: { is_disabled: true },
      ...(options.threadId !== undefined ? { message_thread_id: options.threadId } : {}),
      ...(index === 0 && options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
      ...(last && options.replyMarkup ? { reply_markup: options.replyMarkup } : {}),
    }));
  }
  return sent;
}
