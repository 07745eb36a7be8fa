/**
 * The runs of one chat, in its Durable Object SQLite: who asked, where the outcome goes, and how
 * the run ended. A run is addressed by our id (`run_…`, also the audit row's id) or by codemode's
 * execution id; never by "the last one".
 *
 * Table `runs`: one row per run. `origin` (JSON) says which listener gets the run's outcomes: the
 * chat itself, a model turn waiting on it, or an MCP caller polling for it; `thread_id` and
 * `reply_to` say where its messages go (`AnswerTo`), so every answer and card goes back to the
 * request, even when a tap resumes the run minutes later. `status` follows
 * the run (`running` → `paused` ↔ … → one of the ended states); `result` keeps the final result of
 * a run an MCP caller polls for. Table `undo_buttons` remembers
 * the message that carries a run's Undo button, to take the button away once used.
 */
import { addMissingColumns } from "../core/sql.ts";

/** Where a run's outcomes go, chosen when the run starts. */
export type RunOrigin =
  | { kind: "chat" } // a command or a code block in the chat: the chat is told
  | { kind: "model"; statusMessageId: number | null } // a model turn waits on it and writes the answer
  | { kind: "mcp"; client: string; tokenName: string }; // an MCP client polls for it with `execution`

/**
 * Where the messages about one request go: the forum topic it came from, and in groups the
 * request's own message, which they reply to (so when several people ask at once, each answer
 * is attached to its question). Private chats and MCP runs use neither.
 */
export interface AnswerTo {
  /** The forum topic (null outside topics). */
  threadId: number | null;
  /** The message that asked, which answers reply to (null: no reply). */
  replyTo: number | null;
}

/** Where to answer when nothing says otherwise: the chat itself, no topic, no reply. */
export const ANSWER_IN_CHAT: AnswerTo = { threadId: null, replyTo: null };

/** How far a run got. */
export type RunStatus =
  | "running" // started, or going on after a tap
  | "paused" // waiting on an approval card
  | "completed" // finished with a result
  | "error" // the snippet failed
  | "rejected" // a card was rejected, expired or voided, or a call was refused before its card
  | "undone"; // completed, then its writes were taken back

/** One run. */
export interface RunRecord {
  runId: string;
  executionId: string | null;
  chatId: number;
  requesterId: number;
  requesterName: string;
  origin: RunOrigin;
  answerTo: AnswerTo;
  /** The other MCP servers (`MCP_SERVERS`) the run's code uses: their connectors join every pass of it. */
  mcpServers: string[];
  status: RunStatus;
  /** The outcome in a few words (the error, or why it was rejected), for `execution` and /audit. */
  summary: string | null;
  createdAt: number;
  finishedAt: number | null;
  undoneAt: number | null;
}

type Row = {
  run_id: string; execution_id: string | null; chat_id: number; requester_id: number; requester_name: string; origin: string | null;
  thread_id: number | null; reply_to: number | null; mcp_servers: string | null; status: RunStatus | null; summary: string | null; created_at: number; finished_at: number | null; undone_at: number | null;
};

