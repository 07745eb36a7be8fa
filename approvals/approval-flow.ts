/**
 * The approval gate between a paused run and the account.
 *
 * A run's outcome comes here: a completed run is reported (with Undo when its writes can be
 * taken back); a paused run gets one card per pending action; an error is said plainly. Taps on
 * the cards come back here: who may decide is checked, the decision is persisted (and audited)
 * before the runtime continues, and the card is edited to say who decided what and when.
 * Expired cards are closed by `expireDue`, which the chat's alarm calls.
 *
 * Order of effects for Approve (each line is durable before the next starts):
 *   approvals row pending → approved · audit row approved (who, when) · callback answered ·
 *   card edited · runtime.approve → the write gate sends the request stored on the card, once.
 * Answering the tap and editing the card may fail (a late tap is "too old" for Telegram); the run
 * goes on regardless, and if the Worker itself dies in between, `recover` (the chat's alarm)
 * continues every approved card whose request was never claimed.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import type { CodemodeRuntimeHandle } from "@cloudflare/codemode";
import { InputFile, type Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { sendLong } from "../bot/format/send.ts";
import { renderResult } from "../bot/format/run-result.ts";
import { cardAttachment, cardKeyboard, cardText, clock, decidedCardText, type CardInput } from "./approval-card.ts";
import type { ApprovalStore, Approval, RunRecord } from "./approval-store.ts";
import { auditCallStarted, auditDecision, auditExecutionStatus, auditExecutionUpdated } from "./audit.ts";
import { buttonData } from "./callback-data.ts";
import { refusal, riskOf } from "./policy.ts";
import { requestLine, type CredentialRef, type StoredRequest } from "./stored-request.ts";

type Outcome = Awaited<ReturnType<CodemodeRuntimeHandle["execute"]>>;

/** What the flow needs from the chat. */
export interface ApprovalFlowDeps {
  api: Api;
  chatId: number;
  db: D1Database;
  store: ApprovalStore;
  approverIds: readonly number[];
  ttlMs: number;
  /** The runtime handle acting for a run's requester (their token, their audit identity). */
  runtimeFor: (requesterId: number) => CodemodeRuntimeHandle;
  /** Freezes a pending call's arguments into the request its card shows (throws a readable error). */
  requestFor: (args: unknown, requesterId: number) => Promise<PreparedCall>;
  /** Which credential the requester's calls would go out with now. */
  credentialFor: (requesterId: number) => Promise<CredentialRef>;
  /** Sends a host-side request (Undo) with the requester's credential. */
  send: (requesterId: number, request: { method: "DELETE"; path: string; operation: string }) => Promise<{ status: number }>;
  /** Asks the chat's alarm to wake by `at` (for expiry). */
  wakeBy: (at: number) => Promise<void>;
  /** The model turn waiting on a run, if the run was started by the model (see skills/cloudflare/agent). */
  modelTurn?: () => ModelTurnHook | undefined;
  now?: () => number;
}

/** The approval gate of one chat. */
export class ApprovalFlow {
  private readonly d: ApprovalFlowDeps;

