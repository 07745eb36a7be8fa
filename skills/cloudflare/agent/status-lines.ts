/**
 * The words of a model turn's status line, one per step. Each starts with its emoji, which the eval
 * harness (eval/harness.ts, `WORKING`) uses to tell a status from an answer: keep the two in step.
 */
import type { RunStep } from "../code-mode/run-listener.ts";

/** Before the model has said anything, and between its steps. */
export const THINKING = "💭 Thinking…";
/** The model handed over code; the sandbox runs it. */
export const RUNNING = "⚙️ Running the code…";
/** A card waits in the chat. */
export const WAITING = "⏸ Waiting for your approval of the card below.";
/** The model is writing its answer (where the answer itself cannot be shown as it is written). */
export const WRITING = "✍️ Writing the answer…";

/** The status line for a step the running snippet takes. */
export function stepLine(step: RunStep): string {
  switch (step.kind) {
    case "search":
      return "🔎 Searching the API…";
    case "describe":
      return `🔎 Looking up ${step.op}…`;
    case "read":
      return `⚙️ Reading ${step.op}…`;
    case "analytics":
      return "⚙️ Querying analytics…";
  }
}
