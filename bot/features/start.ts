/** `/start`: what the bot is, what it can do, and that nothing changes without a tap. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** The /start feature. */
export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  const name = ctx.from?.first_name ?? "there";
  const text = fmt`${F.bold(`Hi ${name}, I operate your Cloudflare account from this chat.`)}

Ask in plain words (“list my R2 buckets”, “create a D1 database called test”) or send JavaScript that calls the Cloudflare API. I search the whole API (about 2,800 operations), run the code in a sandbox with no network and no secrets, and answer with the result.

${F.bold("Safe by default:")} reading runs at once; anything that changes your account pauses and shows you an Approve / Reject card first. Only you or a listed approver can tap it, it works once, and every step is written to an audit log.

Try /cloudflare whoami, see what you can do with /skills, or read /help.`;
  await ctx.say(text);
});
