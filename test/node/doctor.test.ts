import { describe, expect, it } from "vitest";
import { DEMO_API_TOKEN, DEMO_EXPIRED_TOKEN } from "../../dev/cloudflare-emulator/seed.ts";
import { runDoctor } from "../../scripts/doctor/run-doctor.ts";
import { noPrompter } from "../../scripts/setup/prompter.ts";
import { runSetup } from "../../scripts/setup/run-setup.ts";
import { BOT_TOKEN, CLOUDFLARE_BASE, TELEGRAM_ROOT, WORKER_URL, createWorld } from "./setup-fakes.ts";

type World = ReturnType<typeof createWorld>;
const BASE_ENV = { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: TELEGRAM_ROOT, CLOUDFLARE_API_BASE: CLOUDFLARE_BASE };

/** A world after a successful `npm run setup`. */
async function deployedWorld(): Promise<World> {
  const world = createWorld();
  await runSetup({ telegramApiRoot: TELEGRAM_ROOT, values: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ALLOWED_USER_IDS: "1001" } },
    { root: world.root, run: world.wrangler.run, fetch: world.fetch, prompter: noPrompter, output: world.output, nodeVersion: "22.23.3", env: {}, sleep: async () => {} });
  world.lines.length = 0;
  return world;
}

async function doctor(world: World, env: Record<string, string | undefined> = {}, fetch = world.fetch) {
  const lines = await runDoctor({ root: world.root, run: world.wrangler.run, fetch, output: world.output, prompter: noPrompter, env: { ...BASE_ENV, ...env }, now: () => Date.now() });
  return Object.fromEntries(lines.map((l) => [l.check, l]));
}

/** A fetch whose getWebhookInfo answer is changed by `patch`. */
function patchWebhookInfo(world: World, patch: Record<string, unknown>) {
  return async (input: string, init?: RequestInit) => {
    const response = await world.fetch(input, init);
    if (!input.endsWith("/getWebhookInfo")) return response;
    const body = (await response.json()) as { result: Record<string, unknown> };
    return Response.json({ ...body, result: { ...body.result, ...patch } });
  };
}

