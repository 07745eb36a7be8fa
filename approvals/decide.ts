/**
 * What a tap on an approval card decides, and what the expiry alarm decides: checked, recorded
 * (state transition and audit row), and returned. Nothing here talks to Telegram or runs anything;
 * the run's owner (skills/cloudflare/code-mode/runs.ts) carries out the decision afterwards.
 *
 * Order: who may decide is checked; then the card's state moves with a conditional UPDATE (so of
 * two taps at once exactly one wins); then the audit row says who decided what and when. Only then
 * does the caller let the run go on, so a decision is always on record before its effect.
 */
import { clock } from "./approval-card.ts";
import type { Approval, ApprovalStore } from "./approval-store.ts";
import { auditDecision } from "./audit.ts";
import { ANSWER_IN_CHAT, type RunRecord, type RunStore } from "./run-store.ts";
import type { CredentialRef } from "./stored-request.ts";

/** A tap on Approve (`ap`), Reject (`rj`) or Approve all (`aa`). */
export interface Tap {
  verb: "ap" | "rj" | "aa";
  approvalId: string;
  tapper: { id: number; name: string };
}

/** What the deciding needs. */
export interface DecideContext {
  approvals: ApprovalStore;
  runs: RunStore;
  db: D1Database;
  chatId: number;
  approverIds: readonly number[];
  now: number;
  /** The credential the card's call would go out with now (a change voids the card). */
  currentCredential: (approval: Approval) => Promise<CredentialRef>;
}

/** A decision: what to answer the tap with, and what the run's owner must do next. */
export type Decision =
  | { kind: "none"; answer: string } // nothing changed: not allowed, unknown card, already decided
  | { kind: "approved"; approval: Approval; run: RunRecord; all: boolean; answer: string; cardOutcome: string }
  | { kind: "ended"; approval: Approval; run: RunRecord; answer: string; cardOutcome: string; reason: string } // rejected, expired or void: the run ends
  | { kind: "stalled"; approval: Approval; run: RunRecord; answer: string }; // approved before, never sent: go on now

/** Decides a tap. */
export async function decideTap(c: DecideContext, tap: Tap): Promise<Decision> {
  const approval = c.approvals.get(tap.approvalId);
  if (!approval || approval.chatId !== c.chatId) return { kind: "none", answer: "This card is not valid any more." };
  const run = runOf(c, approval);
  if (tap.tapper.id !== approval.requesterId && !c.approverIds.includes(tap.tapper.id)) {
    return { kind: "none", answer: `Only ${run.requesterName} or an approver can decide this.` };
  }
  if (approval.state !== "pending") {
    if (approval.state === "approved" && approval.dispatch === null) return { kind: "stalled", approval, run, answer: alreadyDecided(approval) };
    return { kind: "none", answer: alreadyDecided(approval) };
  }
  if (c.now >= approval.expiresAt) return (await expireCard(c, approval)) ?? { kind: "none", answer: alreadyDecided(c.approvals.get(approval.id) ?? approval) };
  if (tap.verb === "rj") {
    if (!c.approvals.decide(approval.id, "rejected", tap.tapper.id, c.now)) return { kind: "none", answer: alreadyDecided(c.approvals.get(approval.id) ?? approval) };
    await auditDecision(c.db, approval.auditCallId, "rejected", { id: tap.tapper.id, name: tap.tapper.name }, c.now);
    return { kind: "ended", approval, run, answer: "Rejected. Nothing ran.", reason: `rejected by ${tap.tapper.name}`,
      cardOutcome: `❌ Rejected by ${tap.tapper.name} at ${clock(c.now)} UTC. Nothing was changed by this action.` };
  }
  const current = await c.currentCredential(approval);
  if (current.id !== approval.request.credential.id) {
    const reason = `${run.requesterName}'s Cloudflare token changed after this card was shown (card: ${approval.request.credential.label}; now: ${current.label})`;
    return (await voidCard(c, approval, run, reason)) ?? { kind: "none", answer: alreadyDecided(c.approvals.get(approval.id) ?? approval) };
  }
  if (!c.approvals.decide(approval.id, "approved", tap.tapper.id, c.now)) return { kind: "none", answer: alreadyDecided(c.approvals.get(approval.id) ?? approval) };
  const all = tap.verb === "aa";
  await auditDecision(c.db, approval.auditCallId, "approved", { id: tap.tapper.id, name: tap.tapper.name, via: all ? "approve_all" : "tap" }, c.now);
  if (all) c.approvals.approveAllFor(approval.executionId, tap.tapper, c.now);
  return {
    kind: "approved", approval, run, all,
    answer: all ? "Approved, with the rest of this run. Running…" : "Approved. Running…",
    cardOutcome: `✅ Approved by ${tap.tapper.name} at ${clock(c.now)} UTC${all ? " (and every later non-destructive write of this run)" : ""}.`,
  };
}

