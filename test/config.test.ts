import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../core/config.ts";
import worker from "../bot/worker.ts";
import { TEST_ENV, USERS } from "./support/test-env.ts";
import { textUpdate } from "./support/telegram.ts";

const good = { ...TEST_ENV };

describe("configuration", () => {
  it("accepts the documented variables and applies defaults", () => {
    const result = readConfig({ ...good, APPROVAL_TTL_MINUTES: undefined, TELEGRAM_API_ROOT: "" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.ALLOWED_USER_IDS).toEqual([1001, 1002, 1003, 1004]);
    expect(result.config.APPROVAL_TTL_MINUTES).toBe(15);
    expect(result.config.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
    expect(result.config.CLOUDFLARE_API_BASE).toBe("https://api.cloudflare.com/client/v4");
  });

  it("names a missing bot token, and an empty one counts as missing", () => {
    for (const token of [undefined, "", "   "]) {
      const result = readConfig({ ...good, TELEGRAM_BOT_TOKEN: token });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.variables).toEqual(["TELEGRAM_BOT_TOKEN"]);
      expect(result.error.message).toContain("TELEGRAM_BOT_TOKEN is missing");
    }
  });

  it("names every bad variable at once, with what is wrong", () => {
    const result = readConfig({ ...good, TELEGRAM_WEBHOOK_SECRET: "has spaces!", ALLOWED_USER_IDS: "1001, bob", TELEGRAM_API_ROOT: "not a url" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.variables).toEqual(expect.arrayContaining(["TELEGRAM_WEBHOOK_SECRET", "ALLOWED_USER_IDS", "TELEGRAM_API_ROOT"]));
    expect(result.error.message).toContain('"bob" is not a Telegram user id');
    expect(result.error.message).toContain("wrangler secret put");
  });

  it("refuses an allow-list that lists nobody", () => {
    const result = readConfig({ ...good, ALLOWED_USER_IDS: " , " });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain("ALLOWED_USER_IDS lists nobody");
  });

  it("never repeats a secret's value in its error", () => {
    const result = readConfig({ ...good, TELEGRAM_BOT_TOKEN: "not-a-token-but-secret-looking-value" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain("secret-looking-value");
  });
});

describe("a Worker with missing configuration", () => {
  const broken = { ...env, TELEGRAM_BOT_TOKEN: undefined } as unknown as Env;

  it("reports ok: false and the variable's name on /health", async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request("https://bot.example/health"), broken, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, missing: ["TELEGRAM_BOT_TOKEN"] });
  });

  it("fails closed on the webhook with the variable's name and no stack trace", async () => {
    const ctx = createExecutionContext();
    const request = new Request("https://bot.example/telegram", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TEST_ENV.TELEGRAM_WEBHOOK_SECRET },
      body: JSON.stringify(textUpdate("/start", { userId: USERS.owner })),
    });
    const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, broken, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("bot not configured: TELEGRAM_BOT_TOKEN");
  });
});
