import { describe, expect, it } from "vitest";
import { COMMANDS, commandMenus } from "../bot/commands.ts";
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

  it("answers /help with every command of the one list, and the Code Mode skill", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/help", { userId: USERS.member, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    for (const c of COMMANDS) expect(text).toContain(`/${c.command} — ${c.description}`);
    for (const command of ["/model", "/new", "/cancel"]) expect(text).toContain(command);
    expect(text).toContain("cloudflare_code_mode");
  });

  it("shows commands in /start and /help as plain /commands, which Telegram makes tappable, never as monospace", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/start", { userId: USERS.owner, chatId }));
    await deliver(textUpdate("/help", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).length >= 2);
    for (const send of calls.filter((c) => c.method === "sendMessage")) {
      const text = String(send.params.text);
      const entities = (send.params.entities ?? []) as Array<{ type: string; offset: number; length: number }>;
      const monospaceCommands = entities.filter((e) => (e.type === "code" || e.type === "pre") && text.slice(e.offset, e.offset + e.length).startsWith("/"));
      expect(monospaceCommands.map((e) => text.slice(e.offset, e.offset + e.length))).toEqual([]);
      expect(text).toMatch(/(^|\s)\/help\b|(^|\s)\/start\b/);
    }
  });

  it("builds the command menus from the same list: everything in private chats, no secrets commands in groups", () => {
    const menus = Object.fromEntries(commandMenus().map((m) => [m.scope.type, m.commands.map((c) => c.command)]));
    expect(menus.all_private_chats).toEqual(COMMANDS.map((c) => c.command));
    expect(menus.all_group_chats).toEqual(COMMANDS.filter((c) => c.place === "anywhere").map((c) => c.command));
    expect(menus.all_group_chats).not.toContain("connect");
    for (const menu of commandMenus()) for (const c of menu.commands) expect(COMMANDS.find((x) => x.command === c.command)?.description).toBe(c.description);
  });

  it("handles every listed command (none falls through to \"I don't know\")", async () => {
    const chatId = freshChatId();
    for (const c of COMMANDS) await deliver(textUpdate(`/${c.command}`, { userId: USERS.owner, chatId }));
    const texts = sentTexts(await waitForCalls(chatId, (calls) => sentTexts(calls).length >= COMMANDS.length, 30_000));
    expect(texts.filter((t) => t.startsWith("I don't know"))).toEqual([]);
  });

  it("suggests the closest command for a mistyped one", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/audti", { userId: USERS.owner, chatId }));
    const [text] = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length >= 1));
    expect(text).toBe("I don't know /audti. Did you mean /audit? Send /help for the commands.");
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
