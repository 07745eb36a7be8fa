// Group chats, where several people share the bot: every answer to a request replies to the message
// that asked (its status line, its card, its result and result file), also when the answer comes
// after a tap minutes later; the card says who may decide; a tap by anyone else is refused and
// sends nothing to the API.
import { describe, expect, it } from "vitest";
import { botInfoFor } from "../bot/bot-info.ts";
import { strangerLine } from "../bot/features/copy.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";
import { callbackQueryUpdate, textMessageUpdate, type UpdateChat } from "../dev/shared/telegram-updates.ts";
import { cards, createRequests, dataOf, waitForAnswer } from "./support/code-mode.ts";
import { lastUser, scriptedModel, type Step } from "./support/scripted-model.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { botCalls, deliver, freshChatId, injectFault, sentTexts, updateId, waitForCalls } from "./support/telegram.ts";

const BOT = botInfoFor(TEST_ENV.TELEGRAM_BOT_TOKEN);
/** A requester (allowed), an approver (allowed), an allowed member who is neither, and someone the bot does not know. */
const ANN = USERS.member;
const BOB = USERS.approver;
const OWEN = USERS.owner;
const CAROL = USERS.stranger;

const person = (id: number) => ({ id, is_bot: false as const, first_name: "Tester", username: `user${id}` });
/** How cards and answers name a person (first name and @username). */
const named = (id: number) => `Tester (@user${id})`;
let nextMessageId = 10_000 + Math.floor(Math.random() * 1e5);

function groupOf(chatId: number): UpdateChat {
  return { id: chatId, type: "supergroup", title: "Ops team" };
}

/** `userId` writes `text` in the group; returns the message's id. Options: reply to one of the bot's messages. */
async function post(chatId: number, userId: number, text: string, replyToBot?: number): Promise<number> {
  const messageId = (nextMessageId += 1);
  const update = textMessageUpdate({ updateId: updateId(), messageId, chat: groupOf(chatId), from: person(userId), text });
  if (replyToBot !== undefined) {
    (update.message as Record<string, unknown>).reply_to_message = { message_id: replyToBot, date: update.message.date, chat: groupOf(chatId), from: { id: BOT.id, is_bot: true, first_name: BOT.first_name, username: BOT.username }, text: "…" };
  }
  expect((await deliver(update)).status).toBe(200);
  return messageId;
}

/** `userId` taps a button in the group; returns the query id and the webhook's response body (where the edge answers strangers). */
async function groupTap(chatId: number, messageId: number, data: string, userId: number): Promise<{ queryId: string; reply: unknown }> {
  const queryId = `cbq-${Math.random().toString(36).slice(2)}`;
  const update = callbackQueryUpdate({ updateId: updateId(), queryId, from: person(userId), chatInstance: "ops", chat: groupOf(chatId), messageId, data });
  const response = await deliver(update);
  return { queryId, reply: await response.json().catch(() => null) };
}

