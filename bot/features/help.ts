/** `/help`: the commands (from the one list in ../commands.ts) and the skills, in one message. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import { COMMANDS } from "../commands.ts";
import type { BotContext } from "../context.ts";

/** The /help text. Commands are plain `/command` text, which Telegram makes tappable. */
export function helpText(): F {
  const lines = COMMANDS.map((c) => fmt`/${c.command} — ${c.description}${c.place === "private" ? " (private chat)" : ""}`);
  return fmt`${F.bold("Commands")}
${F.join(lines, "\n")}

${F.bold("Skills")} (/skills: run, read or delete your saved snippets)
cloudflare_code_mode — turns a request into a short JavaScript snippet against the whole Cloudflare API and runs it in a sandbox. Reads answer at once; writes wait for your Approve tap.

${F.bold("Code")}: send /cloudflare run <js> or a ${F.code("```js")} block. In the code: ${F.code("cloudflare.search({ query })")}, ${F.code("cloudflare.describe({ op })")}, ${F.code("cloudflare.read({ op, params, query })")}, ${F.code("cloudflare.write({ op, params, query, body })")}, ${F.code("cloudflare.reveal({ op, params })")} for reads that return credentials.
${F.bold("Plain words")}: just write what you want ("list my R2 buckets"); a model writes the code. /model shows which one; /key brings your own key.`;
}

/** The /help feature. */
export const helpFeature = new Composer<BotContext>();

helpFeature.command("help", async (ctx) => {
  await ctx.say(helpText());
});
