/**
 * The shape of a Telegram update as far as the bot relies on it, checked at the edge with zod.
 *
 * Telegram sends exactly one kind of payload per update besides `update_id`. The kinds the bot
 * acts on (messages and button taps) are checked in detail; every other kind Telegram may send
 * is accepted and acknowledged without work, so Telegram does not re-deliver it forever.
 */
import { z } from "zod";

const id = z.number().int().safe();

const user = z.looseObject({
  id: id.positive(),
  is_bot: z.boolean(),
  first_name: z.string(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const chat = z.looseObject({
  id,
  type: z.enum(["private", "group", "supergroup", "channel"]),
});

/** A message or channel post (fields beyond these pass through untouched). */
const message = z.looseObject({
  message_id: id.nonnegative(),
  date: id.nonnegative(),
  chat,
  from: user.optional(),
  text: z.string().max(4096).optional(),
  caption: z.string().max(4096).optional(),
});

const callbackQuery = z.looseObject({
  id: z.string().min(1).max(128),
  from: user,
  chat_instance: z.string(),
  // Inaccessible messages (date 0) still carry chat and message_id.
  message: z.looseObject({ message_id: id.nonnegative(), chat, date: id.nonnegative() }).optional(),
  inline_message_id: z.string().optional(),
  data: z.string().max(64).optional(),
});

/** The update kinds the bot hands to a chat's Durable Object. */
export const ROUTED_KINDS = ["message", "callback_query"] as const;

/** Kinds Telegram documents that the bot acknowledges and ignores. */
export const IGNORED_KINDS = [
  "edited_message", "channel_post", "edited_channel_post", "business_connection", "business_message",
  "edited_business_message", "deleted_business_messages", "message_reaction", "message_reaction_count",
  "inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query", "purchased_paid_media",
  "poll", "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
  "removed_chat_boost",
] as const;

const anyPayload = z.looseObject({});

/** The update envelope: `update_id` plus exactly one payload. */
export const updateSchema = z
  .looseObject({
    update_id: id.nonnegative(),
    message: message.optional(),
    callback_query: callbackQuery.optional(),
    ...Object.fromEntries(IGNORED_KINDS.map((kind) => [kind, anyPayload.optional()])),
  })
  .superRefine((update, ctx) => {
    const kinds = Object.keys(update).filter((key) => key !== "update_id");
    if (kinds.length === 0) ctx.addIssue({ code: "custom", message: "the update carries no payload (expected e.g. message or callback_query)" });
    if (kinds.length > 1) ctx.addIssue({ code: "custom", message: `the update carries ${kinds.length} payloads (${kinds.slice(0, 4).join(", ")}); Telegram sends exactly one` });
  });

/** A validated update. */
export type ValidUpdate = z.infer<typeof updateSchema>;

/** Turns zod's issues into one short reason for the HTTP answer. */
export function describeUpdateIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return "not a Telegram update";
  const where = first.path.length > 0 ? first.path.join(".") : "update";
  return `not a Telegram update: ${where}: ${first.message}`.slice(0, 300);
}

/** Where an update belongs: its chat, who sent it, and its kind; `undefined` for kinds the bot ignores. */
export interface UpdateRoute {
  kind: (typeof ROUTED_KINDS)[number];
  chatId: number;
  chatType: "private" | "group" | "supergroup" | "channel";
  userId: number | undefined;
}

/** Finds the chat an update belongs to, for the kinds the bot acts on. */
export function routeOf(update: ValidUpdate): UpdateRoute | undefined {
  if (update.message) {
    return { kind: "message", chatId: update.message.chat.id, chatType: update.message.chat.type, userId: update.message.from?.id };
  }
  const query = update.callback_query;
  if (query?.message) {
    return { kind: "callback_query", chatId: query.message.chat.id, chatType: query.message.chat.type, userId: query.from.id };
  }
  return undefined;
}
