import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";

describe("commands", () => {
  it("answers /start with what the bot is and that writes need a tap", async () => {
    const chatId = freshChatId();
    const response = await deliver(textUpdate("/start", { userId: USERS.owner, chatId }));
    expect(response.status).toBe(200);
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).length >= 1);
    const [text] = sentTexts(calls);
    expect(text).toContain("I operate your Cloudflare account from this chat");
    expect(text).toContain("Approve / Reject");
    const send = calls.find((c) => c.method === "sendMessage")!;
    expect(send.params.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: "bold" })]));
  });

  it("answers /help with every command and the Code Mode skill", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/help", { userId: USERS.member, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    for (const command of ["/start", "/help", "/cloudflare"]) expect(text).toContain(command);
    expect(text).toContain("cloudflare_code_mode");
  });

  it("shows /cloudflare usage", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare", { userId: USERS.owner, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    expect(text).toContain("/cloudflare whoami");
    expect(text).toContain("/cloudflare run <js>");
  });

  it("tells an allowed user about an unknown command", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/frobnicate now", { userId: USERS.owner, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    expect(text).toBe("I don't know /frobnicate. Send /help for the commands.");
  });
});
