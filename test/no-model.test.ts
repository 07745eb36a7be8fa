// Without any model configured (no LLM_* and no model registered in this isolate).
import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";

describe("without a model", () => {
  it("answers free text with what to configure, and that commands work without one", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("list my r2 buckets", { userId: USERS.owner, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    expect(text).toContain("No model is configured");
    expect(text).toContain("LLM_PROVIDER");
    expect(text).toContain("/cloudflare run <js>");
  });

  it("/model says how to configure one", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/model", { userId: USERS.owner, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    expect(text).toMatch(/^No model is configured\. Set LLM_PROVIDER/);
  });
});
