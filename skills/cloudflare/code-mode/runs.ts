/**
 * The one owner of a run's lifecycle in a chat, whoever started it (a chat command, the model, an
 * MCP client): start, the cards it pauses on, the taps that approve or reject them, expiry,
 * recovery after a crash, Undo, and retention. Nothing else calls codemode's
 * `runtime.execute / approve / reject`.
 *
 * Every outcome goes to exactly one listener, chosen when the run starts and stored with it
 * (`RunOrigin`): the chat, the model turn that waits on it, or an MCP caller. What always happens
 * in the chat (cards, credentials, the Undo confirmation) goes through the `ChatDesk`. Both are
 * implemented in bot/; nothing here talks to Telegram.
 *
 * Invariants (tests in test/gate.test.ts, test/approvals.test.ts, test/runs.test.ts):
 * - A run is addressed by id (ours or codemode's execution id), never by "the last one".
 * - A card's decision is recorded (approvals/decide.ts) before the run goes on; what is sent after
 *   Approve is the request stored on the card (./write-gate.ts).
 * - An approved card whose run never went on (the Worker failed in between) is carried on by
 *   `recover`, which the chat's alarm calls.
 * - Storage stays bounded: ended runs beyond the newest `retention.runs`, or older than
 *   `retention.days`, are forgotten with their execution logs and cards (`prune`).
 */
import type { CodemodeRuntimeHandle, Executor } from "@cloudflare/codemode";
import { type CardInput } from "../../../approvals/approval-card.ts";
import { ApprovalStore, type Approval } from "../../../approvals/approval-store.ts";
import { auditCallStarted, auditExecutionRequested, auditExecutionStatus, auditExecutionUpdated, newRunId } from "../../../approvals/audit.ts";
import { PassAudit } from "../../../approvals/pass-audit.ts";
import { approveAutomatically, decideTap, expireCard, type Decision, type Tap } from "../../../approvals/decide.ts";
import { riskOf, type Risk } from "../../../approvals/policy.ts";
import { ANSWER_IN_CHAT, RunStore, type AnswerTo, type RunOrigin, type RunRecord } from "../../../approvals/run-store.ts";
import { requestLine, type CredentialRef, type StoredRequest } from "../../../approvals/stored-request.ts";
import type { McpServers } from "../../mcp-servers/mcp-servers.ts";
import { GuardedExecutor } from "../sandbox/guarded-executor.ts";
import { cardForPausedCall, type PendingCall } from "./paused-call.ts";
import { PassRuntimes } from "./pass-runtime.ts";
import type { RequesterCredentials } from "./requester-credentials.ts";
import type { ChatDesk, RunEnd, RunListener, RunStep, UndoOffer } from "./run-listener.ts";
import { RunNotes } from "./run-notes.ts";
import { undoRun } from "./run-undo.ts";

type Outcome = Awaited<ReturnType<CodemodeRuntimeHandle["execute"]>>;

/** The person a run acts for. */
export interface Requester {
  id: number;
  name: string;
}

/** What starting a run needs. */
export interface StartRun {
  code: string;
  requester: Requester;
  origin: RunOrigin;
  /** Where its messages go: the request's forum topic and, in groups, the request message they reply to. */
  answerTo?: AnswerTo;
  source: "run" | "snippet" | "model" | "mcp";
}

/** What a tap is answered with, and what runs after the answer (so no button spins). */
export interface TapAnswer {
  text: string;
  alert?: boolean;
  continue?: () => Promise<void>;
}

/** What the owner needs from the chat's Durable Object. */
export interface RunsDeps {
  ctx: DurableObjectState;
  env: Env;
  chatId: number;
  approverIds: readonly number[];
  approvalTtlMs: number;
  retention: { runs: number; days: number };
  credentials: RequesterCredentials;
  desk: ChatDesk;
  /** Where outcomes go, by the kind of origin a run started from. */
  listeners: Partial<Record<RunOrigin["kind"], RunListener>>;
  /** Asks the chat's alarm to wake by `at` (card expiry, recovery). */
  wakeBy: (at: number) => Promise<void>;
  /** The sandbox; the guarded Dynamic Worker executor unless a bench brings its own. */
  executor?: Executor;
  /** Other MCP servers whose tools snippets may use (`MCP_SERVERS`). */
  mcp?: McpServers;
}


