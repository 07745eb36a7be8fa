// Without any model configured (no LLM_* and no model registered in this isolate).
import { describe, expect, it } from "vitest";
import { noModelText } from "../skills/cloudflare/agent/no-model.ts";
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
    // The tests' Bot API is on 127.0.0.1, as in the playground: the settings go in .dev.vars.
    expect(text).toContain("This bot runs locally: add LLM_PROVIDER, LLM_MODEL and LLM_API_KEY to .dev.vars");
  });

  it("tells a deployed bot to use wrangler secret put, and a local one .dev.vars", () => {
    expect(noModelText({ TELEGRAM_API_ROOT: "https://api.telegram.org" })).toContain("This bot is deployed: in the project folder run npx wrangler secret put LLM_API_KEY");
    expect(noModelText({ TELEGRAM_API_ROOT: "https://api.telegram.org" })).not.toContain(".dev.vars in");
    expect(noModelText({ TELEGRAM_API_ROOT: "http://127.0.0.1:8788" })).toContain(".dev.vars in the project folder");
  });

  it("/model says how to configure one", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/model", { userId: USERS.owner, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    expect(text).toMatch(/^No model is configured, so I can't turn plain requests into code yet\. This bot runs locally: add LLM_PROVIDER/);
  });
});