/** The message id a sent message or document replies to (undefined: not a reply). */
function repliedTo(call: RecordedCall): number | undefined {
  return (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id;
}

const sends = (calls: RecordedCall[]) => calls.filter((c) => (c.method === "sendMessage" || c.method === "sendDocument") && c.ok);
const messageIdOf = (call: RecordedCall) => (call.result as { message_id: number }).message_id;

describe("several people in one group", () => {
  it("answers each request as a reply to it; an approver decides another's write card, others cannot", async () => {
    const chatId = -freshChatId();
    const name = `group-db-${Math.random().toString(36).slice(2, 8)}`;
    // Two requests at once: Bob reads (a long result, so it comes with result.json), Ann asks for a write.
    const read = await post(chatId, BOB, '/cloudflare run const zones = await cloudflare.read({ op: "zones.list" }); return Array.from({ length: 200 }, (_, i) => ({ i, zones: zones.map((z) => z.name) }));');
    const write = await post(chatId, ANN, `/cloudflare run return (await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })).name`);

    const early = await waitForCalls(chatId, (c) => cards(c).length === 1 && c.some((x) => x.method === "sendDocument" && x.ok), 60_000);
    const readAnswer = sends(early).find((c) => c.method === "sendMessage" && String(c.params.text).startsWith("✅ Done"))!;
    const readFile = sends(early).find((c) => c.method === "sendDocument")!;
    expect(repliedTo(readAnswer)).toBe(read);
    expect(repliedTo(readFile)).toBe(read);
    expect(readAnswer.params.reply_parameters).toMatchObject({ allow_sending_without_reply: true });

    const [card] = cards(early);
    const cardCall = sends(early).find((c) => c.method === "sendMessage" && messageIdOf(c) === card!.messageId)!;
    expect(repliedTo(cardCall)).toBe(write);
    // Who asked and who may decide, on the card's one italic line.
    expect(card!.text).toContain(`Asked by ${named(ANN)} · ${named(ANN)} or an approver can decide · expires`);

    // Owen is allowed to use the bot but is neither Ann nor an approver: refused, with the people named.
    const owen = await groupTap(chatId, card!.messageId, dataOf(card!, "ap"), OWEN);
    expect(await waitForAnswer(owen.queryId)).toMatchObject({ show_alert: true, text: `Only ${named(ANN)} or an approver can decide this.` });
    // Carol is not allowed at all: the webhook turns her away before anything runs.
    const carol = await groupTap(chatId, card!.messageId, dataOf(card!, "ap"), CAROL);
    expect(carol.reply).toMatchObject({ method: "answerCallbackQuery", show_alert: true, text: strangerLine(CAROL) });
    expect(await createRequests(name)).toBe(0);
    expect((await botCalls(chatId, "editMessageText")).filter((c) => c.params.message_id === card!.messageId)).toEqual([]);

    // Bob, an approver, approves Ann's card: it runs once, and the result replies to Ann's request.
    const bob = await groupTap(chatId, card!.messageId, dataOf(card!, "ap"), BOB);
    expect(await waitForAnswer(bob.queryId)).toMatchObject({ text: "Approved. Running…" });
    const after = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done") && t.includes(name)), 60_000);
    expect(await createRequests(name)).toBe(1);
    const writeAnswer = sends(after).find((c) => String(c.params.text).startsWith("✅ Done") && String(c.params.text).includes(name))!;
    expect(repliedTo(writeAnswer)).toBe(write);
    const decided = after.filter((c) => c.method === "editMessageText" && c.params.message_id === card!.messageId).at(-1)!;
    expect(String(decided.params.text)).toContain(`✅ Approved by ${named(BOB)}`);

    // Nothing the bot sent about either request stands alone: each message replies to the one that asked.
    for (const call of sends(after)) expect([read, write]).toContain(repliedTo(call));
  }, 120_000);

  it("a request to the model (a reply to the bot) gets its status, card and answer threaded to it, also after the tap", async () => {
    const chatId = -freshChatId();
    const name = `group-model-${Math.random().toString(36).slice(2, 8)}`;
    const { id } = scriptedModel((prompt): Step => {
      const user = lastUser(prompt);
      if (user.startsWith("[approval]")) return { text: `Created ${/"name":"([^"]+)"/.exec(user)?.[1] ?? "nothing"} for you.` };
      return { code: `return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } });` };
    });
    const pick = await post(chatId, OWEN, `/model ${id}`);
    const picked = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses")));
    const pickedAnswer = sends(picked).find((c) => String(c.params.text).startsWith("This chat now uses"))!;
    expect(repliedTo(pickedAnswer)).toBe(pick);

    const ask = await post(chatId, ANN, `Create a D1 database called ${name}`, messageIdOf(pickedAnswer));
    const waiting = await waitForCalls(chatId, (c) => cards(c).length === 1, 60_000);
    const [card] = cards(waiting);
    const status = sends(waiting).find((c) => c.method === "sendMessage" && messageIdOf(c) !== messageIdOf(pickedAnswer) && messageIdOf(c) !== card!.messageId)!;
    expect(repliedTo(status)).toBe(ask);
    expect(repliedTo(sends(waiting).find((c) => messageIdOf(c) === card!.messageId)!)).toBe(ask);

    // The status message cannot be edited any more (deleted, say): the answer after the tap is a new message, still a reply to Ann's request.
    await injectFault({ method: "editMessageText", chat_id: chatId, times: 50, error_code: 400, description: "Bad Request: message to edit not found" });
    const bob = await groupTap(chatId, card!.messageId, dataOf(card!, "ap"), BOB);
    expect(await waitForAnswer(bob.queryId)).toMatchObject({ text: "Approved. Running…" });
    const done = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith(`Created ${name}`)), 60_000);
    expect(await createRequests(name)).toBe(1);
    expect(repliedTo(sends(done).find((c) => String(c.params.text).startsWith(`Created ${name}`))!)).toBe(ask);
  }, 120_000);
});
