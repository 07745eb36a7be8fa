// The host-side Cloudflare client, in workerd, over loopback HTTP to the emulator started in globalSetup.
// Each test mints its own token, so its requests and injected faults cannot touch other tests.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { emulatorControl } from "../dev/cloudflare-emulator/control.ts";
import { DEMO_ACCOUNT_ID, DEMO_ZONES } from "../dev/cloudflare-emulator/seed.ts";
import { CloudflareApiError, createCloudflareClient, listAll, type CloudflareClientOptions } from "../skills/cloudflare/api/index.ts";

const emulator = emulatorControl(inject("cloudflareEmulatorUrl"));
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50, maxTotalWaitMs: 5_000 };

async function setup(options: Partial<CloudflareClientOptions> = {}) {
  const { token } = await emulator.mintToken();
  const client = createCloudflareClient({ token, baseUrl: emulator.apiBase, retry: FAST_RETRY, ...options });
  return { token, client, seen: (path: string, method?: string) => emulator.requests({ token, path, ...(method ? { method } : {}) }) };
}

async function failure(promise: Promise<unknown>): Promise<CloudflareApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CloudflareApiError);
  return error as CloudflareApiError;
}

describe("Cloudflare API client", () => {
  it("unwraps Cloudflare's envelope into the result and its page info", async () => {
    const { client } = await setup();
    const response = await client.request({ path: "/zones", query: { name: "example.com" } });
    expect(response).toMatchObject({ kind: "json", status: 200, resultInfo: { page: 1, total_count: 1, total_pages: 1 } });
    expect(await client.result({ path: `/zones/${DEMO_ZONES.exampleCom}` })).toMatchObject({ id: DEMO_ZONES.exampleCom, name: "example.com", status: "active" });
  });

  it("names the operation, the HTTP status and Cloudflare's own codes and messages in an API error", async () => {
    const { client } = await setup();
    const error = await failure(client.request({ path: "/zones/not-a-zone-id", operation: "zones.get" }));
    expect(error).toMatchObject({ reason: "api", status: 400, operation: "zones.get", codes: [7003, 7000] });
    expect(error.message).toContain("Cloudflare API call zones.get failed: HTTP 400, Cloudflare says [7003] Could not route to /zones/not-a-zone-id");
    expect(error.message).toContain("Hint: the path or an id in it is wrong");
  });

  it("says that a refused token is invalid or lacks permission, without showing it", async () => {
    const token = "not_a_token_the_emulator_knows_0123456789";
    const client = createCloudflareClient({ token, baseUrl: emulator.apiBase });
    const error = await failure(client.request({ path: `/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`, operation: "r2.buckets.list" }));
    expect(error).toMatchObject({ status: 403, codes: [9109], isAuthError: true });
    expect(error.message).toBe("Cloudflare API call r2.buckets.list failed: HTTP 403, Cloudflare says [9109] Invalid access token. "
      + "Hint: the API token is invalid or lacks permission for r2.buckets.list; check it at https://dash.cloudflare.com/profile/api-tokens.");
  });

  it("retries a GET after a 429, waiting as long as Retry-After says", async () => {
    const { token, client, seen } = await setup();
    await emulator.fault({ path: "/accounts", method: "GET", token, status: 429, retryAfter: 1, times: 1 });
    const started = Date.now();
    const response = await client.request({ path: "/accounts" });
    expect(response).toMatchObject({ kind: "json", status: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await seen("/accounts")).map((r) => r.status)).toEqual([429, 200]);
  });

  it("retries a GET on 5xx with backoff, then gives up after the last attempt with the 5xx error", async () => {
    const { token, client, seen } = await setup({ retry: { ...FAST_RETRY, maxAttempts: 3 } });
    await emulator.fault({ path: "/zones", token, status: 502, times: 2 });
    expect(await client.request({ path: "/zones" })).toMatchObject({ status: 200 });
    expect((await seen("/zones")).map((r) => r.status)).toEqual([502, 502, 200]);

    await emulator.fault({ path: "/user", token, status: 503, times: 5 });
    const error = await failure(client.request({ path: "/user", operation: "user.get" }));
    expect(error).toMatchObject({ status: 503, codes: [10002] });
    expect(error.message).toContain("Hint: Cloudflare had a server error");
    expect(await seen("/user")).toHaveLength(3);
  });

  it("does not wait past its total-wait bound for a long Retry-After", async () => {
    const { token, client, seen } = await setup({ retry: { ...FAST_RETRY, maxTotalWaitMs: 500 } });
    await emulator.fault({ path: "/accounts", token, status: 429, retryAfter: 30, times: 1 });
    const error = await failure(client.request({ path: "/accounts", operation: "accounts.list" }));
    expect(error).toMatchObject({ status: 429, codes: [971], retryAfterSeconds: 30 });
    expect(error.message).toContain("rate-limiting this token; wait 30 s");
    expect(await seen("/accounts")).toHaveLength(1);
  });

  it.each([
    ["POST", `/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`, { name: "never-twice" }],
    ["PUT", `/accounts/${DEMO_ACCOUNT_ID}/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279`, { title: "RENAMED" }],
    ["DELETE", `/accounts/${DEMO_ACCOUNT_ID}/d1/database/f8a3c1e2-6b7d-4e9f-a0b1-c2d3e4f5a6b7`, undefined],
  ] as const)("never retries a %s, even on 503 or 429", async (method, path, body) => {
    const { token, client, seen } = await setup();
    // One failure each: a retry would reach the real route (and, for the POST, create the bucket).
    await emulator.fault({ path, method, token, status: 503, times: 1 });
    expect(await failure(client.request({ method, path, body }))).toMatchObject({ status: 503 });
    await emulator.fault({ path, method, token, status: 429, retryAfter: 0, times: 1 });
    expect(await failure(client.request({ method, path, body }))).toMatchObject({ status: 429 });
    expect((await seen(path, method)).map((r) => r.status)).toEqual([503, 429]);
  });

  it("times out a call that gets no answer, and does not repeat it", async () => {
    const { token, client, seen } = await setup({ timeoutMs: 150 });
    await emulator.fault({ path: "/user/tokens/verify", token, delayMs: 1_500, times: 1 });
    const started = Date.now();
    const error = await failure(client.request({ path: "/user/tokens/verify", operation: "user.tokens.verify" }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ reason: "timeout", status: 0 });
    expect(error.message).toBe("Cloudflare API call user.tokens.verify failed: timeout (no answer within 150 ms). Cloudflare did not answer in time; try again in a moment.");
    expect(await seen("/user/tokens/verify")).toHaveLength(1);
  });

  it("stops when the caller aborts", async () => {
    const { token, client } = await setup();
    await emulator.fault({ path: "/accounts", token, delayMs: 1_500 });
    const error = await failure(client.request({ path: "/accounts", signal: AbortSignal.timeout(100) }));
    expect(error.reason).toBe("aborted");
  });

  it("reports a connection failure as a network error", async () => {
    const client = createCloudflareClient({ token: "some_token_value_12345", baseUrl: "http://127.0.0.1:9/client/v4", retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const error = await failure(client.request({ path: "/user" }));
    expect(error.reason).toBe("network");
    expect(error.message).toMatch(/^Cloudflare API call GET \/user failed: network/);
  });

  it("walks page-based lists page by page", async () => {
    const { client, seen } = await setup();
    const zones = await listAll<{ name: string }>(client, { path: "/zones" }, { perPage: 1 });
    expect(zones.map((z) => z.name)).toEqual(["demo-shop.dev", "example.com"]);
    expect((await seen("/zones")).map((r) => r.query)).toEqual([{ per_page: "1" }, { per_page: "1", page: "2" }]);
  });

  it("walks cursor-based lists (R2's `result: { buckets }`) by cursor", async () => {
    const { client, seen } = await setup();
    const path = `/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`;
    const buckets = await listAll<{ name: string }>(client, { path }, { perPage: 1 });
    expect(buckets.map((b) => b.name)).toEqual(expect.arrayContaining(["nightly-backups", "shop-assets"]));
    const queries = (await seen(path)).map((r) => r.query);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(queries[1]).toEqual({ per_page: "1", cursor: expect.any(String) });
  });

  it("uploads a module Worker as multipart with metadata and bindings, and reads it back", async () => {
    const { client } = await setup();
    const name = `upload-${crypto.randomUUID().slice(0, 8)}`;
    const path = `/accounts/${DEMO_ACCOUNT_ID}/workers/scripts/${name}`;
    const source = "export default { async fetch() { return new Response('hi from upload'); } };\n";
    const bindings = [{ type: "kv_namespace", name: "CACHE", namespace_id: "0f2ac74b498b48028cb68387c421e279" }, { type: "plain_text", name: "GREETING", text: "hi" }];
    const form = new FormData();
    form.append("metadata", new Blob([JSON.stringify({ main_module: "worker.js", bindings, compatibility_date: "2025-11-17" })], { type: "application/json" }));
    form.append("worker.js", new Blob([source], { type: "application/javascript+module" }), "worker.js");

    const uploaded = await client.result({ method: "PUT", path, body: form, operation: "workers.scripts.update" });
    expect(uploaded).toMatchObject({ id: name, handlers: ["fetch"], has_modules: true, compatibility_date: "2025-11-17" });
    expect(await client.result({ path: `${path}/settings` })).toMatchObject({ bindings, compatibility_date: "2025-11-17" });
    const download = await client.request({ path });
    expect(download.kind).toBe("text");
    if (download.kind === "text") {
      expect(download.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(download.text).toContain("hi from upload");
    }
    expect(await client.result<{ id: string }[]>({ path: `/accounts/${DEMO_ACCOUNT_ID}/workers/scripts` })).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: name })]));
    await client.request({ method: "DELETE", path });
    expect(await failure(client.request({ path }))).toMatchObject({ status: 404, codes: [10007] });
  });

  it("returns a binary answer as base64 with its content type", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const client = createCloudflareClient({ token: "binary_test_token_1234", baseUrl: emulator.apiBase,
      fetch: async () => new Response(bytes, { headers: { "content-type": "image/png" } }) });
    expect(await client.request({ path: "/some/binary" })).toEqual({ kind: "binary", status: 200, contentType: "image/png", base64: "iVBORwD/", size: 6 });
  });

  it("sends the token in the Authorization header only, and callers cannot replace it", async () => {
    const { token, client, seen } = await setup();
    await client.request({ method: "POST", path: `/accounts/${DEMO_ACCOUNT_ID}/queues`, body: { queue_name: `q-${Date.now()}` },
      headers: { Authorization: "Bearer someone-elses-token-000000", "X-Auth-Key": "x" } });
    const [request] = await seen(`/accounts/${DEMO_ACCOUNT_ID}/queues`, "POST");
    expect(request?.headers.authorization).toBe(`Bearer ${token}`);
    expect(request?.headers["x-auth-key"]).toBeUndefined();
    const elsewhere = JSON.stringify({ ...request, headers: { ...request?.headers, authorization: "" } });
    expect(elsewhere).not.toContain(token);
  });

  it("refuses a path that would leave the API base, before sending anything", async () => {
    const { client, token } = await setup();
    for (const path of ["//evil.example/steal", "/../../evil", "/%2e%2e/%2e%2e/evil", "zones", "/zones?name=x"]) {
      const error = await failure(client.request({ path }));
      expect(error.reason).toBe("invalid_request");
    }
    expect(await emulator.requests({ token })).toHaveLength(0);
  });

  it("never puts the token in an error message, even when Cloudflare's answer echoes it", async () => {
    const { token, client } = await setup();
    await emulator.fault({ path: "/memberships", token, status: 400, errors: [{ code: 10000, message: `token ${token} is not allowed here` }] });
    const error = await failure(client.request({ path: "/memberships", operation: `probe ${token}` }));
    expect(error.message).toContain("token [REDACTED] is not allowed here");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token);
    const timedOut = await failure(createCloudflareClient({ token, baseUrl: "http://127.0.0.1:9/client/v4", retry: { maxAttempts: 1 } }).request({ path: "/user" }));
    expect(timedOut.message).not.toContain(token);
  });
});
