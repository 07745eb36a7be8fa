/**
 * Load generation for the webhook benchmark: `/start` updates, a bounded concurrent sender that
 * times each request to its response, and percentile helpers.
 */
import { performance } from "node:perf_hooks";
import { privateChat, textMessageUpdate } from "../../dev/shared/telegram-updates.ts";

/** One update to deliver, with the chat it belongs to. */
export interface Delivery {
  updateId: number;
  chatId: number;
  body: string;
}

/** The outcome of delivering one update. */
export interface DeliveryResult {
  updateId: number;
  chatId: number;
  /** HTTP status, or 0 when the request failed or was skipped. */
  status: number;
  /** Time from sending to the full response, in milliseconds. */
  ms: number;
  error?: string;
}

/** Makes `/start` updates from private chats (chat id = user id), with increasing ids. */
export class UpdateFactory {
  private nextUpdateId: number;
  private readonly messageIds = new Map<number, number>();

  constructor(firstUpdateId: number) {
    this.nextUpdateId = firstUpdateId;
  }

  /** A `/start` message from `userId` in its private chat. */
  start(userId: number): Delivery {
    const updateId = this.nextUpdateId++;
    const messageId = (this.messageIds.get(userId) ?? 0) + 1;
    this.messageIds.set(userId, messageId);
    const from = { id: userId, is_bot: false, first_name: "Bench", language_code: "en" } as const;
    const update = textMessageUpdate({ updateId, messageId, chat: privateChat(from), from, text: "/start" });
    return { updateId, chatId: userId, body: JSON.stringify(update) };
  }

  /** `count` `/start` updates spread round-robin over `chatIds`. */
  batch(count: number, chatIds: readonly number[]): Delivery[] {
    const out: Delivery[] = [];
    for (let i = 0; i < count; i++) out.push(this.start(chatIds[i % chatIds.length] as number));
    return out;
  }
}

/** Where and how to deliver updates. */
export interface Target {
  url: string;
  secret: string;
}

/** Limits for one `deliverAll` call. */
export interface DeliverOptions {
  concurrency: number;
  /** Per-request timeout. */
  requestTimeoutMs: number;
  /** Absolute time (Date.now()) after which remaining deliveries are skipped. */
  deadline: number;
}

/** Delivers one update and times it to the end of the response body. */
export async function deliver(target: Target, delivery: Delivery, timeoutMs: number): Promise<DeliveryResult> {
  const started = performance.now();
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": target.secret },
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    return {
      updateId: delivery.updateId, chatId: delivery.chatId, status: response.status, ms,
      ...(response.status === 200 ? {} : { error: `HTTP ${response.status}: ${text.slice(0, 200)}` }),
    };
  } catch (error) {
    return {
      updateId: delivery.updateId, chatId: delivery.chatId, status: 0, ms: performance.now() - started,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

/** Delivers every update with at most `concurrency` in flight; bounded by count and deadline. */
export async function deliverAll(target: Target, deliveries: readonly Delivery[], options: DeliverOptions): Promise<{ results: DeliveryResult[]; wallMs: number }> {
  const results: DeliveryResult[] = new Array<DeliveryResult>(deliveries.length);
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= deliveries.length) return;
      const delivery = deliveries[index] as Delivery;
      if (Date.now() > options.deadline) {
        results[index] = { updateId: delivery.updateId, chatId: delivery.chatId, status: 0, ms: 0, error: "skipped: time limit reached" };
        continue;
      }
      results[index] = await deliver(target, delivery, options.requestTimeoutMs);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, deliveries.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { results, wallMs: performance.now() - started };
}

/** The `p`-th percentile (0-100) by nearest rank; NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Rounds to `digits` decimals (for output). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
