/**
 * The buttons of a run: Approve / Reject / Approve all on a card, Undo and its confirmation under
 * a result, and the delete button under credentials. One handler per verb; each asks the chat's
 * run owner, answers the tap at once (so no button spins), then lets the run go on.
 *
 * The decision is durable before the tap is answered: a failed answer (Telegram refuses to answer
 * a tap handled late: "query is too old") or a failure after it never loses an approved write.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import { buttonPattern } from "../../approvals/callback-data.ts";
import { describeError } from "../../core/errors.ts";
import type { TapAnswer } from "../../skills/cloudflare/code-mode/runs.ts";
import type { BotContext } from "../context.ts";

/** The buttons feature. */
export const approvalButtonsFeature = new Composer<BotContext>();

approvalButtonsFeature.callbackQuery(buttonPattern("ap", "rj", "aa"), async (ctx) => {
  const verb = ctx.match[1] as "ap" | "rj" | "aa";
  await answer(ctx, await ctx.services.runs.tap({ verb, approvalId: ctx.match[2]!, tapper: ctx.requester }));
});

approvalButtonsFeature.callbackQuery(buttonPattern("un"), async (ctx) => {
  await answer(ctx, await ctx.services.runs.askUndo(ctx.match[2]!, ctx.requester));
});

approvalButtonsFeature.callbackQuery(buttonPattern("uy"), async (ctx) => {
  const tapped = await ctx.services.runs.confirmUndo(ctx.match[2]!, ctx.requester);
  if (tapped.continue) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  await answer(ctx, tapped);
});

approvalButtonsFeature.callbackQuery(buttonPattern("uk"), async (ctx) => {
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  await answer(ctx, { text: "Kept: nothing was undone." });
});

// Credentials are shown only in a private chat: whoever taps there is the person they were shown to.
approvalButtonsFeature.chatType("private").callbackQuery(buttonPattern("dl"), async (ctx) => {
  await ctx.deleteMessage().catch(() => undefined);
  await answer(ctx, { text: "Deleted." });
});

/** Answers the tap, then runs what the decision started; neither failure loses the decision. */
async function answer(ctx: BotContext, tapped: TapAnswer): Promise<void> {
  await ctx.answerCallbackQuery({ text: tapped.text.slice(0, 200), ...(tapped.alert ? { show_alert: true } : {}) })
    .catch((error: unknown) => console.warn(JSON.stringify({ level: "warn", event: "tap_answer_failed", chat_id: ctx.chat?.id, error: describeError(error) })));
  if (!tapped.continue) return;
  try {
    await tapped.continue();
  } catch (error) {
    // The decision is already recorded: retrying the tap would only be told "already approved".
    console.error(JSON.stringify({ level: "error", event: "after_decision_failed", chat_id: ctx.chat?.id, error: describeError(error) }));
    await ctx.say(fmt`${F.bold("⚠️ Something failed after the decision")}: ${error instanceof Error ? error.message : String(error)}\nThe decision itself is recorded; see ${"/audit"}.`).catch(() => undefined);
  }
}
