/** Building blocks for the scripted turns and the checkers of eval tasks. */
import type { RecordedRequest } from "../../dev/cloudflare-emulator/emulator.ts";
import type { Reply, Script, ToolOutput, Turn } from "../model-gateway.ts";
import type { TaskOutcome } from "../task.ts";

/**
 * A helper the scripted snippets start with, as a careful model writes it: a zone's id from its
 * name (lists come back as arrays of every item, as the system prompt says).
 */
export const ROWS = `const zoneId = async (name) => (await cloudflare.read({ op: "zones.list", query: { name } }))[0].id;
`;

/** The last tool output of this turn, if any. */
export function last(turn: Turn): ToolOutput | undefined {
  return turn.tools.at(-1);
}

/** What the bot told the model after a card (`[approval] …`), or undefined. */
export function approvalNote(turn: Turn): string | undefined {
  return turn.lastUser.startsWith("[approval]") ? turn.lastUser : undefined;
}

/**
 * A read: runs `code` (after ROWS), then answers with `answer(result)`. When a run fails the model
 * reads the error; `fix` may return corrected code (a wrong first attempt), else it gives up honestly.
 */
export function read(code: string, answer: (result: unknown) => string, fix?: (error: string, turn: Turn) => string | undefined): Script {
  return (turn) => {
    const out = last(turn);
    if (!out) return { code: ROWS + code };
    if (out.status === "completed") return { text: answer(out.result) };
    if (out.status === "error" && turn.tools.length < 4) {
      const fixed = fix?.(out.error ?? "", turn);
      if (fixed) return { code: ROWS + fixed };
    }
    return { text: `I could not do that: ${out.error ?? out.status}` };
  };
}

/**
 * A write: runs `code`, which pauses on cards; after the person's decision, answers with
 * `done(note)` when the run finished, or says that nothing changed. `fix` handles a failed run.
 */
export function write(code: string, done: (note: string) => string, fix?: (error: string, turn: Turn) => string | undefined): Script {
  return (turn) => {
    const note = approvalNote(turn);
    if (note) {
      if (note.includes("did not approve")) return { text: "Nothing was changed: the change was not approved." };
      const failed = /failed: (.*)$/s.exec(note)?.[1];
      if (failed !== undefined) {
        const fixed = fix?.(failed, turn);
        return fixed ? { code: ROWS + fixed } : { text: `The change failed: ${failed}` };
      }
      return { text: done(note) };
    }
    const out = last(turn);
    if (!out) return { code: ROWS + code };
    if (out.status === "completed") return { text: done(JSON.stringify(out.result)) };
    if (out.status === "error" && turn.tools.length < 4) {
      const fixed = fix?.(out.error ?? "", turn);
      if (fixed) return { code: ROWS + fixed };
    }
    return { text: `I could not do that: ${out.error ?? out.status}` };
  };
}

/** A checker that wants every one of `words` in the answer (case-insensitive). */
export function answerHas(...words: string[]): (o: TaskOutcome) => string | undefined {
  return (o) => {
    const missing = words.filter((w) => !o.answer.toLowerCase().includes(w.toLowerCase()));
    return missing.length ? `the answer does not mention ${missing.map((w) => JSON.stringify(w)).join(", ")}: ${JSON.stringify(o.answer.slice(0, 160))}` : undefined;
  };
}

/** Checkers in order: the first failure wins. */
export function all(...checks: Array<(o: TaskOutcome) => string | undefined>): (o: TaskOutcome) => string | undefined {
  return (o) => {
    for (const c of checks) {
      const failure = c(o);
      if (failure) return failure;
    }
    return undefined;
  };
}

/** The requests that changed something (anything but GET). */
export function writes(o: TaskOutcome): RecordedRequest[] {
  return o.requests.filter(isWriteRequest);
}

/** Whether a request that reached the API may change something: not a GET, and not a GraphQL Analytics query (queries only reach it). */
export function isWriteRequest(request: RecordedRequest): boolean {
  return request.method !== "GET" && request.path !== "/graphql";
}

/** A checker: no request other than reads reached the API, and no card was needed. */
export function readOnly(o: TaskOutcome): string | undefined {
  if (writes(o).length > 0) return `a read-only request sent ${writes(o).map((r) => `${r.method} ${r.path}`).join(", ")}`;
  if (o.cards.length > 0) return `a read-only request asked for ${o.cards.length} approval(s)`;
  return undefined;
}

/** The JSON after `Result: ` in an approval note. */
export function noteResult(note: string): unknown {
  // The note may go on with the run's console (" Console: [...]") after the result.
  const json = /Result: (.*?)(?: Console: \[.*\])?$/s.exec(note)?.[1];
  try {
    return json ? JSON.parse(json) : undefined;
  } catch {
    return undefined;
  }
}

/** A scripted model that gives up in words (a refusal): the cheap model of a task meant for Deep Mode. */
export function refuses(text: string): Script {
  return () => ({ text });
}

/** A scripted model that keeps trying code that fails until the step budget is spent. */
export function flails(code: string): Script {
  return (): Reply => ({ code });
}
