import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandMenus } from "../../bot/commands.ts";
import { noPrompter } from "../../scripts/setup/prompter.ts";
import { runSetup, type SetupOptions } from "../../scripts/setup/run-setup.ts";
import { SetupError } from "../../scripts/setup/errors.ts";
import { BOT_TOKEN, TELEGRAM_ROOT, WORKER_URL, createWorld, scriptedPrompter } from "./setup-fakes.ts";

type World = ReturnType<typeof createWorld>;

const CF_BOT_TOKEN = "cf-bot-token-secret-value-0123456789abcdef";
const LLM_KEY = "sk-llm-secret-key-value-0123456789";

function options(extra: Partial<SetupOptions> = {}, values: SetupOptions["values"] = {}): SetupOptions {
  return { telegramApiRoot: TELEGRAM_ROOT, ...extra, values: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ALLOWED_USER_IDS: "1001", ...values } };
}

function setup(world: World, opts: SetupOptions = options(), prompter = noPrompter) {
  return runSetup(opts, {
    root: world.root, run: world.wrangler.run, fetch: world.fetch, prompter, output: world.output,
    nodeVersion: "22.23.3", env: {}, sleep: async () => {},
  });
}

async function webhook(world: World) {
  const response = await world.telegram.handle(new Request(`${TELEGRAM_ROOT}/__fake/webhook`));
  return (await response.json()) as { webhook: { url: string; secret_token: string; allowed_updates: string[] } | null; commands: Record<string, unknown[]> };
}

/** Every place a secret could leak to: printed output, command lines, the files setup writes. */
function leakSurface(world: World): string {
  const files = ["deploy.settings.json", "wrangler.deploy.toml"].map((f) => readFileSync(join(world.root, f), "utf8"));
  return [world.text(), ...world.wrangler.commands.map((c) => c.args.join(" ")), ...files].join("\n");
}

