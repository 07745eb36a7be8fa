/**
 * How a finished run is shown: a short header, the result as pretty JSON, or, when that is long, a
 * one-line summary with the whole result sent as `result.json` right after the message; then the
 * one-line footer (API calls, time). A result the run owner had to cut (larger than
 * `KEPT_RESULT_CHARS`) says so plainly: what it was, and how much of it the file holds.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { KEPT_RESULT_CHARS } from "../../skills/cloudflare/code-mode/pass-runtime.ts";
import { plural, runFooter } from "./run-footer.ts";

/** Results longer than this (pretty-printed) go out as a document. */
export const INLINE_RESULT_CHARS = 3000;

/** What codemode's `truncateResult` leaves wherever it cut something. */
const CUT_MARKER = "--- TRUNCATED ---";

/** The pieces of a completed run's message. */
export interface RunResultView {
  text: F;
  /** Set when the full result should be attached as a file (send it after the text). */
  document?: { fileName: string; content: string };
}

/** Renders a completed run's result. */
export function renderResult(result: unknown, stats: { calls: number; writes: number; ms: number; logs?: string[] }): RunResultView {
  const pretty = prettyJson(result);
  const header = fmt`${F.bold("✅ Done")}${stats.writes > 0 ? ` · ${plural(stats.writes, "write")} sent` : ""}`;
  const logs = stats.logs && stats.logs.length > 0 ? fmt`\n${F.bold("Console")}\n${F.pre(stats.logs.join("\n").slice(-800), "text")}` : new F("");
  const footer = fmt`\n\n${F.italic(runFooter({ apiCalls: stats.calls, ms: stats.ms }))}`;
  if (pretty.length <= INLINE_RESULT_CHARS) {
    return { text: fmt`${header}\n${F.pre(pretty, "json")}${logs}${footer}` };
  }
  const cut = pretty.includes(CUT_MARKER);
  const about = cut
    ? fmt`${F.bold("⚠️ The result was too large to send whole")} (over ${String(KEPT_RESULT_CHARS / 1_000_000)} MB), so it was cut. ${cutSummary(result)} The file below (${F.code("result.json")}) holds what was kept; every place something was left out says ${F.code(CUT_MARKER)}. Ask for less (a filter, fewer fields, one page) to get all of it.`
    : fmt`${summarize(result, pretty.length)}: the whole result follows as ${F.code("result.json")}.`;
  return { text: fmt`${header}\n${about}${logs}${footer}`, document: { fileName: "result.json", content: pretty } };
}

/** JSON with two-space indentation; `undefined` shows as a word. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return "(no result: the snippet returned nothing)";
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One line about a large result: what it is and how big. */
function summarize(value: unknown, chars: number): string {
  const size = chars > 10_000 ? `${Math.round(chars / 1024).toLocaleString("en-US")} KB` : `${chars.toLocaleString("en-US")} characters`;
  if (Array.isArray(value)) return `A list of ${value.length.toLocaleString("en-US")} items (${size})`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    return `An object with ${plural(keys.length, "field")} (${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""}; ${size})`;
  }
  return `A long text (${size})`;
}

/** What was kept of a cut result: for a list, how many items of how many. */
function cutSummary(value: unknown): string {
  if (!Array.isArray(value)) return "";
  const last = value.at(-1);
  const dropped = typeof last === "string" ? /--- TRUNCATED --- ([\d,]+) more items/.exec(last)?.[1] : undefined;
  if (!dropped) return `It is a list; the file holds the first ${(value.length - 1).toLocaleString("en-US")} items.`;
  const kept = value.length - 1;
  const total = kept + Number(dropped.replace(/,/g, ""));
  return `It is a list of ${total.toLocaleString("en-US")} items; the file holds the first ${kept.toLocaleString("en-US")}.`;
}
