/**
 * The audit log in D1 (migrations/0002). Every execution gets a row before its code runs; every
 * API call gets a row before it is sent and is completed after; every approval decision is written
 * before the approved call runs. Nothing here ever stores a token, a request body or a result:
 * only what was done, by whom, when, and how it ended.
 */
import type { Risk } from "./policy.ts";

/** The statuses an execution row moves through. */
export type AuditExecutionStatus = "requested" | "paused" | "completed" | "error" | "rejected" | "rolled_back";

/** The statuses a call row moves through. */
export type AuditCallStatus =
  | "started" // a read (or an undo request) was sent
  | "pending" // a write's card was shown
  | "approved" | "rejected" | "expired" // the card was decided (`approver_id`, `decided_at`)
  | "ok" | "failed"; // the request returned (`http_status`, `error`)

/** A call's identity for the audit log. */
export interface AuditCall {
  executionId: string;
  chatId: number;
  seq?: number;
  operation: string;
  method: string;
  path: string;
  access: "read" | "write";
  risk?: Risk;
  requesterId?: number;
}

/** Records an execution before its code runs; returns our run id. */
export async function auditExecutionRequested(db: D1Database, row: { chatId: number; userId: number; source: "run" | "snippet" | "model" | "mcp"; code: string }): Promise<string> {
  const id = `run_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const now = Date.now();
  await db.prepare(
    `INSERT INTO audit_executions (id, chat_id, user_id, source, code_hash, code, status, started_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?)`,
  ).bind(id, row.chatId, row.userId, row.source, await sha256(row.code), row.code, now, now).run();
  return id;
}

/** Records how a pass of an execution ended (and links codemode's execution id). */
export async function auditExecutionUpdated(db: D1Database, runId: string, update: { executionId?: string; status: AuditExecutionStatus; error?: string; resultBytes?: number }): Promise<void> {
  const now = Date.now();
  await db.prepare(
    `UPDATE audit_executions SET execution_id = COALESCE(?, execution_id), status = ?, error = ?, result_bytes = COALESCE(?, result_bytes),
       updated_at = ?, duration_ms = ? - started_at WHERE id = ?`,
  ).bind(update.executionId ?? null, update.status, update.error?.slice(0, 2000) ?? null, update.resultBytes ?? null, now, now, runId).run();
}

/** Updates an execution's status by codemode's execution id (after an approval, rejection or undo). */
export async function auditExecutionStatus(db: D1Database, executionId: string, status: AuditExecutionStatus, error?: string): Promise<void> {
  const now = Date.now();
  await db.prepare("UPDATE audit_executions SET status = ?, error = COALESCE(?, error), updated_at = ?, duration_ms = ? - started_at WHERE execution_id = ?")
    .bind(status, error?.slice(0, 2000) ?? null, now, now, executionId).run();
}

/** Records a call before it is sent (or an approval card when it is shown); returns the row id. */
export async function auditCallStarted(db: D1Database, call: AuditCall, status: Extract<AuditCallStatus, "started" | "pending"> = "started"): Promise<number> {
  const row = await db.prepare(
    `INSERT INTO audit_calls (execution_id, chat_id, seq, operation, method, path, access, risk, status, requester_id, started_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).bind(call.executionId, call.chatId, call.seq ?? null, call.operation, call.method, call.path, call.access, call.risk ?? null, status,
    call.requesterId ?? null, Date.now()).first<{ id: number }>();
  return row?.id ?? 0;
}

/** Completes a call row after the call returned or failed. */
export async function auditCallFinished(db: D1Database, id: number, outcome: { ok: boolean; httpStatus?: number; error?: string }): Promise<void> {
  const now = Date.now();
  await db.prepare("UPDATE audit_calls SET status = ?, http_status = ?, error = ?, finished_at = ?, duration_ms = ? - started_at WHERE id = ?")
    .bind(outcome.ok ? "ok" : "failed", outcome.httpStatus ?? null, outcome.error?.slice(0, 2000) ?? null, now, now, id).run();
}

/** Records an approval decision (before the approved call runs). */
export async function auditDecision(db: D1Database, id: number, decision: Extract<AuditCallStatus, "approved" | "rejected" | "expired">, approverId: number | null, at: number): Promise<void> {
  await db.prepare("UPDATE audit_calls SET status = ?, approver_id = ?, decided_at = ? WHERE id = ?").bind(decision, approverId, at, id).run();
}

/** The last executions of a chat, newest first. */
export async function recentExecutions(db: D1Database, chatId: number, limit = 10) {
  const { results } = await db.prepare(
    `SELECT e.id, e.execution_id, e.user_id, e.source, e.status, e.error, e.started_at, e.duration_ms,
       (SELECT COUNT(*) FROM audit_calls c WHERE c.execution_id = e.execution_id) AS calls
     FROM audit_executions e WHERE e.chat_id = ? ORDER BY e.started_at DESC, e.rowid DESC LIMIT ?`,
  ).bind(chatId, limit).all<{ id: string; execution_id: string | null; user_id: number; source: string; status: string; error: string | null; started_at: number; duration_ms: number | null; calls: number }>();
  return results;
}

/** One execution with its calls, by our run id or codemode's execution id, within a chat. */
export async function executionDetail(db: D1Database, chatId: number, id: string) {
  const execution = await db.prepare("SELECT * FROM audit_executions WHERE chat_id = ? AND (id = ? OR execution_id = ?)")
    .bind(chatId, id, id).first<{ id: string; execution_id: string | null; user_id: number; source: string; code_hash: string; code: string; status: string; error: string | null; started_at: number; duration_ms: number | null }>();
  if (!execution) return undefined;
  const { results: calls } = await db.prepare("SELECT * FROM audit_calls WHERE execution_id = ? ORDER BY id")
    .bind(execution.execution_id ?? "").all<{ operation: string; method: string; path: string; access: string; risk: string | null; status: string; http_status: number | null; approver_id: number | null; decided_at: number | null; error: string | null; duration_ms: number | null }>();
  return { execution, calls };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
