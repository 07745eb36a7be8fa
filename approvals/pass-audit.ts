/**
 * The audit rows of one execution pass (one `execute` or `approve` of a run), written without
 * holding the snippet up, and all on record before the pass is reported.
 *
 * - The run's own row (`audit_executions`) is written while the sandbox starts. Every request the
 *   pass sends waits for it first (`beforeSend`): nothing reaches an API before its run is on record.
 * - A read's row is written once its answer came back; the answer goes back to the snippet at once
 *   and the row's write runs alongside (`record`).
 * - `settled()` waits for all of them. The run's owner calls it before it reports the pass, so a
 *   result, a card or an error is shown only once every call that led to it is in the log; a row
 *   that could not be written fails the run instead.
 */
import { auditCallRecorded, type AuditCall } from "./audit.ts";

/** A row of the audit log could not be written. */
export class AuditWriteError extends Error {
  override readonly name = "AuditWriteError";
}

/** The audit rows of one pass. */
export class PassAudit {
  private readonly runRow: Promise<unknown>;
  private readonly rows: Array<Promise<void>> = [];
  private failure: Error | undefined;

  /** `runRow`: the write of the run's own row, when this pass started the run (already written otherwise). */
  constructor(runRow: Promise<unknown> = Promise.resolve()) {
    this.runRow = runRow;
    // Awaited by `beforeSend` and `settled`; a failure is reported there, not as an unhandled rejection.
    runRow.catch(() => undefined);
  }

  /** Resolves once the run's own row is written; rejects (and nothing may be sent) if it could not be. */
  async beforeSend(): Promise<void> {
    try {
      await this.runRow;
    } catch (error) {
      throw new AuditWriteError(`the audit log could not be written, so nothing was sent (${messageOf(error)})`);
    }
  }

  /** Adds a call's row, being written now. */
  record(row: Promise<void>): void {
    this.rows.push(row.catch((error: unknown) => {
      this.failure ??= new AuditWriteError(`the audit log could not record a call (${messageOf(error)})`);
    }));
  }

  /**
   * Sends one read (`send`) once the run is on record, and records its row after it returned or
   * failed; the answer goes back without waiting for the row. A failure is thrown on as a plain
   * `Error` with its message, with the HTTP status `statusOf` finds in it on the row.
   */
  async read<T>(db: D1Database, row: AuditCall, send: () => Promise<{ value: T; httpStatus?: number }>, statusOf: (error: unknown) => number | undefined = () => undefined): Promise<T> {
    await this.beforeSend();
    const startedAt = Date.now();
    try {
      const { value, httpStatus } = await send();
      this.record(auditCallRecorded(db, row, startedAt, { ok: true, ...(httpStatus !== undefined ? { httpStatus } : {}) }));
      return value;
    } catch (error) {
      const message = messageOf(error);
      const httpStatus = statusOf(error);
      this.record(auditCallRecorded(db, row, startedAt, { ok: false, error: message, ...(httpStatus !== undefined ? { httpStatus } : {}) }));
      throw new Error(message);
    }
  }

  /** Waits for the run's row and every call row recorded so far; throws `AuditWriteError` if one failed. */
  async settled(): Promise<void> {
    await this.beforeSend();
    // A row recorded while waiting is waited for too.
    let waited = 0;
    while (waited < this.rows.length) {
      const batch = this.rows.slice(waited);
      waited += batch.length;
      await Promise.all(batch);
    }
    if (this.failure) throw this.failure;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
