/**
 * A fake of Telegram's Bot API for tests and the local playground.
 *
 * It speaks the real wire format: `POST /bot<token>/<method>` with a JSON, form or multipart
 * body, answered with `{ ok: true, result }` or `{ ok: false, error_code, description }`.
 * It keeps a small model of chats (message ids per chat, the last text and keyboard of every
 * message) so edits and deletes behave as Telegram's do, and it records every call so tests
 * and the web chat can read what the bot said.
 *
 * Control endpoints under `/__fake/` (not part of Telegram) let a test or the playground read
 * the recorded calls, inject failures and held (slow) answers, and reset state. The class itself
 * is runtime-neutral (only `Request`/`Response`), so the same code runs in Node (`server.ts`) and
 * anywhere else.
 */
import { readParams } from "./read-params.ts";

/** One Bot API call as the fake received it. */
export interface RecordedCall {
  /** Position in the global call log, starting at 1. */
  seq: number;
  method: string;
  token: string;
  params: Record<string, unknown>;
  /** What the fake answered: the `result` on success, or the error. */
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string };
  at: number;
}

/** A fault to inject: the next `times` calls of `method` (optionally for one chat, or one button tap) fail, or are held first. */
export interface Fault {
  method: string;
  chat_id?: number;
  /** Only answers to this callback query (they carry no chat id). */
  callback_query_id?: string;
  times: number;
  /** The error to answer with; omit it (and `description`) to only hold the call, then answer it normally. */
  error_code?: number;
  description?: string;
  retry_after?: number;
  /** Holds the call this long before answering; the hold ends early when the caller goes away. */
  delay_ms?: number;
}

/** A call that arrived while a `delay_ms` fault held it (so a test can act while the bot is blocked on it). */
export interface HeldCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** How the hold ended: still waiting, answered after the delay, or the caller went away first. */
  state: "holding" | "answered" | "abandoned";
}

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

/** Options for a fake Bot API instance. */
export interface FakeBotApiOptions {
  /** The token the bot must use; any other gives 401 like Telegram. Omit to accept any well-formed token. */
  token?: string;
  /** The bot's own user, returned by getMe. */
  botUser?: { id: number; username: string; first_name: string };
}

type ApiResult = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: unknown };

const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;
const MAX_TEXT = 4096;

