/**
 * The fake Bot API's model of chats: message ids per chat (shared by the people's messages and the
 * bot's, as in Telegram), the last text, entities and keyboard of every message, documents, and
 * the drafts private chats show; with Telegram's answers to sends, edits and deletes.
 */

/** A Bot API answer. */
export type ApiResult = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: unknown };

/** A message the fake remembers, as Telegram would return it. */
export interface StoredMessage {
  message_id: number;
  chat_id: number;
  text?: string;
  entities?: unknown[];
  reply_markup?: unknown;
  document?: { file_name: string; size: number; mime_type: string; content: string };
  deleted: boolean;
  edited: boolean;
}

const MAX_TEXT = 4096;

/** Messages and drafts of every chat the fake has seen. */
export class FakeChats {
  readonly messages = new Map<string, StoredMessage>();
  /** Drafts private chats show now, by `chatId:draftId`. */
  private readonly drafts = new Map<string, string>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly botUser: { id: number; username: string; first_name: string };

  constructor(botUser: { id: number; username: string; first_name: string }) {
    this.botUser = botUser;
  }

  /** Forgets every message, draft and message id. */
  reset(): void {
    this.messages.clear();
    this.drafts.clear();
    this.nextMessageId.clear();
  }

  /** Allocates the next message id in a chat (shared by user and bot messages, as in Telegram). */
  allocateMessageId(chatId: number): number {
    const next = (this.nextMessageId.get(chatId) ?? 0) + 1;
    this.nextMessageId.set(chatId, next);
    return next;
  }

  sendMessage(p: Record<string, unknown>): ApiResult {
    const chatId = toNumber(p.chat_id);
    if (chatId === undefined) return bad("Bad Request: chat not found");
    if (typeof p.text !== "string" || p.text.trim() === "") return bad("Bad Request: message text is empty");
    if (p.text.length > MAX_TEXT) return bad("Bad Request: message is too long");
    const entityError = checkEntities(p);
    if (entityError) return bad(entityError);
    const message_id = this.allocateMessageId(chatId);
    this.dropDrafts(chatId);
    const stored: StoredMessage = { message_id, chat_id: chatId, text: p.text, deleted: false, edited: false,
      ...(Array.isArray(p.entities) ? { entities: p.entities } : {}),
      ...(p.reply_markup !== undefined ? { reply_markup: p.reply_markup } : {}) };
    this.messages.set(`${chatId}:${message_id}`, stored);
    return ok(this.messageObject(stored));
  }

  /**
   * A draft: an ephemeral preview of a message being written, private chats only. Kept per chat
   * and draft id (the newest text) until the bot sends a message to the chat, as Telegram drops it then.
   */
  sendMessageDraft(p: Record<string, unknown>): ApiResult {
    const chatId = toNumber(p.chat_id);
    if (chatId === undefined) return bad("Bad Request: chat not found");
    if (chatId < 0) return bad("Bad Request: message drafts can be sent to private chats only");
    const draftId = toNumber(p.draft_id);
    if (draftId === undefined || !Number.isInteger(draftId) || draftId === 0) return bad("Bad Request: draft_id must be a non-zero integer");
    if (p.text !== undefined && typeof p.text !== "string") return bad("Bad Request: text must be a string");
    if (typeof p.text === "string" && p.text.length > MAX_TEXT) return bad("Bad Request: text is too long");
    const entityError = p.text === undefined ? undefined : checkEntities(p);
    if (entityError) return bad(entityError);
    this.drafts.set(`${chatId}:${draftId}`, typeof p.text === "string" ? p.text : "");
    return ok(true);
  }

  /** The draft a private chat shows now for `draftId` (undefined once a message replaced it). */
  draft(chatId: number, draftId: number): string | undefined {
    return this.drafts.get(`${chatId}:${draftId}`);
  }

  private dropDrafts(chatId: number): void {
    for (const key of [...this.drafts.keys()]) if (key.startsWith(`${chatId}:`)) this.drafts.delete(key);
  }

