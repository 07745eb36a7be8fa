/**
 * The D1 record of the updates operations care about — those that needed retries and those that
 * failed — across all chats (`doctor`, the retention cron); updates handled at the first attempt
 * are not written, so a busy bot pays no D1 write per message. Dedupe itself happens in each chat's Durable Object,
 * which is transactional with the inbox and costs no extra round trip on the webhook path.
 */
import type { Update } from "grammy/types";
import { describeError } from "../../core/errors.ts";

/** Writes (or rewrites) the row of a finished update. Never throws: this record is best-effort. */
export async function recordProcessedUpdate(
  db: D1Database,
  update: Update,
  status: "done" | "failed",
  attempts: number,
  receivedAt: number,
  error: string | null,
): Promise<void> {
  const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? null;
  const userId = update.message?.from?.id ?? update.callback_query?.from.id ?? null;
  const kind = update.message ? "message" : update.callback_query ? "callback_query" : "other";
  try {
    await db
      .prepare(
        `INSERT INTO processed_updates (update_id, chat_id, user_id, kind, status, attempts, received_at, finished_at, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (update_id) DO UPDATE SET status = ?5, attempts = ?6, finished_at = ?8, error = ?9`,
      )
      .bind(update.update_id, chatId, userId, kind, status, attempts, receivedAt, Date.now(), error)
      .run();
  } catch (e) {
    console.warn(JSON.stringify({ level: "warn", event: "processed_update_record_failed", update_id: update.update_id, error: describeError(e) }));
  }
}
