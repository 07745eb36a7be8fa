// The emulator's GraphQL Analytics slice on its own (Node): Cloudflare's { data, errors } shape,
// introspection, deterministic numbers, filters, grouping and ordering, and its refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DEMO_ZONES, startCloudflareEmulator } from "../../dev/cloudflare-emulator/server.ts";

type Answer<T = unknown> = { data: T | null; errors: Array<{ message: string; path: unknown; extensions: { timestamp: string } }> | null };
type Day = { dimensions: { date: string }; sum: { requests: number; bytes: number; threats: number; pageViews: number }; uniq: { uniques: number } };
type Invocation = { dimensions: { scriptName: string; date?: string }; sum: { requests: number; errors: number; subrequests: number } };
type Traffic = { viewer: { zones: Array<{ httpRequests1dGroups: Day[] }> } };
type Invocations = { viewer: { accounts: Array<{ workersInvocationsAdaptive: Invocation[] }> } };
const daysOf = (answer: Answer<Traffic>) => answer.data!.viewer.zones[0]!.httpRequests1dGroups;
const invocationsOf = (answer: Answer<Invocations>) => answer.data!.viewer.accounts[0]!.workersInvocationsAdaptive;
const total = (rows: Invocation[], key: keyof Invocation["sum"]) => rows.reduce((n, r) => n + r.sum[key], 0);

describe("Cloudflare API emulator: GraphQL Analytics", () => {
  let server: Awaited<ReturnType<typeof startCloudflareEmulator>>;
  beforeAll(async () => {
    server = await startCloudflareEmulator();
  });
  afterAll(async () => {
    await server.close();
  });

  async function graphql<T = unknown>(query: string, variables?: Record<string, unknown>, token: string | null = DEMO_API_TOKEN) {
    const response = await fetch(`${server.apiBase}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as Answer<T> };
  }

  const traffic = (zone: string, from: string, to: string, order = "date_ASC") =>
    `{ viewer { zones(filter: { zoneTag: "${zone}" }) { httpRequests1dGroups(limit: 100, filter: { date_geq: "${from}", date_leq: "${to}" }, orderBy: [${order}]) { dimensions { date } sum { requests bytes threats pageViews } uniq { uniques } } } } }`;
  const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);

  it("answers zone traffic by day in Cloudflare's shape, the same numbers every time", async () => {
    const first = await graphql<Traffic>(traffic(DEMO_ZONES.demoShopDev, day(6), day(0)));
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeNull();
    const days = daysOf(first.body);
    expect(days.map((d) => d.dimensions.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map(day));
    for (const d of days) {
      expect(d.sum.requests).toBeGreaterThan(0);
      expect(d.sum.pageViews).toBeLessThan(d.sum.requests);
      expect(d.uniq.uniques).toBeLessThan(d.sum.requests);
    }
    expect((await graphql(traffic(DEMO_ZONES.demoShopDev, day(6), day(0)))).body).toEqual(first.body);
    // Another zone has its own numbers; ordering by requests sorts the rows.
    const other = daysOf((await graphql<Traffic>(traffic(DEMO_ZONES.exampleCom, day(6), day(0)))).body);
    expect(other.map((d) => d.sum.requests)).not.toEqual(days.map((d) => d.sum.requests));
    const sorted = daysOf((await graphql<Traffic>(traffic(DEMO_ZONES.demoShopDev, day(6), day(0), "sum_requests_DESC"))).body);
    expect(sorted.map((d) => d.sum.requests)).toEqual(days.map((d) => d.sum.requests).sort((a, b) => b - a));
  });

  it("splits the same traffic by country in httpRequestsAdaptiveGroups, top countries first", async () => {
    type ByCountry = { viewer: { zones: Array<{ httpRequestsAdaptiveGroups: Array<{ count: number; dimensions: { clientCountryName: string } }> }> } };
    const query = (order: string) => `{ viewer { zones(filter: { zoneTag: "${DEMO_ZONES.demoShopDev}" }) { httpRequestsAdaptiveGroups(limit: 100, filter: { date_geq: "${day(6)}", date_leq: "${day(0)}" }, orderBy: [${order}]) { count dimensions { clientCountryName } } } } }`;
    const countries = (await graphql<ByCountry>(query("count_DESC"))).body.data!.viewer.zones[0]!.httpRequestsAdaptiveGroups;
    const days = daysOf((await graphql<Traffic>(traffic(DEMO_ZONES.demoShopDev, day(6), day(0)))).body);
    expect(countries.reduce((n, c) => n + c.count, 0)).toBe(days.reduce((n, d) => n + d.sum.requests, 0));
    expect(countries.map((c) => c.count)).toEqual(countries.map((c) => c.count).sort((a, b) => b - a));
    expect(new Set(countries.map((c) => c.dimensions.clientCountryName)).size).toBe(countries.length);
  });

  it("groups Worker invocations by the dimensions asked for", async () => {
    const query = (dimensions: string) => `query ($a: string!) { viewer { accounts(filter: { accountTag: $a }) { workersInvocationsAdaptive(limit: 100, filter: { date_geq: "${day(2)}", date_leq: "${day(0)}" }) { dimensions { ${dimensions} } sum { requests errors subrequests } } } } }`;
    const byDay = invocationsOf((await graphql<Invocations>(query("scriptName date"), { a: DEMO_ACCOUNT_ID })).body);
    const byScript = invocationsOf((await graphql<Invocations>(query("scriptName"), { a: DEMO_ACCOUNT_ID })).body);
    expect(byDay).toHaveLength(3);
    expect(byScript).toEqual([{ dimensions: { scriptName: "shop-api" },
      sum: { requests: total(byDay, "requests"), errors: total(byDay, "errors"), subrequests: total(byDay, "subrequests") } }]);
  });

  it("answers introspection, as graphql-js does for the real schema", async () => {
    const { body } = await graphql<{ __schema: { queryType: { name: string } }; zone: { fields: Array<{ name: string }> } }>('{ __schema { queryType { name } } zone: __type(name: "zone") { fields { name } } }');
    expect(body.data?.__schema.queryType.name).toBe("Query");
    expect(body.data?.zone.fields.map((f) => f.name)).toContain("httpRequests1dGroups");
  });

  it("reports query errors with HTTP 200 and data null, and refuses unknown zones, accounts and mutations", async () => {
    expect(await graphql("mutation { deleteEverything }")).toMatchObject({ status: 200, body: { data: null, errors: [{ message: "The mutation operation is not supported by the schema." }] } });
    const unknownZone = await graphql('{ viewer { zones(filter: { zoneTag: "0123456789abcdef0123456789abcdef" }) { zoneTag } } }');
    expect(unknownZone.body.errors?.[0]).toMatchObject({ message: expect.stringContaining("does not exist"), path: ["viewer", "zones"] });
    const unknownAccount = await graphql('{ viewer { accounts(filter: { accountTag: "0123456789abcdef0123456789abcdef" }) { accountTag } } }');
    expect(unknownAccount.body.errors?.[0]?.message).toBe("not authorized for that account");
    const tooMany = await graphql(`{ viewer { zones(filter: { zoneTag: "${DEMO_ZONES.exampleCom}" }) { httpRequests1dGroups(limit: 20000) { sum { requests } } } } }`);
    expect(tooMany.body.errors?.[0]?.message).toBe("limit must be between 1 and 10000");
    // Without a token it is the REST API's auth answer, in the envelope.
    expect(await graphql("{ viewer { __typename } }", undefined, null)).toMatchObject({ status: 400, body: { success: false } });
  });
});
