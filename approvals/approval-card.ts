/**
 * How an approval card looks: what will run (summary, id, `METHOD path` with the parameters filled
 * in, the body), how risky it is, who asked, and until when it can be decided; and how it reads
 * after the decision (who, when, outcome; no buttons).
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import type { InlineKeyboardMarkup } from "grammy/types";
import { buttonData } from "./callback-data.ts";
import type { Risk } from "./policy.ts";

/** Bodies longer than this are cut on the card (the full body still runs). */
const BODY_PREVIEW_CHARS = 1200;

/** What a card shows. */
export interface CardInput {
  approvalId: string;
  operationId: string;
  summary: string;
  method: string;
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  risk: Risk;
  riskWhy?: string;
  requester: string;
  expiresAt: number;
}

/** The card's text. */
export function cardText(card: CardInput): F {
  const badge = card.risk === "destructive" ? F.bold("⚠️ DESTRUCTIVE") : F.italic("✏️ write");
  const query = card.query && Object.keys(card.query).length > 0 ? `?${new URLSearchParams(Object.entries(card.query).map(([k, v]) => [k, String(v)]))}` : "";
  const lines: F[] = [
    fmt`${F.bold("Approval needed")} · ${badge}`,
    fmt`${card.summary || card.operationId} (${F.code(card.operationId)})`,
    F.code(`${card.method} ${card.path}${query}`),
  ];
  if (card.body !== undefined) lines.push(fmt`Body:\n${F.pre(previewBody(card.body), "json")}`);
  if (card.risk === "destructive") lines.push(F.bold(`This cannot be taken back easily: ${card.riskWhy ?? "it is destructive"}. Read it twice.`));
  lines.push(F.italic(`Asked by ${card.requester} · expires ${clock(card.expiresAt)} UTC`));
  return F.join(lines, "\n");
}

/** The card's buttons. */
export function cardKeyboard(approvalId: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [{ text: "✅ Approve", callback_data: buttonData("ap", approvalId) }, { text: "❌ Reject", callback_data: buttonData("rj", approvalId) }],
      [{ text: "✅ Approve all in this run", callback_data: buttonData("aa", approvalId) }],
    ],
  };
}

/** The card after a decision: the original text plus who decided, when, and what happened. */
export function decidedCardText(card: CardInput, outcome: string): F {
  return fmt`${cardText(card)}\n\n${F.bold(outcome)}`;
}

/** A body as pretty JSON, cut with a note when long. */
export function previewBody(body: unknown): string {
  let text: string;
  if (typeof body === "string") text = body;
  else {
    try { text = JSON.stringify(body, null, 2) ?? String(body); } catch { text = String(body); }
  }
  if (text.length <= BODY_PREVIEW_CHARS) return text;
  return `${text.slice(0, BODY_PREVIEW_CHARS)}\n… (${(text.length - BODY_PREVIEW_CHARS).toLocaleString("en-US")} more characters not shown)`;
}

/** HH:MM in UTC. */
export function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}
