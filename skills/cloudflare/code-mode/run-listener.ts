/**
 * The two ports through which a run's owner (./runs.ts) reports, so that nothing in skills/ or
 * approvals/ talks to Telegram: bot/ implements them.
 *
 * - `RunListener`: where one run's outcomes go. Chosen when the run starts (`RunOrigin`) and
 *   stored with it, so a tap after an eviction still reaches the right one: the chat, the model
 *   turn that waits on the run, or an MCP caller.
 * - `ChatDesk`: what always happens in the chat, whoever started the run: approval cards shown
 *   and closed, credentials shown privately, the Undo confirmation and report.
 */
import type { Approval } from "../../../approvals/approval-store.ts";
import type { CardInput } from "../../../approvals/approval-card.ts";
import type { RunRecord } from "../../../approvals/run-store.ts";

/** How a run ended, as its listener is told. */
export type RunEnd =
  | { status: "completed"; result: unknown; logs?: string[]; reads: number; writes: number; undo: UndoOffer }
  | { status: "error"; error: string; apiCalls?: number }
  | { status: "refused"; reason: string } // a call was refused before any card (policy, bad arguments)
  | { status: "rejected"; reason: string }; // a card was rejected, expired, or voided

/** What a finished run offers to take back. */
export interface UndoOffer {
  /** How many sent writes have an undo request. */
  reversible: number;
  /** What Undo would remove, e.g. `D1 database test-storia`, newest first. */
  removes: string[];
  /** The sent writes that cannot be undone automatically, as `op (METHOD path)`. */
  irreversible: string[];
}

/** A step a run is taking now, reported by the connector as the snippet calls it (host-side). */
export type RunStep =
  | { kind: "search" } // cloudflare.search
  | { kind: "describe"; op: string } // cloudflare.describe
  | { kind: "read"; op: string } // cloudflare.read, after its operation was resolved
  | { kind: "analytics" }; // cloudflare.graphql or graphqlSchema

/** Where one run's outcomes go. */
export interface RunListener {
  /** The run is taking this step (optional: only a listener that shows progress needs it). */
  progress?(run: RunRecord, step: RunStep): Promise<void>;
  /** The run paused on these cards (already shown in the chat). */
  paused(run: RunRecord, cards: readonly Approval[]): Promise<void>;
  /** The run ended. */
  finished(run: RunRecord, end: RunEnd): Promise<void>;
}

/** What a run's owner shows in the chat itself. */
export interface ChatDesk {
  /** Shows a card (with its buttons unless it was approved automatically); returns the card's message id. */
  showCard(run: RunRecord, card: CardInput, approvedAutomatically: string | undefined): Promise<number>;
  /** Edits a card to its final text, without buttons. */
  closeCard(run: RunRecord, approval: Approval, card: CardInput, outcome: string): Promise<void>;
  /** Shows an answer that holds credentials, privately, with a button that deletes it. */
  showCredentials(run: RunRecord, approval: Approval, result: unknown): Promise<void>;
  /** Asks to confirm an Undo, listing the exact requests. */
  confirmUndo(run: RunRecord, writes: readonly Approval[]): Promise<void>;
  /** Reports an Undo and takes the Undo button off the result. */
  undone(run: RunRecord, report: { by: string; reverted: number; removed: string[]; failures: string[] }): Promise<void>;
  /** Says something about a run that is not its outcome (a refused or interrupted request). */
  notice(run: RunRecord, text: string): Promise<void>;
}
