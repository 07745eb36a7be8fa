/**
 * Plays Telegram's side of the webhook: turns what a person types or taps into updates, POSTs
 * them to the bot's webhook with the secret header, and applies a webhook reply (a Bot API call
 * in the response body, which grammY uses for quick answers) to the fake, as Telegram would.
 */
import type { FakeBotApi } from "./fake-bot-api.ts";

/** A person in the playground. */
export interface PlaygroundUser {
  id: number;
  first_name: string;
  username?: string;
}

/** Delivers updates to one webhook. */
export class WebhookClient {
  private nextUpdateId = 100_000 + Math.floor(Math.random() * 1000) * 1000;
  private readonly api: FakeBotApi;
  private readonly webhookUrl: string;
  private readonly secret: string;
  private readonly token: string;

  constructor(options: { api: FakeBotApi; webhookUrl: string; secret: string; token: string }) {
    this.api = options.api;
    this.webhookUrl = options.webhookUrl;
    this.secret = options.secret;
    this.token = options.token;
  }

  /** Sends a text message from `user` in chat `chatId`; returns the update's HTTP status. */
  async sendText(user: PlaygroundUser, chatId: number, text: string): Promise<number> {
    const command = /^\/[A-Za-z0-9_]+/.exec(text);
    const message = {
      message_id: this.api.chats.allocateMessageId(chatId),
      date: Math.floor(Date.now() / 1000),
      chat: chatId > 0 ? { id: chatId, type: "private", first_name: user.first_name } : { id: chatId, type: "group", title: "Playground group" },
      from: { is_bot: false, ...user },
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    };
    return this.deliver({ update_id: this.nextId(), message });
  }

  /** Taps an inline button with `data` on bot message `messageId`. */
  async tap(user: PlaygroundUser, chatId: number, messageId: number, data: string): Promise<number> {
    const stored = this.api.chats.messages.get(`${chatId}:${messageId}`);
    const callback_query = {
      id: `pg-${this.nextUpdateId}-${Math.random().toString(36).slice(2, 8)}`,
      from: { is_bot: false, ...user },
      chat_instance: `pg-${chatId}`,
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: chatId > 0 ? "private" : "group" },
        ...(stored?.text !== undefined ? { text: stored.text } : {}) },
      data,
    };
    return this.deliver({ update_id: this.nextId(), callback_query });
  }

  /** POSTs one update and applies any webhook reply. */
  async deliver(update: unknown): Promise<number> {
    const response = await fetch(this.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": this.secret },
      body: JSON.stringify(update),
    });
    const body = await response.text();
    if (response.ok && body.trim().startsWith("{")) {
      const reply = JSON.parse(body) as { method?: unknown } & Record<string, unknown>;
      if (typeof reply.method === "string") {
        const { method, ...params } = reply;
        this.api.call(this.token, method, params);
      }
    }
    return response.status;
  }

  private nextId(): number {
    this.nextUpdateId += 1;
    return this.nextUpdateId;
  }
}