/** How long after an Approve the alarm checks that the run went on (it normally has, long before). */
const RECOVER_AFTER_MS = 60_000;
/** Ended runs beyond the window are pruned in batches, once this many have piled up. */
const PRUNE_SLACK = 20;
const DAY_MS = 24 * 60 * 60 * 1000;
/** For what concerns no run in particular (snippets, retention): no requester, no MCP server. */
const NOBODY = { requesterId: 0, mcpServers: [] as string[] };

/** The runs of one chat. */
export class Runs {
  readonly approvals: ApprovalStore;
  readonly runs: RunStore;
  private readonly notes: RunNotes;
  private readonly d: RunsDeps;
  private readonly passes: PassRuntimes;

  constructor(deps: RunsDeps) {
    this.d = deps;
    this.approvals = new ApprovalStore(deps.ctx.storage.sql);
    this.runs = new RunStore(deps.ctx.storage.sql);
    this.notes = new RunNotes(deps.ctx.storage.sql);
    this.passes = new PassRuntimes({
      ctx: deps.ctx, env: deps.env, chatId: deps.chatId, credentials: deps.credentials, ...(deps.mcp ? { mcp: deps.mcp } : {}),
      executor: deps.executor ?? new GuardedExecutor({ loader: deps.env.LOADER }), maxExecutions: deps.retention.runs + PRUNE_SLACK,
      approvals: this.approvals, notes: this.notes,
      deliverCredentials: async (approval, result) => this.d.desk.showCredentials(this.runOf(approval), approval, result),
    });
  }

  /**
   * Starts a run and returns it with its first pass's outcome (after it was reported). Its audit
   * row is written while the sandbox starts; no call of the run is sent before the row is on record
   * (approvals/pass-audit.ts).
   */
  async start(input: StartRun): Promise<{ run: RunRecord; outcome: Outcome }> {
    const runId = newRunId();
    const audit = new PassAudit(auditExecutionRequested(this.d.env.DB, runId, { chatId: this.d.chatId, userId: input.requester.id, userName: input.requester.name, source: input.source, code: input.code }));
    const run = this.runs.create({ runId, chatId: this.d.chatId, requesterId: input.requester.id, requesterName: input.requester.name,
      origin: input.origin, answerTo: input.answerTo ?? ANSWER_IN_CHAT, mcpServers: this.d.mcp?.usedBy(input.code) ?? [], now: Date.now() });
    const outcome = await this.settle(await this.runtimeFor(run, audit).execute({ code: input.code }), run, audit);
    if (this.runs.count() > this.d.retention.runs + PRUNE_SLACK) await this.prune();
    return { run: this.runs.get(runId) ?? run, outcome };
  }

