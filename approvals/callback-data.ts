/**
 * The buttons' `callback_data`: a two-letter verb and a short id, nothing else (Telegram allows
 * 64 bytes, and anything more would be data a client could forge). Parsed with zod; anything
 * that does not match is refused before it reaches any state.
 */
import { z } from "zod";

/** What a button asks for. */
export type ButtonVerb =
  | "ap" // approve this action
  | "rj" // reject this action (ends the run)
  | "aa" // approve this action and every later write of the same run
  | "un" // undo: show the confirmation
  | "uy" // undo: yes, roll back
  | "uk" // undo: keep the changes
  | "dl"; // delete the message this button is on (a revealed credential)

const VERBS = ["ap", "rj", "aa", "un", "uy", "uk", "dl"] as const satisfies readonly ButtonVerb[];
const ID = "[A-Za-z0-9_-]{6,48}";
const schema = z.string().max(64).regex(new RegExp(`^(${VERBS.join("|")}):${ID}$`));

/** Builds a button's callback_data. */
export function buttonData(verb: ButtonVerb, id: string): string {
  return `${verb}:${id}`;
}

/** Matches the callback_data of the given verbs; `match[1]` is the verb, `match[2]` the id (for grammY's `callbackQuery`). */
export function buttonPattern(...verbs: ButtonVerb[]): RegExp {
  return new RegExp(`^(${verbs.join("|")}):(${ID})$`);
}

/** Parses callback_data; undefined when it is not one of ours. */
export function parseButtonData(data: string | undefined): { verb: ButtonVerb; id: string } | undefined {
  const parsed = schema.safeParse(data);
  if (!parsed.success) return undefined;
  const [verb, id] = parsed.data.split(":") as [ButtonVerb, string];
  return { verb, id };
}
