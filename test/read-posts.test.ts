// Operations other than GET that only read run at once through the read path (no card), and the
// read path still refuses anything that writes, host-side, before a request leaves.
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../dev/cloudflare-emulator/seed.ts";
import { USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, emulator } from "./support/code-mode.ts";

const QUEUE = "a4c1e9b2d7f04e3a9c8b7a6f5e4d3c2b";
const peekPath = `/accounts/${DEMO_ACCOUNT_ID}/queues/${QUEUE}/messages/peek`;

describe("reads that are not GETs", () => {
  it("peeks at a queue at once, without an approval card", async () => {
    const chatId = freshChatId();
    const before = (await emulator.requests({ path: peekPath, method: "POST" })).length;
    await deliver(textUpdate(`/cloudflare run const m = await cloudflare.read({ op: "queues.messages.peek", params: { queue_id: "${QUEUE}" }, body: { batch_size: 5 } });\nreturn m.map((x) => JSON.parse(x.body).order);`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    expect(sentTexts(calls).find((t) => t.startsWith("✅ Done"))).toContain("1042");
    expect(cards(calls)).toEqual([]);
    expect((await emulator.requests({ path: peekPath, method: "POST" })).length).toBe(before + 1);
  });

  it("refuses a look-alike that writes on the read path, and sends nothing", async () => {
    const chatId = freshChatId();
    const pullPath = `/accounts/${DEMO_ACCOUNT_ID}/queues/${QUEUE}/messages/pull`;
    await deliver(textUpdate(`/cloudflare run return await cloudflare.read({ op: "queues.messages.pull", params: { queue_id: "${QUEUE}" }, body: { batch_size: 5 } })`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    expect(sentTexts(calls).find((t) => t.startsWith("⚠️ The snippet failed"))).toContain("queues.messages.pull (POST /accounts/{account_id}/queues/{queue_id}/messages/pull) changes the account; use cloudflare.write");
    expect(await emulator.requests({ path: pullPath })).toEqual([]);
  });
});
