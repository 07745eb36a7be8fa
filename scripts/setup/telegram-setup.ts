/**
 * The Telegram side of setup: the webhook (URL, secret header, update kinds) and the command
 * menu, each changed only when Telegram's current state differs from what the bot needs.
 */
import { COMMANDS } from "../../bot/features/help.ts";
import type { TelegramClient, WebhookInfo } from "./telegram-client.ts";

/** The update kinds the bot handles; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** The webhook URL of a Worker. */
export function webhookUrl(workerUrl: string): string {
  return `${workerUrl.replace(/\/+$/, "")}/telegram`;
}

/** Whether Telegram's webhook already points where it should, for the right update kinds. */
export function webhookMatches(info: WebhookInfo, url: string): boolean {
  const kinds = [...(info.allowed_updates ?? [])].sort().join(",");
  return info.url === url && kinds === [...ALLOWED_UPDATES].sort().join(",");
}

/** Registers COMMANDS as the menu unless Telegram already has exactly them; true when it set them. */
export async function ensureCommands(telegram: TelegramClient): Promise<boolean> {
  const wanted = COMMANDS.map((c) => ({ command: c.command, description: c.description }));
  const current = await telegram.getMyCommands().catch(() => []);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return false;
  await telegram.setMyCommands(wanted);
  return true;
}
