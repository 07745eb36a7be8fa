/**
 * The chat's conversation with the model, in its Durable Object SQLite: a bounded window of
 * AI SDK messages (oldest dropped first, never splitting a tool call from its result), the
 * chat's `/model` choice, and the model turns waiting on an approval (by execution id).
 */
import type { ModelMessage } from "ai";

/** How many messages are kept for follow-ups. */
export const MEMORY_WINDOW = 24;

/** A model turn paused on an approval card. */
export interface WaitingTurn {
  executionId: string;
  requesterId: number;
  requesterName: string;
  statusMessageId: number | null;
  /** The model the turn started on, so the answer after the tap comes from it (auto mode may have escalated). */
  modelId?: string;
}

/** The chat's model memory. */
export class ConversationMemory {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS conversation (id INTEGER PRIMARY KEY AUTOINCREMENT, message TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS chat_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec(`CREATE TABLE IF NOT EXISTS waiting_turns (execution_id TEXT PRIMARY KEY, requester_id INTEGER NOT NULL,
      requester_name TEXT NOT NULL, status_message_id INTEGER)`);
    // Added with Deep Mode: objects from before it get the column here.
    if (!sql.exec<{ name: string }>("PRAGMA table_info(waiting_turns)").toArray().some((c) => c.name === "model_id")) sql.exec("ALTER TABLE waiting_turns ADD COLUMN model_id TEXT");
  }

  /** The remembered messages, oldest first. */
  load(): ModelMessage[] {
    return this.sql.exec<{ message: string }>("SELECT message FROM conversation ORDER BY id").toArray().map((r) => JSON.parse(r.message) as ModelMessage);
  }

  /** Appends messages and trims the window from the front. */
  append(messages: ModelMessage[]): void {
    for (const message of messages) this.sql.exec("INSERT INTO conversation (message) VALUES (?)", JSON.stringify(message));
    const rows = this.sql.exec<{ id: number; message: string }>("SELECT id, message FROM conversation ORDER BY id").toArray();
    let drop = Math.max(0, rows.length - MEMORY_WINDOW);
    // Never start the window on a tool result or an assistant tool call: start on a user message.
    while (drop < rows.length && (JSON.parse(rows[drop]!.message) as ModelMessage).role !== "user") drop += 1;
    if (drop > 0 && drop < rows.length) this.sql.exec("DELETE FROM conversation WHERE id < ?", rows[drop]!.id);
  }

  /** Forgets the conversation (`/new`). */
  clear(): void {
    this.sql.exec("DELETE FROM conversation");
  }

  /** A chat setting, e.g. the `/model` choice. */
  setting(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM chat_settings WHERE key = ?", key).toArray()[0]?.value;
  }

  /** Stores a chat setting. */
  setSetting(key: string, value: string): void {
    this.sql.exec("INSERT INTO chat_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** Remembers that a model turn waits on this execution's approval. */
  wait(turn: WaitingTurn): void {
    this.sql.exec("INSERT OR REPLACE INTO waiting_turns (execution_id, requester_id, requester_name, status_message_id, model_id) VALUES (?, ?, ?, ?, ?)",
      turn.executionId, turn.requesterId, turn.requesterName, turn.statusMessageId, turn.modelId ?? null);
  }

  /** Takes (and forgets) the model turn waiting on an execution, if any. */
  takeWaiting(executionId: string): WaitingTurn | undefined {
    const row = this.sql.exec<{ execution_id: string; requester_id: number; requester_name: string; status_message_id: number | null; model_id: string | null }>(
      "DELETE FROM waiting_turns WHERE execution_id = ? RETURNING *", executionId).toArray()[0];
    return row && { executionId: row.execution_id, requesterId: row.requester_id, requesterName: row.requester_name, statusMessageId: row.status_message_id,
      ...(row.model_id ? { modelId: row.model_id } : {}) };
  }

  /** Whether a model turn waits on this execution. */
  isWaiting(executionId: string): boolean {
    return this.sql.exec("SELECT 1 FROM waiting_turns WHERE execution_id = ?", executionId).toArray().length > 0;
  }
}
