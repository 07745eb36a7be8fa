/**
 * What a snippet gets back: the API's bare result; a list as an array of all its items, followed
 * across the API's pages in each paging style the demo account emulator pages the way the real API
 * does (page numbers on /zones, cursors on R2 buckets, one answer for Worker scripts), with a cap
 * that the run's output names when it is hit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../dev/cloudflare-emulator/seed.ts";
import { collectList, createCloudflareClient } from "../skills/cloudflare/api/index.ts";
import { cards, dataOf, emulator, tap } from "./support/code-mode.ts";
import { CLOUDFLARE_TEST_TOKEN, USERS } from "./support/test-env.ts";
import { lastToolOutput, lastUser, scriptedModel, type Step } from "./support/scripted-model.ts";
import { callbackUpdate, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";

const prefix = `pg${Math.random().toString(36).slice(2, 8)}`;
const BUCKETS = 25; // more than R2's 20 buckets a page
const names = Array.from({ length: BUCKETS }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
const buckets = `${emulator.apiBase}/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`;
const auth = { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` };

beforeAll(async () => {
  for (const name of names) {
    const response = await fetch(buckets, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name }) });
    expect(response.status).toBe(200);
  }
});

afterAll(async () => {
  for (const name of names) await fetch(`${buckets}/${name}`, { method: "DELETE", headers: auth });
});

/** Runs `/cloudflare run <code>` in a fresh chat and returns the "✅ Done" message (or fails with what the bot said). */
async function run(code: string): Promise<{ chatId: number; done: string }> {
  const chatId = freshChatId();
  await deliver(textUpdate(`/cloudflare run ${code}`, { userId: USERS.owner, chatId }));
  const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done") || t.startsWith("⚠️")));
  const done = sentTexts(calls).find((t) => t.startsWith("✅ Done"));
  expect(done, sentTexts(calls).join("\n")).toBeDefined();
  return { chatId, done: done! };
}

/** The JSON a "✅ Done" message shows, between its header and its console (or its footer). */
function shown(done: string): unknown {
  const body = done.split("\n").slice(1).join("\n").split("\nConsole\n")[0]!.split("\n\n⚡ Code Mode")[0]!;
  return JSON.parse(body);
}

/** The requests the bot sent for R2 buckets with this test's filter. */
async function bucketPages(): Promise<Array<Record<string, string>>> {
  const requests = await emulator.requests({ path: `/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`, method: "GET" });
  return requests.filter((r) => r.query.name_contains === prefix).map((r) => r.query);
}

