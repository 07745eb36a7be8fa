/**
 * How an approval card looks: what will run (summary, id, the exact `METHOD path?query`, the
 * body, the token it goes out with), how risky it is, who asked (in groups also who may decide), and
 * until when it can be decided;
 * and how it reads after the decision (who, when, outcome; no buttons).
 *
 * Everything that will be sent is on the card or in the file attached with it: a body too long for
 * a message is attached whole (`request-body.json`), never cut, so nothing hides past a preview.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import type { InlineKeyboardMarkup } from "grammy/types";
import { buttonData } from "./callback-data.ts";
import type { Approval } from "./approval-store.ts";
import type { Risk } from "./policy.ts";
import { bodyText, requestLine, UNCATALOGED, type StoredRequest } from "./stored-request.ts";

/** Bodies longer than this go in an attached file (a Telegram message holds 4,096 characters). */
const BODY_INLINE_CHARS = 1500;

/** What a card shows. */
export interface CardInput {
  approvalId: string;
  request: StoredRequest;
  risk: Risk;
  riskWhy?: string;
  requester: string;
  expiresAt: number;
}

/** A file sent with the card, when the body is too long to show inline. */
export interface CardAttachment {
  fileName: string;
  content: string;
}

/**
 * The card's text. `inGroup`: several people see the card, so it says who may decide
 * ("Ann or an approver"); the tap of anyone else is refused (./decide.ts).
 */
export function cardText(card: CardInput, options: { inGroup?: boolean } = {}): F {
  const { request } = card;
  const badge = card.risk === "destructive" ? F.bold("⚠️ DESTRUCTIVE") : F.italic("✏️ write");
  const lines: F[] = [
    fmt`${F.bold("Approval needed")} · ${badge}`,
    fmt`${request.summary || request.operationId} (${F.code(request.operationId)})`,
    F.code(requestLine(request)),
  ];
  if (request.operationId === UNCATALOGED) lines.push(F.bold("⚠️ This operation is not in the bot's API catalog: nothing checked its method, path or body. Make sure they are what you want."));
  if (request.body) {
    const text = bodyText(request.body);
    lines.push(text.length <= BODY_INLINE_CHARS
      ? fmt`Body:\n${F.pre(text, request.body.kind === "text" ? "" : "json")}`
      : fmt`Body: ${F.bold(`${text.length.toLocaleString("en-US")} characters, attached above as ${bodyFileName(card)}`)}; that file is exactly what will be sent.`);
  }
  lines.push(F.italic(`Sent with ${request.credential.label}`));
  if (request.permissions?.length) lines.push(F.italic(`Token permission needed: ${request.permissions.join(" or ")}`));
  if (request.returnsCredentials) lines.push(F.bold("🔑 The answer holds credentials: it is shown only to you, once, in a message you can delete; the snippet and the model get a placeholder."));
  if (card.risk === "destructive") lines.push(F.bold(`This cannot be taken back easily: ${card.riskWhy ?? "it is destructive"}. Read it twice.`));
  const deciders = options.inGroup ? ` · ${card.requester} or an approver can decide` : "";
  lines.push(F.italic(`Asked by ${card.requester}${deciders} · expires ${clock(card.expiresAt)} UTC`));
  return F.join(lines, "\n");
}

/** The body as a file, when it is too long for the card (send it before the card). */
export function cardAttachment(card: CardInput): CardAttachment | undefined {
  if (!card.request.body) return undefined;
  const text = bodyText(card.request.body);
  return text.length > BODY_INLINE_CHARS ? { fileName: bodyFileName(card), content: text } : undefined;
}

/** The card's buttons. "Approve all" is offered only on writes that are not destructive. */
export function cardKeyboard(approvalId: string, risk: Risk = "write"): InlineKeyboardMarkup {
  const decide = [{ text: "✅ Approve", callback_data: buttonData("ap", approvalId) }, { text: "❌ Reject", callback_data: buttonData("rj", approvalId) }];
  return {
    inline_keyboard: risk === "destructive" ? [decide] : [decide, [{ text: "✅ Approve all in this run", callback_data: buttonData("aa", approvalId) }]],
  };
}

/** The card after a decision: the original text (without who may decide: it is decided) plus who decided, when, and what happened. */
export function decidedCardText(card: CardInput, outcome: string): F {
  return fmt`${cardText(card)}\n\n${F.bold(outcome)}`;
}

/** The Undo button under a finished run's result; it names what it removes ("↩️ Undo: delete D1 database test-storia"). */
export function undoKeyboard(runId: string, removes: readonly string[] = []): InlineKeyboardMarkup {
  const what = removes.length === 1 ? `: delete ${removes[0]}` : removes.length > 1 ? `: delete ${removes.length} things` : "";
  const text = `↩️ Undo${what}`;
  return { inline_keyboard: [[{ text: text.length > 60 ? `${text.slice(0, 59)}…` : text, callback_data: buttonData("un", runId) }]] };
}

/** The Undo confirmation: each resource and the exact request that takes it back, newest change first. */
export function undoConfirmation(runId: string, writes: readonly Approval[]): { text: F; keyboard: InlineKeyboardMarkup } {
  const list = F.join(writes.map((w) => fmt`• delete ${w.undo!.label}: ${F.code(`${w.undo!.method} ${w.undo!.path}`)}`), "\n");
  const what = writes.length === 1 ? `delete ${writes[0]!.undo!.label}` : `delete these ${writes.length} things`;
  return {
    text: fmt`${F.bold(`Undo this run: ${what}?`)}\nThese requests will be sent, newest change first:\n${list}`,
    keyboard: { inline_keyboard: [[{ text: writes.length === 1 ? "↩️ Yes, delete it" : "↩️ Yes, delete them", callback_data: buttonData("uy", runId) }, { text: "Keep", callback_data: buttonData("uk", runId) }]] },
  };
}

/** The button under a message that shows credentials. */
export function deleteKeyboard(approvalId: string): InlineKeyboardMarkup {
  return { inline_keyboard: [[{ text: "🗑 Delete this message", callback_data: buttonData("dl", approvalId) }]] };
}

/** HH:MM in UTC. */
export function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

function bodyFileName(card: CardInput): string {
  return `request-body-${card.approvalId}.${card.request.body?.kind === "text" ? "txt" : "json"}`;
}
