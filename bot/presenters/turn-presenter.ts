/**
 * What a model turn shows in the chat: one status message edited in place, step by step
 * ("🔎 Searching the API…", "⚙️ Reading r2.buckets.list…"; throttled by ./edit-throttle.ts),
 * replaced by the answer with its footer and, after an approved run, its Undo button. An answer
 * too long for one message continues in new messages; the button rides on the last. In groups the
 * status message (and any message sent in its place) replies to the request.
 *
 * In a private chat the answer is first shown as it is written, as a Bot API message draft
 * (`sendMessageDraft`, throttled like the edits). A draft lasts only until the bot sends a message,
 * so there the answer comes as a new message and the status message is deleted.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { undoKeyboard } from "../../approvals/approval-card.ts";
import type { AnswerTo, RunStore } from "../../approvals/run-store.ts";
import type { TurnAnswer, TurnOutput } from "../../skills/cloudflare/agent/model-turns.ts";
import { answerParams } from "../format/send.ts";
import { fitMessages } from "../format/telegram-text.ts";
import { WRITING } from "../../skills/cloudflare/agent/status-lines.ts";
import { EditThrottle } from "./edit-throttle.ts";

/** The longest draft Telegram shows (4,096 characters); a longer answer's draft shows its beginning. */
const MAX_DRAFT = 4096;

/** Model turns' output in one chat. */
export class TurnPresenter implements TurnOutput {
  private readonly api: Api;
  private readonly chatId: number;
  private readonly runs: RunStore;
  private readonly editGapMs: number;
  /** The throttle of each status message still showing a status. */
  private readonly statuses = new Map<number, EditThrottle>();
  /** The answer drafts being written in this private chat, by status message (0: none). */
  private readonly drafts = new Map<number, EditThrottle>();

  /** `editGapMs`: the least time between two status edits of one message (Telegram allows about one a second). */
  constructor(api: Api, chatId: number, runs: RunStore, editGapMs = 1000) {
    this.api = api;
    this.chatId = chatId;
    this.runs = runs;
    this.editGapMs = editGapMs;
  }

  async begin(to: AnswerTo, text: string): Promise<number | null> {
    const sent = await this.api.sendMessage(this.chatId, text, answerParams(to)).catch(() => undefined);
    await this.api.sendChatAction(this.chatId, "typing", thread(to)).catch(() => undefined);
    if (sent) this.throttleOf(sent.message_id).mark(text);
    return sent?.message_id ?? null;
  }

  async status(_to: AnswerTo, messageId: number | null, text: string): Promise<void> {
    if (messageId === null) return;
    await this.throttleOf(messageId).show(text);
  }

  async writing(to: AnswerTo, messageId: number | null, text: string): Promise<void> {
    await this.status(to, messageId, WRITING);
    // Bot API message drafts exist in private chats only (a user's chat id is positive, a group's negative).
    if (this.chatId < 0) return;
    const key = messageId ?? 0;
    let draft = this.drafts.get(key);
    if (!draft) {
      // A draft id is any non-zero number; the status message's id keeps one turn's drafts apart from another's.
      const draftId = messageId ?? 1;
      draft = new EditThrottle(this.editGapMs, async (shown) => { await this.api.sendMessageDraft(this.chatId, draftId, shown, thread(to)); });
      this.drafts.set(key, draft);
    }
    await draft.show(text.length > MAX_DRAFT ? `${text.slice(0, MAX_DRAFT - 1)}…` : text);
  }

  async answer(to: AnswerTo, messageId: number | null, answer: TurnAnswer): Promise<void> {
    await this.settle(messageId);
    // A draft lasts only until the bot sends a message: the answer must be a new message, not an edit, to take its place.
    // Not so while a card waits: the card (sent after the words before it) already ended the draft, and the turn goes on in this status message.
    const drafted = await this.settleDraft(messageId);
    if (drafted && !answer.waiting) messageId = await this.api.deleteMessage(this.chatId, messageId!).then(() => null, () => messageId);
    const undo = answer.undo;
    const note = undo && undo.offer.irreversible.length > 0 ? fmt`\n${F.italic(`Can't be undone automatically: ${undo.offer.irreversible.join("; ")}`)}` : new F("");
    const badge = answer.footer ? fmt`\n\n${F.italic(answer.footer)}` : new F("");
    const keyboard = undo && undo.offer.reversible > 0 ? undoKeyboard(undo.runId, undo.offer.removes) : undefined;
    const carrier = await this.replace(to, messageId, fmt`${answer.text}${note}${badge}`, keyboard);
    if (undo && keyboard && carrier !== undefined) this.runs.setUndoMessage(undo.runId, carrier);
  }

  async say(to: AnswerTo, text: string): Promise<void> {
    await this.settleDraft(null);
    await this.replace(to, null, new F(text));
  }

  /** Stops a status message's step edits before it gets its final text. */
  private async settle(messageId: number | null): Promise<void> {
    if (messageId === null) return;
    const throttle = this.statuses.get(messageId);
    this.statuses.delete(messageId);
    await throttle?.close();
  }

  /** Stops the answer draft shown for a status message, if any; true when there was one. */
  private async settleDraft(messageId: number | null): Promise<boolean> {
    const key = messageId ?? 0;
    const draft = this.drafts.get(key);
    this.drafts.delete(key);
    await draft?.close();
    return draft !== undefined && messageId !== null;
  }

  private throttleOf(messageId: number): EditThrottle {
    let throttle = this.statuses.get(messageId);
    if (!throttle) {
      throttle = new EditThrottle(this.editGapMs, async (text) => { await this.api.editMessageText(this.chatId, messageId, text); });
      this.statuses.set(messageId, throttle);
    }
    return throttle;
  }

  /**
   * Replaces the status message with `text` (or sends it, split, when it does not fit), with
   * `keyboard` on the last part. Returns the id of the message that carries the last part.
   */
  private async replace(to: AnswerTo, messageId: number | null, text: F, keyboard?: InlineKeyboardMarkup): Promise<number | undefined> {
    const parts = fitMessages(text);
    const markup = (index: number) => (keyboard && index === parts.length - 1 ? { reply_markup: keyboard } : {});
    let rest = parts.map((part, index) => ({ part, index }));
    let last: number | undefined;
    if (messageId !== null && parts[0]) {
      const edited = await this.api.editMessageText(this.chatId, messageId, parts[0].text, { entities: parts[0].entities, link_preview_options: { is_disabled: true }, ...markup(0) })
        .then(() => true, () => false);
      if (edited) {
        rest = rest.slice(1);
        last = messageId;
      }
    }
    for (const { part, index } of rest) {
      last = (await this.api.sendMessage(this.chatId, part.text, { entities: part.entities, link_preview_options: { is_disabled: true }, ...answerParams(to), ...markup(index) })).message_id;
    }
    return last;
  }
}

/** The topic only: chat actions and drafts are not messages, so they reply to nothing. */
function thread(to: AnswerTo): { message_thread_id?: number } {
  return to.threadId !== null ? { message_thread_id: to.threadId } : {};
}
