/**
 * Running code against the Cloudflare API from the chat, and the buttons that gate it:
 * `/cloudflare run <js>`, a message that is a ```js code block, and taps on approval cards and
 * Undo buttons. The work itself happens in `CodeModeService` (skills/cloudflare/code-mode/).
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import type { TapAnswer } from "../../approvals/approval-flow.ts";
import { parseButtonData } from "../../approvals/callback-data.ts";
import type { CodeModeService, Requester } from "../../skills/cloudflare/code-mode/code-mode-service.ts";
import { describeError } from "../errors.ts";
import { sendLong } from "../format/send.ts";

const CODE_BLOCK = /^```(?:js|javascript|ts|typescript)?[ \t]*\n([\s\S]*?)\n?```\s*$/;

/** The Code Mode feature; `codeModeFor` gives the chat's service. */
export function createCodeModeFeature(codeModeFor: (chatId: number) => CodeModeService): Composer<Context> {
  const feature = new Composer<Context>();

  feature.command("cloudflare", async (ctx, next) => {
    const match = /^\s*run\b([\s\S]*)$/.exec(ctx.match);
    if (!match) return next();
    const code = stripFences(match[1]!.trim());
    if (code === "") {
      await sendLong(ctx.api, ctx.chat.id, fmt`Send the code after ${F.code("/cloudflare run")}, for example:\n${F.pre('const zones = await cloudflare.read({ op: "zones.list" });\nreturn zones.map((z) => z.name);', "js")}`);
      return;
    }
    await runFor(ctx, codeModeFor, code);
  });

  feature.on("message:text", async (ctx, next) => {
    const block = CODE_BLOCK.exec(ctx.message.text.trim());
    if (!block) return next();
    await runFor(ctx, codeModeFor, block[1]!);
  });

  feature.on("callback_query:data", async (ctx, next) => {
    const button = parseButtonData(ctx.callbackQuery.data);
    const chatId = ctx.callbackQuery.message?.chat.id;
    if (!button || chatId === undefined) return next();
    const service = codeModeFor(chatId);
    const tapper = requesterOf(ctx);
    let answer: TapAnswer;
    switch (button.verb) {
      case "ap": case "rj": case "aa":
        answer = await service.flow.decide(button.verb, button.id, tapper);
        break;
      case "un":
        answer = await service.undo.ask(button.id, tapper);
        break;
      case "uy":
        answer = await service.undo.confirm(button.id, tapper);
        if (answer.continue && ctx.callbackQuery.message) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
        break;
      case "dl":
        // Only the person the credentials were shown to may delete them (in a private chat, that is everyone there).
        await ctx.deleteMessage().catch(() => undefined);
        answer = { text: "Deleted." };
        break;
      case "uk":
        answer = { text: "Kept: nothing was undone." };
        if (ctx.callbackQuery.message) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
        break;
    }
    // The decision is already durable: a failed answer (a late tap is "too old" for Telegram) must not stop the run.
    await ctx.answerCallbackQuery({ text: answer.text.slice(0, 200), ...(answer.alert ? { show_alert: true } : {}) })
      .catch((error: unknown) => console.warn(JSON.stringify({ level: "warn", event: "tap_answer_failed", chat_id: chatId, error: describeError(error) })));
    if (answer.continue) await continueSafely(ctx, answer.continue);
  });

  return feature;
}

async function runFor(ctx: Context, codeModeFor: (chatId: number) => CodeModeService, code: string): Promise<void> {
  const chatId = ctx.chat!.id;
  await ctx.api.sendChatAction(chatId, "typing").catch(() => undefined);
  await codeModeFor(chatId).run(code, requesterOf(ctx));
}

/**
 * Runs what a decision started. The decision is already persisted, so a failure here must not
 * make the inbox retry the tap (it would only be told "already approved"): it is reported instead.
 */
async function continueSafely(ctx: Context, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(JSON.stringify({ level: "error", event: "after_decision_failed", chat_id: ctx.chat?.id, error: describeError(error) }));
    await sendLong(ctx.api, ctx.chat!.id, fmt`${F.bold("⚠️ Something failed after the decision")}: ${error instanceof Error ? error.message : String(error)}\nThe decision itself is recorded; see ${F.code("/audit")}.`).catch(() => undefined);
  }
}

/** The person behind an update, as named on cards and in the audit log. */
export function requesterOf(ctx: Context): Requester {
  const from = ctx.from!;
  return { id: from.id, name: from.username ? `${from.first_name} (@${from.username})` : from.first_name };
}

function stripFences(code: string): string {
  return CODE_BLOCK.exec(code)?.[1] ?? code;
}
