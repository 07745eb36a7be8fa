/**
 * `/audit`: the chat's last runs, each with a button that opens it; `/audit <number>` (or an id)
 * and that button show one run in full. A run is only ever found within the chat it ran in, so a
 * forged or stale button can show nothing of another chat (strangers never get this far).
 */
import { fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import { executionDetail, recentExecutions } from "../../approvals/audit.ts";
import { buttonPattern } from "../../approvals/callback-data.ts";
import type { BotContext } from "../context.ts";
import { auditDetail, auditList } from "../presenters/audit-view.ts";

/** The /audit feature over the D1 audit log. */
export function createAuditFeature(db: D1Database): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("audit", async (ctx) => {
    const id = ctx.match.trim();
    if (id === "") {
      const rows = await recentExecutions(db, ctx.chat.id, 10);
      if (rows.length === 0) {
        await ctx.say(fmt`Nothing has run in this chat yet. Try /cloudflare run return 1`);
        return;
      }
      const { text, keyboard } = auditList(rows);
      await ctx.say(text, { replyMarkup: keyboard });
      return;
    }
    const detail = await executionDetail(db, ctx.chat.id, id);
    await ctx.say(detail ? auditDetail(detail.execution, detail.calls) : fmt`No run ${id} in this chat. /audit lists the last ones.`);
  });

  feature.callbackQuery(buttonPattern("ad"), async (ctx) => {
    const chatId = ctx.chat?.id;
    const detail = chatId === undefined ? undefined : await executionDetail(db, chatId, ctx.match[2]!);
    if (!detail) {
      await ctx.answerCallbackQuery({ text: "That run is not in this chat's audit log (any more). Send /audit for the latest.", show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.say(auditDetail(detail.execution, detail.calls));
  });
  return feature;
}
