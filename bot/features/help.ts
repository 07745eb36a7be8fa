/** `/help`: the commands and skills, in one message. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import { sendLong } from "../format/send.ts";

/** The bot's commands with one-line descriptions; also registered as the command menu. */
export const COMMANDS = [
  { command: "start", description: "What this bot is and how it keeps your account safe" },
  { command: "help", description: "Commands and skills" },
  { command: "cloudflare", description: "Cloudflare account: whoami, run <js>" },
] as const;

/** The /help feature. */
export const helpFeature = new Composer<Context>();

helpFeature.command("help", async (ctx) => {
  const lines = COMMANDS.map((c) => fmt`${F.code(`/${c.command}`)} — ${c.description}`);
  const text = fmt`${F.bold("Commands")}
${F.join(lines, "\n")}

${F.bold("Skills")}
${F.code("cloudflare_code_mode")} — turns a request into a short JavaScript snippet against the whole Cloudflare API and runs it in a sandbox. Reads answer at once; writes wait for your Approve tap.

${F.italic("Today: the bot, its webhook and its durable per-chat inbox work; the Cloudflare API, approvals and the model arrive next (see the README's limits).")}`;
  await sendLong(ctx.api, ctx.chat.id, text);
});
