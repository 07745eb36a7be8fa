/** Doctor's Telegram line: where the webhook points, its last error, and its backlog. */
import { TelegramApiError, type TelegramClient } from "../setup/telegram-client.ts";
import { ALLOWED_UPDATES, webhookUrl } from "../setup/telegram-setup.ts";
import type { DoctorLine } from "./doctor-line.ts";

/** An error older than this is history (Telegram keeps the last one even after recovery). */
const RECENT_ERROR_S = 60 * 60;
const BACKLOG_WARN = 20;

/** Checks getWebhookInfo against the Worker URL setup remembered. */
export async function checkWebhook(telegram: TelegramClient | undefined, workerUrl: string | undefined, nowS: number): Promise<DoctorLine> {
  const check = "webhook";
  if (!telegram) return { check, verdict: "skip", detail: "no bot token to ask Telegram with", fix: "run with TELEGRAM_BOT_TOKEN=… npm run doctor" };
  let info;
  try {
    info = await telegram.getWebhookInfo();
  } catch (error) {
    return { check, verdict: "fail", detail: error instanceof TelegramApiError ? error.message : String(error), fix: "check TELEGRAM_BOT_TOKEN (from @BotFather)" };
  }
  const expected = workerUrl ? webhookUrl(workerUrl) : undefined;
  if (info.url === "") return { check, verdict: "fail", detail: "no webhook set: Telegram delivers nothing", fix: "npm run setup" };
  if (expected && info.url !== expected) return { check, verdict: "fail", detail: `points at ${info.url}, not ${expected}`, fix: "npm run setup (sets it to this deployment)" };
  const pending = `${info.pending_update_count} pending`;
  if (info.last_error_message && info.last_error_date && nowS - info.last_error_date < RECENT_ERROR_S) {
    const ago = Math.max(1, Math.round((nowS - info.last_error_date) / 60));
    return { check, verdict: "fail", detail: `${info.url} · ${pending} · last error ${ago} min ago: "${info.last_error_message}"`, fix: fixFor(info.last_error_message) };
  }
  const kinds = [...(info.allowed_updates ?? [])].sort().join(",");
  if (kinds !== [...ALLOWED_UPDATES].sort().join(",")) {
    return { check, verdict: "warn", detail: `${info.url} · ${pending} · receives ${kinds || "all update kinds"}, the bot handles ${ALLOWED_UPDATES.join(", ")}`, fix: "npm run setup" };
  }
  if (info.pending_update_count > BACKLOG_WARN) {
    return { check, verdict: "warn", detail: `${info.url} · ${pending}: Telegram is holding a backlog`, fix: "check the health line below and `npx wrangler tail`" };
  }
  const old = info.last_error_message ? ` · last error over an hour ago: "${info.last_error_message}"` : " · no recent errors";
  return { check, verdict: "ok", detail: `${info.url} · ${pending}${old}` };
}

/** The fix for Telegram's usual webhook errors. */
function fixFor(message: string): string {
  if (/401|403|unauthorized|forbidden/i.test(message)) return "the webhook secret does not match the Worker's: npm run setup -- --rotate";
  if (/503|500|502/i.test(message)) return "the Worker is failing: see the health line and `npx wrangler tail`";
  if (/404/i.test(message)) return "nothing answers at /telegram: npm run deploy";
  if (/resolve|connect|timeout|timed out|refused/i.test(message)) return "the Worker is unreachable: npm run deploy, then check its URL";
  return "`npx wrangler tail` while you message the bot shows what happens";
}
