import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { callbackUpdate, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, dataOf } from "./support/code-mode.ts";
import { lastToolOutput, lastUser, scriptedModel, type Step } from "./support/scripted-model.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";

/** A private chat that uses the given scripted model. */
async function chatWith(next: Parameters<typeof scriptedModel>[0]) {
  const { id } = scriptedModel(next);
  const chatId = freshChatId();
  await deliver(textUpdate(`/model ${id}`, { userId: USERS.owner, chatId }));
  await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses")));
  return { chatId, say: (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId })) };
}

/** The texts one message showed, in order: the text it was sent with, then each edit. */
function history(calls: RecordedCall[], messageId: number): string[] {
  return calls.filter((c) => c.ok && ((c.method === "sendMessage" && (c.result as { message_id: number }).message_id === messageId)
    || (c.method === "editMessageText" && Number(c.params.message_id) === messageId))).map((c) => String(c.params.text));
}

/** The id of the turn's status message: the first message sent after the request. */
function statusMessageId(calls: RecordedCall[]): number {
  const first = calls.find((c) => c.ok && c.method === "sendMessage" && String(c.params.text).startsWith("💭"));
  return (first!.result as { message_id: number }).message_id;
}

const answered = (pattern: RegExp) => (calls: RecordedCall[]) => calls.some((c) => c.ok && (c.method === "editMessageText" || c.method === "sendMessage") && pattern.test(String(c.params.text)));
const answerOf = (calls: RecordedCall[], pattern: RegExp) => calls.find((c) => c.ok && (c.method === "editMessageText" || c.method === "sendMessage") && pattern.test(String(c.params.text)))!;

describe("the status line of a model turn", () => {
  it("shows each step of a read as the snippet takes it; the streamed answer then replaces the status message", async () => {
    const { chatId, say } = await chatWith((prompt): Step => {
      const out = lastToolOutput(prompt);
      if (!out) return { code: 'await cloudflare.search({ query: "list r2 buckets" });\nawait cloudflare.describe({ op: "r2.buckets.list" });\nconst buckets = await cloudflare.read({ op: "r2.buckets.list" });\nreturn buckets.map((b) => b.name);' };
      return { text: `Buckets: ${(out.result as string[]).join(", ")}.` };
    });
    await say("Which R2 buckets do I have?");
    const calls = await waitForCalls(chatId, answered(/^Buckets: /));
    const status = statusMessageId(calls);
    expect(history(calls, status)).toEqual(["💭 Thinking…", "⚙️ Running the code…", "🔎 Searching the API…", "🔎 Looking up r2.buckets.list…", "⚙️ Reading r2.buckets.list…", "💭 Thinking…", "✍️ Writing the answer…"]);
    // The answer was streamed as a draft, so it comes as a new message (a draft lasts until the bot sends one) and the status message goes.
    expect(calls.some((c) => c.ok && c.method === "deleteMessage" && Number(c.params.message_id) === status)).toBe(true);
    const answer = answerOf(calls, /^Buckets: /);
    expect(answer.method).toBe("sendMessage");
    expect(String(answer.params.text)).toMatch(/^Buckets: .*shop-assets/);
  });

  it("says it waits for approval while a card is shown, and shows the steps of the approved run", async () => {
    const name = `status-${Math.random().toString(36).slice(2, 6)}`;
    const { chatId, say } = await chatWith((prompt): Step => {
      if (lastUser(prompt).startsWith("[approval]")) return { text: `Created ${name}.` };
      return { saying: "I'll create it; you'll get a card.", code: `await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } });\nreturn (await cloudflare.read({ op: "d1.database.list" })).length;` };
    });
    await say(`Create a D1 database called ${name}`);
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    // The turn's last word before the tap is the waiting line with its footer (an earlier edit shows the line alone).
    const waiting = await waitForCalls(chatId, answered(/^⏸ Waiting for your approval[\s\S]*⚡ Code Mode/));
    const status = statusMessageId(waiting);
    // The words before the code were a draft; the card ended it, and the status message stays the turn's.
    expect(waiting.filter((c) => c.method === "sendMessageDraft").map((c) => c.params.text)).toEqual(["I'll create it; you'll get a card."]);
    expect(waiting.some((c) => c.method === "deleteMessage")).toBe(false);
    expect(history(waiting, status)).toEqual(["💭 Thinking…", "✍️ Writing the answer…", "⚙️ Running the code…", "⏸ Waiting for your approval of the card below.",
      expect.stringMatching(/^⏸ Waiting for your approval of the card below\.\n\n⚡ Code Mode/)]);
    await deliver(callbackUpdate(dataOf(card!, "ap"), { userId: USERS.owner, chatId, messageId: card!.messageId }));
    const calls = await waitForCalls(chatId, answered(new RegExp(`^Created ${name}`)));
    expect(history(calls, status).slice(history(waiting, status).length)).toEqual(["⚙️ Reading d1.database.list…", "✍️ Writing the answer…"]);
    expect(String(answerOf(calls, new RegExp(`^Created ${name}`)).params.text)).toMatch(new RegExp(`^Created ${name}\\.\n\n⚡ Code Mode`));
  });
});
