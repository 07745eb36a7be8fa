import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /health", () => {
  it("answers 200 with ok and the version when configured", async () => {
    const response = await exports.default.fetch("https://bot.example/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it("answers 404 for anything else", async () => {
    expect((await exports.default.fetch("https://bot.example/")).status).toBe(404);
    expect((await exports.default.fetch("https://bot.example/admin")).status).toBe(404);
  });

  it("answers 405 to GET /telegram", async () => {
    expect((await exports.default.fetch("https://bot.example/telegram")).status).toBe(405);
  });
});
