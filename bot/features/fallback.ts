/** What the bot says to anything no feature handled: unknown commands, other messages, stale buttons. */
import { commandNotFound } from "@grammyjs/commands";
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import { commandGroup } from "../commands.ts";
import type { BotContext } from "../context.ts";
import { STALE_BUTTON_LINE } from "./copy.ts";

/** The fallback feature; installed last. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", async (ctx) => {
  await ctx.answerCallbackQuery({ text: STALE_BUTTON_LINE });
});

// An unknown command: the closest known one, when there is one close enough.
fallbackFeature.filter(commandNotFound(commandGroup()), async (ctx) => {
  const command = ctx.msg?.text?.split(/[\s@]/)[0] ?? "that";
  const suggestion = ctx.commandSuggestion ? fmt` Did you mean ${ctx.commandSuggestion}?` : "";
  await ctx.say(fmt`I don't know ${F.code(command)}.${suggestion} Send /help for the commands.`);
});

fallbackFeature.chatType("private").on("message:text", async (ctx) => {
  await ctx.say(fmt`I can't answer plain requests here. Send /help for what works.`);
});

// In groups, chatter that is not addressed to the bot gets no answer.
fallbackFeature.chatType("private").on("message", async (ctx) => {
  await ctx.say(fmt`I read text only: send a request or a command (/help).`);
});
