/**
 * Saved snippets as skills: `/save <name> [description]` keeps the requester's last completed run,
 * `/run <name>` runs it again (its writes still wait for a tap), `/forget <name>` removes one, and
 * `/skills` is the skill browser: the built-in skill and every saved snippet with its description
 * and buttons (Run, Show code, Delete; Delete asks to confirm). Snippets live in codemode's runtime
 * (the chat's facet), so the model can find them with `codemode.search` too.
 *
 * A button names its snippet; a tap on one that is gone (forgotten, or a forged name) is told so.
 * Strangers never reach this feature (the webhook turns them away), so any allowed person in the
 * chat may use its buttons, as they may use the commands.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { buttonData, snippetButtonPattern, SNIPPET_NAME } from "../../approvals/callback-data.ts";
import type { BotContext } from "../context.ts";

const NAME = new RegExp(`^${SNIPPET_NAME}$`);

/** The built-in skills, shown by /skills and /help. */
export const BUILT_IN_SKILLS = [
  { name: "cloudflare_code_mode", description: "Turns a request into a short JavaScript snippet against the whole Cloudflare API and runs it in a sandbox; reads answer at once, writes wait for your Approve tap." },
] as const;

/** The snippets feature. */
export const snippetsFeature = new Composer<BotContext>();

snippetsFeature.command("save", async (ctx) => {
  const [name, ...rest] = ctx.match.trim().split(/\s+/);
  if (!name || !NAME.test(name)) {
    await ctx.say(fmt`Name the snippet: ${F.code("/save list-buckets [what it does]")} (letters, digits, - and _, up to 40).`);
    return;
  }
  const saved = await ctx.services.runs.save(name, rest.join(" ") || undefined, ctx.requester.id);
  if (!saved) {
    await ctx.say(fmt`You have no completed run in this chat to save (or it is too old to keep). Run something first, e.g. ${F.code("/cloudflare run …")}.`);
    return;
  }
  await ctx.say(fmt`💾 Saved ${F.bold(name)}: ${saved.description}\n${F.pre(saved.code.slice(0, 1500), "js")}`, { replyMarkup: snippetKeyboard(name) });
});

snippetsFeature.command("run", async (ctx) => {
  await runSnippet(ctx, ctx.match.trim());
});

snippetsFeature.command("skills", async (ctx) => {
  const snippets = await ctx.services.runs.snippets();
  const builtIn = BUILT_IN_SKILLS.map((s) => fmt`⚡ ${F.bold(s.name)} (built in) — ${s.description} Just write what you want, or send /cloudflare run <js>.`);
  const saved = snippets.length === 0
    ? [fmt`${F.italic("None yet: after a run you like, send")} ${F.code("/save <name>")}.`]
    : snippets.map((s) => fmt`💾 ${F.bold(s.name)} — ${s.description}`);
  const keyboard: InlineKeyboardMarkup = { inline_keyboard: snippets.slice(0, 30).flatMap((s) => snippetKeyboard(s.name).inline_keyboard) };
  await ctx.say(fmt`${F.bold("Skills")}\n${F.join(builtIn, "\n")}\n\n${F.bold(`Saved snippets (${snippets.length})`)}\n${F.join(saved, "\n")}`, keyboard.inline_keyboard.length > 0 ? { replyMarkup: keyboard } : {});
});

snippetsFeature.command("forget", async (ctx) => {
  const name = ctx.match.trim();
  const deleted = name !== "" && (await ctx.services.runs.forget(name));
  await ctx.say(deleted ? fmt`🗑 Forgot ${F.code(name)}.` : fmt`No snippet called ${F.code(name || "(none given)")}.`);
});

snippetsFeature.callbackQuery(snippetButtonPattern("sr"), async (ctx) => {
  const name = ctx.match[2]!;
  if (!(await snippetNamed(ctx, name))) return gone(ctx, name);
  await ctx.answerCallbackQuery({ text: `Running ${name}…` });
  await runSnippet(ctx, name);
});

snippetsFeature.callbackQuery(snippetButtonPattern("sc"), async (ctx) => {
  const snippet = await snippetNamed(ctx, ctx.match[2]!);
  if (!snippet) return gone(ctx, ctx.match[2]!);
  await ctx.answerCallbackQuery();
  await ctx.say(fmt`${F.bold(snippet.name)} — ${snippet.description}\n${F.pre(snippet.code, "js")}`, { replyMarkup: { inline_keyboard: [[runButton(snippet.name)]] } });
});

snippetsFeature.callbackQuery(snippetButtonPattern("sd"), async (ctx) => {
  const name = ctx.match[2]!;
  if (!(await snippetNamed(ctx, name))) return gone(ctx, name);
  await ctx.answerCallbackQuery();
  await ctx.say(fmt`Delete the snippet ${F.bold(name)}? It cannot be run again after that.`, {
    replyMarkup: { inline_keyboard: [[{ text: "🗑 Yes, delete it", callback_data: buttonData("sy", name) }, { text: "Keep", callback_data: buttonData("sk", name) }]] },
  });
});

snippetsFeature.callbackQuery(snippetButtonPattern("sy"), async (ctx) => {
  const name = ctx.match[2]!;
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  if (!(await ctx.services.runs.forget(name))) return gone(ctx, name);
  await ctx.answerCallbackQuery({ text: `Deleted ${name}.` });
  await ctx.say(fmt`🗑 Deleted the snippet ${F.bold(name)}.`);
});

snippetsFeature.callbackQuery(snippetButtonPattern("sk"), async (ctx) => {
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  await ctx.answerCallbackQuery({ text: `Kept ${ctx.match[2]!}.` });
});

/** Runs a saved snippet's own code (not a call to it), so /save of that run saves the same code. */
async function runSnippet(ctx: BotContext, name: string): Promise<void> {
  const snippet = name === "" ? undefined : await snippetNamed(ctx, name);
  if (!snippet) {
    await ctx.say(name === "" ? fmt`Which snippet? /skills lists them.` : fmt`No snippet called ${F.code(name)}. /skills lists them.`);
    return;
  }
  ctx.chatAction = "typing";
  await ctx.services.runs.start({ code: snippet.code, requester: ctx.requester, origin: { kind: "chat" }, answerTo: ctx.answerTo, source: "snippet" });
}

async function snippetNamed(ctx: BotContext, name: string) {
  return (await ctx.services.runs.snippets()).find((s) => s.name === name);
}

async function gone(ctx: BotContext, name: string): Promise<void> {
  await ctx.answerCallbackQuery({ text: `There is no snippet called ${name} any more. Send /skills for the current list.`, show_alert: true });
}

function runButton(name: string): InlineKeyboardButton {
  return { text: `▶️ Run ${name}`, callback_data: buttonData("sr", name) };
}

/** One row of buttons for a snippet: Run, Show code, Delete. */
function snippetKeyboard(name: string): InlineKeyboardMarkup {
  return { inline_keyboard: [[runButton(name), { text: "📄 Code", callback_data: buttonData("sc", name) }, { text: "🗑 Delete", callback_data: buttonData("sd", name) }]] };
}
