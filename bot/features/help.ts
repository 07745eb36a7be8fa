/** `/help`: the commands and skills, in one message. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import { sendLong } from "../format/send.ts";

/** The bot's commands with one-line descriptions; also registered as the command menu. */
export const COMMANDS = [
  { command: "start", description: "What this bot is and how it keeps your account safe" },
  { command: "help", description: "Commands and skills" },
  { command: "cloudflare", description: "Cloudflare account: whoami, run <js>" },
  { command: "connect", description: "Use your own Cloudflare API token (private chat; stored encrypted)" },
  { command: "disconnect", description: "Remove your connected token; the bot's token is used again" },
  { command: "key", description: "Your own model API key: /key <provider> [remove] (private chat; stored encrypted)" },
  { command: "skills", description: "Built-in skills and your saved snippets" },
  { command: "save", description: "Save the last completed run as a snippet: /save <name>" },
  { command: "run", description: "Run a saved snippet: /run <name>" },
  { command: "forget", description: "Delete a saved snippet: /forget <name>" },
  { command: "audit", description: "The last runs in this chat; /audit <id> for one" },
] as const;

/** The /help feature. */
export const helpFeature = new Composer<Context>();

helpFeature.command("help", async (ctx) => {
  const lines = COMMANDS.map((c) => fmt`${F.code(`/${c.command}`)} — ${c.description}`);
  const text = fmt`${F.bold("Commands")}
${F.join(lines, "\n")}

${F.bold("Skills")}
${F.code("cloudflare_code_mode")} — turns a request into a short JavaScript snippet against the whole Cloudflare API and runs it in a sandbox. Reads answer at once; writes wait for your Approve tap.

${F.bold("Code")}: send ${F.code("/cloudflare run <js>")} or a ${F.code("```js")} block. In the code: ${F.code("cloudflare.search({ query })")}, ${F.code("cloudflare.describe({ op })")}, ${F.code("cloudflare.read({ op, params, query })")}, ${F.code("cloudflare.write({ op, params, query, body })")}.
${F.bold("Plain words")}: just write what you want ("list my R2 buckets"); a model writes the code. ${F.code("/model")} shows which one; ${F.code("/key <provider>")} brings your own key.`;
  await sendLong(ctx.api, ctx.chat.id, text);
});
