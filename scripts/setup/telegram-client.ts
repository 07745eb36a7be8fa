/**
 * The few Bot API methods setup and doctor need, over an injected `fetch` (tests hand in the fake
 * Bot API's `handle`). The token is part of the URL, as Telegram requires, so URLs built here are
 * never printed; errors carry Telegram's description only.
 */
import { z } from "zod";

/** A `fetch` as setup and doctor use it (the global one, or a fake). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Telegram answered `ok: false` (or not at all). */
export class TelegramApiError extends Error {
  override readonly name = "TelegramApiError";
  readonly method: string;
  readonly errorCode: number;

  constructor(method: string, errorCode: number, description: string) {
    super(errorCode === 401 || errorCode === 404
      ? `${method}: Telegram says ${description} (${errorCode}): the bot token is wrong or was revoked; get the current one from @BotFather (/mybots → API Token)`
      : `${method}: Telegram says ${description} (${errorCode})`);
    this.method = method;
    this.errorCode = errorCode;
  }
}

const envelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error_code: z.number(), description: z.string() }),
]);

const botUser = z.object({ id: z.number(), username: z.string(), first_name: z.string() });
/** The bot as getMe describes it. */
export type BotUser = z.infer<typeof botUser>;

const webhookInfo = z.object({
  url: z.string(),
  pending_update_count: z.number(),
  last_error_date: z.number().optional(),
  last_error_message: z.string().optional(),
  allowed_updates: z.array(z.string()).optional(),
});
/** What getWebhookInfo reports. */
export type WebhookInfo = z.infer<typeof webhookInfo>;

/** A small Bot API client for one token. */
export class TelegramClient {
  private readonly apiRoot: string;
  private readonly token: string;
  private readonly fetch: FetchLike;

  constructor(options: { token: string; apiRoot?: string; fetch: FetchLike }) {
    this.token = options.token;
    this.apiRoot = (options.apiRoot ?? "https://api.telegram.org").replace(/\/+$/, "");
    this.fetch = options.fetch;
  }

  /** The bot's own user (checks the token). */
  async getMe(): Promise<BotUser> {
    return botUser.parse(await this.call("getMe", {}));
  }

  /** The webhook as Telegram has it now. */
  async getWebhookInfo(): Promise<WebhookInfo> {
    return webhookInfo.parse(await this.call("getWebhookInfo", {}));
  }

  /** Points Telegram at `url`, with the secret header and only the update kinds the bot handles. */
  async setWebhook(params: { url: string; secretToken: string; allowedUpdates: readonly string[] }): Promise<void> {
    await this.call("setWebhook", { url: params.url, secret_token: params.secretToken, allowed_updates: params.allowedUpdates });
  }

  /** Registers the command menu of one scope (all private chats, all groups…). */
  async setMyCommands(commands: readonly { command: string; description: string }[], scope?: { type: string }): Promise<void> {
    await this.call("setMyCommands", { commands, ...(scope ? { scope } : {}) });
  }

  /** The command menu of one scope as registered now. */
  async getMyCommands(scope?: { type: string }): Promise<{ command: string; description: string }[]> {
    return z.array(z.object({ command: z.string(), description: z.string() })).parse(await this.call("getMyCommands", scope ? { scope } : {}));
  }

  private async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetch(`${this.apiRoot}/bot${this.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new TelegramApiError(method, 0, `could not be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    const body = envelope.safeParse(await response.json().catch(() => undefined));
    if (!body.success) throw new TelegramApiError(method, response.status, "an unexpected answer");
    if (!body.data.ok) throw new TelegramApiError(method, body.data.error_code, body.data.description);
    return body.data.result;
  }
}
