/** Helpers for Code Mode tests: find approval cards and buttons in the recorded Bot API calls. */
import { inject } from "vitest";
import type { ButtonVerb } from "../../approvals/callback-data.ts";
import type { RecordedCall } from "../../dev/fake-telegram/fake-bot-api.ts";
import { emulatorControl } from "../../dev/cloudflare-emulator/control.ts";
import { DEMO_ACCOUNT_ID } from "../../dev/cloudflare-emulator/seed.ts";
import { CLOUDFLARE_TEST_TOKEN } from "./test-env.ts";
import { USERS } from "./test-env.ts";
import { allBotCalls, callbackUpdate, deliver } from "./telegram.ts";

/** The emulator the Worker talks to in tests. */
export const emulator = emulatorControl(inject("cloudflareEmulatorUrl"));

type Keyboard = { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> };

/** Messages the bot sent that carry buttons, with their message id and callback data. */
export function buttons(calls: RecordedCall[]): Array<{ messageId: number; text: string; data: string[] }> {
  return calls
    .filter((c) => c.method === "sendMessage" && c.ok && (c.params.reply_markup as Keyboard | undefined)?.inline_keyboard?.length)
    .map((c) => ({
      messageId: (c.result as { message_id: number }).message_id,
      text: String(c.params.text),
      data: (c.params.reply_markup as Keyboard).inline_keyboard.flat().map((b) => b.callback_data ?? ""),
    }));
}

/** The approval cards (messages with an Approve button) in order. */
export function cards(calls: RecordedCall[]) {
  return buttons(calls).filter((b) => b.data.some((d) => d.startsWith("ap:")));
}

/** The callback_data of a card's button with `verb`. */
export function dataOf(card: { data: string[] }, verb: ButtonVerb): string {
  const found = card.data.find((d) => d.startsWith(`${verb}:`));
  if (!found) throw new Error(`no ${verb} button on ${JSON.stringify(card)}`);
  return found;
}

/** Waits for the answer to one callback query (answers carry no chat id, so all calls are searched). */
export async function waitForAnswer(queryId: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await allBotCalls()).find((c) => c.method === "answerCallbackQuery" && c.params.callback_query_id === queryId);
    if (found) return found.params;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no answer to callback query ${queryId}`);
}

/** D1 database names in the demo account, read straight from the emulator. */
export async function d1Names(): Promise<string[]> {
  const response = await fetch(`${emulator.apiBase}/accounts/${DEMO_ACCOUNT_ID}/d1/database?per_page=100`, { headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` } });
  const body = (await response.json()) as { result: Array<{ name: string }> };
  return body.result.map((d) => d.name);
}

/** How many create-database requests for `name` reached the emulator. */
export async function createRequests(name: string): Promise<number> {
  const requests = await emulator.requests({ path: `/accounts/${DEMO_ACCOUNT_ID}/d1/database`, method: "POST" });
  return requests.filter((r) => r.body.includes(`"${name}"`)).length;
}

/** Taps a button (its callback data) on bot message `messageId` as `userId`; returns the callback query's id. */
export async function tap(chatId: number, messageId: number, data: string, userId: number = USERS.owner): Promise<string> {
  const update = callbackUpdate(data, { userId, chatId, messageId });
  await deliver(update);
  return update.callback_query.id;
}