describe("npm run doctor", () => {
  it("reports one ok line per part of a healthy deployment", async () => {
    const world = await deployedWorld();
    const lines = await doctor(world, { CLOUDFLARE_API_TOKEN: DEMO_API_TOKEN });
    expect(Object.keys(lines)).toEqual(["webhook", "health", "wrangler", "deploy token", "bot token", "model", "migrations"]);
    expect(lines.webhook).toMatchObject({ verdict: "ok", detail: `${WORKER_URL}/telegram · 0 pending · no recent errors` });
    expect(lines.health).toMatchObject({ verdict: "ok", detail: `${WORKER_URL}/health ok, version 0.1.0` });
    expect(lines.wrangler?.detail).toContain("dana@demo-shop.dev (OAuth Token), 1 account · scopes: workers_scripts:write, d1:write");
    expect(lines["deploy token"]).toMatchObject({ verdict: "ok", detail: expect.stringMatching(/^active · permissions not readable with this token/) });
    expect(lines["bot token"]).toMatchObject({ verdict: "skip" });
    expect(lines.model).toMatchObject({ verdict: "ok", detail: expect.stringMatching(/^not configured \(optional\)/) });
    expect(lines.migrations).toMatchObject({ verdict: "ok", detail: "all D1 migrations applied (remote)" });
    expect(world.wrangler.named("d1", "migrations", "list")[0]?.args).toEqual(["d1", "migrations", "list", "DB", "--remote", "--config", "wrangler.deploy.toml"]);
    expect(world.text()).toContain("All good.");
    expect(world.text()).toMatch(/^✓ webhook {7}https:/m);
    for (const secret of [BOT_TOKEN, DEMO_API_TOKEN, ...world.wrangler.secrets.values()]) expect(world.text()).not.toContain(secret);
  });

  it("explains a recent webhook error with its fix, and a backlog of pending updates", async () => {
    const world = await deployedWorld();
    const recent = patchWebhookInfo(world, { pending_update_count: 42, last_error_date: Math.floor(Date.now() / 1000) - 120, last_error_message: "Wrong response from the webhook: 401 Unauthorized" });
    const lines = await doctor(world, {}, recent);
    expect(lines.webhook).toMatchObject({ verdict: "fail", fix: "the webhook secret does not match the Worker's: npm run setup -- --rotate" });
    expect(lines.webhook?.detail).toContain('42 pending · last error 2 min ago: "Wrong response from the webhook: 401 Unauthorized"');
    expect(world.text()).toMatch(/^✗ webhook .* → fix: the webhook secret does not match/m);

    const old = patchWebhookInfo(world, { pending_update_count: 42, last_error_date: Math.floor(Date.now() / 1000) - 3 * 3600, last_error_message: "Connection timed out" });
    expect((await doctor(world, {}, old)).webhook).toMatchObject({ verdict: "warn", detail: expect.stringContaining("42 pending: Telegram is holding a backlog") });
  });

  it("fails when the webhook points elsewhere or is not set, with setup as the fix", async () => {
    const world = await deployedWorld();
    world.telegram.call(BOT_TOKEN, "setWebhook", { url: "https://old.example/hook" });
    expect((await doctor(world)).webhook).toMatchObject({ verdict: "fail", detail: `points at https://old.example/hook, not ${WORKER_URL}/telegram`, fix: "npm run setup (sets it to this deployment)" });
    world.telegram.call(BOT_TOKEN, "deleteWebhook", {});
    expect((await doctor(world)).webhook).toMatchObject({ verdict: "fail", detail: "no webhook set: Telegram delivers nothing", fix: "npm run setup" });
  });

  it("names the missing variable when /health is not ok, and says so when the Worker is unreachable", async () => {
    const world = await deployedWorld();
    world.setHealth(() => Response.json({ ok: false, version: "0.1.0", missing: ["ALLOWED_USER_IDS"] }, { status: 503 }));
    expect((await doctor(world)).health).toMatchObject({ verdict: "fail", detail: `${WORKER_URL}/health answers 503: missing or invalid ALLOWED_USER_IDS`, fix: expect.stringContaining("npx wrangler secret put ALLOWED_USER_IDS") });
    world.setHealth(() => { throw new TypeError("fetch failed"); });
    expect((await doctor(world)).health).toMatchObject({ verdict: "fail", detail: `${WORKER_URL}/health unreachable (fetch failed)`, fix: "npm run deploy" });
  });

  it("verifies Cloudflare tokens against the API: an expired or unknown token is a failure with a fix", async () => {
    const world = await deployedWorld();
    const lines = await doctor(world, { CLOUDFLARE_API_TOKEN: DEMO_EXPIRED_TOKEN, BOT_CLOUDFLARE_API_TOKEN: "unknown_token_value_000000000000000" });
    expect(lines["deploy token"]).toMatchObject({ verdict: "fail", detail: expect.stringMatching(/^token is expired/) });
    expect(lines["bot token"]).toMatchObject({ verdict: "fail", detail: "token refused: Invalid API Token", fix: expect.stringContaining("docs/deploy.md") });
    expect(world.emulator.requests.map((r) => r.path)).toContain("/user/tokens/verify");
    expect(world.text()).not.toContain("unknown_token_value");
  });

  it("checks the model provider when one is configured: reachable, key refused, or unreachable", async () => {
    const world = await deployedWorld();
    const provider = (status: number) => async (input: string, init?: RequestInit) =>
      input === "https://api.openai.com/v1/models" ? Response.json({ data: [] }, { status }) : world.fetch(input, init);
    expect((await doctor(world, { LLM_PROVIDER: "openai", LLM_API_KEY: "sk-test-key-1234567890" }, provider(200))).model).toMatchObject({ verdict: "ok", detail: "openai reachable, HTTP 200" });
    expect((await doctor(world, { LLM_PROVIDER: "openai", LLM_API_KEY: "sk-test-key-1234567890" }, provider(401))).model).toMatchObject({ verdict: "fail", detail: "openai refuses the key (HTTP 401)" });
    expect((await doctor(world, { LLM_PROVIDER: "openai-compatible", LLM_BASE_URL: "http://127.0.0.1:9/v1" })).model).toMatchObject({ verdict: "fail", detail: expect.stringContaining("openai-compatible unreachable at http://127.0.0.1:9") });
    expect(world.text()).not.toContain("sk-test-key-1234567890");
  });

  it("lists unapplied D1 migrations with npm run deploy as the fix", async () => {
    const world = await deployedWorld();
    world.wrangler.applied.delete("0003_create_user_tokens.sql");
    const lines = await doctor(world);
    expect(lines.migrations).toMatchObject({ verdict: "fail", detail: "1 not applied: 0003_create_user_tokens.sql", fix: "npm run deploy (applies migrations first)" });
    expect(world.text()).toContain("1 problem: the fix is on each ✗ line.");
  });

  it("skips what it cannot read without a bot token or a deployment, saying how to enable it", async () => {
    const world = createWorld();
    const lines = await doctor(world, { TELEGRAM_BOT_TOKEN: undefined });
    expect(lines.webhook).toMatchObject({ verdict: "skip", fix: "run with TELEGRAM_BOT_TOKEN=… npm run doctor" });
    expect(lines.health).toMatchObject({ verdict: "skip" });
    expect(lines.migrations).toMatchObject({ verdict: "skip", fix: "npm run setup" });
  });
});
