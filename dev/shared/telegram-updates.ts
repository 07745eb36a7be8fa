/**
 * Telegram updates as Telegram sends them to a webhook: a text message (with the `bot_command`
 * entity a leading `/command` gets) and a button tap (callback query). Plain data, no I/O, so the
 * same builders serve the workerd tests, the benchmarks and the local playground.
 *
 * @example
 * const from = { id: 1001, is_bot: false, first_name: "Ada" } as const;
 * const update = textMessageUpdate({ updateId: 1, messageId: 1, chat: privateChat(from), from, text: "/start" });
 * await fetch(webhookUrl, { method: "POST", headers, body: JSON.stringify(update) });
 */

/** The sender of a message or tap. */
export interface UpdateUser {
  id: number;
  is_bot: false;
  first_name: string;
  username?: string;
  language_code?: string;
}

/** The chat a message was sent in. */
export type UpdateChat =
  | { id: number; type: "private"; first_name?: string }
  | { id: number; type: "group" | "supergroup"; title: string };

/** A `bot_command` entity. */
export interface CommandEntity {
  type: "bot_command";
  offset: 0;
  length: number;
}

/** An update carrying a text message. */
export interface TextMessageUpdate {
  update_id: number;
  message: {
    message_id: number;
    date: number;
    chat: UpdateChat;
    from: UpdateUser;
    text: string;
    entities?: CommandEntity[];
  };
}

/** An update carrying a button tap on one of the bot's messages. */
export interface CallbackQueryUpdate {
  update_id: number;
  callback_query: {
    id: string;
    from: UpdateUser;
    chat_instance: string;
    message: { message_id: number; date: number; chat: UpdateChat; text?: string };
    data: string;
  };
}

/** Telegram's clock: whole seconds since the epoch. */
export function telegramDate(ms = Date.now()): number {
  return Math.floor(ms / 1000);
}

/** The private chat with `user` (its id is the user's id, as in Telegram). */
export function privateChat(user: Pick<UpdateUser, "id" | "first_name">): UpdateChat {
  return { id: user.id, type: "private", first_name: user.first_name };
}

/**
 * The entity Telegram marks a leading command with: the first word, `@botname` included
 * (`/cloudflare@my_bot run …` → 15 characters). No entity for text that is not a command.
 */
export function commandEntities(text: string): CommandEntity[] | undefined {
  if (!text.startsWith("/")) return undefined;
  return [{ type: "bot_command", offset: 0, length: (text.split(/\s/)[0] ?? text).length }];
}

/** A text message from `from` in `chat`. */
export function textMessageUpdate(options: {
  updateId: number;
  messageId: number;
  chat: UpdateChat;
  from: UpdateUser;
  text: string;
  date?: number;
}): TextMessageUpdate {
  const entities = commandEntities(options.text);
  return {
    update_id: options.updateId,
    message: {
      message_id: options.messageId,
      date: options.date ?? telegramDate(),
      chat: options.chat,
      from: options.from,
      text: options.text,
      ...(entities ? { entities } : {}),
    },
  };
}

/** A tap by `from` on the button with `data` under bot message `messageId` in `chat`. */
export function callbackQueryUpdate(options: {
  updateId: number;
  queryId: string;
  from: UpdateUser;
  chatInstance: string;
  chat: UpdateChat;
  messageId: number;
  /** The text of the message the button is on, when the caller knows it. */
  messageText?: string;
  data: string;
  date?: number;
}): CallbackQueryUpdate {
  return {
    update_id: options.updateId,
    callback_query: {
      id: options.queryId,
      from: options.from,
      chat_instance: options.chatInstance,
      message: {
        message_id: options.messageId,
        date: options.date ?? telegramDate(),
        chat: options.chat,
        ...(options.messageText !== undefined ? { text: options.messageText } : {}),
      },
      data: options.data,
    },
  };
}
