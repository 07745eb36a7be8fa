/**
 * How /audit reads: the chat's last runs by their short number (#12), who asked by name, how many
 * API requests each sent, its model cost and any "Approve all", with a button per run; and one run
 * in full: every call with its operation, method, path, decision, who decided, when, and outcome.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AuditCallRow, AuditRun } from "../../approvals/audit.ts";
import { buttonData } from "../../approvals/callback-data.ts";
import { utcMinute } from "../format/dates.ts";
import { duration, plural } from "../format/run-footer.ts";

const STATUS_ICON: Record<string, string> = { completed: "✅", paused: "⏸", error: "⚠️", rejected: "❌", rolled_back: "↩️", requested: "…" };
const SOURCE: Record<string, string> = { run: "code", snippet: "snippet", model: "model", mcp: "MCP client" };
const STATUS_WORD: Record<string, string> = { completed: "completed", paused: "waiting for a tap", error: "failed", rejected: "stopped", rolled_back: "undone", requested: "running" };

/** The list of the last runs, with one details button per run. */
export function auditList(rows: readonly AuditRun[]): { text: F; keyboard: InlineKeyboardMarkup } {
  const lines = rows.map((r) => {
    const extras = [
      plural(r.calls, "API call"),
      ...(r.cost_usd !== null ? [cost(r.cost_usd)] : []),
      ...(r.approved_all > 0 ? [`${plural(r.approved_all, "write")} by Approve all`] : []),
    ].join(" · ");
    const why = r.error ? fmt`\n   ${F.italic(shorten(r.error, 140))}` : "";
    return fmt`${STATUS_ICON[r.status] ?? "•"} ${F.bold(runLabel(r))} ${statusOf(r)} · ${SOURCE[r.source] ?? r.source} · ${personOf(r)} · ${extras} · ${when(r.started_at)}${why}`;
  });
  const buttons = rows.map((r) => ({ text: `${runLabel(r)} details`, callback_data: buttonData("ad", r.id) }));
  const keyboard: InlineKeyboardMarkup = { inline_keyboard: chunk(buttons, 3) };
  return { text: fmt`${F.bold("Last runs in this chat")}\n${F.join(lines, "\n")}\n\n${F.italic("Tap a run for every call it made, or send /audit <number>.")}`, keyboard };
}

/** One run in full. */
export function auditDetail(e: AuditRun & { code: string; code_hash: string }, calls: readonly AuditCallRow[]): F {
  const names = new Map<number, string>([[e.user_id, personOf(e)]]);
  for (const c of calls) if (c.approver_id !== null && c.approver_name) names.set(c.approver_id, c.approver_name);
  const callLines = calls.length === 0 ? [new F("(no API calls)")] : calls.map((c, i) => callLine(i + 1, c, names));
  const facts = [
    `asked by ${personOf(e)}`,
    SOURCE[e.source] ?? e.source,
    utcMinute(e.started_at),
    ...(e.duration_ms !== null ? [duration(e.duration_ms)] : []),
    plural(e.calls, "API call"),
    ...(e.cost_usd !== null ? [`model cost ${cost(e.cost_usd)}`] : []),
  ].join(" · ");
  return fmt`${F.bold(`Run ${runLabel(e)}`)} ${STATUS_ICON[e.status] ?? ""} ${statusOf(e)}
${facts}${e.error ? fmt`\n${F.bold("Why:")} ${e.error}` : ""}
${F.pre(e.code.slice(0, 1500), "js")}
${F.bold(`Calls (${calls.length})`)}
${F.join(callLines, "\n")}
${F.italic(`Run id ${e.execution_id ?? e.id} · code sha-256 ${e.code_hash.slice(0, 16)}`)}`;
}

function callLine(n: number, c: AuditCallRow, names: Map<number, string>): F {
  const decision = c.access === "read" ? "read, no approval needed"
    : c.operation.startsWith("undo ") ? "sent by Undo, after its confirmation"
    : decisionOf(c, names);
  const outcome = c.status === "ok" ? `ok${c.http_status ? ` ${c.http_status}` : ""}`
    : c.status === "failed" ? `failed${c.http_status ? ` ${c.http_status}` : ""}${c.error ? `: ${shorten(c.error, 160)}` : ""}`
    : c.status === "started" ? "sent, no answer recorded"
    : c.status === "pending" ? "waiting for a tap"
    : "not sent";
  // A card's row starts when the card is shown, so its duration would include the wait for a tap.
  const took = c.duration_ms !== null && c.decided_at === null && (c.status === "ok" || c.status === "failed") ? ` · ${duration(c.duration_ms)}` : "";
  return fmt`${String(n)}. ${F.bold(c.operation)}${c.risk === "destructive" ? " ⚠️" : ""}\n   ${F.code(`${c.method} ${c.path}`)}\n   ${decision} → ${outcome}${took}`;
}

function decisionOf(c: AuditCallRow, names: Map<number, string>): string {
  const who = c.approver_id !== null ? (c.approver_name ?? names.get(c.approver_id) ?? `user ${c.approver_id}`) : undefined;
  const when = c.decided_at !== null ? ` at ${utcMinute(c.decided_at).slice(11)}` : "";
  switch (c.status === "ok" || c.status === "failed" || c.status === "started" ? "approved" : c.status) {
    case "approved":
      if (c.approved_via === "automatic") return `approved automatically (Approve all by ${who ?? "the approver"})${when}`;
      return `approved by ${who ?? "someone"}${c.approved_via === "approve_all" ? " (Approve all)" : ""}${when}`;
    case "rejected":
      return who ? `rejected by ${who}${when}` : `void${when}`;
    case "expired":
      return `expired${when}, nobody decided`;
    default:
      return "card shown";
  }
}

/** `#12` (runs from before numbers existed show the start of their id). */
export function runLabel(r: Pick<AuditRun, "number" | "id">): string {
  return r.number !== null ? `#${r.number}` : r.id.slice(0, 12);
}

function statusOf(r: Pick<AuditRun, "status">): string {
  return STATUS_WORD[r.status] ?? r.status;
}

/** `20:54 UTC` today, `2026-11-28 20:54 UTC` before. */
function when(at: number, now = Date.now()): string {
  const full = utcMinute(at);
  return full.slice(0, 10) === utcMinute(now).slice(0, 10) ? full.slice(11) : full;
}

function personOf(r: Pick<AuditRun, "user_id" | "user_name">): string {
  return r.user_name ?? `user ${r.user_id}`;
}

function cost(usd: number): string {
  return usd < 0.0001 ? "<$0.0001" : `$${usd.toFixed(4)}`;
}

/** The text up to `max` characters, ended at a sentence or word boundary with "…" when cut (never mid-word). */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const head = flat.slice(0, max);
  const sentence = Math.max(head.lastIndexOf(". "), head.lastIndexOf("; "));
  if (sentence >= max / 2) return `${head.slice(0, sentence + 1)} …`;
  const word = head.lastIndexOf(" ");
  return `${(word > max / 2 ? head.slice(0, word) : head).replace(/[,;:\s]+$/, "")}…`;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}