  constructor(deps: ApprovalFlowDeps) {
    this.d = deps;
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  /** Reports a run's outcome: result, error, or approval cards. */
  async present(outcome: Outcome, run: RunRecord): Promise<void> {
    this.d.store.saveRun({ ...run, executionId: outcome.executionId });
    // One structured line per execution pass, for `wrangler tail` (no code, no results, no secrets).
    console.log(JSON.stringify({ level: outcome.status === "error" ? "warn" : "info", event: "execution_pass", execution_id: outcome.executionId,
      run_id: run.runId, chat_id: this.d.chatId, user_id: run.requesterId, status: outcome.status,
      calls: (outcome.calls ?? []).filter((c) => c.connector === "cloudflare").length, pending: outcome.status === "paused" ? outcome.pending.length : 0 }));
    const status = outcome.status === "completed" ? "completed" : outcome.status === "paused" ? "paused" : "error";
    await auditExecutionUpdated(this.d.db, run.runId, {
      executionId: outcome.executionId, status,
      ...(outcome.status === "error" ? { error: outcome.error } : {}),
      ...(outcome.status === "completed" ? { resultBytes: safeLength(outcome.result) } : {}),
    });
    const hook = this.d.modelTurn?.();
    if (outcome.status !== "paused" && hook?.isWaiting(outcome.executionId)) {
      await hook.resume(outcome.executionId, outcome.status === "completed"
        ? { status: "completed", result: outcome.result, undo: this.undoOffer(run) }
        : { status: "error", error: outcome.error });
      return;
    }
    if (outcome.status === "error") {
      await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("⚠️ The snippet failed")}\n${outcome.error}`);
      return;
    }
    if (outcome.status === "completed") {
      await this.reportCompleted(outcome, run);
      return;
    }
    if (outcome.pending.length === 0) {
      // Only a snippet that tampered with its own execution record pauses with nothing to approve.
      await auditExecutionStatus(this.d.db, outcome.executionId, "error", "paused with no pending action (the execution record was altered)");
      await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("⛔ The run stopped:")} it paused without a request to approve (its execution record was altered from inside the snippet). Nothing more will run for it.`);
      return;
    }
    for (const pending of outcome.pending) await this.showCard(pending, run);
  }

  /** The Undo button for a finished run's reversible writes, and the list of those that are not (from the gate's own record). */
  undoOffer(run: RunRecord): UndoOffer {
    const reversible = this.d.store.undoable(run.runId);
    const irreversible = this.d.store.irreversible(run.runId).map((a) => `${a.request.operationId} (${requestLine(a.request)})`);
    return {
      note: irreversible.length > 0 ? `Can't be undone automatically: ${irreversible.join("; ")}` : undefined,
      keyboard: reversible.length > 0 ? { inline_keyboard: [[{ text: "↩️ Undo", callback_data: buttonData("un", run.runId) }]] } : undefined,
      remember: (messageId: number) => this.d.store.setUndoMessage(run.runId, messageId),
    };
  }

  private async reportCompleted(outcome: Extract<Outcome, { status: "completed" }>, run: RunRecord): Promise<void> {
    const reads = (outcome.calls ?? []).filter((c) => c.connector === "cloudflare" && c.method === "read" && c.state === "applied").length;
    const writes = this.d.store.forExecution(outcome.executionId).filter((a) => a.dispatch === "sent").length;
    const view = renderResult(outcome.result, { calls: reads + writes, writes, ...(outcome.logs ? { logs: outcome.logs } : {}) });
    const offer = this.undoOffer(run);
    const text = offer.note ? fmt`${view.text}\n${F.italic(offer.note)}` : view.text;
    const keyboard = offer.keyboard;
    if (view.document) {
      await this.d.api.sendDocument(this.d.chatId, new InputFile(new TextEncoder().encode(view.document.content), view.document.fileName));
    }
    const sent = await sendLong(this.d.api, this.d.chatId, text, keyboard ? { replyMarkup: keyboard } : {});
    const carrier = sent.at(-1);
    if (keyboard && carrier) offer.remember(carrier.message_id);
  }

  /** Sends the card for one paused action (or refuses it, or approves it under "approve all"). */
  private async showCard(pending: { executionId: string; seq: number; method: string; args: unknown }, run: RunRecord): Promise<void> {
    const runtime = this.d.runtimeFor(run.requesterId);
    const existing = this.d.store.byAction(pending.executionId, pending.seq);
    if (existing) {
      // A card already stands for this action (an interrupted update ran again): never a second card or a second approval.
      if (existing.state === "approved" && existing.dispatch === null) await this.present(await runtime.approve({ executionId: pending.executionId }), run);
      return;
    }
    let prepared: PreparedCall;
    try {
      prepared = await this.d.requestFor(pending.args, run.requesterId);
    } catch (error) {
      await runtime.reject({ executionId: pending.executionId, seq: pending.seq });
      await auditExecutionStatus(this.d.db, pending.executionId, "rejected", `refused before approval: ${messageOf(error)}`);
      await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("⛔ Refused, nothing ran:")} ${messageOf(error)}`);
      return;
    }
    const { request } = prepared;
    const operation = { id: request.operationId, method: request.method, path: request.template, access: prepared.credentialRead ? "write" as const : prepared.access };
    const refused = refusal(operation) ?? wrongMethod(pending.method, prepared)
      ?? (request.returnsCredentials && this.d.chatId < 0 ? `${operation.id} returns credentials, which are never shown in a group: ask in a private chat with the bot` : undefined);
    if (refused) {
      await runtime.reject({ executionId: pending.executionId, seq: pending.seq });
      await auditExecutionStatus(this.d.db, pending.executionId, "rejected", refused);
      await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("⛔ Refused by the policy, nothing ran:")} ${refused}`);
      return;
    }
    const { risk, why } = riskOf(operation);
    const now = this.now();
    const auditCallId = await auditCallStarted(this.d.db, {
      executionId: pending.executionId, chatId: this.d.chatId, seq: pending.seq, operation: operation.id, method: operation.method,
      path: request.path, access: operation.access, risk, requesterId: run.requesterId,
    }, "pending");
    const approval = this.d.store.create({ executionId: pending.executionId, seq: pending.seq, runId: run.runId, auditCallId, chatId: this.d.chatId, requesterId: run.requesterId, now, ttlMs: this.d.ttlMs, request, risk });
    const card: CardInput = { approvalId: approval.id, request: approval.request, risk, ...(why ? { riskWhy: why } : {}), requester: run.requesterName, expiresAt: approval.expiresAt };
    const attachment = cardAttachment(card);
    if (attachment) await this.d.api.sendDocument(this.d.chatId, new InputFile(new TextEncoder().encode(attachment.content), attachment.fileName));
    // "Approve all" covers the later writes of the run, except destructive ones: those always get their own tap.
    const autoBy = risk === "destructive" ? undefined : this.d.store.autoApprover(pending.executionId);
    if (autoBy !== undefined && this.d.store.decide(approval.id, "approved", autoBy, now, true)) {
      await auditDecision(this.d.db, auditCallId, "approved", autoBy, now);
      const decided = decidedCardText(card, `✅ Approved automatically (Approve all in this run) at ${clock(now)} UTC`);
      const sent = await this.d.api.sendMessage(this.d.chatId, decided.text, { entities: decided.entities, link_preview_options: { is_disabled: true } });
      this.d.store.setMessage(approval.id, sent.message_id);
      await this.present(await runtime.approve({ executionId: pending.executionId }), run);
      return;
    }
    const text = cardText(card);
    const sent = await this.d.api.sendMessage(this.d.chatId, text.text, { entities: text.entities, reply_markup: cardKeyboard(approval.id, risk), link_preview_options: { is_disabled: true } });
    this.d.store.setMessage(approval.id, sent.message_id);
    await this.d.wakeBy(approval.expiresAt);
  }

  /**
   * Handles a tap on Approve / Reject / Approve all. Returns the callback answer and, when the
   * decision lets the run go on, the continuation to run after answering (so no button spins).
   */
  async decide(verb: "ap" | "rj" | "aa", approvalId: string, tapper: { id: number; name: string }): Promise<TapAnswer> {
    const approval = this.d.store.get(approvalId);
    if (!approval || approval.chatId !== this.d.chatId) return { text: "This card is not valid any more.", alert: true };
    const run = this.d.store.run(approval.runId);
    if (tapper.id !== approval.requesterId && !this.d.approverIds.includes(tapper.id)) {
      return { text: `Only ${run?.requesterName ?? "the person who asked"} or an approver can decide this.`, alert: true };
    }
    if (approval.state !== "pending") {
      // A tap handled before but interrupted before the run went on: go on now (the alarm would too).
      const stalled = approval.state === "approved" && approval.dispatch === null;
      return { text: alreadyDecided(approval), alert: true, ...(stalled ? { continue: async () => { await this.recover(); } } : {}) };
    }
    const now = this.now();
    if (now >= approval.expiresAt) {
      await this.expire(approval, now);
      return { text: `This card expired at ${clock(approval.expiresAt)} UTC; nothing ran.`, alert: true };
    }
    const runRecord: RunRecord = run ?? { runId: approval.runId, executionId: approval.executionId, chatId: this.d.chatId, requesterId: approval.requesterId, requesterName: "the requester" };
    if (verb !== "rj") {
      const current = await this.d.credentialFor(approval.requesterId);
      if (current.id !== approval.request.credential.id) return this.voidCard(approval, `${runRecord.requesterName}'s Cloudflare token changed after this card was shown (card: ${approval.request.credential.label}; now: ${current.label})`, now);
    }
    const state = verb === "rj" ? "rejected" : "approved";
    if (!this.d.store.decide(approval.id, state, tapper.id, now)) return { text: alreadyDecided(this.d.store.get(approval.id) ?? approval), alert: true };
    await auditDecision(this.d.db, approval.auditCallId, state, tapper.id, now);
    if (verb === "aa") this.d.store.approveAllFor(approval.executionId, tapper.id, now);
    const runtime = this.d.runtimeFor(approval.requesterId);
    if (state === "rejected") {
      await this.closeCard(approval, `❌ Rejected by ${tapper.name} at ${clock(now)} UTC. Nothing was changed by this action.`);
      const ended = await runtime.reject({ executionId: approval.executionId, seq: approval.seq });
      await auditExecutionStatus(this.d.db, approval.executionId, "rejected");
      const hook = this.d.modelTurn?.();
      if (ended && hook?.isWaiting(approval.executionId)) {
        return { text: "Rejected. Nothing ran.", continue: async () => { await hook.resume(approval.executionId, { status: "rejected", reason: `rejected by ${tapper.name}` }); } };
      }
      if (ended) await sendLong(this.d.api, this.d.chatId, fmt`Rejected: the run stopped and ${F.code(approval.executionId)} made no further changes.`);
      return { text: "Rejected. Nothing ran." };
    }
    // If this instance dies before the run goes on, the alarm carries it on (see `recover`).
    await this.d.wakeBy(now + RECOVER_AFTER_MS);
    await this.closeCard(approval, `✅ Approved by ${tapper.name} at ${clock(now)} UTC${verb === "aa" ? " (and every later non-destructive write of this run)" : ""}.`);
    return {
      text: verb === "aa" ? "Approved, with the rest of this run. Running…" : "Approved. Running…",
      continue: async () => this.present(await runtime.approve({ executionId: approval.executionId }), runRecord),
    };
  }

  /**
   * Carries on every approved card whose request was never claimed: the tap was recorded, then the
   * Worker failed before the run went on. Called by the chat's alarm; safe to call any time.
   */
  async recover(): Promise<number> {
    let resumed = 0;
    for (const approval of this.d.store.approvedNotSent()) {
      const run = this.d.store.run(approval.runId) ?? { runId: approval.runId, executionId: approval.executionId, chatId: this.d.chatId, requesterId: approval.requesterId, requesterName: "the requester" };
      const runtime = this.d.runtimeFor(approval.requesterId);
      const waiting = (await runtime.pending(approval.executionId)).some((p) => p.seq === approval.seq);
      if (waiting) {
        resumed += 1;
        await this.present(await runtime.approve({ executionId: approval.executionId }), run);
        continue;
      }
      // The run is no longer paused on this card (it ended another way): the approved request was never sent, and never will be.
      if (this.d.store.refuseDispatch(approval.id, "the run ended before the approved request was sent")) {
        await sendLong(this.d.api, this.d.chatId, fmt`${F.bold("⚠️ An approved request was not sent:")} the run ended before it could go out (${F.code(requestLine(approval.request))}). Nothing was changed by it; run it again if you still want it.`);
      }
    }
    return resumed;
  }

  /** Closes every card whose time is up (called by the chat's alarm). Returns how many. */
  async expireDue(): Promise<number> {
    const now = this.now();
    const due = this.d.store.due(now);
    for (const approval of due) await this.expire(approval, now);
    return due.length;
  }

  private async expire(approval: Approval, now: number): Promise<void> {
    if (!this.d.store.expire(approval.id, now)) return;
    await auditDecision(this.d.db, approval.auditCallId, "expired", null, now);
    await this.d.runtimeFor(approval.requesterId).reject({ executionId: approval.executionId, seq: approval.seq });
    await auditExecutionStatus(this.d.db, approval.executionId, "rejected", "the approval card expired");
    await this.closeCard(approval, `⌛ Expired at ${clock(approval.expiresAt)} UTC: nobody decided in time, so nothing ran and the run was stopped.`);
    await this.d.modelTurn?.()?.resume(approval.executionId, { status: "rejected", reason: "nobody approved it in time; the card expired" });
  }

  /** Voids a card that no longer describes what would run; the run ends and nothing is sent. */
  private async voidCard(approval: Approval, reason: string, now: number): Promise<TapAnswer> {
    if (!this.d.store.markVoid(approval.id, reason, now)) return { text: alreadyDecided(this.d.store.get(approval.id) ?? approval), alert: true };
    await auditDecision(this.d.db, approval.auditCallId, "rejected", null, now);
    await this.d.runtimeFor(approval.requesterId).reject({ executionId: approval.executionId, seq: approval.seq });
    await auditExecutionStatus(this.d.db, approval.executionId, "rejected", `card void: ${reason}`);
    await this.closeCard(approval, `🚫 Void: ${reason}. Nothing ran; ask again to get a card for the current token.`);
    const hook = this.d.modelTurn?.();
    if (hook?.isWaiting(approval.executionId)) await hook.resume(approval.executionId, { status: "rejected", reason: `the card became void: ${reason}` });
    return { text: `This card is void: ${reason}. Nothing ran.`, alert: true };
  }

  /** Edits a card to its final text and removes its buttons. */
  private async closeCard(approval: Approval, outcome: string): Promise<void> {
    if (approval.messageId === null) return;
    const text = approval.hasRequest ? decidedCardText(this.cardFor(approval), outcome) : new F(outcome);
    await this.d.api.editMessageText(this.d.chatId, approval.messageId, text.text, { entities: text.entities, reply_markup: { inline_keyboard: [] } })
      .catch((error: unknown) => console.warn(JSON.stringify({ level: "warn", event: "card_edit_failed", approval: approval.id, error: messageOf(error) })));
  }

  private cardFor(approval: Approval): CardInput {
    const { risk, why } = riskOf({ id: approval.request.operationId, method: approval.request.method, path: approval.request.template, access: "write" });
    const run = this.d.store.run(approval.runId);
    return { approvalId: approval.id, request: approval.request, risk, ...(why ? { riskWhy: why } : {}), requester: run?.requesterName ?? "the requester", expiresAt: approval.expiresAt };
  }
}

