/** What the bot says to anything no feature handled: unknown commands, free text, stale buttons. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import { sendLong } from "../format/send.ts";
import { STALE_BUTTON_LINE } from "./copy.ts";

/** The fallback feature; installed last. */
export const fallbackFeature = new Composer<Context>();

fallbackFeature.on("callback_query", async (ctx) => {
  await ctx.answerCallbackQuery({ text: STALE_BUTTON_LINE });
});

fallbackFeature.on("message:text", async (ctx) => {
  const text = ctx.message.text;
  if (text.startsWith("/")) {
    const command = text.split(/[\s@]/)[0] ?? text;
    await sendLong(ctx.api, ctx.chat.id, fmt`I don't know ${F.code(command)}. Send ${F.code("/help")} for the commands.`);
    return;
  }
  // In groups, plain chatter is not addressed to the bot.
  if (ctx.chat.type !== "private") return;
  await sendLong(ctx.api, ctx.chat.id, fmt`I can't understand plain requests yet: no model is connected in this version. Send ${F.code("/help")} for what works today.`);
});

fallbackFeature.on("message", async (ctx) => {
  if (ctx.chat.type !== "private") return;
  await sendLong(ctx.api, ctx.chat.id, fmt`I read text only: send a request or a command (${F.code("/help")}).`);
});