describe("list results", () => {
  it("a cursor-paged list (R2 buckets, 20 a page) comes back as one array of every item, following the cursor", async () => {
    const before = (await bucketPages()).length;
    const { done } = await run(`const all = await cloudflare.read({ op: "r2.buckets.list", query: { name_contains: "${prefix}" } });\nreturn all.map((b) => b.name);`);
    expect(shown(done)).toEqual(names);
    const pages = (await bucketPages()).slice(before);
    expect(pages).toHaveLength(2);
    expect(pages[0]!.cursor).toBeUndefined();
    expect(pages[1]!.cursor).toEqual(expect.any(String));
    expect(done).not.toContain("Note:");
  });

  it("a page-numbered list (zones) is followed page by page to its last page", async () => {
    const since = Date.now();
    const { done } = await run('return (await cloudflare.read({ op: "zones.list", query: { per_page: 1 } })).map((z) => z.name).sort();');
    expect(shown(done)).toEqual(["demo-shop.dev", "example.com"]);
    const pages = (await emulator.requests({ path: "/zones", method: "GET" })).filter((r) => r.at >= since && r.query.per_page === "1").map((r) => r.query.page ?? "1");
    expect(pages).toEqual(expect.arrayContaining(["1", "2"]));
    expect(pages).not.toContain("3");
  });

  it("a list the API answers in one piece (Worker scripts) is an array too, and a single object is the bare object", async () => {
    const { done } = await run('const scripts = await cloudflare.read({ op: "workers.scripts.list" });\nconst zone = await cloudflare.read({ op: "zones.get", params: { zone_id: (await cloudflare.read({ op: "zones.list", query: { name: "demo-shop.dev" } }))[0].id } });\nreturn { scripts: Array.isArray(scripts) && scripts.some((s) => s.id === "shop-api"), zone: zone.name };');
    expect(shown(done)).toEqual({ scripts: true, zone: "demo-shop.dev" });
  });

  it("stops at the limit and says so in the run's output: how many, and how to get more", async () => {
    const { done } = await run(`return (await cloudflare.read({ op: "r2.buckets.list", query: { name_contains: "${prefix}" }, limit: 10 })).length;`);
    expect(shown(done)).toBe(10);
    expect(done).toContain("Console");
    expect(done).toContain("Note: r2.buckets.list has more items than returned: stopped at the first 10 items (limit 10); pass limit: N (up to 10000) for more");
  });

  it("a page the snippet picks itself is that one page", async () => {
    const { done } = await run('return (await cloudflare.read({ op: "zones.list", query: { per_page: 1, page: 2 } })).length;');
    expect(shown(done)).toBe(1);
    expect(done).not.toContain("Note:");
  });

  it("refuses a limit that is not a whole number from 1 to 10,000, before any request", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run return await cloudflare.read({ op: "zones.list", limit: 0 });', { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️")));
    expect(sentTexts(calls).join("\n")).toContain("limit must be a whole number from 1 to 10000");
  });

  it("keeps the note of a capped read across an approval: the result after Approve still says the list was cut", async () => {
    const name = `${prefix}-after-approve`;
    const { chatId } = { chatId: freshChatId() };
    await deliver(textUpdate(`/cloudflare run const some = await cloudflare.read({ op: "r2.buckets.list", query: { name_contains: "${prefix}" }, limit: 5 });\nconst made = await cloudflare.write({ op: "r2.buckets.create", body: { name: "${name}" } });\nreturn { seen: some.length, made: made.name };`, { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await tap(chatId, card!.messageId, dataOf(card!, "ap"));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    const done = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(shown(done)).toEqual({ seen: 5, made: name });
    expect(done).toContain("Note: r2.buckets.list has more items than returned: stopped at the first 5 items (limit 5)");
    await fetch(`${buckets}/${name}`, { method: "DELETE", headers: auth });
  });
});

/** A client whose network is `answer` (the API's side of each request, written here as the real API answers). */
function clientAnswering(answer: (url: URL) => unknown) {
  const seen: URL[] = [];
  const client = createCloudflareClient({ token: "test-token-for-paging", baseUrl: "https://api.test/client/v4", fetch: async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push(url);
    return Response.json(answer(url));
  } });
  return { client, seen };
}

describe("following the API's pages", () => {
  it("follows page tokens (PageTokenPagination: result_info.next_page_token back as page_token) to the last page", async () => {
    const pages: Record<string, { items: string[]; next: string }> = { "": { items: ["a", "b"], next: "t2" }, t2: { items: ["c"], next: "t3" }, t3: { items: ["d"], next: "" } };
    const { client, seen } = clientAnswering((url) => {
      const page = pages[url.searchParams.get("page_token") ?? ""]!;
      return { success: true, errors: [], messages: [], result: page.items, result_info: { next_page_token: page.next, per_page: 2 } };
    });
    const collected = await collectList(client, { path: "/accounts/x/containers/applications", operation: "containers.applications.list" }, { paging: "token", limit: 1000, maxPages: 50 });
    expect(collected).toMatchObject({ kind: "list", items: ["a", "b", "c", "d"], pages: 3 });
    expect(collected.kind === "list" && collected.stopped).toBeUndefined();
    expect(seen.map((u) => u.searchParams.get("page_token"))).toEqual([null, "t2", "t3"]);
  });

  it("follows result_info.cursors.after (CursorPaginationAfter) and stops at the request cap, saying it stopped there", async () => {
    const { client, seen } = clientAnswering((url) => {
      const at = Number(url.searchParams.get("cursor") ?? "0");
      return { success: true, errors: [], messages: [], result: [at], result_info: { cursors: { after: String(at + 1) } } };
    });
    const collected = await collectList(client, { path: "/accounts/x/rules/lists/y/items" }, { paging: "cursor", limit: 1000, maxPages: 4 });
    expect(collected).toMatchObject({ kind: "list", items: [0, 1, 2, 3], pages: 4, stopped: "pages" });
    expect(seen).toHaveLength(4);
  });

  it("stops when the API would hand back the same page again (a cursor that does not move)", async () => {
    const { client, seen } = clientAnswering((url) => ({ success: true, errors: [], messages: [], result: [url.searchParams.get("cursor") ?? "first"], result_info: { cursor: "stuck", per_page: 1 } }));
    const collected = await collectList(client, { path: "/accounts/x/r2/buckets" }, { paging: "cursor", limit: 1000, maxPages: 50 });
    expect(collected).toMatchObject({ kind: "list", items: ["first", "stuck"], pages: 2 });
    expect(seen).toHaveLength(2);
  });

  it("gives an answer that is not a list back as it is, and leaves an object with more than its array whole", async () => {
    const single = clientAnswering(() => ({ success: true, errors: [], messages: [], result: { id: "z1", name: "example.com" } }));
    expect(await collectList(single.client, { path: "/zones/z1" }, { paging: "none", limit: 1000, maxPages: 50 })).toMatchObject({ kind: "other", response: { result: { id: "z1" } } });
    const vectors = clientAnswering(() => ({ success: true, errors: [], messages: [], result: { vectors: [{ id: "v1" }], nextCursor: "n2", isTruncated: true } }));
    const collected = await collectList(vectors.client, { path: "/accounts/x/vectorize/v2/indexes/i/list" }, { paging: "cursor", limit: 1000, maxPages: 50 });
    expect(collected).toMatchObject({ kind: "other", response: { result: { nextCursor: "n2" } } });
    expect(vectors.seen).toHaveLength(1);
  });
});

describe("the model hears about a list cut short", () => {
  /** A chat whose model is scripted; returns what the bot wrote (sent or edited in place). */
  async function chatWith(next: (prompt: Parameters<typeof lastUser>[0]) => Step) {
    const { id } = scriptedModel(next);
    const chatId = freshChatId();
    await deliver(textUpdate(`/model ${id}`, { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses")));
    return chatId;
  }
  const written = (calls: Awaited<ReturnType<typeof waitForCalls>>) =>
    calls.filter((c) => (c.method === "editMessageText" || c.method === "sendMessage") && c.ok).map((c) => String(c.params.text));

  it("in the tool output of a read, and in the result it gets after an approval", async () => {
    const name = `${prefix}-model`;
    const chatId = await chatWith((prompt): Step => {
      const user = lastUser(prompt);
      if (user.startsWith("[approval]")) return { text: user.includes("Note: zones.list has more items than returned") ? "After approval: the zone list was cut at 1." : "After approval: no note." };
      const out = lastToolOutput(prompt) as { logs?: string[] } | undefined;
      if (user === "first") return out ? { text: out.logs?.some((l) => l.startsWith("Note: zones.list")) ? "Read: cut at 1." : "Read: no note." } : { code: 'return (await cloudflare.read({ op: "zones.list", limit: 1 })).length;' };
      return { code: `const zones = await cloudflare.read({ op: "zones.list", limit: 1 });\nreturn (await cloudflare.write({ op: "r2.buckets.create", body: { name: "${name}" } })).name;` };
    });
    await deliver(textUpdate("first", { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => written(c).some((t) => t.startsWith("Read:")));
    expect(written(await waitForCalls(chatId, () => true)).find((t) => t.startsWith("Read:"))).toMatch(/^Read: cut at 1\./);

    await deliver(textUpdate("second", { userId: USERS.owner, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await deliver(callbackUpdate(dataOf(card!, "ap"), { userId: USERS.owner, chatId, messageId: card!.messageId }));
    const calls = await waitForCalls(chatId, (c) => written(c).some((t) => t.startsWith("After approval:")));
    expect(written(calls).find((t) => t.startsWith("After approval:"))).toMatch(/^After approval: the zone list was cut at 1\./);
    await fetch(`${buckets}/${name}`, { method: "DELETE", headers: auth });
  });
});