  /** A run by our id or codemode's execution id. */
  run(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Handles a tap on Approve / Reject / Approve all. */
  async tap(tap: Tap): Promise<TapAnswer> {
    const now = Date.now();
    const decision = await decideTap({ approvals: this.approvals, runs: this.runs, db: this.d.env.DB, chatId: this.d.chatId,
      approverIds: this.d.approverIds, now, currentCredential: (approval) => this.credentialOf(approval) }, tap);
    switch (decision.kind) {
      case "none":
        return { text: decision.answer, alert: true };
      case "stalled":
        return { text: decision.answer, alert: true, continue: async () => { await this.recover(); } };
      case "ended":
        return { text: decision.answer, continue: () => this.end(decision) };
      case "approved":
        // If this instance dies before the run goes on, the alarm carries it on (see `recover`).
        await this.d.wakeBy(now + RECOVER_AFTER_MS);
        return {
          text: decision.answer,
          continue: async () => {
            await this.d.desk.closeCard(decision.run, decision.approval, this.cardOf(decision.approval, decision.run), decision.cardOutcome);
            const audit = new PassAudit();
            await this.settle(await this.runtimeFor(decision.run, audit).approve({ executionId: decision.approval.executionId }), decision.run, audit);
          },
        };
    }
  }

  /** Closes every card whose time is up (the chat's alarm calls it). Returns how many. */
  async expireDue(): Promise<number> {
    const now = Date.now();
    let expired = 0;
    for (const approval of this.approvals.due(now)) {
      const decision = await expireCard({ approvals: this.approvals, runs: this.runs, db: this.d.env.DB, now }, approval);
      if (!decision) continue;
      expired += 1;
      await this.end(decision);
    }
    return expired;
  }

  /** When the next pending card expires, for the alarm. */
  nextExpiry(): number | undefined {
    return this.approvals.nextExpiry();
  }

  /**
   * Carries on every approved card whose request was never claimed: the tap was recorded, then the
   * Worker failed before the run went on. Called by the chat's alarm; safe to call any time.
   */
  async recover(): Promise<number> {
    let resumed = 0;
    for (const approval of this.approvals.approvedNotSent()) {
      const run = this.runOf(approval);
      const audit = new PassAudit();
      const runtime = this.runtimeFor(run, audit);
      if ((await runtime.pending(approval.executionId)).some((p) => p.seq === approval.seq)) {
        resumed += 1;
        await this.settle(await runtime.approve({ executionId: approval.executionId }), run, audit);
      } else if (this.approvals.refuseDispatch(approval.id, "the run ended before the approved request was sent")) {
        await this.d.desk.notice(run, `⚠️ An approved request was not sent: the run ended before it could go out (${requestLine(approval.request)}). Nothing was changed by it; run it again if you still want it.`);
      }
    }
    return resumed;
  }

  /** First tap on Undo: shows exactly what would be undone and how, and asks to confirm. */
  async askUndo(runId: string, tapper: { id: number }): Promise<TapAnswer> {
    const check = this.mayUndo(runId, tapper.id);
    if (typeof check === "string") return { text: check, alert: true };
    const writes = this.approvals.undoable(runId);
    if (writes.length === 0) return { text: "Nothing in this run can be undone.", alert: true };
    await this.d.desk.confirmUndo(check, writes);
    return { text: "Confirm below." };
  }

  /** Second tap: sends the undo requests (once) and reports. */
  async confirmUndo(runId: string, tapper: { id: number; name: string }): Promise<TapAnswer> {
    const check = this.mayUndo(runId, tapper.id);
    if (typeof check === "string") return { text: check, alert: true };
    if (!this.runs.markUndone(runId, Date.now())) return { text: "This run was already undone.", alert: true };
    return {
      text: "Undoing…",
      continue: async () => {
        const report = await undoRun({ approvals: this.approvals, db: this.d.env.DB, chatId: this.d.chatId, credentials: this.d.credentials }, check);
        await auditExecutionStatus(this.d.env.DB, check.executionId ?? "", "rolled_back", report.failures.length > 0 ? report.failures.join("; ") : undefined);
        await this.d.desk.undone(check, { by: tapper.name, ...report });
      },
    };
  }

  /** Saves the requester's last completed run as a snippet; undefined when there is none (or it is too old to keep). */
  async save(name: string, description: string | undefined, requesterId: number): Promise<{ code: string; description: string } | undefined> {
    const last = this.runs.lastCompleted(requesterId);
    if (!last?.executionId) return undefined;
    const runtime = this.runtimeFor({ requesterId, mcpServers: [] });
    const text = description ?? `Saved from run ${last.runId}`;
    try {
      const snippet = await runtime.saveSnippet(name, { executionId: last.executionId, description: text });
      return { code: snippet.code, description: snippet.description };
    } catch {
      return undefined;
    }
  }

  /** The saved snippets. */
  async snippets(): Promise<Array<{ name: string; description: string; code: string }>> {
    return (await this.runtimeFor(NOBODY).snippets()).map(({ name, description, code }) => ({ name, description, code }));
  }

  /** Deletes a saved snippet; false when there was none. */
  async forget(name: string): Promise<boolean> {
    return this.runtimeFor(NOBODY).deleteSnippet(name);
  }

  /**
   * Forgets ended runs beyond the retention window, with their execution logs and cards, and
   * closes codemode's paused runs nobody can answer any more. Returns how many runs were dropped.
   */
  async prune(now = Date.now()): Promise<number> {
    const ids = this.runs.prune(this.d.retention.runs, now - this.d.retention.days * DAY_MS);
    this.approvals.forget(ids);
    this.notes.forget(ids);
    const runtime = this.runtimeFor(NOBODY);
    for (const id of ids) await runtime.deleteExecution(id);
    // Runs from before this version, and anything codemode kept that we no longer know.
    await runtime.pruneExecutions(this.d.retention.runs);
    await runtime.expirePaused({ maxAgeMs: Math.max(4 * this.d.approvalTtlMs, DAY_MS) });
    return ids.length;
  }

  /** How many executions codemode keeps in its facet (its own SQLite): bounded by the same window. For tests and diagnostics. */
  async keptExecutions(): Promise<number> {
    return (await this.runtimeFor(NOBODY).executions()).length;
  }

  /**
   * Reports a pass's outcome (the result, the error, or the cards it paused on) once all its audit
   * rows are written; returns it with the host's notes in its logs. A pass whose calls could not
   * all be recorded ends in an error, whatever it returned.
   */
  private async settle(passed: Outcome, run: RunRecord, audit: PassAudit): Promise<Outcome> {
    // How the pass ended is written while its calls' rows are still on their way (after the run's
    // own row, which it updates); if one of those fails, the error is written over it.
    let ended = audit.beforeSend().then(() => this.auditPassEnd(run, passed), () => undefined);
    ended.catch(() => undefined); // awaited in `report`; not an unhandled rejection meanwhile
    const recorded = await audit.settled().then(() => passed, (error: unknown): Outcome => ({ status: "error", executionId: passed.executionId, error: messageOf(error), ...(passed.calls ? { calls: passed.calls } : {}) }));
    if (recorded !== passed) ended = ended.catch(() => undefined).then(() => this.auditPassEnd(run, recorded));
    const outcome = this.withNotes(recorded);
    await this.report(outcome, run, ended);
    return outcome;
  }

  /** Writes how a pass ended to the run's audit row. */
  private auditPassEnd(run: RunRecord, outcome: Outcome): Promise<void> {
    return auditExecutionUpdated(this.d.env.DB, run.runId, {
      executionId: outcome.executionId, status: outcome.status,
      ...(outcome.status === "error" ? { error: outcome.error } : {}),
      ...(outcome.status === "completed" ? { resultBytes: safeLength(outcome.result) } : {}),
    });
  }

  /** A completed outcome with the notes the host made during the run (a list cut short) after the snippet's own console lines. */
  private withNotes(outcome: Outcome): Outcome {
    if (outcome.status !== "completed") return outcome;
    const notes = this.notes.take(outcome.executionId);
    return notes.length === 0 ? outcome : { ...outcome, logs: [...(outcome.logs ?? []), ...notes] };
  }

  /** Reports a pass once `ended` (its audit update) is written. */
  private async report(outcome: Outcome, run: RunRecord, ended: Promise<void>): Promise<void> {
    const current: RunRecord = { ...run, executionId: outcome.executionId };
    // One structured line per execution pass, for `wrangler tail` (no code, no results, no secrets).
    console.log(JSON.stringify({ level: outcome.status === "error" ? "warn" : "info", event: "execution_pass", execution_id: outcome.executionId,
      run_id: run.runId, chat_id: this.d.chatId, user_id: run.requesterId, origin: run.origin.kind, status: outcome.status,
      calls: (outcome.calls ?? []).filter((c) => c.connector === "cloudflare").length, pending: outcome.status === "paused" ? outcome.pending.length : 0 }));
    // The chat's own record is written after the audit update, not before: a Durable Object's
    // outgoing request waits until its earlier writes are stored, which would put that wait in
    // front of every answer.
    try {
      await ended;
    } finally {
      this.runs.linkExecution(run.runId, outcome.executionId);
    }
    const reads = (outcome.calls ?? []).filter((c) => c.connector === "cloudflare" && c.method === "read" && c.state === "applied").length;
    const writes = this.approvals.forExecution(outcome.executionId).filter((a) => a.dispatch === "sent").length;
    if (outcome.status === "completed") {
      return this.finish(current, "completed", { status: "completed", result: outcome.result, ...(outcome.logs ? { logs: outcome.logs } : {}), reads, writes, undo: this.undoOffer(run.runId) });
    }
    if (outcome.status === "error") return this.finish(current, "error", { status: "error", error: outcome.error, apiCalls: reads + writes });
    if (outcome.pending.length === 0) {
      // Only a snippet that tampered with its own execution record pauses with nothing to approve.
      await auditExecutionStatus(this.d.env.DB, outcome.executionId, "error", "paused with no pending action (the execution record was altered)");
      return this.finish(current, "error", { status: "error", error: "the run paused without a request to approve (its execution record was altered from inside the snippet); nothing more will run for it" });
    }
    const shown: Approval[] = [];
    for (const pending of outcome.pending) {
      const card = await this.card(pending, current);
      if (card === "ended") return;
      if (card !== "continued") shown.push(card);
    }
    if (shown.length === 0) return;
    this.runs.setStatus(run.runId, "paused", Date.now());
    await this.listenerOf(current).paused(current, shown);
  }

  /** Makes the card for one paused call: refused, approved automatically (and continued), or shown. */
  private async card(pending: PendingCall, run: RunRecord): Promise<Approval | "continued" | "ended"> {
    const existing = this.approvals.byAction(pending.executionId, pending.seq);
    if (existing) {
      // A card already stands for this call (an interrupted update ran again): never a second card or a second approval.
      if (existing.state !== "approved" || existing.dispatch !== null) return existing;
      const audit = new PassAudit();
      await this.settle(await this.runtimeFor(run, audit).approve({ executionId: pending.executionId }), run, audit);
      return "continued";
    }
    const card = await cardForPausedCall(this.d, pending, run.requesterId);
    if ("refused" in card) {
      await this.refuse(pending, run, card.refused);
      return "ended";
    }
    return this.showCard(pending, run, card.request, card);
  }

  /** Records a card for a paused call and shows it (or approves it under "Approve all" and goes on). */
  private async showCard(pending: PendingCall, run: RunRecord, request: StoredRequest, { risk, why }: { risk: Risk; why?: string }): Promise<Approval | "continued" | "ended"> {
    const now = Date.now();
    const auditCallId = await auditCallStarted(this.d.env.DB, {
      executionId: pending.executionId, chatId: this.d.chatId, seq: pending.seq, operation: request.operationId, method: request.method,
      path: request.path, access: "write", risk, requesterId: run.requesterId,
    }, "pending");
    const approval = this.approvals.create({ executionId: pending.executionId, seq: pending.seq, runId: run.runId, auditCallId, chatId: this.d.chatId,
      requesterId: run.requesterId, now, ttlMs: this.d.approvalTtlMs, request, risk });
    const card: CardInput = { approvalId: approval.id, request, risk, ...(why ? { riskWhy: why } : {}), requester: run.requesterName, expiresAt: approval.expiresAt };
    const automatic = await approveAutomatically({ approvals: this.approvals, db: this.d.env.DB, now }, approval);
    if (automatic !== undefined) {
      this.approvals.setMessage(approval.id, await this.d.desk.showCard(run, card, automatic));
      const audit = new PassAudit();
      await this.settle(await this.runtimeFor(run, audit).approve({ executionId: pending.executionId }), run, audit);
      return "continued";
    }
    this.approvals.setMessage(approval.id, await this.d.desk.showCard(run, card, undefined));
    await this.d.wakeBy(approval.expiresAt);
    return this.approvals.get(approval.id) ?? approval;
  }

  /** Ends a run whose card was rejected, expired or voided. */
  private async end(decision: Extract<Decision, { kind: "ended" }>): Promise<void> {
    const { approval, run } = decision;
    await this.d.desk.closeCard(run, approval, this.cardOf(approval, run), decision.cardOutcome);
    await this.runtimeFor(run).reject({ executionId: approval.executionId, seq: approval.seq });
    await auditExecutionStatus(this.d.env.DB, approval.executionId, "rejected", decision.reason);
    await this.finish(run, "rejected", { status: "rejected", reason: decision.reason });
  }

  private async refuse(pending: { executionId: string; seq: number }, run: RunRecord, reason: string): Promise<void> {
    await this.runtimeFor(run).reject({ executionId: pending.executionId, seq: pending.seq });
    await auditExecutionStatus(this.d.env.DB, pending.executionId, "rejected", reason);
    await this.finish(run, "rejected", { status: "refused", reason });
  }

  private async finish(run: RunRecord, status: "completed" | "error" | "rejected", end: RunEnd): Promise<void> {
    this.runs.setStatus(run.runId, status, Date.now(), end.status === "error" ? end.error : end.status === "completed" ? undefined : end.reason);
    await this.listenerOf(run).finished(this.runs.get(run.runId) ?? run, end);
  }

  private undoOffer(runId: string): UndoOffer {
    const undoable = this.approvals.undoable(runId);
    return {
      reversible: undoable.length,
      removes: undoable.map((a) => a.undo!.label),
      irreversible: this.approvals.irreversible(runId).map((a) => `${a.request.operationId} (${requestLine(a.request)})`),
    };
  }

  private mayUndo(runId: string, tapperId: number): RunRecord | string {
    const run = this.runs.get(runId);
    if (!run || run.chatId !== this.d.chatId) return "This button is no longer active.";
    if (tapperId !== run.requesterId && !this.d.approverIds.includes(tapperId)) return `Only ${run.requesterName} or an approver can undo this.`;
    if (run.undoneAt) return "This run was already undone.";
    return run;
  }

  private listenerOf(run: RunRecord): RunListener {
    const listener = this.d.listeners[run.origin.kind] ?? this.d.listeners.chat;
    if (!listener) throw new Error(`no listener for runs started from ${run.origin.kind}`);
    return listener;
  }

  private runOf(approval: Approval): RunRecord {
    return this.runs.get(approval.runId) ?? { runId: approval.runId, executionId: approval.executionId, chatId: approval.chatId, requesterId: approval.requesterId,
      requesterName: "the person who asked", origin: { kind: "chat" }, answerTo: ANSWER_IN_CHAT, mcpServers: [], status: "paused", summary: null, createdAt: approval.createdAt, finishedAt: null, undoneAt: null };
  }

  private cardOf(approval: Approval, run: RunRecord): CardInput {
    const { why } = riskOf({ id: approval.request.operationId, method: approval.request.method, path: approval.request.template, access: "write" });
    return { approvalId: approval.id, request: approval.request, risk: approval.risk, ...(why && approval.risk === "destructive" ? { riskWhy: why } : {}), requester: run.requesterName, expiresAt: approval.expiresAt };
  }

  /** The credential a card's call would go out with now: the requester's Cloudflare token, or what its MCP server uses. */
  private async credentialOf(approval: Approval): Promise<CredentialRef> {
    if (approval.request.method === "MCP" && this.d.mcp) return this.d.mcp.credentialFor(approval.request.operationId.split(".")[0]!, approval.requesterId);
    return (await this.d.credentials.credentialFor(approval.requesterId)).ref;
  }

  /** The runtime acting for a run's requester, with its MCP servers; for a whole run, its steps reach its listener. */
  private runtimeFor(run: Pick<RunRecord, "requesterId" | "mcpServers"> | RunRecord, pass?: PassAudit): CodemodeRuntimeHandle {
    const progress = "origin" in run ? async (step: RunStep) => { await this.listenerOf(run).progress?.(run, step); } : undefined;
    return this.passes.runtime({ requesterId: run.requesterId, mcpServers: run.mcpServers, ...(progress ? { progress } : {}) }, pass);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function safeLength(value: unknown): number {
  try { return JSON.stringify(value)?.length ?? 0; } catch { return 0; }
}
