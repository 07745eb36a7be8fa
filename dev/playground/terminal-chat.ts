/**
 * A Telegram-like chat in the terminal, on top of the fake Bot API: what you type is delivered
 * to the bot's webhook as a real update; what the bot sends is printed as it arrives. Buttons
 * are numbered so `/tap N` presses one (as whoever you are now, so an approver or a stranger can
 * try the owner's cards). `/as owner|approver|stranger` switches who you are; each person has
 * their own private chat with the bot.
 */
import { createInterface } from "node:readline";
import type { FakeBotApi, RecordedCall } from "../fake-telegram/fake-bot-api.ts";
import type { WebhookClient } from "../fake-telegram/webhook-client.ts";
import { PLAYGROUND_USERS } from "./users.ts";

export { PLAYGROUND_USERS } from "./users.ts";

interface Button { messageId: number; data: string; label: string; chatId?: number }

/** Runs the terminal chat until the input closes; resolves then. */
export async function runTerminalChat(api: FakeBotApi, client: WebhookClient): Promise<void> {
  let me = PLAYGROUND_USERS.owner;
  let buttons: Button[] = [];
  const print = (line: string) => process.stdout.write(`\r${line}\n> `);

  const names = new Map(Object.values(PLAYGROUND_USERS).map((u) => [String(u.id), u.first_name]));
  const unsubscribe = api.onCall((call) => {
    const chat = String(call.params.chat_id ?? "");
    const shown = describeCall(call, buttons);
    if (shown.buttons) buttons = shown.buttons.map((b) => ({ ...b, chatId: Number(chat) }));
    // Everyone has a private chat with the bot; lines from another person's chat say whose it is.
    const where = chat === "" || chat === String(me.id) ? "" : `[${names.get(chat) ?? chat}'s chat] `;
    if (shown.line) print(`${where}${shown.line}`);
  });

  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "/quit" || line === "/exit") break;
    const as = /^\/as\s+(owner|approver|stranger)$/.exec(line);
    const tap = /^\/tap\s+(\d+)$/.exec(line);
    if (as) {
      me = PLAYGROUND_USERS[as[1] as keyof typeof PLAYGROUND_USERS];
      print(`(you are now ${me.first_name}, user id ${me.id})`);
    } else if (tap) {
      const button = buttons[Number(tap[1]) - 1];
      if (!button) print("(no such button)");
      else await client.tap(me, button.chatId ?? me.id, button.messageId, button.data).catch((e: unknown) => print(`(could not deliver: ${String(e)})`));
    } else if (line !== "") {
      const status = await client.sendText(me, me.id, line).catch((e: unknown) => { print(`(could not deliver: ${String(e)})`); return 0; });
      if (status !== 200 && status !== 0) print(`(the webhook answered ${status})`);
    }
    rl.prompt();
  }
  unsubscribe();
  rl.close();
}

/** Renders one Bot API call as a chat line, numbering any inline buttons. */
function describeCall(call: RecordedCall, previous: Button[]): { line?: string; buttons?: Button[] } {
  const p = call.params;
  if (!call.ok) return { line: `⚠️  ${call.method} failed: ${call.error?.description ?? "?"}` };
  const result = call.result as { message_id?: number } | undefined;
  const keyboard = (p.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined)?.inline_keyboard;
  let buttons: Button[] | undefined;
  let suffix = "";
  if (keyboard && result?.message_id !== undefined) {
    buttons = keyboard.flat().filter((b) => b.callback_data).map((b) => ({ messageId: result.message_id!, data: b.callback_data!, label: b.text }));
    suffix = `\n   ${buttons.map((b, i) => `[${i + 1} ${b.label}]`).join(" ")}  (press with /tap N)`;
  }
  switch (call.method) {
    case "sendMessage":
      return { line: `🤖 ${String(p.text)}${suffix}`, ...(buttons ? { buttons } : {}) };
    case "editMessageText":
      return { line: `🤖 (edited) ${String(p.text)}${suffix}`, buttons: buttons ?? previous.filter((b) => b.messageId !== Number(p.message_id)) };
    case "answerCallbackQuery":
      return typeof p.text === "string" ? { line: `🔔 ${p.text}` } : {};
    case "sendDocument": {
      const doc = p.document as { file_name?: string; size?: number } | undefined;
      return { line: `📎 ${doc?.file_name ?? "file"} (${doc?.size ?? 0} bytes) ${typeof p.caption === "string" ? p.caption : ""}` };
    }
    case "sendChatAction":
      return { line: "   … typing" };
    default:
      return {};
  }
}
