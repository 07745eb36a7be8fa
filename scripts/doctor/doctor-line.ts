/** One line of `npm run doctor`: a check's verdict, what it saw, and the fix when something is wrong. */

/** A check's verdict. */
export type Verdict =
  | "ok" // works
  | "warn" // works, but something needs a look
  | "fail" // broken: the fix says what to do
  | "skip"; // could not be checked from here (the detail says why)

/** One check's result. */
export interface DoctorLine {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

const MARK: Record<Verdict, string> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };

/** Renders a line: `✗ webhook      <detail> → fix: <fix>`. */
export function renderLine(line: DoctorLine): string {
  return `${MARK[line.verdict]} ${line.check.padEnd(13)} ${line.detail}${line.fix ? ` → fix: ${line.fix}` : ""}`;
}
