import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { lastToolOutput, scriptedModel, type Step } from "./support/scripted-model.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";

/** A chat (private, or a group with a negative id as Telegram gives them) that uses the given scripted model. */
async function chatWith(next: Parameters<typeof scriptedModel>[0], chatType: "private" | "group" = "private") {
  const { id } = scriptedModel(next);
  const chatId = chatType === "group" ? -freshChatId() : freshChatId();
  await deliver(textUpdate(`/model ${id}`, { userId: USERS.owner, chatId, chatType }));
  await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses")));
  return { chatId, say: (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId, chatType })) };
}

const texts = (calls: RecordedCall[], method: string) => calls.filter((c) => c.ok && c.method === method).map((c) => String(c.params.text));
const sentOrEdited = (calls: RecordedCall[]) => calls.filter((c) => c.ok && (c.method === "sendMessage" || c.method === "editMessageText"));
const statusId = (calls: RecordedCall[]) => (calls.find((c) => c.ok && c.method === "sendMessage" && String(c.params.text).startsWith("💭"))!.result as { message_id: number }).message_id;

const ANSWER = "You have two R2 buckets: shop-assets and logs-archive. Both are in the default location.";

describe("the model's answer as it is written", () => {
  it("streams into a private chat as a message draft, then arrives as a normal message with its footer", async () => {
    const { chatId, say } = await chatWith((prompt): Step => lastToolOutput(prompt) ? { text: ANSWER } : { code: 'return (await cloudflare.read({ op: "r2.buckets.list" })).map((b) => b.name);' });
    await say("Which R2 buckets do I have?");
    const calls = await waitForCalls(chatId, (c) => texts(c, "sendMessage").some((t) => t.startsWith(ANSWER)));
    const drafts = calls.filter((c) => c.ok && c.method === "sendMessageDraft");
    // Each draft is the answer so far, in the real wire format: the chat, a non-zero draft id kept for the whole answer, the text.
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    expect(drafts.map((d) => d.params.chat_id)).toEqual(drafts.map(() => chatId));
    expect(new Set(drafts.map((d) => d.params.draft_id))).toEqual(new Set([statusId(calls)]));
    const shown = drafts.map((d) => String(d.params.text));
    shown.forEach((text, i) => expect(ANSWER.startsWith(text) && (i === 0 || text.length > shown[i - 1]!.length)).toBe(true));
    expect(shown.at(-1)).toBe(ANSWER);
    // The final message comes after the last draft, and only it carries the footer.
    const final = calls.find((c) => c.ok && c.method === "sendMessage" && String(c.params.text).startsWith(ANSWER))!;
    expect(final.seq).toBeGreaterThan(drafts.at(-1)!.seq);
    expect(String(final.params.text)).toMatch(/\n\n⚡ Code Mode · model-\w+/);
  });

  it("in a group, shows that the answer is being written and edits it into the status message, without drafts", async () => {
    const { chatId, say } = await chatWith((): Step => ({ text: ANSWER }), "group");
    await say("@codemode_bot which R2 buckets do I have?");
    const calls = await waitForCalls(chatId, (c) => texts(c, "editMessageText").some((t) => t.startsWith(ANSWER)));
    expect(calls.some((c) => c.method === "sendMessageDraft")).toBe(false);
    const status = statusId(calls);
    const edits = calls.filter((c) => c.ok && c.method === "editMessageText" && Number(c.params.message_id) === status).map((c) => String(c.params.text));
    expect(edits[0]).toBe("✍️ Writing the answer…");
    expect(edits.at(-1)).toMatch(new RegExp(`^${ANSWER.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });

  it("when the provider fails mid-answer, says so plainly and never posts the half-written answer as final", async () => {
    const { chatId, say } = await chatWith((): Step => ({ stream: ["You have two R2 buckets: ", "shop-assets and "], breaks: 502 }));
    await say("Which R2 buckets do I have?");
    const calls = await waitForCalls(chatId, (c) => texts(c, "sendMessage").some((t) => t.startsWith("⚠️")));
    // The person saw the draft grow…
    expect(texts(calls, "sendMessageDraft").at(-1)).toBe("You have two R2 buckets: shop-assets and ");
    // …and then a clear message, while no sent or edited message holds the half answer or a footer that would make it look done.
    expect(texts(calls, "sendMessage").find((t) => t.startsWith("⚠️"))).toMatch(/^⚠️ The model provider failed in the middle of the answer \(.*502.*\), so the half-written answer was dropped\. Try again shortly\.$/s);
    expect(sentOrEdited(calls).some((c) => String(c.params.text).includes("You have two R2 buckets"))).toBe(false);
    expect(sentOrEdited(calls).some((c) => String(c.params.text).includes("⚡ Code Mode"))).toBe(false);
  });
});
