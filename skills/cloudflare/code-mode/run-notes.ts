/**
 * Lines the host adds to a run's output (for now: a list read that stopped before the end), kept
 * in the chat's Durable Object SQLite by execution id. A read made in one pass is replayed from
 * codemode's log in the next (after an approval), without running again, so a note has to outlive
 * the pass that made it; it is handed out with the run's result and then dropped.
 */

/** The notes of a chat's runs. */
export class RunNotes {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS run_notes (id INTEGER PRIMARY KEY AUTOINCREMENT, execution_id TEXT NOT NULL, note TEXT NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS run_notes_execution ON run_notes (execution_id)");
  }

  /** Adds a note to an execution (the same note twice is kept once). */
  add(executionId: string, note: string): void {
    this.sql.exec("INSERT INTO run_notes (execution_id, note) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM run_notes WHERE execution_id = ? AND note = ?)",
      executionId, note, executionId, note);
  }

  /** The notes of an execution, oldest first, removed as they are read. */
  take(executionId: string): string[] {
    const notes = this.sql.exec<{ note: string }>("SELECT note FROM run_notes WHERE execution_id = ? ORDER BY id", executionId).toArray().map((r) => r.note);
    if (notes.length > 0) this.sql.exec("DELETE FROM run_notes WHERE execution_id = ?", executionId);
    return notes;
  }

  /** Drops the notes of executions that will never report (pruned runs). */
  forget(executionIds: readonly string[]): void {
    for (const id of executionIds) this.sql.exec("DELETE FROM run_notes WHERE execution_id = ?", id);
  }
}
