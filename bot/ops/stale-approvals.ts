/**
 * Stale approvals, seen from D1. Each chat's Durable Object closes its own expired cards with its
 * alarm; the cron is the safety net for a chat whose alarm did not run (or failed): it finds chats
 * whose audit rows still say `pending` past the card lifetime and asks their object to expire
 * them now, through the same code the alarm runs.
 */

/** At most this many chats are nudged per run (the next run takes the rest). */
const MAX_CHATS = 100;
/** A row still pending this long after its card expired was not closed by its chat: it is marked expired here. */
const GIVE_UP_AFTER_MS = 60 * 60 * 1000;

/** Chats with an approval card pending for longer than `ttlMs`. */
export async function chatsWithStaleApprovals(db: D1Database, now: number, ttlMs: number): Promise<number[]> {
  const { results } = await db.prepare(
    `SELECT DISTINCT chat_id FROM audit_calls WHERE status = 'pending' AND started_at < ? ORDER BY chat_id LIMIT ${MAX_CHATS}`,
  ).bind(now - ttlMs).all<{ chat_id: number }>();
  return results.map((r) => r.chat_id);
}

/**
 * Marks audit rows expired that are still pending an hour past their card's lifetime, so the audit
 * log tells the truth and the cron stops nudging a chat that has no card left to close. Such a card
 * can no longer be approved anyway (an approval checks the card's expiry).
 */
export async function expireAbandonedAuditRows(db: D1Database, now: number, ttlMs: number): Promise<number> {
  const result = await db.prepare("UPDATE audit_calls SET status = 'expired', decided_at = ? WHERE status = 'pending' AND started_at < ?")
    .bind(now, now - ttlMs - GIVE_UP_AFTER_MS).run();
  return result.meta.changes ?? 0;
}
