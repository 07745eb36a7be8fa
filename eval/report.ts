/** The eval's report: one summary row per mode, and one line per task; as a table or JSON. */
import type { RunMode, TaskResult } from "./harness.ts";

/** One mode's totals: the sums of its tasks' counts, and how many passed and escalated. */
export interface ModeRow extends Pick<TaskResult, "mode" | "steps" | "modelCalls" | "inputTokens" | "outputTokens" | "costUsd" | "apiCalls" | "cardsAsked" | "approvals" | "wallMs"> {
  tasks: number;
  passed: number;
  escalated: number;
}

/** What `npm run eval -- --json` prints. */
export interface EvalReport {
  model: string;
  strong?: string;
  wallMs: number;
  rows: ModeRow[];
  tasks: TaskResult[];
  /** Scripted runs only: tasks whose outcome differed from the script's (an empty list when all went as scripted). */
  unexpected?: string[];
}

/** The totals of each mode. */
export function summarize(results: TaskResult[], modes: RunMode[]): ModeRow[] {
  return modes.map((mode) => {
    const rs = results.filter((r) => r.mode === mode);
    const sum = (f: (r: TaskResult) => number) => rs.reduce((a, r) => a + f(r), 0);
    const costs = rs.map((r) => r.costUsd);
    return { mode, tasks: rs.length, passed: rs.filter((r) => r.success).length, steps: sum((r) => r.steps), modelCalls: sum((r) => r.modelCalls),
      inputTokens: sum((r) => r.inputTokens), outputTokens: sum((r) => r.outputTokens),
      ...(costs.length > 0 && costs.every((c) => c !== undefined) ? { costUsd: costs.reduce<number>((a, c) => a + c!, 0) } : {}),
      apiCalls: sum((r) => r.apiCalls), cardsAsked: sum((r) => r.cardsAsked), approvals: sum((r) => r.approvals),
      escalated: rs.filter((r) => r.escalated).length, wallMs: sum((r) => r.wallMs) };
  });
}

/** The report as text for a terminal. */
export function formatReport(report: EvalReport): string {
  const cost = (c: number | undefined) => (c === undefined ? "—" : `$${c.toFixed(4)}`);
  const lines = [`Model: ${report.model}${report.strong ? ` · strong: ${report.strong}` : ""}`, ""];
  lines.push(table(["mode", "passed", "steps", "model calls", "tokens in→out", "cost", "API calls", "cards", "approved", "escalated", "Σ task time"],
    report.rows.map((r) => [r.mode, `${r.passed}/${r.tasks}`, String(r.steps), String(r.modelCalls), `${r.inputTokens}→${r.outputTokens}`, cost(r.costUsd),
      String(r.apiCalls), String(r.cardsAsked), String(r.approvals), String(r.escalated), `${(r.wallMs / 1000).toFixed(0)} s`])));
  lines.push("");
  lines.push(table(["mode", "task", "ok", "steps", "calls", "tokens", "cost", "API", "cards", "appr.", "time", "failure"],
    report.tasks.map((t) => [t.mode, t.task, t.success ? "✓" : "✗", String(t.steps), String(t.modelCalls), `${t.inputTokens}→${t.outputTokens}`, cost(t.costUsd),
      String(t.apiCalls), String(t.cardsAsked), String(t.approvals), `${(t.wallMs / 1000).toFixed(1)} s`, (t.failure ?? (t.escalated ? "(escalated)" : "")).slice(0, 90)])));
  lines.push("", `Total wall time ${(report.wallMs / 1000).toFixed(0)} s.`);
  return `${lines.join("\n")}\n`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (cells: string[]) => cells.map((c, i) => c + " ".repeat(widths[i]! - [...c].length)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}
