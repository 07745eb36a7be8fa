/**
 * A fake of Telegram's Bot API for tests and the local playground.
 *
 * It speaks the real wire format: `POST /bot<token>/<method>` with a JSON, form or multipart
 * body, answered with `{ ok: true, result }` or `{ ok: false, error_code, description }`.
 * It keeps a small model of chats (./fake-chats.ts) so edits and deletes behave as Telegram's
 * do, and it records every call so tests
 * and the web chat can read what the bot said.
 *
 * Control endpoints under `/__fake/` (not part of Telegram) let a test or the playground read
 * the recorded calls, inject failures and held (slow) answers, and reset state. The class itself
 * is runtime-neutral (only `Request`/`Response`), so the same code runs in Node (`server.ts`) and
 * anywhere else.
 */
import { bad, FakeChats, ok, toNumber, type ApiResult } from "./fake-chats.ts";
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

/** Options for a fake Bot API instance. */
export interface FakeBotApiOptions {
  /** The token the bot must use; any other gives 401 like Telegram. Omit to accept any well-formed token. */
  token?: string;
  /** The bot's own user, returned by getMe. */
  botUser?: { id: number; username: string; first_name: string };
}


const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

/** Fake Telegram Bot API: records calls, models messages, injects faults. */
export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  /** The chats' messages and drafts, as Telegram would keep them. */
  readonly chats: FakeChats;
  /** Calls held by a `delay_ms` fault, in arrival order. */
  readonly held: HeldCall[] = [];
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
    this.chats = new FakeChats(this.botUser);
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
    this.chats.reset();
    this.faults = [];
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
        return this.chats.sendMessage(p);
      case "editMessageText":
        return this.chats.editMessage(p, true);
      case "editMessageReplyMarkup":
        return this.chats.editMessage(p, false);
      case "deleteMessage":
        return this.chats.deleteMessage(p);
      case "answerCallbackQuery":
        return typeof p.callback_query_id === "string" && p.callback_query_id !== ""
          ? ok(true) : bad("Bad Request: query is too old and response timeout expired or query ID is invalid");
      case "sendChatAction":
        return toNumber(p.chat_id) !== undefined ? ok(true) : bad("Bad Request: chat not found");
      case "sendDocument":
        return this.chats.sendDocument(p);
      case "sendMessageDraft":
        return this.chats.sendMessageDraft(p);
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

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
