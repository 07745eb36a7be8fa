/**
 * Everything a run shows in the chat: its approval cards (sent, then edited once decided), the
 * private message with credentials, the Undo confirmation and report, and, for runs started in
 * the chat, their outcome (result, error, refusal, rejection). Every message goes where the run's
 * `answerTo` says: the forum topic the request came from and, in groups, as a reply to the request
 * (also after a tap minutes later). In groups a card says who may decide it. This is the chat's
 * `ChatDesk` and the listener of chat-started runs.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { InputFile, type Api } from "grammy";
import { cardAttachment, cardKeyboard, cardText, decidedCardText, deleteKeyboard, undoConfirmation, undoKeyboard, type CardInput } from "../../approvals/approval-card.ts";
import type { Approval } from "../../approvals/approval-store.ts";
import type { RunRecord, RunStore } from "../../approvals/run-store.ts";
import { requestLine } from "../../approvals/stored-request.ts";
import { describeError } from "../../core/errors.ts";
import type { ChatDesk, RunEnd, RunListener } from "../../skills/cloudflare/code-mode/run-listener.ts";
import { runFooter } from "../format/run-footer.ts";
import { renderResult } from "../format/run-result.ts";
import { answerOptions, answerParams, sendLong } from "../format/send.ts";

/** The chat's desk and the listener of runs started in it. */
export class ChatPresenter implements ChatDesk, RunListener {
  private readonly api: Api;
  private readonly chatId: number;
  private readonly runs: RunStore;

  constructor(api: Api, chatId: number, runs: RunStore) {
    this.api = api;
    this.chatId = chatId;
    this.runs = runs;
  }

  async showCard(run: RunRecord, card: CardInput, approvedAutomatically: string | undefined): Promise<number> {
    const attachment = cardAttachment(card);
    if (attachment) await this.api.sendDocument(this.chatId, document(attachment.content, attachment.fileName), answerParams(run.answerTo));
    const text = approvedAutomatically ? decidedCardText(card, approvedAutomatically) : cardText(card, { inGroup: this.chatId < 0 });
    const sent = await this.api.sendMessage(this.chatId, text.text, {
      entities: text.entities, link_preview_options: { is_disabled: true }, ...answerParams(run.answerTo),
      ...(approvedAutomatically ? {} : { reply_markup: cardKeyboard(card.approvalId, card.risk) }),
    });
    return sent.message_id;
  }

  async closeCard(_run: RunRecord, approval: Approval, card: CardInput, outcome: string): Promise<void> {
    if (approval.messageId === null) return;
    const text = approval.hasRequest ? decidedCardText(card, outcome) : new F(outcome);
    // A card that cannot be edited (deleted, too old) must not stop the run: the decision is on record.
    await this.api.editMessageText(this.chatId, approval.messageId, text.text, { entities: text.entities, reply_markup: { inline_keyboard: [] } })
      .catch((error: unknown) => console.warn(JSON.stringify({ level: "warn", event: "card_edit_failed", approval: approval.id, error: describeError(error) })));
  }

  async showCredentials(run: RunRecord, approval: Approval, result: unknown): Promise<void> {
    // Cards for credentials are refused in groups before they exist; this is the last check.
    if (this.chatId < 0) throw new Error("credentials are never shown in a group");
    const text = typeof result === "string" ? result : JSON.stringify(result, null, 2);
    const header = `🔑 ${approval.request.operationId} (${requestLine(approval.request)}): this message holds credentials. Copy what you need, then delete it.`;
    if (text.length > 3000) {
      await this.api.sendDocument(this.chatId, document(text, "credentials.json"), { caption: header, reply_markup: deleteKeyboard(approval.id), ...answerParams(run.answerTo) });
      return;
    }
    const message = fmt`${F.bold(header)}\n${F.pre(text, "json")}`;
    await this.api.sendMessage(this.chatId, message.text, { entities: message.entities, reply_markup: deleteKeyboard(approval.id), link_preview_options: { is_disabled: true }, ...answerParams(run.answerTo) });
  }

  async confirmUndo(run: RunRecord, writes: readonly Approval[]): Promise<void> {
    const { text, keyboard } = undoConfirmation(run.runId, writes);
    await sendLong(this.api, this.chatId, text, { replyMarkup: keyboard, ...answerOptions(run.answerTo) });
  }

  async undone(run: RunRecord, report: { by: string; reverted: number; removed: string[]; failures: string[] }): Promise<void> {
    const carrier = this.runs.undoMessage(run.runId);
    if (carrier !== undefined) await this.api.editMessageReplyMarkup(this.chatId, carrier, { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    const removed = report.removed.length > 0 ? `deleted ${report.removed.join(", ")}` : "nothing was deleted";
    const left = report.failures.length > 0 ? `; ${report.failures.length} could not be undone:\n${report.failures.map((f) => `• ${f}`).join("\n")}` : ".";
    await sendLong(this.api, this.chatId, fmt`${F.bold(`↩️ Undone by ${report.by}`)}: ${removed}${left}`, answerOptions(run.answerTo));
  }

  async notice(run: RunRecord, text: string): Promise<void> {
    await sendLong(this.api, this.chatId, new F(text), answerOptions(run.answerTo));
  }

  async paused(): Promise<void> {
    // The cards are the message: nothing more to say while a chat-started run waits.
  }

  async finished(run: RunRecord, end: RunEnd): Promise<void> {
    const where = answerOptions(run.answerTo);
    switch (end.status) {
      case "completed": {
        const note = end.undo.irreversible.length > 0 ? fmt`\n${F.italic(`Can't be undone automatically: ${end.undo.irreversible.join("; ")}`)}` : new F("");
        const view = renderResult(end.result, { calls: end.reads + end.writes, writes: end.writes, ms: elapsed(run), ...(end.logs ? { logs: end.logs } : {}) });
        const keyboard = end.undo.reversible > 0 ? undoKeyboard(run.runId, end.undo.removes) : undefined;
        const sent = await sendLong(this.api, this.chatId, fmt`${view.text}${note}`, { ...where, ...(keyboard ? { replyMarkup: keyboard } : {}) });
        const carrier = sent.at(-1);
        if (keyboard && carrier) this.runs.setUndoMessage(run.runId, carrier.message_id);
        // After the message that refers to it, so the file is read in the right order.
        if (view.document) await this.api.sendDocument(this.chatId, document(view.document.content, view.document.fileName), answerParams(run.answerTo));
        return;
      }
      case "error":
        await sendLong(this.api, this.chatId, fmt`${F.bold("⚠️ The snippet failed")}\n${end.error}\n\n${F.italic(runFooter({ apiCalls: end.apiCalls ?? 0, ms: elapsed(run) }))}`, where);
        return;
      case "refused":
        await sendLong(this.api, this.chatId, fmt`${F.bold("⛔")} ${end.reason}`, where);
        return;
      case "rejected":
        // An expired or voided card says so on the card itself; a rejection by a person gets one line.
        if (end.reason.startsWith("rejected by")) await sendLong(this.api, this.chatId, fmt`Rejected: the run stopped and ${F.code(run.executionId ?? run.runId)} made no further changes.`, where);
    }
  }
}

/** How long a run took, from its start to its end (including any wait for a tap). */
function elapsed(run: RunRecord): number {
  return (run.finishedAt ?? Date.now()) - run.createdAt;
}

function document(content: string, fileName: string): InputFile {
  return new InputFile(new TextEncoder().encode(content), fileName);
}
