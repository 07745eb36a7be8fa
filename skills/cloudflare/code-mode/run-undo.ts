/**
 * Undo of a finished run: the undo requests the write gate recorded from what the API returned
 * (approvals/undo.ts), sent newest write first, each once. A write made with a token the
 * requester has since replaced is not undone with the new one: the person is told to do it by hand.
 */
import type { Approval, ApprovalStore } from "../../../approvals/approval-store.ts";
import { auditCallFinished, auditCallStarted } from "../../../approvals/audit.ts";
import type { RunRecord } from "../../../approvals/run-store.ts";
import type { RequesterCredentials } from "./requester-credentials.ts";

/** What undoing needs. */
export interface UndoDeps {
  approvals: ApprovalStore;
  db: D1Database;
  chatId: number;
  credentials: RequesterCredentials;
}

/** Sends every undo request of a run; returns what was removed and why the others were not. */
export async function undoRun(deps: UndoDeps, run: RunRecord): Promise<{ reverted: number; removed: string[]; failures: string[] }> {
  const failures: string[] = [];
  const removed: string[] = [];
  for (const write of deps.approvals.undoable(run.runId)) {
    const failure = await undoOne(deps, run, write);
    if (failure) failures.push(failure);
    else removed.push(write.undo!.label);
  }
  return { reverted: removed.length, removed, failures };
}

/** Sends one stored undo request; returns why it failed, or undefined. */
async function undoOne(deps: UndoDeps, run: RunRecord, write: Approval): Promise<string | undefined> {
  const undo = write.undo!;
  const current = await deps.credentials.credentialFor(run.requesterId).catch(() => undefined);
  if (current?.ref.id !== write.request.credential.id) {
    return `${undo.label}: it was made with ${write.request.credential.label}, which ${run.requesterName} has since replaced; undo it by hand`;
  }
  if (!deps.approvals.markCallUndone(write.id, Date.now())) return undefined;
  const operation = `undo ${write.request.operationId}`;
  const auditId = await auditCallStarted(deps.db, {
    executionId: run.executionId ?? "", chatId: deps.chatId, operation, method: undo.method, path: undo.path,
    access: "write", risk: "destructive", requesterId: run.requesterId,
  });
  try {
    const response = await current.client.request({ method: undo.method, path: undo.path, operation });
    await auditCallFinished(deps.db, auditId, { ok: true, httpStatus: response.status });
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await auditCallFinished(deps.db, auditId, { ok: false, error: message });
    return `${undo.label}: ${message}`;
  }
}
