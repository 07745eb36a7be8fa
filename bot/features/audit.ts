/** `/audit`: the chat's last executions, and `/audit <id>` for one in full. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { executionDetail, recentExecutions } from "../../approvals/audit.ts";
import { clock } from "../../approvals/approval-card.ts";
import { utcMinute } from "../format/dates.ts";

const STATUS_ICON: Record<string, string> = { completed: "✅", paused: "⏸", error: "⚠️", rejected: "❌", rolled_back: "↩️", requested: "…" };

/** The /audit feature over the D1 audit log. */
export function createAuditFeature(db: D1Database): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("audit", async (ctx) => {
    const id = ctx.match.trim();
    if (id === "") {
      const rows = await recentExecutions(db, ctx.chat.id, 10);
      if (rows.length === 0) {
        await ctx.say(fmt`Nothing has run in this chat yet. Try ${F.code("/cloudflare run return 1")}.`);
        return;
      }
      const lines = rows.map((r) => fmt`${STATUS_ICON[r.status] ?? "•"} ${F.code(r.execution_id ?? r.id)} ${r.status} · ${r.source} · ${String(r.calls)} calls · user ${String(r.user_id)} · ${utcMinute(r.started_at)}${r.error ? ` · ${r.error.slice(0, 80)}` : ""}`);
      await ctx.say(fmt`${F.bold("Last runs in this chat")}\n${F.join(lines, "\n")}\n\n${F.italic("/audit <id> shows one run in full.")}`);
      return;
    }
    const detail = await executionDetail(db, ctx.chat.id, id);
    if (!detail) {
      await ctx.say(fmt`No run ${F.code(id)} in this chat. ${F.code("/audit")} lists the last ones.`);
      return;
    }
    const { execution: e, calls } = detail;
    const callLines = calls.length === 0 ? [new F("(no API calls)")] : calls.map((c) => fmt`• ${c.method} ${c.path} (${c.operation}) · ${c.access}${c.risk ? `/${c.risk}` : ""} · ${c.status}${c.http_status ? ` ${String(c.http_status)}` : ""}${c.approver_id ? ` · by ${String(c.approver_id)} at ${clock(c.decided_at ?? 0)}` : ""}${c.duration_ms !== null ? ` · ${String(c.duration_ms)} ms` : ""}${c.error ? ` · ${c.error.slice(0, 120)}` : ""}`);
    await ctx.say(fmt`${F.bold(`Run ${e.execution_id ?? e.id}`)} ${STATUS_ICON[e.status] ?? ""} ${e.status}
Asked by user ${String(e.user_id)} (${e.source}) · ${utcMinute(e.started_at)}${e.duration_ms !== null ? ` · ${String(e.duration_ms)} ms` : ""}
Code sha-256 ${F.code(e.code_hash.slice(0, 16))}${e.error ? `\nError: ${e.error}` : ""}
${F.pre(e.code.slice(0, 1500), "js")}
${F.bold("Calls")}
${F.join(callLines, "\n")}`);
  });
  return feature;
}

