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
 *   non-destructive writes of that run are approved as they come (each still gets its own row and card).
 * - Each card stores the exact request it shows (`request`), and the dispatch ledger records what
 *   became of it (`dispatch`, `http_status`, `response`, `undo`), written by the host around the
 *   call; nothing here is ever read from codemode's execution log, which a snippet can write.
 */
import { addMissingColumns } from "../core/sql.ts";
import type { Risk } from "./policy.ts";
import type { StoredRequest } from "./stored-request.ts";
import type { UndoCall } from "./undo.ts";

/** The states of an approval card. */
export type ApprovalState =
  | "pending" // the run is paused on this action, waiting for a tap
  | "approved" // a person (or approve-all) said yes; see `dispatch` for whether the request went out
  | "rejected" // a person said no; the run ended
  | "expired" // nobody answered in time; the run ended
  | "void"; // the card no longer describes what would run (the requester's token changed); the run ended

/** Whether the approved request went out (the host's own record; the snippet cannot write it). */
export type DispatchState =
  | "sending" // written just before the request is sent: if it stays, the outcome is unknown and it is never resent
  | "sent" // the API answered with success; `response` and `undo` hold what it returned
  | "failed" // the API refused or could not be reached; the error is kept, nothing is resent
  | "refused"; // the replayed call did not match the approved request, so nothing was sent

/** One approval card, with the request it shows and what became of it. */
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
  /** The exact request the card shows and the host sends after Approve. */
  request: StoredRequest;
  /** False for a card made by an earlier version, which stored no request (it was voided on upgrade). */
  hasRequest: boolean;
  risk: Risk;
  dispatch: DispatchState | null;
  httpStatus: number | null;
  /** What the API returned for a sent request (capped; `undefined` when too large to keep). */
  response: unknown;
  /** Why it failed, was refused, or was voided. */
  note: string | null;
  /** The request that takes a sent write back, computed host-side from what the API returned. */
  undo: UndoCall | null;
  undoneAt: number | null;
}

type Row = {
  id: string; execution_id: string; seq: number; run_id: string; audit_call_id: number; chat_id: number; requester_id: number;
  message_id: number | null; state: ApprovalState; created_at: number; expires_at: number; decided_by: number | null;
  decided_at: number | null; auto: number; request: string; risk: string; dispatch: DispatchState | null; http_status: number | null;
  response: string | null; note: string | null; undo: string | null; undone_at: number | null;
};

/** Why a card from before the upgrade that stores each card's request was closed. */
export const LEGACY_VOID = "the bot was updated while this card waited; ask again to get a card that can run";

