import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../../dev/fake-telegram/server.ts";

describe("fake Telegram Bot API", () => {
  let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
  beforeAll(async () => {
    fake = await startFakeTelegram({ token: "42:abcdef" });
  });
  afterAll(async () => {
    await fake.close();
  });

  async function call(method: string, params: unknown, token = "42:abcdef") {
    const response = await fetch(`${fake.url}/bot${token}/${method}`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("answers sendMessage with a realistic Message and numbers messages per chat", async () => {
    const first = await call("sendMessage", { chat_id: 5, text: "hello" });
    const second = await call("sendMessage", { chat_id: 5, text: "again" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, result: { message_id: 1, chat: { id: 5, type: "private" }, text: "hello", from: { is_bot: true } } });
    expect(second.body).toMatchObject({ result: { message_id: 2 } });
    expect(typeof (first.body.result as { date: number }).date).toBe("number");
  });

  it("refuses a wrong token with 401 and an unknown method with 404, in Telegram's error format", async () => {
    expect(await call("sendMessage", { chat_id: 5, text: "x" }, "42:wrong")).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    expect((await call("sendPigeon", {})).body).toMatchObject({ ok: false, error_code: 404 });
  });

  it("edits in place and refuses an edit that changes nothing, as Telegram does", async () => {
    const sent = await call("sendMessage", { chat_id: 6, text: "v1" });
    const id = (sent.body.result as { message_id: number }).message_id;
    expect((await call("editMessageText", { chat_id: 6, message_id: id, text: "v2" })).body).toMatchObject({ ok: true, result: { text: "v2" } });
    const same = await call("editMessageText", { chat_id: 6, message_id: id, text: "v2" });
    expect(same.status).toBe(400);
    expect(String(same.body.description)).toContain("message is not modified");
    expect((await call("deleteMessage", { chat_id: 6, message_id: id })).body).toEqual({ ok: true, result: true });
    expect((await call("editMessageText", { chat_id: 6, message_id: id, text: "v3" })).body).toMatchObject({ ok: false, error_code: 400 });
  });

  it("takes message drafts in private chats in the Bot API's wire format, and drops them when the bot sends a message", async () => {
    expect((await call("sendMessageDraft", { chat_id: 12, draft_id: 7, text: "Your buck" })).body).toEqual({ ok: true, result: true });
    expect((await call("sendMessageDraft", { chat_id: 12, draft_id: 7, text: "Your buckets are" })).body).toEqual({ ok: true, result: true });
    expect(fake.api.chats.draft(12, 7)).toBe("Your buckets are");
    expect(fake.api.calls.filter((c) => c.method === "sendMessageDraft").map((c) => c.params)).toEqual([
      { chat_id: 12, draft_id: 7, text: "Your buck" }, { chat_id: 12, draft_id: 7, text: "Your buckets are" }]);
    await call("sendMessage", { chat_id: 12, text: "Your buckets are: a, b." });
    expect(fake.api.chats.draft(12, 7)).toBeUndefined();
    expect((await call("sendMessageDraft", { chat_id: -12, draft_id: 7, text: "x" })).body).toMatchObject({ ok: false, error_code: 400, description: "Bad Request: message drafts can be sent to private chats only" });
    expect((await call("sendMessageDraft", { chat_id: 12, draft_id: 0, text: "x" })).body).toMatchObject({ ok: false, error_code: 400, description: "Bad Request: draft_id must be a non-zero integer" });
    expect((await call("sendMessageDraft", { chat_id: 12, draft_id: 7, text: "x".repeat(4097) })).body).toMatchObject({ ok: false, error_code: 400 });
  });

  it("rejects text over 4096 characters and entities outside the text", async () => {
    expect((await call("sendMessage", { chat_id: 7, text: "x".repeat(4097) })).body).toMatchObject({ ok: false, description: "Bad Request: message is too long" });
    expect((await call("sendMessage", { chat_id: 7, text: "ab", entities: [{ type: "bold", offset: 1, length: 5 }] })).body).toMatchObject({ ok: false });
  });

  it("records every call and serves them filtered by chat", async () => {
    await call("sendChatAction", { chat_id: 8, action: "typing" });
    const response = await fetch(`${fake.url}/__fake/calls?chat_id=8`);
    const { calls } = (await response.json()) as { calls: Array<{ method: string; params: unknown }> };
    expect(calls.map((c) => c.method)).toEqual(["sendChatAction"]);
  });

  it("injects a fault for the next N calls, then recovers", async () => {
    await fetch(`${fake.url}/__fake/faults`, { method: "POST", body: JSON.stringify({ method: "sendMessage", chat_id: 9, times: 1, error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 }) });
    expect((await call("sendMessage", { chat_id: 9, text: "a" })).body).toEqual({ ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    expect((await call("sendMessage", { chat_id: 9, text: "a" })).body).toMatchObject({ ok: true });
  });

  it("accepts multipart uploads with attach:// files (sendDocument)", async () => {
    const form = new FormData();
    form.set("chat_id", "10");
    form.set("caption", "result");
    form.set("document", "attach://file1");
    form.set("file1", new File(['{"a":1}'], "result.json", { type: "application/json" }));
    const response = await fetch(`${fake.url}/bot42:abcdef/sendDocument`, { method: "POST", body: form });
    const body = (await response.json()) as { ok: boolean; result: { document: { file_name: string; file_size: number }; caption: string } };
    expect(body.ok).toBe(true);
    expect(body.result.document).toMatchObject({ file_name: "result.json", file_size: 7 });
    expect(body.result.caption).toBe("result");
    expect(fake.api.chats.messages.get("10:1")?.document?.content).toBe('{"a":1}');
  });
});