describe("npm run setup", () => {
  it("goes from nothing to a live bot: database, migrations, deploy, secrets via stdin, webhook, command menu, summary", async () => {
    const world = createWorld();
    const report = await setup(world, options({}, { CLOUDFLARE_API_TOKEN: CF_BOT_TOKEN, LLM_PROVIDER: "openai", LLM_MODEL: "gpt-4.1-mini", LLM_API_KEY: LLM_KEY }));

    expect(report).toMatchObject({ botUsername: "dana_codemode_bot", workerUrl: WORKER_URL, createdDatabase: true, webhookSet: true, commandsSet: true, healthy: true });
    const kinds = world.wrangler.commands.map((c) => c.args.slice(0, 2).join(" "));
    expect(kinds.indexOf("d1 create")).toBeGreaterThan(-1);
    expect(kinds.indexOf("d1 migrations")).toBeLessThan(kinds.indexOf("deploy --config"));
    expect(kinds.indexOf("deploy --config")).toBeLessThan(kinds.indexOf("secret put"));
    expect(world.wrangler.named("deploy")[0]?.args).toEqual(["deploy", "--config", "wrangler.deploy.toml"]);

    // The deploy config carries the real database id and the settings; wrangler.toml is untouched.
    const uuid = world.wrangler.databases[0]!.uuid;
    expect(world.wrangler.deployedConfig).toContain(`database_id = "${uuid}"`);
    expect(world.wrangler.deployedConfig).toContain('TELEGRAM_BOT_USERNAME = "dana_codemode_bot"');
    expect(world.wrangler.deployedConfig).toContain('ALLOWED_USER_IDS = "1001"');
    expect(world.wrangler.deployedConfig).toContain('LLM_PROVIDER = "openai"');
    expect(readFileSync(join(world.root, "wrangler.toml"), "utf8")).toBe(readFileSync("wrangler.toml", "utf8"));

    // Every secret went in on stdin, never in argv.
    expect([...world.wrangler.secrets.keys()].sort()).toEqual(["CLOUDFLARE_API_TOKEN", "ENCRYPTION_KEY", "LLM_API_KEY", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"]);
    for (const put of world.wrangler.named("secret", "put")) expect(put.args).toHaveLength(5);
    expect(world.wrangler.secrets.get("TELEGRAM_BOT_TOKEN")).toBe(BOT_TOKEN);
    expect(Buffer.from(world.wrangler.secrets.get("ENCRYPTION_KEY")!, "base64")).toHaveLength(32);
    expect(world.wrangler.secrets.get("TELEGRAM_WEBHOOK_SECRET")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const state = await webhook(world);
    expect(state.webhook).toEqual({ url: `${WORKER_URL}/telegram`, secret_token: world.wrangler.secrets.get("TELEGRAM_WEBHOOK_SECRET"), allowed_updates: ["message", "callback_query"] });
    // One menu per scope, from the one command list: private chats get everything, groups what works there.
    expect(state.commands).toEqual(Object.fromEntries(commandMenus().map((m) => [m.scope.type, m.commands])));
    expect(Object.keys(state.commands).sort()).toEqual(["all_group_chats", "all_private_chats"]);

    const text = world.text();
    expect(text).toContain("Done: your bot is live.");
    expect(text).toContain("@dana_codemode_bot  https://t.me/dana_codemode_bot");
    expect(text).toMatch(/webhook +set, 0 pending, no errors/);
    expect(text).toContain("Try first: open https://t.me/dana_codemode_bot, send /start, then /cloudflare whoami.");
    for (const secret of world.wrangler.secrets.values()) expect(leakSurface(world)).not.toContain(secret);
  });

  it("changes nothing on a second run: no new database, no secret put again, same webhook and menu", async () => {
    const world = createWorld();
    await setup(world);
    const before = await webhook(world);
    const firstCommands = world.wrangler.commands.length;
    const telegramCalls = world.telegram.calls.length;
    world.lines.length = 0;

    const report = await setup(world);
    const second = world.wrangler.commands.slice(firstCommands);
    expect(second.filter((c) => c.args[1] === "create" || c.args[1] === "put")).toEqual([]);
    expect(world.wrangler.databases).toHaveLength(1);
    expect(world.telegram.calls.slice(telegramCalls).map((c) => c.method)).not.toContain("setWebhook");
    expect(world.telegram.calls.slice(telegramCalls).map((c) => c.method)).not.toContain("setMyCommands");
    expect(await webhook(world)).toEqual(before);
    expect(report).toMatchObject({ createdDatabase: false, secretsPut: [], webhookSet: false, commandsSet: false, healthy: true });
    expect(world.text()).toContain("changed   nothing (already set up)");
  });

  it("finds an existing database by name instead of creating a second one", async () => {
    const world = createWorld();
    world.wrangler.databases.push({ uuid: "11111111-2222-4333-8444-555555555555", name: "codemode-bot" });
    await setup(world);
    expect(world.wrangler.named("d1", "create")).toEqual([]);
    expect(world.wrangler.deployedConfig).toContain('database_id = "11111111-2222-4333-8444-555555555555"');
  });

  it("--rotate puts a new webhook secret and sets the webhook with it, leaving other secrets alone", async () => {
    const world = createWorld();
    await setup(world);
    const old = world.wrangler.secrets.get("TELEGRAM_WEBHOOK_SECRET");
    const key = world.wrangler.secrets.get("ENCRYPTION_KEY");
    const report = await setup(world, options({ rotate: true }));
    expect(report.secretsPut).toEqual(["TELEGRAM_WEBHOOK_SECRET"]);
    const fresh = world.wrangler.secrets.get("TELEGRAM_WEBHOOK_SECRET");
    expect(fresh).not.toBe(old);
    expect((await webhook(world)).webhook?.secret_token).toBe(fresh);
    expect(world.wrangler.secrets.get("ENCRYPTION_KEY")).toBe(key);
    expect(world.text()).not.toContain(fresh!);
  });

  it("sets the webhook again when it points elsewhere, with a fresh secret (the Worker's cannot be read back)", async () => {
    const world = createWorld();
    await setup(world);
    world.telegram.call(BOT_TOKEN, "setWebhook", { url: "https://old.example/hook" });
    const report = await setup(world);
    expect(report.webhookSet).toBe(true);
    expect(report.secretsPut).toEqual(["TELEGRAM_WEBHOOK_SECRET"]);
    expect((await webhook(world)).webhook).toMatchObject({ url: `${WORKER_URL}/telegram`, secret_token: world.wrangler.secrets.get("TELEGRAM_WEBHOOK_SECRET") });
  });

  it("puts a supplied secret again only when its value changed", async () => {
    const world = createWorld();
    await setup(world, options({}, { CLOUDFLARE_API_TOKEN: CF_BOT_TOKEN }));
    expect((await setup(world, options({}, { CLOUDFLARE_API_TOKEN: CF_BOT_TOKEN }))).secretsPut).toEqual([]);
    expect((await setup(world, options({}, { CLOUDFLARE_API_TOKEN: `${CF_BOT_TOKEN}-rolled` }))).secretsPut).toEqual(["CLOUDFLARE_API_TOKEN"]);
    expect(world.wrangler.secrets.get("CLOUDFLARE_API_TOKEN")).toBe(`${CF_BOT_TOKEN}-rolled`);
  });

  it("with --yes and no ALLOWED_USER_IDS, names the variable and changes nothing", async () => {
    const world = createWorld();
    const error = await setup(world, { telegramApiRoot: TELEGRAM_ROOT, values: { TELEGRAM_BOT_TOKEN: BOT_TOKEN } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    expect((error as Error).message).toMatch(/^ALLOWED_USER_IDS is missing: set it to your Telegram user id/);
    expect(world.wrangler.commands.map((c) => c.args[0])).toEqual(["whoami", "secret"]);
  });

  it("stops before any change when wrangler is not logged in, and says how to log in", async () => {
    const world = createWorld();
    world.wrangler.loggedIn = false;
    const error = await setup(world).catch((e: unknown) => e);
    expect((error as Error).message).toContain("wrangler is not logged in: run `npx wrangler login`");
    expect(world.wrangler.commands.map((c) => c.args[0])).toEqual(["whoami"]);
  });

  it("stops before any change when Telegram refuses the bot token, pointing at @BotFather", async () => {
    const world = createWorld();
    const error = await setup(world, options({}, { TELEGRAM_BOT_TOKEN: "7123456789:AAH-wrong-token" })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/getMe: Telegram says Unauthorized \(401\): the bot token is wrong or was revoked; get the current one from @BotFather/);
    expect(world.wrangler.named("d1", "create")).toEqual([]);
    expect(world.wrangler.named("deploy")).toEqual([]);
    expect(world.text()).not.toContain("AAH-wrong-token");
  });

  it("refuses Node older than 22.12 with the npm-script hint", async () => {
    const world = createWorld();
    const error = await runSetup(options(), { root: world.root, run: world.wrangler.run, fetch: world.fetch, prompter: noPrompter, output: world.output, nodeVersion: "20.11.1", env: {} }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("Node 20.11.1 is too old for wrangler (needs 22.12.0+)");
  });

  it("asks interactively, reading secrets hidden, and remembers non-secret answers for the next run", async () => {
    const world = createWorld();
    const prompter = scriptedPrompter({ "bot token": BOT_TOKEN, "allowed to use": "1001, 1002", "approve": "1003", "Cloudflare API token": CF_BOT_TOKEN, "Model provider": "" });
    await setup(world, { telegramApiRoot: TELEGRAM_ROOT, values: {} }, prompter);
    expect(prompter.asked.filter((q) => q.secret).map((q) => q.question)).toEqual(["Telegram bot token from @BotFather", expect.stringContaining("Cloudflare API token")]);
    expect(world.wrangler.deployedConfig).toContain('ALLOWED_USER_IDS = "1001, 1002"');
    expect(world.wrangler.deployedConfig).toContain('APPROVER_IDS = "1003"');
    expect(world.wrangler.secrets.get("CLOUDFLARE_API_TOKEN")).toBe(CF_BOT_TOKEN);

    // Second run: only the bot token is needed again (it is never stored).
    const again = scriptedPrompter({ "bot token": BOT_TOKEN });
    await setup(world, { telegramApiRoot: TELEGRAM_ROOT, values: {} }, again);
    expect(again.asked.map((q) => q.question)).toEqual(["Telegram bot token from @BotFather"]);
    expect(leakSurface(world)).not.toContain(CF_BOT_TOKEN);
    expect(leakSurface(world)).not.toContain(BOT_TOKEN);
  });

  it("never prints a secret, even when wrangler's error quotes it", async () => {
    const world = createWorld();
    world.wrangler.failOn = { prefix: ["secret", "put", "TELEGRAM_BOT_TOKEN"], stderr: `✘ [ERROR] could not upload value ${BOT_TOKEN}` };
    const error = await setup(world).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    const printed = world.output.redact((error as Error).message);
    expect(printed).toContain("`wrangler secret put TELEGRAM_BOT_TOKEN` failed (exit 1)");
    expect(printed).toContain("could not upload value [redacted]");
    expect(printed + world.text()).not.toContain(BOT_TOKEN);
  });

  it("reports an unhealthy Worker in the summary instead of claiming success", async () => {
    const world = createWorld();
    world.setHealth(() => Response.json({ ok: false, version: "0.1.0", missing: ["ALLOWED_USER_IDS"] }, { status: 503 }));
    const report = await setup(world);
    expect(report.healthy).toBe(false);
    expect(world.text()).toContain("Deployed, but the Worker is not healthy yet");
    expect(world.text()).toContain("health: not ok: missing ALLOWED_USER_IDS");
  });
});
