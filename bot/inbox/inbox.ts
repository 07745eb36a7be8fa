/**
 * A chat's durable inbox, stored in its Durable Object's SQLite.
 *
 * Invariants:
 * - Every accepted update is written here before the webhook answers 200, so nothing Telegram
 *   delivered can be lost once acknowledged.
 * - `update_id` is the primary key: a re-delivered update is recognised and never runs twice.
 *   Rows of finished updates are kept for `KEEP_FINISHED_MS`; after pruning, `pruned_below`
 *   remembers the highest pruned id, so a very late re-delivery is still recognised (Telegram's
 *   ids only grow, and it gives up re-delivering long before the window ends).
 * - Updates run strictly in `update_id` order. A failing head is retried with exponential
 *   backoff and blocks the ones behind it (a chat's messages depend on each other: "create X",
 *   then "now delete it"); after `maxAttempts` it is marked `failed` and the queue moves on.
 * - An attempt is counted, and marked as running (`started_at`), before it starts; the caller
 *   makes that durable before running the handler. Every way an attempt ends clears the mark, so
 *   a head still marked when the queue is next worked through is an attempt that died without
 *   reaching any catch (the process crashed, the object was reset): it counts like a failure and
 *   waits out its backoff from the moment it is noticed, and a poison update cannot loop forever.
 *
 * Storage: table `inbox` (one row per update) and `inbox_meta` (key/value: `pruned_below`).
 */
import { addMissingColumns } from "../../core/sql.ts";

/** The state of one update in the inbox. */
export type InboxState =
  | "queued" // waiting for its turn, or for its next retry at next_attempt_at
  | "done" // handled successfully
  | "failed"; // gave up after maxAttempts; the person was told

/** One stored update. */
export interface InboxItem {
  updateId: number;
  payload: string;
  state: InboxState;
  attempts: number;
  nextAttemptAt: number;
  receivedAt: number;
  lastError: string | null;
  /** When its current attempt began; set only while one runs, or after one died unseen. */
  startedAt: number | null;
}

/** How long finished rows are kept for dedupe before pruning (Telegram stops re-delivering after 24 h). */
export const KEEP_FINISHED_MS = 48 * 60 * 60 * 1000;

/** The inbox over a Durable Object's SQL storage. */
export class Inbox {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS inbox (
      update_id INTEGER PRIMARY KEY,
      payload TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      finished_at INTEGER,
      last_error TEXT,
      started_at INTEGER
    )`);
    // Inboxes created before attempts were marked as running lack the column.
    addMissingColumns(sql, "inbox", { started_at: "INTEGER" });
    sql.exec("CREATE INDEX IF NOT EXISTS inbox_state ON inbox (state, update_id)");
    sql.exec("CREATE TABLE IF NOT EXISTS inbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  /** Stores an update; returns false when it was seen before (a re-delivery). */
  add(updateId: number, payload: string, now: number): boolean {
    if (updateId <= this.prunedBelow()) return false;
    const cursor = this.sql.exec(
      `INSERT INTO inbox (update_id, payload, state, attempts, next_attempt_at, received_at)
       VALUES (?, ?, 'queued', 0, ?, ?) ON CONFLICT (update_id) DO NOTHING`,
      updateId, payload, now, now,
    );
    return cursor.rowsWritten > 0;
  }

  /** The oldest queued update, if any. */
  head(): InboxItem | undefined {
    const row = this.sql
      .exec<{ update_id: number; payload: string; state: InboxState; attempts: number; next_attempt_at: number; received_at: number; last_error: string | null; started_at: number | null }>(
        "SELECT update_id, payload, state, attempts, next_attempt_at, received_at, last_error, started_at FROM inbox WHERE state = 'queued' ORDER BY update_id LIMIT 1",
      )
      .toArray()[0];
    return row && {
      updateId: row.update_id, payload: row.payload, state: row.state, attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at, receivedAt: row.received_at, lastError: row.last_error, startedAt: row.started_at,
    };
  }

  /** Counts an attempt and marks it running, before it starts; returns its number (from 1). */
  beginAttempt(updateId: number, now: number): number {
    const row = this.sql.exec<{ attempts: number }>(
      "UPDATE inbox SET attempts = attempts + 1, started_at = ? WHERE update_id = ? RETURNING attempts", now, updateId,
    ).one();
    return row.attempts;
  }

  /** Marks an update handled. */
  finish(updateId: number, now: number): void {
    // The payload is dropped once handled: dedupe needs only the id, and an update may carry a
    // secret the person pasted (a /connect token), which must not linger in plain text.
    this.sql.exec("UPDATE inbox SET state = 'done', payload = '', finished_at = ?, last_error = NULL, started_at = NULL WHERE update_id = ?", now, updateId);
  }

  /** Schedules another attempt. */
  retryLater(updateId: number, at: number, error: string): void {
    this.sql.exec("UPDATE inbox SET next_attempt_at = ?, last_error = ?, started_at = NULL WHERE update_id = ?", at, error, updateId);
  }

  /** Gives up on an update. */
  fail(updateId: number, now: number, error: string): void {
    this.sql.exec("UPDATE inbox SET state = 'failed', payload = '', finished_at = ?, last_error = ?, started_at = NULL WHERE update_id = ?", now, error, updateId);
  }

  /** Number of updates per state (for status and tests). */
  counts(): Record<InboxState, number> {
    const counts: Record<InboxState, number> = { queued: 0, done: 0, failed: 0 };
    for (const row of this.sql.exec<{ state: InboxState; n: number }>("SELECT state, COUNT(*) AS n FROM inbox GROUP BY state")) {
      counts[row.state] = row.n;
    }
    return counts;
  }

  /** Deletes finished rows older than the dedupe window, remembering the highest id deleted. */
  prune(now: number): number {
    const cutoff = now - KEEP_FINISHED_MS;
    const top = this.sql.exec<{ top: number | null }>(
      "SELECT MAX(update_id) AS top FROM inbox WHERE state != 'queued' AND finished_at < ?", cutoff,
    ).one().top;
    if (top === null) return 0;
    const deleted = this.sql.exec(
      "DELETE FROM inbox WHERE state != 'queued' AND finished_at < ? AND update_id <= ?", cutoff, top,
    ).rowsWritten;
    this.sql.exec(
      "INSERT INTO inbox_meta (key, value) VALUES ('pruned_below', ?) ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)",
      top,
    );
    return deleted;
  }

  private prunedBelow(): number {
    const row = this.sql.exec<{ value: number }>("SELECT value FROM inbox_meta WHERE key = 'pruned_below'").toArray()[0];
    return row?.value ?? -1;
  }
}

/** Delay before attempt `attempts + 1`: base, 2×base, 4×base… capped at 5 minutes. */
export function backoffDelay(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 5 * 60 * 1000);
}
