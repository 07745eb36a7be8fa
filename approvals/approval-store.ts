/**
 * Approval cards as a persisted state machine, in the chat's Durable Object SQLite.
 *
 * Invariants:
 * - One row per paused action (`execution_id`, `seq` unique), addressed by a short random `id`
 *   that is all the card's `callback_data` carries.
 * - `state` changes only from `pending`, with a conditional UPDATE that is written before the
 *   decision's effect runs; a second tap, a second approver or a replayed callback finds the row
 *   decided and is told what already happened, so a call runs at most once.
 * - A card past `expires_at` can no longer be approved: the tap (or the expiry alarm) moves it to
 *   `expired` and the run is rejected.
 * - "Approve all in this run" is a row in `auto_approve`, scoped to one execution id, so later
 *   writes of that run are approved as they come (each still gets its own row and card).
 */

/** The states of an approval card. */
export type ApprovalState =
  | "pending" // the run is paused on this action, waiting for a tap
  | "approved" // a person (or approve-all) said yes; the action ran or is running
  | "rejected" // a person said no; the run ended
  | "expired"; // nobody answered in time; the run ended

/** One approval card. */
export interface Approval {
  id: string;
  executionId: string;
  seq: number;
  runId: string;
  auditCallId: number;
  chatId: number;
  requesterId: number;
  messageId: number | null;
  state: ApprovalState;
  createdAt: number;
  expiresAt: number;
  decidedBy: number | null;
  decidedAt: number | null;
  auto: boolean;
}

/** Who a run belongs to. */
export interface RunRecord {
  runId: string;
  executionId: string;
  chatId: number;
  requesterId: number;
  requesterName: string;
  undoneAt?: number | null;
}

type Row = { id: string; execution_id: string; seq: number; run_id: string; audit_call_id: number; chat_id: number; requester_id: number; message_id: number | null; state: ApprovalState; created_at: number; expires_at: number; decided_by: number | null; decided_at: number | null; auto: number };