/** How long after an Approve the alarm checks that the run went on (it normally has, long before). */
const RECOVER_AFTER_MS = 60_000;

/** How the approval gate hands a model's run back to the model when it ends. */
export interface ModelTurnHook {
  isWaiting(executionId: string): boolean;
  resume(executionId: string, end: RunEnd): Promise<boolean>;
}

/** How a run that a model turn waited on ended (with the Undo offer for a completed one). */
export type RunEnd = { status: "completed"; result: unknown; undo?: UndoOffer } | { status: "error"; error: string } | { status: "rejected"; reason: string };

/** An Undo button for a finished run (when something can be undone), and a note on what cannot. */
export interface UndoOffer {
  note: string | undefined;
  keyboard: InlineKeyboardMarkup | undefined;
  /** Records the message that carries the button. */
  remember: (messageId: number) => void;
}

/** What a tap is answered with, and what runs after the answer. */
export interface TapAnswer {
  text: string;
  alert?: boolean;
  continue?: () => Promise<void>;
}

/** A pending call's request, and what kind of call it is (see skills/cloudflare/code-mode/write-gate.ts). */
export interface PreparedCall {
  request: StoredRequest;
  access: "read" | "write";
  credentialRead: boolean;
}

/** Why a call came through the wrong method (`write` for a plain read, `reveal` for anything but a credential read), or undefined. */
function wrongMethod(method: string, call: PreparedCall): string | undefined {
  const id = call.request.operationId;
  if (method === "reveal") return call.credentialRead ? undefined : `${id} does not return credentials; use cloudflare.${call.access === "read" ? "read" : "write"} for it`;
  if (call.credentialRead) return `${id} returns credentials; use cloudflare.reveal for it`;
  return call.access === "read" ? `${id} only reads; use cloudflare.read for it (no approval needed)` : undefined;
}

function alreadyDecided(approval: Approval): string {
  const when = approval.decidedAt ? ` at ${clock(approval.decidedAt)} UTC` : "";
  if (approval.state === "expired") return `This card already expired${when}; nothing ran.`;
  return `Already ${approval.state}${approval.auto ? " automatically" : ""}${when}. Nothing more to do.`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function safeLength(value: unknown): number {
  try { return JSON.stringify(value)?.length ?? 0; } catch { return 0; }
}
