import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_ZONES } from "../dev/cloudflare-emulator/seed.ts";
import { GraphqlSchemaCache, readOnlyDocument, SCHEMA_TTL_MS } from "../skills/cloudflare/analytics/index.ts";
import { cards, emulator } from "./support/code-mode.ts";
import { lastToolOutput, scriptedModel, type Step } from "./support/scripted-model.ts";
import { botCalls, chatStub, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { CLOUDFLARE_TEST_TOKEN, USERS } from "./support/test-env.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";

const ended = (t: string) => t.startsWith("✅ Done") || t.startsWith("⚠️ The snippet failed");

/** Runs `code` with /cloudflare run in `chatId` and returns how it ended (the Done or failure message). */
async function run(code: string, chatId = freshChatId()): Promise<{ text: string; calls: RecordedCall[]; chatId: number }> {
  const before = sentTexts(await botCalls(chatId)).filter(ended).length;
  await deliver(textUpdate(`/cloudflare run ${code}`, { userId: USERS.owner, chatId }));
  const calls = await waitForCalls(chatId, (c) => sentTexts(c).filter(ended).length > before);
  return { text: sentTexts(calls).filter(ended)[before]!, calls, chatId };
}

/** Asks the emulator directly (not through the bot), for the numbers a test compares with. */
async function askEmulator(query: string): Promise<{ data: unknown; errors: unknown }> {
  const response = await fetch(`${emulator.apiBase}/graphql`, {
    method: "POST", headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data: unknown; errors: unknown };
}

/** GraphQL requests that reached the emulator and contain `marker`. */
async function graphqlRequestsWith(marker: string) {
  return (await emulator.requests({ path: "/graphql", method: "POST" })).filter((r) => r.body.includes(marker));
}

const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
const trafficQuery = (from: string, to: string) =>
  `{ viewer { zones(filter: { zoneTag: "${DEMO_ZONES.demoShopDev}" }) { httpRequests1dGroups(limit: 10, filter: { date_geq: "${from}", date_leq: "${to}" }, orderBy: [date_ASC]) { dimensions { date } sum { requests bytes threats pageViews } uniq { uniques } } } } }`;
type TrafficDay = { dimensions: { date: string }; sum: { requests: number; bytes: number }; uniq: { uniques: number } };
const daysOf = (data: unknown) => (data as { viewer: { zones: Array<{ httpRequests1dGroups: TrafficDay[] }> } }).viewer.zones[0]!.httpRequests1dGroups;

describe("the read-only gate of cloudflare.graphql", () => {
  it("lets queries through, printed from the parsed document", () => {
    expect(readOnlyDocument("query Traffic($z: string!) { viewer { zones(filter: {zoneTag: $z}) { zoneTag } } }")).toEqual({
      query: expect.stringContaining("query Traffic($z: string!)"), variables: ["z"],
    });
    // The comment and the odd spacing do not travel: the API gets the document graphql-js read.
    expect(readOnlyDocument("# hello\n{viewer{zones(filter:{zoneTag:\"a\"}){...Z}}} fragment Z on zone { zoneTag }").query)
      .toBe('{\n  viewer {\n    zones(filter: { zoneTag: "a" }) {\n      ...Z\n    }\n  }\n}\n\nfragment Z on zone {\n  zoneTag\n}');
  });

  it("refuses mutations, subscriptions, mixed documents and schema definitions, with the reason", () => {
    expect(() => readOnlyDocument("mutation Drop { deleteZone(id: 1) }")).toThrow("cloudflare.graphql runs queries only: this document has a mutation (Drop), which is refused");
    expect(() => readOnlyDocument("subscription { events }")).toThrow("this document has a subscription");
    expect(() => readOnlyDocument("query Q { viewer { budget } } mutation M { x }", "Q")).toThrow("this document has a mutation (M)");
    expect(() => readOnlyDocument("type Query { x: Int }")).toThrow("only queries and fragments are allowed, not a object type definition");
    expect(() => readOnlyDocument("fragment F on zone { zoneTag }")).toThrow("the document has no query");
    expect(() => readOnlyDocument("query A { a } query B { b }")).toThrow("pass operationName to pick one");
    expect(() => readOnlyDocument("query A { a }", "B")).toThrow('operationName "B" names no query');
    expect(() => readOnlyDocument("{ viewer { ")).toThrow(/^cloudflare.graphql: the query is not valid GraphQL: Syntax Error/);
  });
});

describe("cloudflare.graphql in a snippet", () => {
  it("runs a query at once with the requester's token, audits it, and returns the data the API sent", async () => {
    const [from, to] = [day(6), day(0)];
    const expected = daysOf((await askEmulator(trafficQuery(from, to))).data);
    expect(expected).toHaveLength(7);
    const { text, calls, chatId } = await run(`const data = await cloudflare.graphql({ query: ${JSON.stringify(trafficQuery(from, to))} });
const days = data.viewer.zones[0].httpRequests1dGroups;
return { days: days.length, requests: days.reduce((n, d) => n + d.sum.requests, 0) };`);
    expect(text).toMatch(/^✅ Done/);
    expect(text).toContain(`"requests": ${expected.reduce((n, d) => n + d.sum.requests, 0)}`);
    expect(text).toContain('"days": 7');
    expect(cards(calls)).toEqual([]);
    const sent = await graphqlRequestsWith(`date_geq: \\"${from}\\"`);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.every((r) => r.headers.authorization === `Bearer ${CLOUDFLARE_TEST_TOKEN}`)).toBe(true);
    const audit = await env.DB.prepare("SELECT operation, method, path, access, status, http_status FROM audit_calls WHERE chat_id = ?").bind(chatId).all();
    expect(audit.results).toEqual([{ operation: "graphql", method: "POST", path: "/graphql", access: "read", status: "ok", http_status: 200 }]);
  });

  it("fills in $accountTag and answers Worker invocations and errors per script", async () => {
    const query = `query ($accountTag: string!) { viewer { accounts(filter: { accountTag: $accountTag }) { workersInvocationsAdaptive(limit: 10, filter: { date_geq: "${day(6)}" }, orderBy: [sum_errors_DESC]) { dimensions { scriptName } sum { requests errors subrequests } } } } }`;
    const direct = await askEmulator(query.replace("query ($accountTag: string!)", "").replace("$accountTag", `"${DEMO_ACCOUNT_ID}"`));
    const rows = (direct.data as { viewer: { accounts: Array<{ workersInvocationsAdaptive: Array<{ dimensions: { scriptName: string }; sum: { errors: number } }> }> } }).viewer.accounts[0]!.workersInvocationsAdaptive;
    const shopApi = rows.find((r) => r.dimensions.scriptName === "shop-api")!;
    const { text } = await run(`const data = await cloudflare.graphql({ query: ${JSON.stringify(query)} });
const rows = data.viewer.accounts[0].workersInvocationsAdaptive;
return rows.find((r) => r.dimensions.scriptName === "shop-api").sum;`);
    expect(text).toMatch(/^✅ Done/);
    expect(text).toContain(`"errors": ${shopApi.sum.errors}`);
  });

  it("refuses a mutation, a subscription and a mutation behind operationName host-side: nothing reaches the API", async () => {
    const marker = `M${Math.random().toString(36).slice(2, 8)}`;
    const attempts = [
      `await cloudflare.graphql({ query: "mutation ${marker} { purgeEverything }" })`,
      `await cloudflare.graphql({ query: "subscription ${marker} { live }" })`,
      `await cloudflare.graphql({ query: "query Safe { viewer { __typename } } mutation ${marker} { purgeEverything }", operationName: "Safe" })`,
      `await cloudflare.read({ op: "GET /graphql", query: { query: "mutation ${marker} { x }" } })`,
    ];
    const chatId = freshChatId();
    const texts: string[] = [];
    for (const code of attempts) texts.push((await run(code, chatId)).text);
    expect(texts[0]).toContain(`cloudflare.graphql runs queries only: this document has a mutation (${marker}), which is refused`);
    expect(texts[1]).toContain(`this document has a subscription (${marker})`);
    expect(texts[2]).toContain(`this document has a mutation (${marker})`);
    expect(texts[3]).toContain("use cloudflare.graphql({ query, variables }) for the GraphQL Analytics API");
    expect(await graphqlRequestsWith(marker)).toEqual([]);
  });

  it("retries a query that met a rate limit or a server error, as reads are retried", async () => {
    const marker = `retry${Math.random().toString(36).slice(2, 8)}`;
    await emulator.fault({ path: "/graphql", method: "POST", status: 503, times: 1 });
    const { text } = await run(`return await cloudflare.graphql({ query: "query ${marker} { viewer { zones(filter: { zoneTag: \\"${DEMO_ZONES.exampleCom}\\" }) { zoneTag } } }" })`);
    expect(text).toMatch(/^✅ Done/);
    expect(text).toContain(DEMO_ZONES.exampleCom);
    expect((await graphqlRequestsWith(marker)).map((r) => [r.status, r.faulted])).toEqual([[503, true], [200, false]]);
  });

  it("turns GraphQL errors (HTTP 200 with errors) into clear snippet errors, audited as failed", async () => {
    const unknownField = await run(`return await cloudflare.graphql({ query: "{ viewer { zones(filter: { zoneTag: \\"${DEMO_ZONES.exampleCom}\\" }) { httpRequests1dGroups(limit: 1) { visitorsPerMinute } } } }" })`);
    expect(unknownField.text).toContain('GraphQL query failed: Cannot query field "visitorsPerMinute" on type "ZoneHttpRequests1dGroups"');
    expect(unknownField.text).toContain('check the dataset\'s arguments and fields with cloudflare.graphqlSchema({ dataset: "…" })');
    const audit = await env.DB.prepare("SELECT status, error FROM audit_calls WHERE chat_id = ?").bind(unknownField.chatId).first<{ status: string; error: string }>();
    expect(audit).toMatchObject({ status: "failed", error: expect.stringContaining("visitorsPerMinute") });

    const unknownZone = await run(`return await cloudflare.graphql({ query: "{ viewer { zones(filter: { zoneTag: \\"0123456789abcdef0123456789abcdef\\" }) { zoneTag } } }" })`);
    expect(unknownZone.text).toContain("GraphQL query failed: zone '0123456789abcdef0123456789abcdef' does not exist or the token cannot read its analytics (at viewer.zones)");
  });
});

describe("finding datasets in the GraphQL schema", () => {
  it("searches and describes datasets from the API's own introspection, and the example it gives runs as written", async () => {
    const { text, chatId } = await run(`const traffic = await cloudflare.graphqlSchema({ search: "zone traffic by day" });
const errors = await cloudflare.graphqlSchema({ search: "which worker errors most" });
const countries = await cloudflare.graphqlSchema({ search: "top countries visiting my site" });
const about = await cloudflare.graphqlSchema({ dataset: "httpRequests1dGroups" });
const example = /^example: (.*)$/m.exec(about)[1];
const zoneTag = (await cloudflare.read({ op: "zones.list", query: { name: "demo-shop.dev" } }))[0].id;
const data = await cloudflare.graphql({ query: example, variables: { zoneTag } });
return { traffic: traffic[0], errors: errors[0].dataset, countries: countries[0].dataset, about, rows: data.viewer.zones[0].httpRequests1dGroups.length };`);
    expect(text).toMatch(/^✅ Done/);
    expect(text).toMatch(/"traffic": \{\s*"dataset": "httpRequests1dGroups",\s*"scope": "zone",\s*"description": "HTTP requests to the zone, rolled up by day: requests, bytes, page views, threats, unique visitors\."/);
    expect(text).toContain('"errors": "workersInvocationsAdaptive"');
    expect(text).toContain('"countries": "httpRequestsAdaptiveGroups"');
    expect(text).toContain("filter: { date (eq geq gt leq lt neq in): Date, AND, OR: [filter] }");
    expect(text).toContain("sum { requests bytes cachedRequests cachedBytes threats pageViews: uint64 }");
    expect(text).toContain("orderBy: [date, sum_requests, sum_bytes, sum_threats, sum_pageViews, uniq_uniques] each _ASC or _DESC");
    expect(text).toContain('"rows": 7');

    // The types it needed were introspected once (audited), then kept: a second look asks the API nothing.
    const schemaCalls = () => env.DB.prepare("SELECT COUNT(*) AS n FROM audit_calls WHERE chat_id = ? AND operation = 'graphql.schema'").bind(chatId).first<{ n: number }>();
    const first = (await schemaCalls())!.n;
    expect(first).toBeGreaterThan(0);
    const again = await run('return (await cloudflare.graphqlSchema({ dataset: "httpRequests1dGroups" })).split("\\n")[0];', chatId);
    expect(again.text).toContain("zone dataset httpRequests1dGroups");
    expect((await schemaCalls())!.n).toBe(first);
  });

  it("says what it does not know, with suggestions", async () => {
    const { text } = await run('return await cloudflare.graphqlSchema({ dataset: "httpRequestsDaily" })');
    expect(text).toContain('no GraphQL dataset "httpRequestsDaily"; did you mean zone.httpRequests1dGroups');
    for (const args of ["{}", '{ type: "../etc" }', '{ search: "traffic", dataset: "x" }']) {
      const usage = await run(`return await cloudflare.graphqlSchema(${args})`);
      expect(usage.text, args).toContain("cloudflare.graphqlSchema needs one of { search: \"words\" }");
    }
  });

  it("keeps introspected types per account for a day, then asks again", async () => {
    let now = 1_000_000;
    await runInDurableObject(chatStub(freshChatId()), async (_instance, state) => {
      const cache = new GraphqlSchemaCache(state.storage.sql, () => now);
      cache.put("acct-a", new Map([["zone", { kind: "OBJECT", name: "zone", fields: [] }], ["gone", null]]));
      expect(cache.get("acct-a", ["zone", "gone", "other"])).toEqual(new Map([["zone", { kind: "OBJECT", name: "zone", fields: [] }], ["gone", null]]));
      expect(cache.get("acct-b", ["zone"]).size).toBe(0);
      now += SCHEMA_TTL_MS;
      expect(cache.get("acct-a", ["zone"]).size).toBe(0);
      cache.put("acct-b", new Map([["zone", null]]));
      expect(cache.size("acct-a")).toBe(0);
    });
  });

  it("points cloudflare.search at the Analytics API for traffic questions, and describe explains it", async () => {
    const { text } = await run(`const hits = await cloudflare.search({ query: "how much traffic did my site get" });
const plain = await cloudflare.search({ query: "list r2 buckets" });
return { first: hits[0].id, plain: plain.map((h) => h.id).includes("graphql"), usage: await cloudflare.describe({ op: hits[0].id }) };`);
    expect(text).toContain('"first": "graphql"');
    expect(text).toContain('"plain": false');
    expect(text).toContain("cloudflare.graphql({ query, variables? }) -> the query's data; mutations are refused");
    // Taking the hit's id for a REST operation gets a pointer, not a guess.
    const misread = await run('return await cloudflare.read({ op: "graphql" })');
    expect(misread.text).toContain("graphql is the GraphQL Analytics API, not a REST operation: run queries with cloudflare.graphql({ query, variables })");
  });
});

describe("analytics through the model", () => {
  it("answers \"how much traffic did demo-shop.dev get this week?\" with a GraphQL query and the numbers", async () => {
    const code = `const [zone] = await cloudflare.read({ op: "zones.list", query: { name: "demo-shop.dev" } });
const [hit] = await cloudflare.graphqlSchema({ search: "zone traffic by day" });
const today = new Date();
const from = new Date(today.getTime() - 6 * 86400000).toISOString().slice(0, 10);
const query = \`query ($zoneTag: string!, $from: Date!, $to: Date!) { viewer { zones(filter: { zoneTag: $zoneTag }) {
  \${hit.dataset}(limit: 7, filter: { date_geq: $from, date_leq: $to }) { sum { requests bytes } uniq { uniques } } } } }\`;
const data = await cloudflare.graphql({ query, variables: { zoneTag: zone.id, from, to: today.toISOString().slice(0, 10) } });
const days = data.viewer.zones[0][hit.dataset];
return { from, requests: days.reduce((n, d) => n + d.sum.requests, 0), bytes: days.reduce((n, d) => n + d.sum.bytes, 0) };`;
    const { id } = scriptedModel((prompt): Step => {
      const out = lastToolOutput(prompt);
      if (!out) return { code };
      const r = out.result as { from: string; requests: number; bytes: number };
      return { text: `demo-shop.dev served ${r.requests} requests (${(r.bytes / 1e9).toFixed(2)} GB) since ${r.from}.` };
    });
    const chatId = freshChatId();
    await deliver(textUpdate(`/model ${id}`, { userId: USERS.owner, chatId }));
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses")));
    await deliver(textUpdate("how much traffic did demo-shop.dev get this week?", { userId: USERS.owner, chatId }));
    // The answer's final message, not a draft of it (drafts show it as it is written).
    const calls = await waitForCalls(chatId, (c) => c.some((m) => m.method === "sendMessage" && /^demo-shop\.dev served/.test(String(m.params.text ?? ""))));
    const answer = calls.filter((c) => c.method === "sendMessage").map((c) => String(c.params.text ?? "")).find((t) => t.startsWith("demo-shop.dev served"))!;
    const days = daysOf((await askEmulator(trafficQuery(day(6), day(0)))).data);
    const requests = days.reduce((n, d) => n + d.sum.requests, 0);
    expect(answer).toContain(`demo-shop.dev served ${requests} requests (${(days.reduce((n, d) => n + d.sum.bytes, 0) / 1e9).toFixed(2)} GB) since ${day(6)}.`);
    expect(cards(calls)).toEqual([]);
  });
});