/** The approval rows of one chat. */
export class ApprovalStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS approvals (
      id TEXT PRIMARY KEY, execution_id TEXT NOT NULL, seq INTEGER NOT NULL, run_id TEXT NOT NULL, audit_call_id INTEGER NOT NULL,
      chat_id INTEGER NOT NULL, requester_id INTEGER NOT NULL, message_id INTEGER, state TEXT NOT NULL,
      created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, decided_by INTEGER, decided_at INTEGER, auto INTEGER NOT NULL DEFAULT 0,
      UNIQUE (execution_id, seq))`);
    sql.exec("CREATE INDEX IF NOT EXISTS approvals_pending ON approvals (state, expires_at)");
    sql.exec("CREATE TABLE IF NOT EXISTS auto_approve (execution_id TEXT PRIMARY KEY, by INTEGER NOT NULL, at INTEGER NOT NULL)");
    sql.exec(`CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, execution_id TEXT UNIQUE, chat_id INTEGER NOT NULL,
      requester_id INTEGER NOT NULL, requester_name TEXT NOT NULL, created_at INTEGER NOT NULL, undone_at INTEGER)`);
    sql.exec("CREATE TABLE IF NOT EXISTS undo_buttons (run_id TEXT PRIMARY KEY, message_id INTEGER NOT NULL)");
  }

  /** Remembers who a run belongs to (our run id ↔ codemode's execution id). */
  saveRun(run: RunRecord): void {
    this.sql.exec(
      `INSERT INTO runs (run_id, execution_id, chat_id, requester_id, requester_name, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET execution_id = COALESCE(runs.execution_id, excluded.execution_id)`,
      run.runId, run.executionId, run.chatId, run.requesterId, run.requesterName, Date.now(),
    );
  }

  /** A run by our id or codemode's execution id. */
  run(id: string): RunRecord | undefined {
    const row = this.sql.exec<{ run_id: string; execution_id: string; chat_id: number; requester_id: number; requester_name: string; undone_at: number | null }>(
      "SELECT * FROM runs WHERE run_id = ? OR execution_id = ?", id, id).toArray()[0];
    return row && { runId: row.run_id, executionId: row.execution_id, chatId: row.chat_id, requesterId: row.requester_id, requesterName: row.requester_name, undoneAt: row.undone_at };
  }

  /** Remembers the message that carries a run's Undo button (to take the button away once used). */
  setUndoMessage(runId: string, messageId: number): void {
    this.sql.exec("INSERT OR REPLACE INTO undo_buttons (run_id, message_id) VALUES (?, ?)", runId, messageId);
  }

  /** The message that carries a run's Undo button, if any. */
  undoMessage(runId: string): number | undefined {
    return this.sql.exec<{ message_id: number }>("SELECT message_id FROM undo_buttons WHERE run_id = ?", runId).toArray()[0]?.message_id;
  }

  /** Marks a run undone; true only for the first caller (an Undo works once). */
  markUndone(runId: string, now: number): boolean {
    return this.sql.exec("UPDATE runs SET undone_at = ? WHERE run_id = ? AND undone_at IS NULL", now, runId).rowsWritten > 0;
  }

  /** Creates the pending row for a paused action (or returns the existing one for the same action). */
  create(input: { executionId: string; seq: number; runId: string; auditCallId: number; chatId: number; requesterId: number; now: number; ttlMs: number }): Approval {
    const id = shortId();
    this.sql.exec(
      `INSERT INTO approvals (id, execution_id, seq, run_id, audit_call_id, chat_id, requester_id, state, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (execution_id, seq) DO NOTHING`,
      id, input.executionId, input.seq, input.runId, input.auditCallId, input.chatId, input.requesterId, input.now, input.now + input.ttlMs,
    );
    return this.byAction(input.executionId, input.seq)!;
  }

  /** Remembers the card's message id. */
  setMessage(id: string, messageId: number): void {
    this.sql.exec("UPDATE approvals SET message_id = ? WHERE id = ?", messageId, id);
  }

  /** Finds a card by id. */
  get(id: string): Approval | undefined {
    return this.one("SELECT * FROM approvals WHERE id = ?", id);
  }

  /** Finds the card of a paused action. */
  byAction(executionId: string, seq: number): Approval | undefined {
    return this.one("SELECT * FROM approvals WHERE execution_id = ? AND seq = ?", executionId, seq);
  }

  /**
   * Moves a pending, unexpired card to `state` (rowsWritten also counts index rows, hence > 0). Returns true only for the one caller whose
   * UPDATE changed the row; everyone else must report the card's current state instead.
   */
  decide(id: string, state: "approved" | "rejected", by: number, now: number, auto = false): boolean {
    return this.sql.exec(
      "UPDATE approvals SET state = ?, decided_by = ?, decided_at = ?, auto = ? WHERE id = ? AND state = 'pending' AND expires_at > ?",
      state, by, now, auto ? 1 : 0, id, now,
    ).rowsWritten > 0;
  }

  /** Moves a pending card past its expiry to `expired`; true when this call did it. */
  expire(id: string, now: number): boolean {
    return this.sql.exec("UPDATE approvals SET state = 'expired', decided_at = ? WHERE id = ? AND state = 'pending' AND expires_at <= ?", now, id, now).rowsWritten > 0;
  }

  /** Pending cards whose time is up. */
  due(now: number): Approval[] {
    return this.sql.exec<Row>("SELECT * FROM approvals WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at", now).toArray().map(fromRow);
  }

  /** When the next pending card expires, if any. */
  nextExpiry(): number | undefined {
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM approvals WHERE state = 'pending'").one();
    return row.at ?? undefined;
  }

  /** Turns on "approve all" for one execution. */
  approveAllFor(executionId: string, by: number, now: number): void {
    this.sql.exec("INSERT INTO auto_approve (execution_id, by, at) VALUES (?, ?, ?) ON CONFLICT (execution_id) DO NOTHING", executionId, by, now);
  }

  /** Who turned on "approve all" for this execution, if anyone. */
  autoApprover(executionId: string): number | undefined {
    const row = this.sql.exec<{ by: number }>("SELECT by FROM auto_approve WHERE execution_id = ?", executionId).toArray()[0];
    return row?.by;
  }

  private one(query: string, ...bindings: unknown[]): Approval | undefined {
    const row = this.sql.exec<Row>(query, ...bindings).toArray()[0];
    return row ? fromRow(row) : undefined;
  }
}

function fromRow(r: Row): Approval {
  return {
    id: r.id, executionId: r.execution_id, seq: r.seq, runId: r.run_id, auditCallId: r.audit_call_id, chatId: r.chat_id,
    requesterId: r.requester_id, messageId: r.message_id, state: r.state, createdAt: r.created_at, expiresAt: r.expires_at,
    decidedBy: r.decided_by, decidedAt: r.decided_at, auto: r.auto === 1,
  };
}

/** 12 random base64url characters: unguessable, and short enough for callback_data. */
function shortId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}
