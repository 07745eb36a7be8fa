/**
 * How a finished run is shown: a short header (how many calls, how many writes), the result as
 * pretty JSON, or, when that is long, a `result.json` attachment with a one-line summary inline.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";

/** Results longer than this (pretty-printed) go out as a document. */
export const INLINE_RESULT_CHARS = 3000;

/** The pieces of a completed run's message. */
export interface RunResultView {
  text: F;
  /** Set when the full result should be attached as a file. */
  document?: { fileName: string; content: string };
}

/** Renders a completed run's result. */
export function renderResult(result: unknown, stats: { calls: number; writes: number; logs?: string[] }): RunResultView {
  const pretty = prettyJson(result);
  const header = fmt`${F.bold("✅ Done")} · ${plural(stats.calls, "API call")}${stats.writes > 0 ? ` (${plural(stats.writes, "write")})` : ""}`;
  const logs = stats.logs && stats.logs.length > 0 ? fmt`\n${F.bold("Console")}\n${F.pre(stats.logs.join("\n").slice(-800), "text")}` : new F("");
  if (pretty.length <= INLINE_RESULT_CHARS) {
    return { text: fmt`${header}\n${F.pre(pretty, "json")}${logs}` };
  }
  return {
    text: fmt`${header}\n${summarize(result, pretty.length)} — the full result is attached as ${F.code("result.json")}.${logs}`,
    document: { fileName: "result.json", content: pretty },
  };
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
  const size = chars > 10_000 ? `${Math.round(chars / 1024)} KB` : `${chars.toLocaleString("en-US")} characters`;
  if (Array.isArray(value)) return `A list of ${value.length.toLocaleString("en-US")} items (${size})`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    return `An object with ${plural(keys.length, "field")} (${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""}; ${size})`;
  }
  return `A long text (${size})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
