/**
 * The Telegram side of setup: the webhook (URL, secret header, update kinds) and the command
 * menu, each changed only when Telegram's current state differs from what the bot needs.
 */
import { commandMenus } from "../../bot/commands.ts";
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

/** Registers each scope's command menu (bot/commands.ts) unless Telegram already has exactly it; true when it set any. */
export async function ensureCommands(telegram: TelegramClient): Promise<boolean> {
  let changed = false;
  for (const { scope, commands } of commandMenus()) {
    const current = await telegram.getMyCommands(scope).catch(() => []);
    if (JSON.stringify(current) === JSON.stringify(commands)) continue;
    await telegram.setMyCommands(commands, scope);
    changed = true;
  }
  return changed;
}
