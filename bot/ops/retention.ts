/**
 * Retention: the D1 tables that grow with use are kept bounded by the cron (scheduled.ts).
 *
 * - Audit rows (executions and calls) and model usage rows live `AUDIT_RETENTION_DAYS` (default
 *   90), by `started_at` / `at` (the per-day usage limits look back one day only).
 * - `processed_updates` rows live `PROCESSED_UPDATES_KEEP_DAYS`: they exist for operations only;
 *   dedupe itself is in each chat's Durable Object.
 * Deletes run in batches so one run never holds the database for long; whatever is left over is
 * picked up by the next run 15 minutes later. A table that does not exist (yet) is skipped, so a
 * usage table added by a later migration only needs its line in `RETAINED`.
 */

/** How long processed-update rows are kept. */
export const PROCESSED_UPDATES_KEEP_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 5000;
const MAX_BATCHES = 20;

/** A table the cron prunes: rows whose `column` (ms since epoch) is older than the table's window. */
interface Retained {
  table: string;
  column: string;
  window: "audit" | "processed";
}

const RETAINED: readonly Retained[] = [
  { table: "audit_calls", column: "started_at", window: "audit" },
  { table: "audit_executions", column: "started_at", window: "audit" },
  { table: "usage", column: "at", window: "audit" },
  { table: "processed_updates", column: "finished_at", window: "processed" },
];

/** Rows deleted per table. */
export type PruneCounts = Record<string, number>;

/** Deletes rows past their retention window; returns how many went from each table. */
export async function pruneOldRows(db: D1Database, now: number, auditRetentionDays: number): Promise<PruneCounts> {
  const existing = new Set((await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>()).results.map((r) => r.name));
  const counts: PruneCounts = {};
  for (const { table, column, window } of RETAINED) {
    if (!existing.has(table)) continue;
    const cutoff = now - (window === "audit" ? auditRetentionDays : PROCESSED_UPDATES_KEEP_DAYS) * DAY_MS;
    counts[table] = await deleteBefore(db, table, column, cutoff);
  }
  return counts;
}

/** Deletes rows with `column < cutoff` in batches (names come from RETAINED, never from input). */
async function deleteBefore(db: D1Database, table: string, column: string, cutoff: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i += 1) {
    const result = await db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ${BATCH})`).bind(cutoff).run();
    const deleted = result.meta.changes ?? 0;
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}
