/**
 * The Undo button of a finished run: a confirmation first (what will be deleted), then codemode's
 * `rollback`, which calls each applied write's revert in reverse order (approvals/undo.ts says
 * how). An undo works once; only the requester or an approver may do it; the report says what
 * was reverted and what could not be.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { sendLong } from "../bot/format/send.ts";
import type { ApprovalFlowDeps, TapAnswer } from "./approval-flow.ts";
import type { RunRecord } from "./approval-store.ts";
import { auditExecutionStatus } from "./audit.ts";
import { buttonData } from "./callback-data.ts";

/** Undo for one chat. */
export class UndoFlow {
  private readonly d: ApprovalFlowDeps;

  constructor(deps: ApprovalFlowDeps) {
    this.d = deps;
  }

  /** First tap: shows what would be undone and asks to confirm. */
  async ask(runId: string, tapper: { id: number }): Promise<TapAnswer> {
    const check = this.check(runId, tapper.id);
    if (!("run" in check)) return check;
    const entries = await this.appliedWrites(check.run.executionId, check.run.requesterId);
    if (entries.length === 0) return { text: "Nothing in this run can be undone.", alert: true };
    const list = entries.map((e) => `• ${e}`).join("\n");
    await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("Undo this run?")}\nThese changes will be reverted, newest first:\n${list}`, {
      replyMarkup: { inline_keyboard: [[{ text: "↩️ Yes, undo", callback_data: buttonData("uy", runId) }, { text: "Keep", callback_data: buttonData("uk", runId) }]] },
    });
    return { text: "Confirm below." };
  }

  /** Second tap: rolls the run back (once) and reports. */
  async confirm(runId: string, tapper: { id: number; name: string }): Promise<TapAnswer> {
    const check = this.check(runId, tapper.id);
    if (!("run" in check)) return check;
    if (!this.d.store.markUndone(runId, Date.now())) return { text: "This run was already undone.", alert: true };
    const { run } = check;
    return {
      text: "Undoing…",
      continue: async () => {
        const runtime = this.d.runtimeFor(run.requesterId);
        let failure: string | undefined;
        try {
          await runtime.rollback({ executionId: run.executionId });
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        const log = (await runtime.executions(50)).find((e) => e.id === run.executionId)?.log ?? [];
        const reverted = log.filter((l) => l.method === "write" && l.state === "reverted").length;
        const left = log.filter((l) => l.method === "write" && l.state === "applied").length;
        await auditExecutionStatus(this.d.db, run.executionId, "rolled_back", failure);
        const carrier = this.d.store.undoMessage(runId);
        if (carrier !== undefined) await this.d.api.editMessageReplyMarkup(this.d.chatId, carrier, { reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
        await sendLong(this.d.api, this.d.chatId, fmt`${F.bold(`↩️ Undone by ${tapper.name}`)}: ${String(reverted)} change${reverted === 1 ? "" : "s"} reverted${left > 0 ? `, ${left} could not be reverted` : ""}.${failure ? `\n${failure}` : ""}`);
      },
    };
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

  private async appliedWrites(executionId: string, requesterId: number): Promise<string[]> {
    const log = (await this.d.runtimeFor(requesterId).executions(50)).find((e) => e.id === executionId)?.log ?? [];
    const out: string[] = [];
    for (const entry of log.filter((l) => l.method === "write" && l.state === "applied").reverse()) {
      const call = await this.d.resolve(entry.args, requesterId).catch(() => undefined);
      out.push(call ? `${(call.operation.summary || call.operation.id).replace(/\.$/, "")}: ${call.operation.method} ${call.path}` : "a write");
    }
    return out;
  }
}