/** Fake Telegram Bot API: records calls, models messages, injects faults. */
export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, StoredMessage>();
  /** Drafts private chats show now, by `chatId:draftId`. */
  private readonly drafts = new Map<string, string>();
  /** Calls held by a `delay_ms` fault, in arrival order. */
  readonly held: HeldCall[] = [];
  private readonly nextMessageId = new Map<number, number>();
  private faults: Fault[] = [];
  private webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | undefined;
  /** Command menus by scope (`default`, `all_private_chats`, …), as setMyCommands left them. */
  private readonly commands = new Map<string, unknown[]>();
  private readonly listeners = new Set<(call: RecordedCall) => void>();
  readonly botUser: { id: number; username: string; first_name: string };

  private readonly options: FakeBotApiOptions;

  constructor(options: FakeBotApiOptions = {}) {
    this.options = options;
    this.botUser = options.botUser ?? { id: 7000000001, username: "codemode_playground_bot", first_name: "Code Mode" };
  }

  /** Handles one HTTP request: a Bot API call or a `/__fake/` control call. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__fake/")) return this.control(request, url);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return json({ ok: false, error_code: 404, description: "Not Found" }, 404);
    const [, token, method] = match as unknown as [string, string, string];
    if (!TOKEN_SHAPE.test(token) || (this.options.token !== undefined && token !== this.options.token)) {
      return json({ ok: false, error_code: 401, description: "Unauthorized" }, 401);
    }
    const params = await readParams(request, url);
    const fault = this.takeFault(method, params);
    if (fault?.delay_ms !== undefined && !(await this.hold(method, params, fault.delay_ms, request.signal))) {
      // Nobody is listening any more; like Telegram, the call is not answered (and not recorded as answered).
      return json({ ok: false, error_code: 499, description: "client went away" }, 499);
    }
    const answer = this.answer(token, method, params, fault);
    const status = answer.ok ? 200 : answer.error_code;
    return json(answer, status);
  }

  /** Runs one Bot API method against the model and records it. */
  call(token: string, method: string, params: Record<string, unknown>): ApiResult {
    return this.answer(token, method, params, this.takeFault(method, params));
  }

  private answer(token: string, method: string, params: Record<string, unknown>, fault: Fault | undefined): ApiResult {
    const answer: ApiResult = fault?.error_code !== undefined
      ? { ok: false, error_code: fault.error_code, description: fault.description ?? "injected failure",
          ...(fault.retry_after !== undefined ? { parameters: { retry_after: fault.retry_after } } : {}) }
      : this.apply(method, params);
    const call: RecordedCall = {
      seq: this.calls.length + 1, method, token, params, ok: answer.ok, at: Date.now(),
      ...(answer.ok ? { result: answer.result } : { error: { error_code: answer.error_code, description: answer.description } }),
    };
    this.calls.push(call);
    for (const listener of this.listeners) listener(call);
    return answer;
  }

  /** Calls a function for every recorded call from now on; returns an unsubscribe function. */
  onCall(listener: (call: RecordedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets calls, messages and faults. */
  reset(): void {
    this.calls.length = 0;
    this.held.length = 0;
    this.messages.clear();
    this.drafts.clear();
    this.nextMessageId.clear();
    this.faults = [];
  }

  /** Allocates the next message id in a chat (shared by user and bot messages, as in Telegram). */
  allocateMessageId(chatId: number): number {
    const next = (this.nextMessageId.get(chatId) ?? 0) + 1;
    this.nextMessageId.set(chatId, next);
    return next;
  }

  /** Waits out a hold; false when the caller went away first. */
  private async hold(method: string, params: Record<string, unknown>, ms: number, signal: AbortSignal): Promise<boolean> {
    const held: HeldCall = { method, params, at: Date.now(), state: "holding" };
    this.held.push(held);
    const answered = await new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const timer = setTimeout(() => resolve(true), ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(false);
      }, { once: true });
    });
    held.state = answered ? "answered" : "abandoned";
    return answered;
  }

  private takeFault(method: string, params: Record<string, unknown>): Fault | undefined {
    const chatId = toNumber(params.chat_id);
    const fault = this.faults.find((f) => f.method === method && (f.chat_id === undefined || f.chat_id === chatId)
      && (f.callback_query_id === undefined || f.callback_query_id === params.callback_query_id));
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  private apply(method: string, p: Record<string, unknown>): ApiResult {
    switch (method) {
      case "getMe":
        return ok({ ...this.botUser, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case "sendMessage":
        return this.sendMessage(p);
      case "editMessageText":
        return this.editMessage(p, true);
      case "editMessageReplyMarkup":
        return this.editMessage(p, false);
      case "deleteMessage":
        return this.deleteMessage(p);
      case "answerCallbackQuery":
        return typeof p.callback_query_id === "string" && p.callback_query_id !== ""
          ? ok(true) : bad("Bad Request: query is too old and response timeout expired or query ID is invalid");
      case "sendChatAction":
        return toNumber(p.chat_id) !== undefined ? ok(true) : bad("Bad Request: chat not found");
      case "sendDocument":
        return this.sendDocument(p);
      case "sendMessageDraft":
        return this.sendMessageDraft(p);
      case "setMyCommands":
        if (!Array.isArray(p.commands)) return bad("Bad Request: parameter \"commands\" is required");
        this.commands.set(scopeKey(p.scope), p.commands);
        return ok(true);
      case "getMyCommands":
        return ok(this.commands.get(scopeKey(p.scope)) ?? []);
      case "setWebhook": {
        if (typeof p.url !== "string") return bad("Bad Request: bad webhook: URL must be provided");
        this.webhook = { url: p.url, ...(typeof p.secret_token === "string" ? { secret_token: p.secret_token } : {}),
          ...(Array.isArray(p.allowed_updates) ? { allowed_updates: p.allowed_updates as string[] } : {}) };
        return ok(true);
      }
      case "deleteWebhook":
        this.webhook = undefined;
        return ok(true);
      case "getWebhookInfo":
        return ok({ url: this.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0,
          ...(this.webhook?.allowed_updates ? { allowed_updates: this.webhook.allowed_updates } : {}) });
      default:
        return { ok: false, error_code: 404, description: "Not Found: method not found" };
    }
  }

  private sendMessage(p: Record<string, unknown>): ApiResult {
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
  private sendMessageDraft(p: Record<string, unknown>): ApiResult {
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

  private sendDocument(p: Record<string, unknown>): ApiResult {
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

  private editMessage(p: Record<string, unknown>, withText: boolean): ApiResult {
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

  private deleteMessage(p: Record<string, unknown>): ApiResult {
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

  private async control(request: Request, url: URL): Promise<Response> {
    const route = url.pathname.slice("/__fake/".length);
    if (route === "calls" && request.method === "GET") {
      const chat = url.searchParams.get("chat_id");
      const since = Number(url.searchParams.get("since") ?? "0");
      const method = url.searchParams.get("method");
      const calls = this.calls.filter((c) => c.seq > since
        && (chat === null || String(c.params.chat_id) === chat)
        && (method === null || c.method === method));
      return json({ calls });
    }
    if (route === "held" && request.method === "GET") {
      const chat = url.searchParams.get("chat_id");
      return json({ held: this.held.filter((h) => chat === null || String(h.params.chat_id) === chat) });
    }
    if (route === "faults" && request.method === "POST") {
      const fault = (await request.json()) as Fault;
      this.faults.push({ ...fault });
      return json({ ok: true });
    }
    if (route === "reset" && request.method === "POST") {
      this.reset();
      return json({ ok: true });
    }
    if (route === "webhook" && request.method === "GET") return json({ webhook: this.webhook ?? null, commands: Object.fromEntries(this.commands) });
    return json({ ok: false, description: `unknown control route ${route}` }, 404);
  }
}

/** A command scope as a key: its type (scopes naming a chat or user are not modelled). */
function scopeKey(scope: unknown): string {
  const parsed = typeof scope === "string" ? (JSON.parse(scope) as unknown) : scope;
  return typeof parsed === "object" && parsed !== null && typeof (parsed as { type?: unknown }).type === "string" ? (parsed as { type: string }).type : "default";
}

function ok(result: unknown): ApiResult {
  return { ok: true, result };
}

function bad(description: string): ApiResult {
  return { ok: false, error_code: 400, description };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function toNumber(value: unknown): number | undefined {
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