  sendDocument(p: Record<string, unknown>): ApiResult {
    const chatId = toNumber(p.chat_id);
    if (chatId === undefined) return bad("Bad Request: chat not found");
    const doc = p.document;
    if (!(doc && typeof doc === "object" && "content" in doc)) return bad("Bad Request: there is no document in the request");
    const file = doc as { file_name: string; size: number; mime_type: string; content: string };
    const message_id = this.allocateMessageId(chatId);
    this.dropDrafts(chatId);
    const stored: StoredMessage = { message_id, chat_id: chatId, document: file, deleted: false, edited: false,
      ...(typeof p.caption === "string" ? { text: p.caption } : {}),
      ...(p.reply_markup !== undefined ? { reply_markup: p.reply_markup } : {}) };
    this.messages.set(`${chatId}:${message_id}`, stored);
    return ok(this.messageObject(stored));
  }

  editMessage(p: Record<string, unknown>, withText: boolean): ApiResult {
    const chatId = toNumber(p.chat_id);
    const messageId = toNumber(p.message_id);
    const stored = chatId !== undefined && messageId !== undefined ? this.messages.get(`${chatId}:${messageId}`) : undefined;
    if (!stored || stored.deleted) return bad("Bad Request: message to edit not found");
    if (withText) {
      if (typeof p.text !== "string" || p.text.trim() === "") return bad("Bad Request: message text is empty");
      if (p.text.length > MAX_TEXT) return bad("Bad Request: MESSAGE_TOO_LONG");
      const sameMarkup = JSON.stringify(p.reply_markup ?? null) === JSON.stringify(stored.reply_markup ?? null);
      if (p.text === stored.text && sameMarkup) {
        return bad("Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
      }
      stored.text = p.text;
      if (Array.isArray(p.entities)) stored.entities = p.entities; else delete stored.entities;
    }
    if (p.reply_markup !== undefined) stored.reply_markup = p.reply_markup; else delete stored.reply_markup;
    stored.edited = true;
    return ok(this.messageObject(stored));
  }

  deleteMessage(p: Record<string, unknown>): ApiResult {
    const chatId = toNumber(p.chat_id);
    const messageId = toNumber(p.message_id);
    if (chatId === undefined || messageId === undefined) return bad("Bad Request: message to delete not found");
    const key = `${chatId}:${messageId}`;
    const stored = this.messages.get(key);
    if (stored?.deleted) return bad("Bad Request: message to delete not found");
    // User messages are not stored by sendMessage but may still be deleted by the bot (e.g. a pasted token).
    this.messages.set(key, stored ? { ...stored, deleted: true } : { message_id: messageId, chat_id: chatId, deleted: true, edited: false });
    return ok(true);
  }

  private messageObject(m: StoredMessage): Record<string, unknown> {
    return {
      message_id: m.message_id,
      from: { id: this.botUser.id, is_bot: true, first_name: this.botUser.first_name, username: this.botUser.username },
      chat: m.chat_id > 0 ? { id: m.chat_id, type: "private", first_name: "Playground" } : { id: m.chat_id, type: "group", title: "Playground group" },
      date: Math.floor(Date.now() / 1000),
      ...(m.edited ? { edit_date: Math.floor(Date.now() / 1000) } : {}),
      ...(m.text !== undefined && !m.document ? { text: m.text } : {}),
      ...(m.entities ? { entities: m.entities } : {}),
      ...(m.document ? { document: { file_name: m.document.file_name, mime_type: m.document.mime_type,
        file_id: `doc-${m.chat_id}-${m.message_id}`, file_unique_id: `u${m.message_id}`, file_size: m.document.size },
        ...(m.text !== undefined ? { caption: m.text } : {}) } : {}),
      ...(m.reply_markup !== undefined ? { reply_markup: m.reply_markup } : {}),
    };
  }
}

export function ok(result: unknown): ApiResult {
  return { ok: true, result };
}

export function bad(description: string): ApiResult {
  return { ok: false, error_code: 400, description };
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Rejects entities that point outside the text, as Telegram does ("can't parse entities"). */
function checkEntities(p: Record<string, unknown>): string | undefined {
  if (p.parse_mode !== undefined && p.parse_mode !== "HTML" && p.parse_mode !== "MarkdownV2" && p.parse_mode !== "Markdown") {
    return "Bad Request: unsupported parse_mode";
  }
  if (!Array.isArray(p.entities) || typeof p.text !== "string") return undefined;
  for (const e of p.entities as Array<{ offset?: unknown; length?: unknown }>) {
    if (typeof e.offset !== "number" || typeof e.length !== "number" || e.offset < 0 || e.length <= 0
      || e.offset + e.length > p.text.length) {
      return "Bad Request: can't parse entities: entity is out of the text bounds";
    }
  }
  return undefined;
}
