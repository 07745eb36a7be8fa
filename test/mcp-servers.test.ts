// Other MCP servers inside Code Mode: the fake "notes" server (built with the official MCP SDK,
// reached over Streamable HTTP with its bearer secret) and "broken", where nobody answers.
// A read-only tool runs at once; a write pauses on the usual card and runs once after Approve
// with the arguments the card showed; a broken server is reported by name and the next request works.
import { env } from "cloudflare:workers";
import { inject, describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { callbackUpdate, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, dataOf } from "./support/code-mode.ts";

const notesUrl = () => inject("notesMcpUrl");

async function notesState(): Promise<{ notes: Array<{ id: string; text: string }>; calls: Array<{ tool: string; args: { text?: string } }> }> {
  return (await fetch(`${notesUrl()}/__fake/state`)).json() as never;
}

const done = (texts: string[]) => texts.find((t) => t.startsWith("✅ Done") || t.startsWith("⚠️") || t.startsWith("⛔"));

describe("other MCP servers as connectors", () => {
  it("runs a read-only tool at once", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run return await notes.search_notes({ query: "staging" });', { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(done(sentTexts(calls))).toMatch(/^✅ Done[\s\S]*rotate the staging API token on Friday/);
    expect(cards(calls)).toEqual([]);
    // In the audit log like any read: the tool, who asked, and how it ended.
    const rows = await env.DB.prepare("SELECT operation, method, path, access, status, requester_id FROM audit_calls WHERE chat_id = ?").bind(chatId).all();
    expect(rows.results).toEqual([{ operation: "notes.search_notes", method: "MCP", path: "mcp:notes/search_notes", access: "read", status: "ok", requester_id: USERS.owner }]);
  });

  it("pauses a write on the usual card, and sends exactly the card's arguments once after Approve", async () => {
    const chatId = freshChatId();
    const text = `ship it ${Math.random().toString(36).slice(2, 8)}`;
    await deliver(textUpdate(`/cloudflare run return await notes.add_note({ text: "${text}" });`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    expect(card!.text).toContain("MCP mcp:notes/add_note");
    expect(card!.text).toContain(text);
    expect(card!.text).toContain("Sent with the NOTES_MCP_AUTH secret (to notes)");
    expect((await notesState()).calls.filter((c) => c.args.text === text)).toEqual([]);
    await deliver(callbackUpdate(dataOf(card!, "ap"), { userId: USERS.owner, chatId, messageId: card!.messageId }));
    const calls = await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(done(sentTexts(calls))).toContain(text);
    expect((await notesState()).calls.filter((c) => c.tool === "add_note" && c.args.text === text)).toHaveLength(1);
  });

  it("asks for a tool without annotations as destructive (no Approve all), and Reject sends nothing", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run return await notes.delete_note({ id: "n1" });', { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    expect(card!.text).toContain("DESTRUCTIVE");
    expect(card!.data.some((d) => d.startsWith("aa:"))).toBe(false);
    await deliver(callbackUpdate(dataOf(card!, "rj"), { userId: USERS.owner, chatId, messageId: card!.messageId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Rejected")));
    expect((await notesState()).calls.filter((c) => c.tool === "delete_note")).toEqual([]);
  });

  it("reports a broken server by name, and keeps the Cloudflare API and the other servers working", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run return await broken.anything({});", { userId: USERS.owner, chatId }));
    const failed = await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect(done(sentTexts(failed))).toMatch(/^⚠️ The snippet failed[\s\S]*the MCP server "broken" is unreachable/);
    await deliver(textUpdate('/cloudflare run const z = await cloudflare.read({ op: "zones.list" }); const n = await notes.search_notes({ query: "Friday" }); return [z.length, n.length];', { userId: USERS.owner, chatId }));
    const next = await waitForCalls(chatId, (c) => sentTexts(c).filter((t) => t.startsWith("✅ Done")).length === 1);
    expect(sentTexts(next).find((t) => t.startsWith("✅ Done"))).toMatch(/\[\s*2,\s*1\s*\]/);
  });

  it("connects to no other server for a snippet that uses none", async () => {
    const before = (await notesState()).calls.length;
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run return (await cloudflare.read({ op: "zones.list" })).length;', { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => done(sentTexts(c)) !== undefined);
    expect((await notesState()).calls.length).toBe(before);
  });
});
