/**
 * The playground's record of every chat: what people typed and tapped (seen as the updates go
 * to the webhook) and what the bot did (the fake Bot API's calls), as one ordered list of small
 * events. The web chat long-polls it, the terminal chat and `npm run demo` read it.
 *
 * Callback answers carry no chat id in the Bot API, so the log remembers which chat and person
 * each callback query came from and puts that on the answer.
 */
import type { FakeBotApi, RecordedCall } from "../fake-telegram/fake-bot-api.ts";
import { WebhookClient, type PlaygroundUser } from "../fake-telegram/webhook-client.ts";

/** Who did something, as the page shows it. */
export interface Person { id: number; first_name: string }

/** One inline keyboard, as the bot sent it. */
export type InlineKeyboard = Array<Array<{ text: string; callback_data?: string; url?: string }>>;

/** One thing that happened in a chat. `seq` orders all events of all chats. */
export type ChatEvent =
  /** Someone sent a text message to the bot. */
  | { seq: number; at: number; kind: "message"; chatId: number; messageId: number; from: Person; text: string }
  /** Someone tapped an inline button. */
  | { seq: number; at: number; kind: "tap"; chatId: number; messageId: number; from: Person; data: string; label?: string; queryId: string }
  /** The bot called the Bot API (successfully or not). */
  | BotEvent;

/** A Bot API call, reduced to what a chat view needs (documents without their content). */
export interface BotEvent {
  seq: number;
  at: number;
  kind: "bot";
  method: string;
  ok: boolean;
  error?: string;
  chatId?: number;
  messageId?: number;
  text?: string;
  entities?: unknown[];
  /** The keyboard after this call; `null` when an edit removed it. */
  keyboard?: InlineKeyboard | null;
  document?: { file_name: string; size: number; mime_type: string };
  action?: string;
  /** sendMessageDraft: which draft the text replaces (a draft lasts until the bot sends a message). */
  draftId?: number;
  queryId?: string;
  showAlert?: boolean;
  /** For callback answers: who tapped. */
  tapper?: Person;
}

/** A WebhookClient that tells its observers about every update before delivering it. */
export class ObservedWebhookClient extends WebhookClient {
  private readonly observers = new Set<(update: Record<string, unknown>) => void>();

  /** Calls `observer` with each update about to be delivered; returns an unsubscribe function. */
  onDeliver(observer: (update: Record<string, unknown>) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  override async deliver(update: unknown): Promise<number> {
    if (update && typeof update === "object") for (const observer of this.observers) observer(update as Record<string, unknown>);
    return super.deliver(update);
  }
}

/** The ordered event log of all playground chats. */
export class ChatLog {
  readonly events: ChatEvent[] = [];
  private readonly queries = new Map<string, { chatId: number; from: Person }>();
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: Array<() => void>;
  private readonly api: FakeBotApi;

  constructor(api: FakeBotApi, client: ObservedWebhookClient) {
    this.api = api;
    this.unsubscribe = [client.onDeliver((update) => this.fromUpdate(update)), api.onCall((call) => this.fromCall(call))];
  }

  /** Events after `seq`, optionally only those of one chat. */
  since(seq: number, chatId?: number): ChatEvent[] {
    return this.events.filter((e) => e.seq > seq && (chatId === undefined || e.chatId === chatId));
  }

