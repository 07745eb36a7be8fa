/**
 * The buttons' `callback_data`: a two-letter verb and a short id, nothing else (Telegram allows
 * 64 bytes, and anything more would be data a client could forge). Each verb's handler matches
 * its own pattern; data that matches none reaches the fallback, which answers "no longer active".
 */

/** What a button asks for. */
export type ButtonVerb =
  | "ap" // approve this action
  | "rj" // reject this action (ends the run)
  | "aa" // approve this action and every later non-destructive write of the same run
  | "un" // undo: show the confirmation
  | "uy" // undo: yes, roll back
  | "uk" // undo: keep the changes
  | "dl" // delete the message this button is on (a revealed credential)
  | "ad" // /audit: open one run's details (id: our run id)
  | "sr" // /skills: run a saved snippet (id: its name)
  | "sc" // /skills: show a saved snippet's code
  | "sd" // /skills: ask to delete a saved snippet
  | "sy" // /skills: yes, delete it
  | "sk"; // /skills: keep it

const ID = "[A-Za-z0-9_-]{6,48}";
/** A saved snippet's name, as `/save` accepts it. */
export const SNIPPET_NAME = "[A-Za-z0-9][A-Za-z0-9_-]{0,39}";

/** Builds a button's callback_data. */
export function buttonData(verb: ButtonVerb, id: string): string {
  return `${verb}:${id}`;
}

/** Matches the callback_data of the given verbs; `match[1]` is the verb, `match[2]` the id (for grammY's `callbackQuery`). */
export function buttonPattern(...verbs: ButtonVerb[]): RegExp {
  return new RegExp(`^(${verbs.join("|")}):(${ID})$`);
}

/** Like `buttonPattern`, for the buttons whose id is a saved snippet's name. */
export function snippetButtonPattern(...verbs: ButtonVerb[]): RegExp {
  return new RegExp(`^(${verbs.join("|")}):(${SNIPPET_NAME})$`);
}