/** The runs of one chat. */
export class RunStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, execution_id TEXT UNIQUE, chat_id INTEGER NOT NULL,
      requester_id INTEGER NOT NULL, requester_name TEXT NOT NULL, created_at INTEGER NOT NULL, undone_at INTEGER)`);
    addMissingColumns(sql, "runs", { origin: "TEXT", thread_id: "INTEGER", reply_to: "INTEGER", status: "TEXT", summary: "TEXT", finished_at: "INTEGER", result: "TEXT", mcp_servers: "TEXT", logs: "TEXT" });
    sql.exec("CREATE INDEX IF NOT EXISTS runs_finished ON runs (finished_at)");
    sql.exec("CREATE TABLE IF NOT EXISTS undo_buttons (run_id TEXT PRIMARY KEY, message_id INTEGER NOT NULL)");
  }

  /** Records a new run before its code runs. */
  create(run: { runId: string; chatId: number; requesterId: number; requesterName: string; origin: RunOrigin; answerTo: AnswerTo; mcpServers: readonly string[]; now: number }): RunRecord {
    this.sql.exec(
      `INSERT INTO runs (run_id, chat_id, requester_id, requester_name, origin, thread_id, reply_to, mcp_servers, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
      run.runId, run.chatId, run.requesterId, run.requesterName, JSON.stringify(run.origin), run.answerTo.threadId, run.answerTo.replyTo, JSON.stringify(run.mcpServers), run.now,
    );
    return this.get(run.runId)!;
  }

  /** Links codemode's execution id to the run (once). */
  linkExecution(runId: string, executionId: string): void {
    this.sql.exec("UPDATE runs SET execution_id = COALESCE(execution_id, ?) WHERE run_id = ?", executionId, runId);
  }

  /** A run by our id or codemode's execution id. */
  get(id: string): RunRecord | undefined {
    const row = this.sql.exec<Row>("SELECT * FROM runs WHERE run_id = ? OR execution_id = ?", id, id).toArray()[0];
    return row && fromRow(row);
  }

  /** Moves a run to `status`; an ended status also records when and, optionally, why. */
  setStatus(runId: string, status: RunStatus, now: number, summary?: string): void {
    const ended = status !== "running" && status !== "paused";
    this.sql.exec("UPDATE runs SET status = ?, summary = COALESCE(?, summary), finished_at = CASE WHEN ? THEN ? ELSE NULL END WHERE run_id = ?",
      status, summary?.slice(0, 2000) ?? null, ended ? 1 : 0, now, runId);
  }

  /**
   * Keeps a run's final result (as JSON, already cut to size) and its console lines (a list cut
   * short says so there) for a caller that polls for it (MCP).
   */
  setResult(runId: string, json: string, logs: readonly string[] = []): void {
    this.sql.exec("UPDATE runs SET result = ?, logs = ? WHERE run_id = ?", json, logs.length > 0 ? JSON.stringify(logs) : null, runId);
  }

  /** A run's kept console lines; empty when none were kept. */
  logs(runId: string): string[] {
    const row = this.sql.exec<{ logs: string | null }>("SELECT logs FROM runs WHERE run_id = ?", runId).toArray()[0];
    return row?.logs ? (JSON.parse(row.logs) as string[]) : [];
  }

  /** A run's kept final result, parsed; undefined when none was kept. */
  result(runId: string): unknown {
    const row = this.sql.exec<{ result: string | null }>("SELECT result FROM runs WHERE run_id = ?", runId).toArray()[0];
    return row?.result ? JSON.parse(row.result) : undefined;
  }

  /** The last completed run of one requester (for `/save`). */
  lastCompleted(requesterId: number): RunRecord | undefined {
    const row = this.sql.exec<Row>("SELECT * FROM runs WHERE requester_id = ? AND status IN ('completed', 'undone') AND execution_id IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1", requesterId).toArray()[0];
    return row && fromRow(row);
  }

  /** Marks a run undone; true only for the first caller (an Undo works once). */
  markUndone(runId: string, now: number): boolean {
    return this.sql.exec("UPDATE runs SET undone_at = ?, status = 'undone' WHERE run_id = ? AND undone_at IS NULL", now, runId).rowsWritten > 0;
  }

  /** Remembers the message that carries a run's Undo button. */
  setUndoMessage(runId: string, messageId: number): void {
    this.sql.exec("INSERT OR REPLACE INTO undo_buttons (run_id, message_id) VALUES (?, ?)", runId, messageId);
  }

  /** The message that carries a run's Undo button, if any. */
  undoMessage(runId: string): number | undefined {
    return this.sql.exec<{ message_id: number }>("SELECT message_id FROM undo_buttons WHERE run_id = ?", runId).toArray()[0]?.message_id;
  }

  /**
   * Forgets ended runs beyond the newest `keep`, and any that ended before `endedBefore`; returns
   * their execution ids so the caller drops their logs and cards too. Running and paused runs stay.
   */
  prune(keep: number, endedBefore: number): string[] {
    const rows = this.sql.exec<{ run_id: string; execution_id: string | null }>(
      `SELECT run_id, execution_id FROM runs WHERE finished_at IS NOT NULL AND (finished_at < ? OR run_id NOT IN
         (SELECT run_id FROM runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, rowid DESC LIMIT ?))`,
      endedBefore, keep).toArray();
    for (const row of rows) {
      this.sql.exec("DELETE FROM runs WHERE run_id = ?", row.run_id);
      this.sql.exec("DELETE FROM undo_buttons WHERE run_id = ?", row.run_id);
    }
    return rows.flatMap((r) => (r.execution_id ? [r.execution_id] : []));
  }

  /** How many runs are kept (for tests and diagnostics). */
  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM runs").one().n;
  }
}

function fromRow(r: Row): RunRecord {
  return {
    runId: r.run_id, executionId: r.execution_id, chatId: r.chat_id, requesterId: r.requester_id, requesterName: r.requester_name,
    origin: r.origin ? (JSON.parse(r.origin) as RunOrigin) : { kind: "chat" },
    answerTo: { threadId: r.thread_id, replyTo: r.reply_to },
    mcpServers: r.mcp_servers ? (JSON.parse(r.mcp_servers) as string[]) : [], status: r.status ?? "completed",
    summary: r.summary, createdAt: r.created_at, finishedAt: r.finished_at, undoneAt: r.undone_at,
  };
}

