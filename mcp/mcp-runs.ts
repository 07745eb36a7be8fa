/**
 * Runs started over MCP: what `execute` starts, what `execution` reports, and the listener that
 * keeps a paused run's outcome until the caller polls for it.
 *
 * An MCP client drops a call after about 60 s, and a person may take minutes to tap, so a write
 * never holds the call open: `execute` answers at once with the execution id and what waits for
 * approval, and `execution` (optionally waiting up to ~20 s) returns the outcome once the card
 * was decided. The card itself appears in the token owner's private chat with the bot, marked
 * with the client and token that asked, through the same run owner as every other run.
 */
import { truncateResult } from "@cloudflare/codemode";
import type { Approval, ApprovalStore } from "../approvals/approval-store.ts";
import { requestLine } from "../approvals/stored-request.ts";
import type { RunRecord, RunStore } from "../approvals/run-store.ts";
import type { ChatDesk, RunEnd, RunListener } from "../skills/cloudflare/code-mode/run-listener.ts";
import type { Runs } from "../skills/cloudflare/code-mode/runs.ts";
import { MAX_KEPT_LOGS, MAX_LOG_LINE, MAX_WAIT_MS } from "./limits.ts";

/** What a caller learns about an execution. */
export type ExecutionView =
  | { status: "completed"; executionId: string; result: unknown; logs?: string[] }
  | { status: "waiting_for_approval"; executionId: string; waitingFor: string[] }
  | { status: "error"; executionId: string; error: string }
  | { status: "rejected"; executionId: string; reason: string }
  | { status: "unknown"; executionId: string };

/** Who asked, over MCP. */
export interface McpCaller {
  userId: number;
  userName: string;
  client: string;
  tokenName: string;
}

/** Starts a snippet for an MCP caller and reports its first pass. */
export async function executeForMcp(runs: Runs, caller: McpCaller, code: string): Promise<ExecutionView> {
  const requester = { id: caller.userId, name: `${caller.userName} via ${caller.client} (token "${caller.tokenName}")` };
  const { run, outcome } = await runs.start({ code, requester, origin: { kind: "mcp", client: caller.client, tokenName: caller.tokenName }, source: "mcp" });
  if (outcome.status === "completed") return { status: "completed", executionId: outcome.executionId, result: truncateResult(outcome.result), ...(outcome.logs ? { logs: outcome.logs } : {}) };
  return viewOf(runs, runs.run(run.runId) ?? run);
}

/** The state of one of the caller's executions, waiting up to `waitMs` for it to end. */
export async function executionForMcp(runs: Runs, userId: number, id: string, waitMs: number): Promise<ExecutionView> {
  const deadline = Date.now() + Math.min(Math.max(0, waitMs), MAX_WAIT_MS);
  for (;;) {
    const run = runs.run(id);
    if (!run || run.requesterId !== userId) return { status: "unknown", executionId: id };
    if ((run.status !== "paused" && run.status !== "running") || Date.now() >= deadline) return viewOf(runs, run);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function viewOf(runs: Runs, run: RunRecord): ExecutionView {
  const executionId = run.executionId ?? run.runId;
  switch (run.status) {
    case "completed":
    case "undone": {
      const logs = runs.runs.logs(run.runId);
      return { status: "completed", executionId, result: runs.runs.result(run.runId), ...(logs.length > 0 ? { logs } : {}) };
    }
    case "error":
      return { status: "error", executionId, error: run.summary ?? "the snippet failed" };
    case "rejected":
      return { status: "rejected", executionId, reason: run.summary ?? "the approval was not given" };
    default: {
      const waiting = runs.approvals.forExecution(executionId).filter((a) => a.state === "pending" || (a.state === "approved" && a.dispatch === null));
      return { status: "waiting_for_approval", executionId, waitingFor: waiting.map(describeCard) };
    }
  }
}

function describeCard(approval: Approval): string {
  return `${approval.request.operationId}: ${requestLine(approval.request)}`;
}

/**
 * The listener of MCP-started runs: keeps the final result for `execution`, and tells the chat how
 * a run that showed a card there ended (the person tapped there; the result went to the client).
 */
export class McpRunListener implements RunListener {
  private readonly store: RunStore;
  private readonly approvals: ApprovalStore;
  private readonly desk: ChatDesk;

  constructor(store: RunStore, approvals: ApprovalStore, desk: ChatDesk) {
    this.store = store;
    this.approvals = approvals;
    this.desk = desk;
  }

  async paused(): Promise<void> {
    // The card in the chat is the message; the client learns of it from `execute`'s answer.
  }

  async finished(run: RunRecord, end: RunEnd): Promise<void> {
    if (end.status === "completed") this.store.setResult(run.runId, JSON.stringify(truncateResult(end.result ?? null) ?? null), end.logs?.slice(-MAX_KEPT_LOGS).map((line) => line.slice(0, MAX_LOG_LINE)));
    if (run.origin.kind !== "mcp" || !run.executionId || this.approvals.forExecution(run.executionId).length === 0) return;
    const who = `${run.origin.client} (token "${run.origin.tokenName}")`;
    if (end.status === "completed") await this.desk.notice(run, `✅ Done for ${who}: ${end.writes} approved write${end.writes === 1 ? "" : "s"} sent; the result went back to the client.`);
    if (end.status === "error") await this.desk.notice(run, `⚠️ The run for ${who} failed after the approval: ${end.error}`);
  }
}
