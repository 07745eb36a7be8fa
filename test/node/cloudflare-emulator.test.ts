// The Cloudflare API emulator on its own (Node, own instance per file): envelope, auth answers,
// resources, errors and the control endpoints.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorControl } from "../../dev/cloudflare-emulator/control.ts";
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DEMO_EXPIRED_TOKEN, DEMO_ZONES, startCloudflareEmulator } from "../../dev/cloudflare-emulator/server.ts";

type Body = { success: boolean; errors: { code: number; message: string; error_chain?: { code: number; message: string }[] }[]; messages: unknown[]; result: unknown; result_info?: unknown };

describe("Cloudflare API emulator", () => {
  let server: Awaited<ReturnType<typeof startCloudflareEmulator>>;
  beforeAll(async () => {
    server = await startCloudflareEmulator();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.emulator.reset();
  });

  async function api(method: string, path: string, body?: unknown, token: string | null = DEMO_API_TOKEN) {
    const response = await fetch(`${server.apiBase}${path}`, {
      method,
      headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
  }

  it("answers in Cloudflare's envelope with page-based result_info", async () => {
    const { status, body } = await api("GET", "/zones?per_page=1");
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, errors: [], messages: [], result_info: { page: 1, per_page: 1, count: 1, total_count: 2, total_pages: 2 } });
    expect(body.result).toEqual([expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: "demo-shop.dev", account: { id: DEMO_ACCOUNT_ID, name: "Demo Shop" } })]);
    expect((await api("GET", "/zones?name=example.com")).body.result).toEqual([expect.objectContaining({ id: DEMO_ZONES.exampleCom })]);
  });

  it("refuses missing, malformed, unknown and expired tokens the way Cloudflare does", async () => {
    expect(await api("GET", "/zones", undefined, null)).toMatchObject({ status: 400, body: { success: false, result: null, errors: [{ code: 9106 }] } });
    expect(await api("GET", "/zones", undefined, "has spaces in it and more")).toMatchObject({ status: 400, body: { errors: [{ code: 6003, error_chain: [{ code: 6111 }] }] } });
    expect(await api("GET", "/zones", undefined, "unknown_token_0000000000000")).toMatchObject({ status: 403, body: { errors: [{ code: 9109, message: "Invalid access token" }] } });
    expect(await api("GET", "/user/tokens/verify", undefined, "unknown_token_0000000000000")).toMatchObject({ status: 401, body: { errors: [{ code: 1000, message: "Invalid API Token" }] } });
    expect(await api("GET", "/user/tokens/verify", undefined, DEMO_EXPIRED_TOKEN)).toMatchObject({ status: 200, body: { result: { status: "expired", expires_on: "2025-01-01T00:00:00Z" } } });
    expect(await api("GET", "/accounts", undefined, DEMO_EXPIRED_TOKEN)).toMatchObject({ status: 403, body: { errors: [{ code: 9109 }] } });
    expect((await api("GET", "/user/tokens/verify")).body).toMatchObject({ result: { status: "active" }, messages: [{ code: 10000, message: "This API Token is valid and active" }] });
  });

  it("answers unknown routes and identifiers with 7000 / 7003 and unknown accounts with 10000", async () => {
    expect(await api("GET", "/nothing/here")).toMatchObject({ status: 404, body: { errors: [{ code: 7000, message: "No route for that URI" }] } });
    expect(await api("GET", "/zones/xyz/dns_records")).toMatchObject({ status: 400, body: { errors: [{ code: 7003 }, { code: 7000 }] } });
    expect(await api("GET", `/accounts/${"0".repeat(32)}/r2/buckets`)).toMatchObject({ status: 403, body: { errors: [{ code: 10000, message: "Authentication error" }] } });
    expect(await api("PATCH", "/zones")).toMatchObject({ status: 405 });
  });

  it("creates, reads, updates and deletes DNS records, validating them like the API", async () => {
    const base = `/zones/${DEMO_ZONES.demoShopDev}/dns_records`;
    const created = await api("POST", base, { type: "A", name: "blog", content: "203.0.113.5", proxied: true });
    expect(created.body.result).toMatchObject({ name: "blog.demo-shop.dev", type: "A", content: "203.0.113.5", ttl: 1, proxied: true,
      id: expect.stringMatching(/^[0-9a-f]{32}$/), created_on: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) });
    const id = (created.body.result as { id: string }).id;
    expect((await api("PATCH", `${base}/${id}`, { content: "203.0.113.6" })).body.result).toMatchObject({ id, content: "203.0.113.6", proxied: true });
    expect((await api("GET", `${base}?type=A&name=blog.demo-shop.dev`)).body.result).toHaveLength(1);
    expect(await api("POST", base, { type: "A", name: "bad", content: "not-an-ip" })).toMatchObject({ status: 400,
      body: { errors: [{ code: 1004, message: "DNS Validation Error", error_chain: [{ code: 9005 }] }] } });
    expect(await api("POST", base, { type: "CNAME", name: "blog", content: "x.example.net" })).toMatchObject({ status: 400, body: { errors: [{ code: 81053 }] } });
    expect((await api("DELETE", `${base}/${id}`)).body.result).toEqual({ id });
    expect(await api("GET", `${base}/${id}`)).toMatchObject({ status: 404, body: { errors: [{ code: 81044, message: "Record does not exist." }] } });
  });

  it("reads and edits zone settings by name, refusing unknown names and values with the allowed ones", async () => {
    const path = `/zones/${DEMO_ZONES.exampleCom}/settings`;
    expect((await api("GET", `${path}/ssl`)).body.result).toEqual({ id: "ssl", value: "full", editable: true, modified_on: null });
    expect(await api("PATCH", `${path}/always_use_https`, { value: "on" })).toMatchObject({ status: 200, body: { result: { id: "always_use_https", value: "on" } } });
    expect((await api("GET", path)).body.result).toEqual(expect.arrayContaining([expect.objectContaining({ id: "always_use_https", value: "on" })]));
    const refused = await api("PATCH", `${path}/min_tls_version`, { value: 1.2 });
    expect(refused).toMatchObject({ status: 400, body: { errors: [{ code: 1007 }] } });
    expect(refused.body.errors[0]!.message).toContain("use one of 1.0, 1.1, 1.2, 1.3");
    expect(await api("GET", `${path}/no_such_setting`)).toMatchObject({ status: 404, body: { errors: [{ code: 1003 }] } });
    // Another zone keeps its own settings.
    expect((await api("GET", `/zones/${DEMO_ZONES.demoShopDev}/settings/always_use_https`)).body.result).toMatchObject({ value: "off" });
  });

  it("records cache purges of URLs in the zone and refuses URLs outside it", async () => {
    const path = `/zones/${DEMO_ZONES.exampleCom}/purge_cache`;
    expect(await api("POST", path, { files: ["https://example.com/pricing.html"] })).toMatchObject({ status: 200, body: { result: { id: DEMO_ZONES.exampleCom } } });
    expect(server.emulator.state.purges).toEqual([expect.objectContaining({ zoneId: DEMO_ZONES.exampleCom, files: ["https://example.com/pricing.html"], everything: false })]);
    expect(await api("POST", path, { files: ["https://demo-shop.dev/"] })).toMatchObject({ status: 400, body: { errors: [{ code: 1012 }] } });
    expect(await api("POST", path, {})).toMatchObject({ status: 400, body: { errors: [{ code: 1012 }] } });
    expect(server.emulator.state.purges).toHaveLength(1);
  });

  it("keeps R2 buckets with R2's list shape and cursor pagination", async () => {
    const base = `/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`;
    const first = await api("GET", `${base}?per_page=1`);
    expect(first.body.result).toEqual({ buckets: [expect.objectContaining({ name: "nightly-backups", creation_date: expect.any(String) })] });
    expect(first.body.result_info).toEqual({ cursor: expect.any(String), per_page: 1 });
    const second = await api("GET", `${base}?per_page=1&cursor=${(first.body.result_info as { cursor: string }).cursor}`);
    expect(second.body).toMatchObject({ result: { buckets: [{ name: "shop-assets" }] }, result_info: { cursor: "" } });
    expect((await api("POST", base, { name: "photos", locationHint: "apac" })).body.result).toMatchObject({ name: "photos", location: "APAC" });
    expect(await api("POST", base, { name: "photos" })).toMatchObject({ status: 409, body: { errors: [{ code: 10004 }] } });
    expect(await api("POST", base, { name: "No_Caps" })).toMatchObject({ status: 400, body: { errors: [{ code: 10005 }] } });
    expect((await api("DELETE", `${base}/photos`)).status).toBe(200);
    expect(await api("GET", `${base}/photos`)).toMatchObject({ status: 404, body: { errors: [{ code: 10006, message: "The specified bucket does not exist." }] } });
  });

  it("keeps D1 databases, KV namespaces and queues", async () => {
    const account = `/accounts/${DEMO_ACCOUNT_ID}`;
    const db = await api("POST", `${account}/d1/database`, { name: "test-storia" });
    expect(db.body.result).toMatchObject({ name: "test-storia", uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), version: "production" });
    expect((await api("GET", `${account}/d1/database`)).body.result).toEqual([expect.objectContaining({ name: "shop-orders" }), expect.objectContaining({ name: "test-storia" })]);
    expect((await api("DELETE", `${account}/d1/database/${(db.body.result as { uuid: string }).uuid}`)).body).toMatchObject({ success: true, result: null });

    const kv = await api("POST", `${account}/storage/kv/namespaces`, { title: "CACHE" });
    expect(kv.body.result).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{32}$/), title: "CACHE" });
    expect(await api("POST", `${account}/storage/kv/namespaces`, { title: "CACHE" })).toMatchObject({ status: 400, body: { errors: [{ code: 10014 }] } });
    expect((await api("PUT", `${account}/storage/kv/namespaces/${(kv.body.result as { id: string }).id}`, { title: "CACHE2" })).body.result).toMatchObject({ title: "CACHE2" });

    expect((await api("POST", `${account}/queues`, { queue_name: "emails" })).body.result).toMatchObject({ queue_name: "emails", queue_id: expect.any(String) });
    expect((await api("GET", `${account}/queues`)).body.result_info).toMatchObject({ total_count: 2 });
    expect((await api("GET", `${account}/workers/subdomain`)).body.result).toEqual({ subdomain: "demo-shop" });
  });

  it("injects faults with Retry-After, records requests, mints tokens and resets to the seed", async () => {
    const control = emulatorControl(server.url);
    const { token } = await control.mintToken({ canReadUser: false });
    expect(await api("GET", "/user", undefined, token)).toMatchObject({ status: 403, body: { errors: [{ code: 9109 }] } });
    await control.fault({ path: "/zones", token, status: 429, retryAfter: 7 });
    const limited = await api("GET", "/zones", undefined, token);
    expect(limited).toMatchObject({ status: 429, body: { errors: [{ code: 971 }] } });
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((await api("GET", "/zones", undefined, token)).status).toBe(200);
    expect((await control.requests({ token, path: "/zones" })).map((r) => [r.status, r.faulted])).toEqual([[429, true], [200, false]]);

    await api("POST", `/accounts/${DEMO_ACCOUNT_ID}/queues`, { queue_name: "temporary" });
    await control.reset();
    expect((await api("GET", `/accounts/${DEMO_ACCOUNT_ID}/queues`)).body.result).toHaveLength(1);
    expect(await control.requests()).toHaveLength(1);
  });
});