/** Responses larger than this are not kept (undo rules need only ids and names). */
const MAX_RESPONSE_CHARS = 64_000;

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
    // Columns added after the first release; objects created before get them here.
    addMissingColumns(sql, "approvals", {
      request: "TEXT NOT NULL DEFAULT '{}'", risk: "TEXT NOT NULL DEFAULT 'write'", dispatch: "TEXT", http_status: "INTEGER",
      response: "TEXT", note: "TEXT", undo: "TEXT", undone_at: "INTEGER",
    });
    // A card made before requests were stored cannot be sent from its stored copy: it can no longer be approved.
    sql.exec("UPDATE approvals SET state = 'void', note = ? WHERE state = 'pending' AND request = '{}'", LEGACY_VOID);
    sql.exec("CREATE INDEX IF NOT EXISTS approvals_pending ON approvals (state, expires_at)");
    sql.exec("CREATE INDEX IF NOT EXISTS approvals_run ON approvals (run_id, seq)");
    sql.exec("CREATE TABLE IF NOT EXISTS auto_approve (execution_id TEXT PRIMARY KEY, by INTEGER NOT NULL, at INTEGER NOT NULL)");
    addMissingColumns(sql, "auto_approve", { by_name: "TEXT" });
  }

  /** Creates the pending row for a paused action with the request its card shows (or returns the existing one for the same action). */
  create(input: { executionId: string; seq: number; runId: string; auditCallId: number; chatId: number; requesterId: number; now: number; ttlMs: number; request: StoredRequest; risk: Risk }): Approval {
    const id = shortId();
    this.sql.exec(
      `INSERT INTO approvals (id, execution_id, seq, run_id, audit_call_id, chat_id, requester_id, state, created_at, expires_at, request, risk)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (execution_id, seq) DO NOTHING`,
      id, input.executionId, input.seq, input.runId, input.auditCallId, input.chatId, input.requesterId, input.now, input.now + input.ttlMs,
      JSON.stringify(input.request), input.risk,
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

  /** Every card of one execution, in call order. */
  forExecution(executionId: string): Approval[] {
    return this.all("SELECT * FROM approvals WHERE execution_id = ? ORDER BY seq", executionId);
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

  /** Moves a pending card to `void` with the reason; true when this call did it. */
  markVoid(id: string, reason: string, now: number): boolean {
    return this.sql.exec("UPDATE approvals SET state = 'void', decided_at = ?, note = ? WHERE id = ? AND state = 'pending'", now, reason, id).rowsWritten > 0;
  }

  /**
   * Claims an approved card's request for sending, durably, before it is sent; true only once.
   * A claim that never finishes (the Worker died mid-call) leaves `sending`: such a request is
   * never sent again, because it may already have reached the API.
   */
  claimDispatch(id: string, now: number): boolean {
    return this.sql.exec("UPDATE approvals SET dispatch = 'sending', decided_at = COALESCE(decided_at, ?) WHERE id = ? AND state = 'approved' AND dispatch IS NULL", now, id).rowsWritten > 0;
  }

  /** Records what the API answered for a claimed request. */
  finishDispatch(id: string, outcome: { ok: true; httpStatus: number; response: unknown; undo: UndoCall | undefined } | { ok: false; httpStatus?: number; error: string }): void {
    if (outcome.ok) {
      const response = JSON.stringify(outcome.response ?? null);
      this.sql.exec("UPDATE approvals SET dispatch = 'sent', http_status = ?, response = ?, undo = ? WHERE id = ? AND dispatch = 'sending'",
        outcome.httpStatus, response.length <= MAX_RESPONSE_CHARS ? response : null, outcome.undo ? JSON.stringify(outcome.undo) : null, id);
    } else {
      this.sql.exec("UPDATE approvals SET dispatch = 'failed', http_status = ?, note = ? WHERE id = ? AND dispatch = 'sending'",
        outcome.httpStatus ?? null, outcome.error.slice(0, 2000), id);
    }
  }

  /** Records that an approved card's request was not sent because the replayed call did not match it. */
  refuseDispatch(id: string, reason: string): boolean {
    return this.sql.exec("UPDATE approvals SET dispatch = 'refused', note = ? WHERE id = ? AND state = 'approved' AND dispatch IS NULL", reason.slice(0, 2000), id).rowsWritten > 0;
  }

  /** Approved cards whose request was never claimed: runs an interrupted Worker must carry on. */
  approvedNotSent(): Approval[] {
    return this.all("SELECT * FROM approvals WHERE state = 'approved' AND dispatch IS NULL ORDER BY decided_at");
  }

  /** Sent writes of a run that can be taken back and were not yet, newest first. */
  undoable(runId: string): Approval[] {
    return this.all("SELECT * FROM approvals WHERE run_id = ? AND dispatch = 'sent' AND undo IS NOT NULL AND undone_at IS NULL ORDER BY seq DESC", runId);
  }

  /** Sent writes of a run that cannot be taken back automatically. */
  irreversible(runId: string): Approval[] {
    return this.all("SELECT * FROM approvals WHERE run_id = ? AND dispatch = 'sent' AND undo IS NULL ORDER BY seq", runId);
  }

  /** Marks one sent write undone; true only for the first caller. */
  markCallUndone(id: string, now: number): boolean {
    return this.sql.exec("UPDATE approvals SET undone_at = ? WHERE id = ? AND undone_at IS NULL AND dispatch = 'sent'", now, id).rowsWritten > 0;
  }

  /** Pending cards whose time is up. */
  due(now: number): Approval[] {
    return this.all("SELECT * FROM approvals WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at", now);
  }

  /** When the next pending card expires, if any. */
  nextExpiry(): number | undefined {
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM approvals WHERE state = 'pending'").one();
    return row.at ?? undefined;
  }

  /** Turns on "approve all" for one execution. */
  approveAllFor(executionId: string, by: { id: number; name: string }, now: number): void {
    this.sql.exec("INSERT INTO auto_approve (execution_id, by, by_name, at) VALUES (?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING", executionId, by.id, by.name, now);
  }

  /** Who turned on "approve all" for this execution, if anyone (no name for marks made before names were kept). */
  autoApprover(executionId: string): { id: number; name: string | null } | undefined {
    const row = this.sql.exec<{ by: number; by_name: string | null }>("SELECT by, by_name FROM auto_approve WHERE execution_id = ?", executionId).toArray()[0];
    return row && { id: row.by, name: row.by_name };
  }

  /** Forgets the cards (and approve-all marks) of executions whose runs were pruned. */
  forget(executionIds: readonly string[]): void {
    for (const id of executionIds) {
      this.sql.exec("DELETE FROM approvals WHERE execution_id = ?", id);
      this.sql.exec("DELETE FROM auto_approve WHERE execution_id = ?", id);
    }
  }

  /** How many cards are kept (for tests and diagnostics). */
  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM approvals").one().n;
  }

  private one(query: string, ...bindings: unknown[]): Approval | undefined {
    return this.all(query, ...bindings)[0];
  }

  private all(query: string, ...bindings: unknown[]): Approval[] {
    return this.sql.exec<Row>(query, ...bindings).toArray().map(fromRow);
  }
}

function fromRow(r: Row): Approval {
  return {
    id: r.id, executionId: r.execution_id, seq: r.seq, runId: r.run_id, auditCallId: r.audit_call_id, chatId: r.chat_id,
    requesterId: r.requester_id, messageId: r.message_id, state: r.state, createdAt: r.created_at, expiresAt: r.expires_at,
    decidedBy: r.decided_by, decidedAt: r.decided_at, auto: r.auto === 1,
    request: JSON.parse(r.request) as StoredRequest, hasRequest: r.request !== "{}", risk: r.risk === "destructive" ? "destructive" : "write",
    dispatch: r.dispatch, httpStatus: r.http_status, response: r.response === null ? undefined : JSON.parse(r.response),
    note: r.note, undo: r.undo === null ? null : (JSON.parse(r.undo) as UndoCall), undoneAt: r.undone_at,
  };
}


/** 12 random base64url characters: unguessable, and short enough for callback_data. */
function shortId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}
