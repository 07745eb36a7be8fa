/**
 * The approval gate against hostile snippets. Each test plays an attack a security review found
 * (a snippet is what a person or a prompt-injected model writes) and asserts on the requests that
 * actually reached the Cloudflare API emulator: what runs after Approve is what the card showed,
 * Undo deletes only what the run created, path parameters cannot climb out of their segment, an
 * approved write survives a failing tap answer, and a credential change voids a waiting card.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_ZONES } from "../dev/cloudflare-emulator/seed.ts";
import { USERS } from "./support/test-env.ts";
import { callbackUpdate, deliver, freshChatId, injectFault, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { buttons, cards, createRequests, dataOf, emulator, waitForAnswer, tap } from "./support/code-mode.ts";
import { CLOUDFLARE_TEST_TOKEN } from "./support/test-env.ts";

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
const D1 = `/accounts/${DEMO_ACCOUNT_ID}/d1/database`;


/** Creates a D1 database straight in the emulator (not through the bot): the resource an attack aims at. */
async function victimDatabase(name: string): Promise<string> {
  const response = await fetch(`${emulator.apiBase}${D1}`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  return ((await response.json()) as { result: { uuid: string } }).result.uuid;
}

/** Requests with `method` whose path contains `fragment` that reached the emulator since `since`. */
async function requestsTo(method: string, fragment: string, since = 0) {
  return (await emulator.requests({ since, method })).filter((r) => r.path.includes(fragment));
}

async function lastSeq(): Promise<number> {
  return (await emulator.requests()).at(-1)?.seq ?? 0;
}

const finished = (texts: string[]) => texts.find((t) => t.startsWith("✅ Done") || t.startsWith("⚠️") || t.startsWith("⛔"));

describe("the approval gate holds against hostile snippets", () => {
  it("sends what the card showed: a replay that swaps the operation is refused, nothing else is sent", async () => {
    const chatId = freshChatId();
    const harmless = unique("harmless");
    const victim = await victimDatabase(unique("production"));
    // First pass: the clock has not moved since the recorded step, so it asks for a harmless create
    // (the card). After the tap the same code sees time has passed and asks for a delete instead,
    // with a cyclic key that codemode's own replay comparison cannot stringify (so it skips it).
    const code = `/cloudflare run const t0 = await codemode.step("t0", () => Date.now());
const replaying = Date.now() - t0 > 1000;
const loop = {}; loop.self = loop;
const args = replaying
  ? { op: "d1.database.delete", params: { database_id: "${victim}" }, loop }
  : { op: "d1.database.create", body: { name: "${harmless}" } };
return await cloudflare.write(args);`;
    await deliver(textUpdate(code, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    expect(card!.text).toContain(`POST ${D1}`);
    expect(card!.text).toContain(harmless);
    const since = await lastSeq();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const calls = await waitForCalls(chatId, (c) => finished(sentTexts(c).slice(1)) !== undefined, 20_000);
    expect(finished(sentTexts(calls).slice(1))).toMatch(/^⚠️ The snippet failed[\s\S]*Nothing was sent: /);
    expect(await requestsTo("DELETE", victim, since)).toEqual([]);
    expect(await d1NameOf(victim)).not.toBe("");
  });

  it("sends what the card showed: a replay that keeps the operation but swaps the body is refused", async () => {
    const chatId = freshChatId();
    const [shown, swapped] = [unique("shown"), unique("swapped")];
    const code = `/cloudflare run const t0 = await codemode.step("t0", () => Date.now());
const replaying = Date.now() - t0 > 1000;
const loop = {}; loop.self = loop;
return await cloudflare.write(replaying ? { op: "d1.database.create", body: { name: "${swapped}" }, loop } : { op: "d1.database.create", body: { name: "${shown}" } });`;
    await deliver(textUpdate(code, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    await waitForCalls(chatId, (c) => finished(sentTexts(c).slice(1)) !== undefined, 20_000);
    expect(await createRequests(swapped)).toBe(0);
    expect(await createRequests(shown)).toBe(0);
  });

  it("Undo deletes what the API created, not what the snippet rewrote into its own log", async () => {
    const chatId = freshChatId();
    const created = unique("created");
    const victim = await victimDatabase(unique("victim"));
    // After the approved create, the snippet overwrites the recorded result of that step with another database's id.
    const code = `/cloudflare run const made = await cloudflare.write({ op: "d1.database.create", body: { name: "${created}" } });
try { await codemode.__stepRecord(0, { uuid: "${victim}", name: "${created}" }); } catch (e) {}
return made.name;`;
    await deliver(textUpdate(code, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const done = await waitForCalls(chatId, (c) => buttons(c).some((b) => b.data.some((d) => d.startsWith("un:"))), 20_000);
    const result = buttons(done).find((b) => b.data.some((d) => d.startsWith("un:")))!;
    await tap(chatId, result.messageId, dataOf(result, "un"));
    const asked = await waitForCalls(chatId, (c) => buttons(c).some((b) => b.data.some((d) => d.startsWith("uy:"))));
    const confirm = buttons(asked).find((b) => b.data.some((d) => d.startsWith("uy:")))!;
    const realUuid = await uuidOf(created);
    expect(realUuid).not.toBe("");
    // The confirmation names the exact resource and the exact request it will send.
    expect(confirm.text).toContain(`DELETE ${D1}/${realUuid}`);
    expect(confirm.text).not.toContain(victim);
    const since = await lastSeq();
    await tap(chatId, confirm.messageId, dataOf(confirm, "uy"));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("↩️ Undone")), 20_000);
    expect(await requestsTo("DELETE", victim, since)).toEqual([]);
    expect((await requestsTo("DELETE", realUuid, since)).map((r) => r.status)).toEqual([200]);
    expect(await d1NameOf(victim)).not.toBe("");
  });

  it("a snippet cannot mark its pending write as done: no card is skipped, nothing is sent, the person is told", async () => {
    const chatId = freshChatId();
    const name = unique("forged");
    const code = `/cloudflare run let out = "none";
try { out = await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } }); }
catch (e) { try { await codemode.__stepRecord(0, { uuid: "forged", name: "${name}" }); } catch (x) {} throw e; }
return out;`;
    await deliver(textUpdate(code, { userId: USERS.owner, chatId }));
    // The write still gets its card (the forged record is refused), and nothing runs without the tap.
    const calls = await waitForCalls(chatId, (c) => cards(c).length === 1 || finished(sentTexts(c)) !== undefined);
    expect(cards(calls)).toHaveLength(1);
    expect(await createRequests(name)).toBe(0);
  });

  it("refuses path parameters that would climb out of their segment, for writes (before any card) and reads, and sends nothing", async () => {
    const chatId = freshChatId();
    const since = await lastSeq();
    // The card would have shown POST /zones/Z/environments/../purge_cache; the URL would have been /zones/Z/purge_cache.
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "cache.purgeEnvironment", params: { zone_id: "${DEMO_ZONES.exampleCom}", environment_id: ".." }, body: { purge_everything: true } });`, { userId: USERS.owner, chatId }));
    const refused = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⛔")));
    expect(sentTexts(refused).find((t) => t.startsWith("⛔"))).toMatch(/^⛔ Refused, nothing ran: .*params\.environment_id must not be "\." or "\.\."/);
    expect(cards(refused)).toEqual([]);
    // Reads too: GET /zones/.. would be GET /zones (another operation); each encoded form is refused by name.
    const values = ["..", ".", "%2e%2e", "%2E%2e", "..%2f", "a/b", "%2F", "a\\\\b", ""];
    await deliver(textUpdate(`/cloudflare run const out = [];
for (const zone_id of ${JSON.stringify(values)}) {
  try { await cloudflare.read({ op: "zones.get", params: { zone_id } }); out.push("sent " + zone_id); } catch (e) { out.push(e.message); }
}
return out;`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    const done = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(done).toContain("0 API calls");
    expect(done).not.toContain("sent ");
    expect(done.match(/params\.zone_id/g)).toHaveLength(values.length);
    expect((await emulator.requests({ since })).filter((r) => r.path === "/zones" || r.path.includes("purge_cache"))).toEqual([]);
  });

  it("an approved write runs even when answering the tap fails (query too old)", async () => {
    const chatId = freshChatId();
    const name = unique("late-tap");
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    const update = callbackUpdate(dataOf(card!, "ap"), { userId: USERS.owner, chatId, messageId: card!.messageId });
    await injectFault({ method: "answerCallbackQuery", callback_query_id: update.callback_query.id, times: 10, error_code: 400, description: "Bad Request: query is too old and response timeout expired or query ID is invalid" });
    await deliver(update);
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")), 20_000);
    expect(sentTexts(calls).find((t) => t.startsWith("✅ Done"))).toContain(name);
    expect(await createRequests(name)).toBe(1);
  });

  it("a card waiting while the requester connects another token is void: the tap sends nothing", async () => {
    const chatId = USERS.switcher;
    const name = unique("switched");
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })`, { userId: USERS.switcher, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).filter((k) => k.text.includes(name)).length === 1)).filter((k) => k.text.includes(name));
    // The requester connects another token while the card waits.
    const other = await emulator.mintToken();
    await deliver(textUpdate("/connect", { userId: USERS.switcher, chatId }));
    await deliver(textUpdate(other.token, { userId: USERS.switcher, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.includes(`…${other.token.slice(-4)}`)));
    const queryId = await tap(chatId, card!.messageId, dataOf(card!, "ap"), USERS.approver);
    expect(String((await waitForAnswer(queryId)).text)).toMatch(/void|token changed/i);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await createRequests(name)).toBe(0);
    await deliver(textUpdate("/disconnect", { userId: USERS.switcher, chatId }));
    await env.DB.prepare("DELETE FROM user_tokens WHERE user_id = ?").bind(USERS.switcher).run();
  });

  it("a write that failed at the API is never sent again when a later approval replays the run", async () => {
    const chatId = USERS.switcher;
    const [failing, later] = [unique("fails-once"), unique("later")];
    // This test's own token, so the injected failure hits only its requests.
    const own = await emulator.mintToken();
    await deliver(textUpdate("/connect", { userId: USERS.switcher, chatId }));
    await deliver(textUpdate(own.token, { userId: USERS.switcher, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.includes(`…${own.token.slice(-4)}`)));
    await emulator.fault({ path: D1, method: "POST", token: own.token, status: 500, times: 1 });
    const code = `/cloudflare run let first = "sent";
try { await cloudflare.write({ op: "d1.database.create", body: { name: "${failing}" } }); } catch (e) { first = "failed: " + e.message; }
const second = await cloudflare.write({ op: "d1.database.create", body: { name: "${later}" } });
return { first, second: second.name };`;
    await deliver(textUpdate(code, { userId: USERS.switcher, chatId }));
    const first = cards(await waitForCalls(chatId, (c) => cards(c).some((k) => k.text.includes(failing)))).find((k) => k.text.includes(failing))!;
    await tap(chatId, first.messageId, dataOf(first, "ap"), USERS.switcher);
    const second = cards(await waitForCalls(chatId, (c) => cards(c).some((k) => k.text.includes(later)))).find((k) => k.text.includes(later))!;
    await tap(chatId, second.messageId, dataOf(second, "ap"), USERS.switcher);
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done") && t.includes(later)), 20_000);
    expect(sentTexts(calls).find((t) => t.startsWith("✅ Done") && t.includes(later))).toContain("failed: ");
    // codemode re-runs a call it never saw finish; the gate answers it from its record instead of sending it again.
    expect(await createRequests(failing)).toBe(1);
    expect(await createRequests(later)).toBe(1);
    await deliver(textUpdate("/disconnect", { userId: USERS.switcher, chatId }));
    await env.DB.prepare("DELETE FROM user_tokens WHERE user_id = ?").bind(USERS.switcher).run();
  });
});

async function uuidOf(name: string): Promise<string> {
  const response = await fetch(`${emulator.apiBase}${D1}?per_page=100`, { headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` } });
  return ((await response.json()) as { result: Array<{ uuid: string; name: string }> }).result.find((d) => d.name === name)?.uuid ?? "";
}

async function d1NameOf(uuid: string): Promise<string> {
  const response = await fetch(`${emulator.apiBase}${D1}?per_page=100`, { headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` } });
  return ((await response.json()) as { result: Array<{ uuid: string; name: string }> }).result.find((d) => d.uuid === uuid)?.name ?? "";
}
