import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Api } from "grammy";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { sendLong } from "../bot/format/send.ts";
import { MESSAGE_LIMIT, fitMessages, splitMessage, truncateMiddle } from "../bot/format/telegram-text.ts";
import { TEST_ENV } from "./support/test-env.ts";
import { botCalls, freshChatId } from "./support/telegram.ts";

/** Checks every entity lies inside its part, as Telegram requires. */
function expectEntitiesInBounds(parts: F[]): void {
  for (const part of parts) {
    for (const e of part.entities) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset + e.length).toBeLessThanOrEqual(part.text.length);
    }
  }
}

describe("splitting long messages", () => {
  it("leaves a short message alone", () => {
    const parts = splitMessage(fmt`${F.bold("hi")} there`);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.text).toBe("hi there");
    expect(parts[0]!.entities).toEqual([{ type: "bold", offset: 0, length: 2 }]);
  });

  it("splits at line breaks into parts within Telegram's limit, losing only the whitespace at the cuts", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${"lorem ipsum ".repeat(3)}`);
    const text = new F(lines.join("\n"));
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(parts.map((p) => p.text).join("\n").replace(/\s+/g, " ")).toBe(text.text.replace(/\s+/g, " "));
    // Every cut fell on a line break: each part starts a line.
    for (const part of parts) expect(part.text.startsWith("line ")).toBe(true);
  });

  it("does not cut through a formatted span when a boundary outside it exists", () => {
    const before = "a ".repeat(1900);
    const bold = F.bold("keep these words together ".repeat(10));
    const text = fmt`${before}${bold} tail ${"b ".repeat(2000)}`;
    const parts = splitMessage(text);
    const boldText = bold.text;
    expect(parts.some((p) => p.text.includes(boldText.trim()))).toBe(true);
    expectEntitiesInBounds(parts);
    const carrier = parts.find((p) => p.entities.some((e) => e.type === "bold"))!;
    const entity = carrier.entities.find((e) => e.type === "bold")!;
    expect(carrier.text.slice(entity.offset, entity.offset + entity.length)).toBe(boldText);
  });

  it("never splits a surrogate pair, even with no spaces at all", () => {
    const text = new F("😀".repeat(5000));
    const parts = splitMessage(text);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(/[\uD800-\uDBFF]$/.test(part.text)).toBe(false);
      expect(/^[\uDC00-\uDFFF]/.test(part.text)).toBe(false);
    }
    expect(parts.map((p) => p.text).join("")).toBe(text.text);
  });

  it("keeps an entity that is longer than a message, clipped to each part", () => {
    const parts = splitMessage(F.pre("x\n".repeat(3000), "json"));
    expect(parts.length).toBe(2);
    expectEntitiesInBounds(parts);
    for (const part of parts) expect(part.entities[0]).toMatchObject({ type: "pre", language: "json" });
  });
});

describe("shortening very long output", () => {
  it("cuts the middle, keeps both ends and says how much is gone", () => {
    const text = new F(`START ${"middle ".repeat(10_000)} END`);
    const short = truncateMiddle(text, 8000);
    expect(short.text.length).toBeLessThanOrEqual(8000);
    expect(short.text.startsWith("START ")).toBe(true);
    expect(short.text.endsWith(" END")).toBe(true);
    const omitted = Number(/… ([\d,]+) characters omitted …/.exec(short.text)![1]!.replace(/,/g, ""));
    expect(omitted).toBeGreaterThan(60_000);
    expect(short.text.length - "… X characters omitted …".length + omitted).toBeGreaterThan(text.text.length - 100);
  });

  it("fits any answer into at most four messages", () => {
    const parts = fitMessages(new F("z ".repeat(200_000)));
    expect(parts.length).toBeLessThanOrEqual(4);
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });
});

describe("sending long text", () => {
  it("is accepted by the Bot API part by part, with the keyboard on the last part only", async () => {
    const chatId = freshChatId();
    const api = new Api(TEST_ENV.TELEGRAM_BOT_TOKEN, { apiRoot: inject("telegramApiRoot") });
    const body = fmt`${F.bold("Result")}\n${F.pre(JSON.stringify({ items: Array.from({ length: 600 }, (_, i) => ({ i, name: `bucket-${i}` })) }, null, 2), "json")}`;
    const keyboard = { inline_keyboard: [[{ text: "Undo", callback_data: "undo:1" }]] };
    const sent = await sendLong(api, chatId, body, { replyMarkup: keyboard });
    expect(sent.length).toBeGreaterThan(1);
    const calls = await botCalls(chatId, "sendMessage");
    expect(calls.every((c) => c.ok)).toBe(true);
    expect(calls.map((c) => c.params.reply_markup ?? null)).toEqual([...Array(calls.length - 1).fill(null), keyboard]);
  });
});
