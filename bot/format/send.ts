/** Sends formatted text, split to Telegram's limits, with any keyboard on the last part. */
import type { FormattedString } from "@grammyjs/parse-mode";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import { fitMessages } from "./telegram-text.ts";

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
