// Calls that need more than the plain read/write split: reads that return credentials (they ask
// first, their answer reaches only the requester's private chat, and never the snippet, the model
// or a group), GETs that change things, and reads that become writes through a parameter.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_TUNNEL, DEMO_ZONES } from "../dev/cloudflare-emulator/seed.ts";
import { USERS } from "./support/test-env.ts";
import { allBotCalls, botCalls, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { buttons, cards, dataOf, emulator, waitForAnswer, tap } from "./support/code-mode.ts";

const REVEAL = `/cloudflare run const token = await cloudflare.reveal({ op: "zeroTrust.tunnels.cloudflared.token.get", params: { tunnel_id: "${DEMO_TUNNEL.id}" } });
return { token };`;


describe("reads that return credentials", () => {
  it("ask first, then show the answer only to the requester, privately, with a delete button; the snippet gets a placeholder", async () => {
    const chatId = USERS.owner;
    const before = (await allBotCalls()).at(-1)?.seq ?? 0;
    await deliver(textUpdate(REVEAL, { userId: USERS.owner, chatId }));
    const card = cards(await waitForCalls(chatId, (c) => cards(c).some((k) => k.text.includes(DEMO_TUNNEL.id)))).find((k) => k.text.includes(DEMO_TUNNEL.id))!;
    expect(card.text).toContain("🔑 The answer holds credentials");
    expect((await emulator.requests()).filter((r) => r.path.endsWith(`${DEMO_TUNNEL.id}/token`) && r.seq > 0).length).toBe(0);
    await tap(chatId, card.messageId, dataOf(card, "ap"));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done") && t.includes("credentials: shown to the requester")));
    const secret = calls.find((c) => c.method === "sendMessage" && String(c.params.text).includes(DEMO_TUNNEL.token))!;
    expect(String(secret.params.text)).toMatch(/^🔑 zeroTrust\.tunnels\.cloudflared\.token\.get \(GET \/accounts\/.*\/token\): this message holds credentials/);
    // The token reached the person once; nowhere else: not the result message, not the audit log.
    const mentions = (await allBotCalls(before)).filter((c) => JSON.stringify(c.params).includes(DEMO_TUNNEL.token));
    expect(mentions).toHaveLength(1);
    const audit = JSON.stringify([(await env.DB.prepare("SELECT * FROM audit_calls").all()).results, (await env.DB.prepare("SELECT * FROM audit_executions").all()).results]);
    expect(audit).not.toContain(DEMO_TUNNEL.token);
    // Its button deletes it.
    const withButton = buttons(calls).find((b) => b.text.includes(DEMO_TUNNEL.token))!;
    const queryId = await tap(chatId, withButton.messageId, dataOf(withButton, "dl"));
    expect((await waitForAnswer(queryId)).text).toBe("Deleted.");
    const deleted = await waitForCalls(chatId, (c) => c.some((x) => x.method === "deleteMessage" && x.params.message_id === withButton.messageId));
    expect(deleted.some((x) => x.method === "deleteMessage" && x.ok)).toBe(true);
  });

  it("are refused in a group before any card, and nothing is read", async () => {
    const chatId = -freshChatId();
    const since = (await emulator.requests()).at(-1)?.seq ?? 0;
    await deliver(textUpdate(REVEAL, { userId: USERS.owner, chatId, chatType: "group" }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⛔")));
    expect(sentTexts(calls).find((t) => t.startsWith("⛔"))).toMatch(/returns credentials, which are never shown in a group: ask in a private chat with the bot/);
    expect(cards(calls)).toEqual([]);
    expect((await emulator.requests({ since })).filter((r) => r.path.endsWith("/token"))).toEqual([]);
  });

  it("cannot be run as a plain read", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate(REVEAL.replace("cloudflare.reveal", "cloudflare.read"), { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    expect(sentTexts(calls).join("\n")).toContain("returns credentials; use cloudflare.reveal");
  });
});

describe("calls the catalog marks as writes beyond their method", () => {
  it("refuses a GET that changes things (launching a billed browser session) as a read", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run return await cloudflare.read({ op: "browserRendering.devtools.browser.launch" })', { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    expect(sentTexts(calls).join("\n")).toMatch(/browserRendering\.devtools\.browser\.launch \(GET .*\) changes the account; use cloudflare\.write/);
  });

  it("refuses a read that becomes a write through a query flag (retrying certificate validation)", async () => {
    const chatId = freshChatId();
    const since = (await emulator.requests()).at(-1)?.seq ?? 0;
    await deliver(textUpdate(`/cloudflare run return await cloudflare.read({ op: "ssl.verification.get", params: { zone_id: "${DEMO_ZONES.exampleCom}" }, query: { retry: true } })`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    expect(sentTexts(calls).join("\n")).toMatch(/ssl\.verification\.get .* changes the account with these parameters; use cloudflare\.write/);
    expect((await emulator.requests({ since })).filter((r) => r.path.includes("/ssl/verification"))).toEqual([]);
    // The same call as a write gets a card.
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "ssl.verification.get", params: { zone_id: "${DEMO_ZONES.exampleCom}" }, query: { retry: true } })`, { userId: USERS.owner, chatId }));
    const card = cards(await waitForCalls(chatId, (c) => cards(c).length === 1))[0]!;
    expect(card.text).toContain(`GET /zones/${DEMO_ZONES.exampleCom}/ssl/verification?retry=true`);
    expect((await botCalls(chatId)).length).toBeGreaterThan(0);
  });
});

describe("operations the catalog does not have", () => {
  const builds = `/accounts/${DEMO_ACCOUNT_ID}/builds/workers/shop-api/builds`;

  it("runs a GET to an uncataloged path as a read", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate(`/cloudflare run return (await cloudflare.read({ op: "GET ${builds}" })).map((b) => b.status);`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done") || t.startsWith("⚠️")));
    expect(sentTexts(calls).find((t) => t.startsWith("✅ Done"))).toContain('"success"');
  });

  it("asks for any other method with a card that says it is not in the catalog, and sends exactly that after Approve", async () => {
    const chatId = freshChatId();
    const since = (await emulator.requests()).at(-1)?.seq ?? 0;
    await deliver(textUpdate(`/cloudflare run return (await cloudflare.write({ op: "POST ${builds}", body: { branch: "main" } })).status;`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    expect(card!.text).toContain(`POST ${builds}`);
    expect(card!.text).toContain("This operation is not in the bot's API catalog");
    expect((await emulator.requests({ since, method: "POST" })).filter((r) => r.path === builds)).toEqual([]);
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done") && t.includes('"queued"')));
    const sent = (await emulator.requests({ since, method: "POST" })).filter((r) => r.path === builds);
    expect(sent.map((r) => r.body)).toEqual(['{"branch":"main"}']);
  });

  it("refuses an uncataloged path that climbs or carries raw characters", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate(`/cloudflare run const out = []; for (const op of ["GET /accounts/x/../zones", "GET /accounts/x/%2e%2e/zones", "GET /accounts/x y/builds"]) { try { await cloudflare.read({ op }); out.push("sent"); } catch (e) { out.push(e.message); } } return out;`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    const done = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(done).toContain("0 API calls");
    expect(done).not.toContain('"sent"');
  });
});

