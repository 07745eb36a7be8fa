/**
 * The one place that fits text into Telegram messages.
 *
 * Messages are built as `FormattedString`s (text + entities, from @grammyjs/parse-mode), so no
 * escaping is ever needed and nothing can break a parse mode. This module splits them into
 * messages of at most `MESSAGE_LIMIT` UTF-16 units (Telegram's 4096) at the best boundary it can
 * find (a blank line, a line break, a space), never inside an entity when that can be avoided and
 * never inside a surrogate pair; and it shortens very long output in the middle, so the start and
 * the end (usually the most telling parts) both survive.
 */
import { FormattedString } from "@grammyjs/parse-mode";

/** Telegram's limit on a message's text, in UTF-16 code units. */
export const MESSAGE_LIMIT = 4096;

/** At most this many messages are sent for one answer; longer output is shortened in the middle. */
export const MAX_MESSAGES = 4;

/** Splits `text` into parts that each fit one message. */
export function splitMessage(text: FormattedString, limit = MESSAGE_LIMIT): FormattedString[] {
  const parts: FormattedString[] = [];
  let rest = text;
  while (rest.text.length > limit) {
    const cut = chooseCut(rest, limit);
    parts.push(trimEnd(rest.slice(0, cut)));
    rest = trimStart(rest.slice(cut));
  }
  if (rest.text.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** Shortens `text` to at most `max` UTF-16 units by cutting out its middle, with a note saying how much. */
export function truncateMiddle(text: FormattedString, max: number): FormattedString {
  const s = text.text;
  if (s.length <= max) return text;
  const keep = max - NOTE_ROOM;
  const headEnd = safeIndex(s, lastBreakBefore(s, Math.ceil(keep / 2), Math.floor(keep / 4)));
  const tailStart = safeIndex(s, s.length - (keep - headEnd));
  const note = FormattedString.i(`… ${(tailStart - headEnd).toLocaleString("en-US")} characters omitted …`);
  return FormattedString.join([text.slice(0, headEnd), note, text.slice(tailStart)], "\n\n");
}

/** Room kept for the "characters omitted" note and its blank lines. */
const NOTE_ROOM = 64;

/** Splits, first shortening the middle so that at most `maxMessages` messages result. */
export function fitMessages(text: FormattedString, maxMessages = MAX_MESSAGES, limit = MESSAGE_LIMIT): FormattedString[] {
  const budget = maxMessages * (limit - 200);
  return splitMessage(truncateMiddle(text, budget), limit);
}

/** Picks the cut position: the latest good boundary at or before `limit`, outside entities. */
function chooseCut(text: FormattedString, limit: number): number {
  const s = text.text;
  const floor = Math.floor(limit / 2);
  for (const boundary of ["\n\n", "\n", " "]) {
    let at = s.lastIndexOf(boundary, limit - boundary.length);
    while (at >= floor) {
      const cut = at + boundary.length;
      if (!insideEntity(text, cut)) return cut;
      at = s.lastIndexOf(boundary, at - 1);
    }
  }
  // No good boundary: cut at the limit, but not between the halves of a surrogate pair.
  return safeIndex(s, limit);
}

function insideEntity(text: FormattedString, index: number): boolean {
  return text.entities.some((e) => e.offset < index && index < e.offset + e.length && e.length < MESSAGE_LIMIT / 2);
}

/** Moves `index` back by one if it would split a surrogate pair. */
function safeIndex(s: string, index: number): number {
  if (index <= 0 || index >= s.length) return Math.max(0, Math.min(index, s.length));
  const code = s.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}

function lastBreakBefore(s: string, index: number, floor: number): number {
  const at = s.lastIndexOf("\n", index);
  return at >= floor ? at : index;
}

function trimEnd(text: FormattedString): FormattedString {
  const end = text.text.replace(/\s+$/u, "").length;
  return end === text.text.length ? text : text.slice(0, Math.max(end, 1));
}

function trimStart(text: FormattedString): FormattedString {
  const start = text.text.length - text.text.replace(/^\s+/u, "").length;
  return start === 0 ? text : text.slice(start);
}
