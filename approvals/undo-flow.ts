/**
 * The Undo button of a finished run: a confirmation first, naming each resource and the exact
 * request that will take it back, then those requests, newest write first. Everything comes from
 * the write gate's record of what the API returned (approvals/undo.ts), never from the
 * snippet-writable execution log. An undo works once; only the requester or an approver may do
 * it; a write made with a token the requester has since replaced is not undone with the new one.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { sendLong } from "../bot/format/send.ts";
import type { ApprovalFlowDeps, TapAnswer } from "./approval-flow.ts";
import type { Approval, RunRecord } from "./approval-store.ts";
import { auditCallFinished, auditCallStarted, auditExecutionStatus } from "./audit.ts";
import { buttonData } from "./callback-data.ts";

/** Undo for one chat. */
export class UndoFlow {
  private readonly d: ApprovalFlowDeps;

  constructor(deps: ApprovalFlowDeps) {
    this.d = deps;
  }

  /** First tap: shows exactly what would be undone and how, and asks to confirm. */
  async ask(runId: string, tapper: { id: number }): Promise<TapAnswer> {
    const check = this.check(runId, tapper.id);
    if (!("run" in check)) return check;
    const writes = this.d.store.undoable(runId);
    if (writes.length === 0) return { text: "Nothing in this run can be undone.", alert: true };
    const list = F.join(writes.map((w) => fmt`• ${w.undo!.label}: ${F.code(`${w.undo!.method} ${w.undo!.path}`)}`), "\n");
    await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("Undo this run?")}\nThese requests will be sent, newest change first:\n${list}`, {
      replyMarkup: { inline_keyboard: [[{ text: "↩️ Yes, undo", callback_data: buttonData("uy", runId) }, { text: "Keep", callback_data: buttonData("uk", runId) }]] },
    });
    return { text: "Confirm below." };
  }

  /** Second tap: sends the undo requests (once) and reports. */
  async confirm(runId: string, tapper: { id: number; name: string }): Promise<TapAnswer> {
    const check = this.check(runId, tapper.id);
    if (!("run" in check)) return check;
    if (!this.d.store.markUndone(runId, Date.now())) return { text: "This run was already undone.", alert: true };
    const { run } = check;
    return {
      text: "Undoing…",
      continue: async () => {
        const failures: string[] = [];
        let reverted = 0;
        for (const write of this.d.store.undoable(runId)) {
          const failure = await this.undoOne(run, write);
          if (failure) failures.push(failure); else reverted += 1;
        }
        await auditExecutionStatus(this.d.db, run.executionId, "rolled_back", failures.length > 0 ? failures.join("; ") : undefined);
        const carrier = this.d.store.undoMessage(runId);
        if (carrier !== undefined) await this.d.api.editMessageReplyMarkup(this.d.chatId, carrier, { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
        const left = failures.length > 0 ? `, ${failures.length} could not be reverted:\n${failures.map((f) => `• ${f}`).join("\n")}` : ".";
        await sendLong(this.d.api, this.d.chatId, fmt`${F.bold(`↩️ Undone by ${tapper.name}`)}: ${String(reverted)} change${reverted === 1 ? "" : "s"} reverted${left}`);
      },
    };
  }

  /** Sends one stored undo request; returns why it failed, or undefined. */
  private async undoOne(run: RunRecord, write: Approval): Promise<string | undefined> {
    const undo = write.undo!;
    const current = await this.d.credentialFor(run.requesterId).catch(() => undefined);
    if (current?.id !== write.request.credential.id) return `${undo.label}: it was made with ${write.request.credential.label}, which ${run.requesterName} has since replaced; undo it by hand`;
    if (!this.d.store.markCallUndone(write.id, Date.now())) return undefined;
    const auditId = await auditCallStarted(this.d.db, {
      executionId: run.executionId, chatId: this.d.chatId, operation: `undo ${write.request.operationId}`, method: undo.method, path: undo.path,
      access: "write", risk: "destructive", requesterId: run.requesterId,
    });
    try {
      const response = await this.d.send(run.requesterId, { method: undo.method, path: undo.path, operation: `undo ${write.request.operationId}` });
      await auditCallFinished(this.d.db, auditId, { ok: true, httpStatus: response.status });
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await auditCallFinished(this.d.db, auditId, { ok: false, error: message });
      return `${undo.label}: ${message}`;
    }
  }

  private check(runId: string, tapperId: number): TapAnswer | { run: RunRecord } {
    const run = this.d.store.run(runId);
    if (!run || run.chatId !== this.d.chatId) return { text: "This button is no longer active.", alert: true };
    if (tapperId !== run.requesterId && !this.d.approverIds.includes(tapperId)) {
      return { text: `Only ${run.requesterName} or an approver can undo this.`, alert: true };
    }
    if (run.undoneAt) return { text: "This run was already undone.", alert: true };
    return { run };
  }
}