  /** Events after `seq`; if there are none yet, waits up to `timeoutMs` for some. */
  async wait(seq: number, timeoutMs: number): Promise<ChatEvent[]> {
    if (this.last() > seq || timeoutMs <= 0) return this.since(seq);
    await new Promise<void>((resolve) => {
      const done = () => { clearTimeout(timer); this.waiters.delete(done); resolve(); };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
    return this.since(seq);
  }

  /** The newest event's seq (0 when empty). */
  last(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  /** Stops recording and releases anyone waiting. */
  stop(): void {
    for (const off of this.unsubscribe) off();
    for (const wake of [...this.waiters]) wake();
  }

  private push(event: Draft<ChatEvent>): void {
    this.events.push({ ...event, seq: this.events.length + 1, at: Date.now() } as ChatEvent);
    for (const wake of [...this.waiters]) wake();
  }

  private fromUpdate(update: Record<string, unknown>): void {
    const message = update.message as { message_id: number; chat: { id: number }; from: PlaygroundUser; text?: string } | undefined;
    if (message && typeof message.text === "string") {
      this.push({ kind: "message", chatId: message.chat.id, messageId: message.message_id, from: person(message.from), text: message.text });
    }
    const query = update.callback_query as { id: string; from: PlaygroundUser; data?: string; message?: { message_id: number; chat: { id: number } } } | undefined;
    if (query?.message && typeof query.data === "string") {
      const chatId = query.message.chat.id;
      this.queries.set(query.id, { chatId, from: person(query.from) });
      const label = this.buttonLabel(chatId, query.message.message_id, query.data);
      this.push({ kind: "tap", chatId, messageId: query.message.message_id, from: person(query.from), data: query.data, queryId: query.id,
        ...(label !== undefined ? { label } : {}) });
    }
  }

  private fromCall(call: RecordedCall): void {
    const p = call.params;
    const result = call.result as { message_id?: number } | undefined;
    const event: Omit<BotEvent, "seq" | "at"> = { kind: "bot", method: call.method, ok: call.ok };
    if (call.error) event.error = call.error.description;
    const chatId = Number(p.chat_id);
    if (Number.isFinite(chatId) && p.chat_id !== undefined) event.chatId = chatId;
    const messageId = result?.message_id ?? (p.message_id !== undefined ? Number(p.message_id) : undefined);
    if (messageId !== undefined && Number.isFinite(messageId)) event.messageId = messageId;
    if (typeof p.text === "string") event.text = p.text;
    if (typeof p.caption === "string") event.text = p.caption;
    if (Array.isArray(p.entities)) event.entities = p.entities;
    else if (Array.isArray(p.caption_entities)) event.entities = p.caption_entities;
    const keyboard = (p.reply_markup as { inline_keyboard?: InlineKeyboard } | undefined)?.inline_keyboard;
    if (keyboard) event.keyboard = keyboard;
    else if (call.method.startsWith("editMessage")) event.keyboard = null;
    const doc = p.document as { file_name?: unknown; size?: unknown; mime_type?: unknown } | undefined;
    if (call.method === "sendDocument" && doc && typeof doc === "object") {
      event.document = { file_name: String(doc.file_name ?? "file"), size: Number(doc.size ?? 0), mime_type: String(doc.mime_type ?? "application/octet-stream") };
    }
    if (typeof p.action === "string") event.action = p.action;
    if (call.method === "sendMessageDraft" && Number.isFinite(Number(p.draft_id))) event.draftId = Number(p.draft_id);
    if (typeof p.callback_query_id === "string") {
      event.queryId = p.callback_query_id;
      const origin = this.queries.get(p.callback_query_id);
      if (origin) { event.chatId = origin.chatId; event.tapper = origin.from; }
    }
    if (p.show_alert === true || p.show_alert === "true") event.showAlert = true;
    this.push(event);
  }

  private buttonLabel(chatId: number, messageId: number, data: string): string | undefined {
    const markup = this.api.chats.messages.get(`${chatId}:${messageId}`)?.reply_markup as { inline_keyboard?: InlineKeyboard } | undefined;
    return markup?.inline_keyboard?.flat().find((b) => b.callback_data === data)?.text;
  }
}

/** An event before the log numbers it (Omit, distributed over the union). */
type Draft<T> = T extends unknown ? Omit<T, "seq" | "at"> : never;

function person(user: PlaygroundUser): Person {
  return { id: user.id, first_name: user.first_name };
}