/**
 * Approves a card automatically under the run's "Approve all", unless it is destructive. Returns
 * what the card says then (naming who tapped Approve all), or undefined when it did not.
 */
export async function approveAutomatically(c: Pick<DecideContext, "approvals" | "db" | "now">, approval: Approval): Promise<string | undefined> {
  const by = approval.risk === "destructive" ? undefined : c.approvals.autoApprover(approval.executionId);
  if (by === undefined || !c.approvals.decide(approval.id, "approved", by.id, c.now, true)) return undefined;
  await auditDecision(c.db, approval.auditCallId, "approved", { id: by.id, ...(by.name !== null ? { name: by.name } : {}), via: "automatic" }, c.now);
  return `✅ Approved automatically (Approve all in this run${by.name !== null ? `, by ${by.name}` : ""}) at ${clock(c.now)} UTC`;
}

/** Expires a pending card whose time is up (the tap came too late, or the alarm found it). */
export async function expireCard(c: Pick<DecideContext, "approvals" | "runs" | "db" | "now">, approval: Approval): Promise<Extract<Decision, { kind: "ended" }> | undefined> {
  if (!c.approvals.expire(approval.id, c.now)) return undefined;
  await auditDecision(c.db, approval.auditCallId, "expired", { id: null }, c.now);
  return { kind: "ended", approval, run: runOf(c, approval), answer: `This card expired at ${clock(approval.expiresAt)} UTC; nothing ran.`,
    reason: "nobody approved it in time; the card expired",
    cardOutcome: `⌛ Expired at ${clock(approval.expiresAt)} UTC: nobody decided in time, so nothing ran and the run was stopped.` };
}

async function voidCard(c: DecideContext, approval: Approval, run: RunRecord, reason: string): Promise<Extract<Decision, { kind: "ended" }> | undefined> {
  if (!c.approvals.markVoid(approval.id, reason, c.now)) return undefined;
  await auditDecision(c.db, approval.auditCallId, "rejected", { id: null }, c.now);
  return { kind: "ended", approval, run, answer: `This card is void: ${reason}. Nothing ran.`, reason: `the card became void: ${reason}`,
    cardOutcome: `🚫 Void: ${reason}. Nothing ran; ask again to get a card for the current token.` };
}

/** What a tap on a card that is no longer pending is told. */
export function alreadyDecided(approval: Approval): string {
  const when = approval.decidedAt ? ` at ${clock(approval.decidedAt)} UTC` : "";
  if (approval.state === "expired") return `This card already expired${when}; nothing ran.`;
  if (approval.state === "void") return `This card is void${approval.note ? `: ${approval.note}` : ""}. Nothing ran.`;
  return `Already ${approval.state}${approval.auto ? " automatically" : ""}${when}. Nothing more to do.`;
}

function runOf(c: Pick<DecideContext, "runs">, approval: Approval): RunRecord {
  return c.runs.get(approval.runId) ?? {
    runId: approval.runId, executionId: approval.executionId, chatId: approval.chatId, requesterId: approval.requesterId,
    requesterName: "the person who asked", origin: { kind: "chat" }, answerTo: ANSWER_IN_CHAT, mcpServers: [], status: "paused", summary: null,
    createdAt: approval.createdAt, finishedAt: null, undoneAt: null,
  };
}
