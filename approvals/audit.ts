/**
 * The audit log in D1 (migrations/0002). Every execution gets a row before any of its calls is
 * sent; a read gets a row once it returned, before the run's outcome is shown (./pass-audit.ts); a
 * write gets one when its card is shown, and every approval decision is written before the
 * approved call runs. Nothing here ever stores a token, a request body or a result:
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

/** A new run id (`run_` and 16 hex digits). */
export function newRunId(): string {
  return `run_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

/** Records an execution (`id` from `newRunId`) before any of its calls is sent. */
export async function auditExecutionRequested(db: D1Database, id: string, row: { chatId: number; userId: number; userName?: string; source: "run" | "snippet" | "model" | "mcp"; code: string }): Promise<void> {
  const now = Date.now();
  // The run's number in its chat is taken in the same statement, so two runs never share one.
  await db.prepare(
    `INSERT INTO audit_executions (id, chat_id, user_id, user_name, source, code_hash, code, status, started_at, updated_at, number)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'requested', ?8, ?8, COALESCE(MAX(number), 0) + 1 FROM audit_executions WHERE chat_id = ?2`,
  ).bind(id, row.chatId, row.userId, row.userName ?? null, row.source, await sha256(row.code), row.code, now).run();
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

/**
 * Records a read once it returned or failed, in one statement: a read changes nothing, so unlike a
 * write it needs no row before it is sent (one D1 round trip per read instead of two).
 */
export async function auditCallRecorded(db: D1Database, call: AuditCall, startedAt: number, outcome: { ok: boolean; httpStatus?: number; error?: string }): Promise<void> {
  const now = Date.now();
  await db.prepare(
    `INSERT INTO audit_calls (execution_id, chat_id, seq, operation, method, path, access, risk, status, requester_id, started_at, http_status, error, finished_at, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(call.executionId, call.chatId, call.seq ?? null, call.operation, call.method, call.path, call.access, call.risk ?? null, outcome.ok ? "ok" : "failed",
    call.requesterId ?? null, startedAt, outcome.httpStatus ?? null, outcome.error?.slice(0, 2000) ?? null, now, now - startedAt).run();
}

/** How a write was approved: a tap on Approve, a tap on "Approve all in this run", or automatically under that "Approve all". */
export type ApprovedVia = "tap" | "approve_all" | "automatic";

/** Who decided, as /audit names them (`name` absent for the expiry alarm and for void cards). */
export interface Decider {
  id: number | null;
  name?: string;
  via?: ApprovedVia;
}

/** Records an approval decision (before the approved call runs). */
export async function auditDecision(db: D1Database, id: number, decision: Extract<AuditCallStatus, "approved" | "rejected" | "expired">, by: Decider, at: number): Promise<void> {
  await db.prepare("UPDATE audit_calls SET status = ?, approver_id = ?, approver_name = ?, approved_via = ?, decided_at = ? WHERE id = ?")
    .bind(decision, by.id, by.name ?? null, by.via ?? null, at, id).run();
}

/** Call rows that stand for a request actually sent (a read, a write after its approval, an undo). */
const SENT = "('started', 'ok', 'failed')";

/** One run as /audit lists it. */
export interface AuditRun {
  id: string;
  execution_id: string | null;
  number: number | null;
  user_id: number;
  user_name: string | null;
  source: string;
  status: string;
  error: string | null;
  started_at: number;
  duration_ms: number | null;
  /** Requests sent to an API (approval decisions are not calls). */
  calls: number;
  /** Estimated model cost of the requests that started or went on with this run, when a model was used. */
  cost_usd: number | null;
  /** Writes approved with "Approve all in this run", or automatically under it. */
  approved_all: number;
}

const RUN_COLUMNS = `e.id, e.execution_id, e.number, e.user_id, e.user_name, e.source, e.status, e.error, e.started_at, e.duration_ms,
  (SELECT COUNT(*) FROM audit_calls c WHERE c.execution_id = e.execution_id AND c.status IN ${SENT}) AS calls,
  (SELECT SUM(u.cost_usd) FROM usage u WHERE u.execution_id = e.execution_id) AS cost_usd,
  (SELECT COUNT(*) FROM audit_calls c WHERE c.execution_id = e.execution_id AND c.approved_via IN ('approve_all', 'automatic')) AS approved_all`;

/** The last executions of a chat, newest first. */
export async function recentExecutions(db: D1Database, chatId: number, limit = 10): Promise<AuditRun[]> {
  const { results } = await db.prepare(`SELECT ${RUN_COLUMNS} FROM audit_executions e WHERE e.chat_id = ? ORDER BY e.started_at DESC, e.rowid DESC LIMIT ?`)
    .bind(chatId, limit).all<AuditRun>();
  return results;
}

/** One call of a run, as /audit shows it. */
export interface AuditCallRow {
  operation: string;
  method: string;
  path: string;
  access: string;
  risk: string | null;
  status: string;
  http_status: number | null;
  approver_id: number | null;
  approver_name: string | null;
  approved_via: string | null;
  decided_at: number | null;
  error: string | null;
  started_at: number;
  duration_ms: number | null;
}

/**
 * One execution with its calls, within a chat: by its number in the chat (`12` or `#12`), our run
 * id or codemode's execution id. A run of another chat is never found.
 */
export async function executionDetail(db: D1Database, chatId: number, id: string): Promise<{ execution: AuditRun & { code: string; code_hash: string }; calls: AuditCallRow[] } | undefined> {
  const number = /^#?(\d{1,9})$/.exec(id)?.[1];
  const execution = await db.prepare(`SELECT ${RUN_COLUMNS}, e.code, e.code_hash FROM audit_executions e WHERE e.chat_id = ? AND ${number ? "e.number = ?" : "(e.id = ? OR e.execution_id = ?)"}`)
    .bind(chatId, ...(number ? [Number(number)] : [id, id])).first<AuditRun & { code: string; code_hash: string }>();
  if (!execution) return undefined;
  const { results: calls } = await db.prepare("SELECT * FROM audit_calls WHERE execution_id = ? ORDER BY id")
    .bind(execution.execution_id ?? "").all<AuditCallRow>();
  return { execution, calls };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
