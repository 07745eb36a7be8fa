// When Cloudflare refuses the token, the person learns which permission the operation needs and
// how to add it; approval cards name it before the tap. The emulator mints tokens that lack
// permissions and answers 403 "Authentication error" (code 10000) for them, as the API does.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_ZONES } from "../dev/cloudflare-emulator/seed.ts";
import { importVaultKey, saveUserToken } from "../skills/cloudflare/byok/index.ts";
import { CloudflareApiError, createCloudflareClient } from "../skills/cloudflare/api/index.ts";
import { permissionsFor } from "../skills/cloudflare/catalog/permissions.ts";
import { USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, dataOf, emulator, tap } from "./support/code-mode.ts";

/** Gives USERS.member a token of their own (as /connect would) that lacks some permissions. */
async function connectLimitedToken(options: { readOnly?: boolean; deny?: string[] }): Promise<string> {
  const minted = await emulator.mintToken(options);
  await saveUserToken(env.DB, await importVaultKey(env.ENCRYPTION_KEY), { userId: USERS.member, token: minted.token, tokenId: minted.id });
  return minted.token;
}

describe("naming the permission an operation needs", () => {
  it("maps operations by API area, or takes the spec's names", () => {
    expect(permissionsFor({ id: "dns.records.create" }, "write")).toEqual(["DNS Write"]);
    expect(permissionsFor({ id: "dns.records.list" }, "read")).toEqual(["DNS Read"]);
    expect(permissionsFor({ id: "r2.buckets.list" }, "read")).toEqual(["Workers R2 Storage Read"]);
    expect(permissionsFor({ id: "workers.scripts.update" }, "write")).toEqual(["Workers Scripts Write"]);
    expect(permissionsFor({ id: "workers.routes.create@zone" }, "write")).toEqual(["Workers Routes Write"]);
    expect(permissionsFor({ id: "cache.purge" }, "write")).toEqual(["Cache Purge"]);
    expect(permissionsFor({ id: "zones.settings.edit" }, "write")).toEqual(["Zone Settings Write"]);
    expect(permissionsFor({ id: "somethingNew.things.list" }, "read")).toEqual([]);
    expect(permissionsFor({ id: "r2.buckets.list", permissions: ["Workers R2 Storage Write", "Workers R2 Storage Read"] }, "read"))
      .toEqual(["Workers R2 Storage Read", "Workers R2 Storage Write"]);
  });

  it("the client's error names the permission and how to add it", async () => {
    const minted = await emulator.mintToken({ deny: [`/accounts/${DEMO_ACCOUNT_ID}/r2`] });
    const client = createCloudflareClient({ token: minted.token, baseUrl: emulator.apiBase });
    const error = await client.request({ path: `/accounts/${DEMO_ACCOUNT_ID}/r2/buckets`, operation: "r2.buckets.list", permissions: ["Workers R2 Storage Read"] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as CloudflareApiError).status).toBe(403);
    expect((error as Error).message).toBe("Cloudflare API call r2.buckets.list failed: HTTP 403, Cloudflare says [10000] Authentication error. "
      + "Hint: the API token was refused: r2.buckets.list needs the token permission \"Workers R2 Storage Read\", or the token is invalid or expired. "
      + "To add it, open https://dash.cloudflare.com/profile/api-tokens, edit the token, add Workers R2 Storage · Read under Permissions "
      + "(with the account or zone it applies to), and save; the token's value stays the same.");
    expect((error as Error).message).not.toContain(minted.token);
  });

  it("a read refused for a missing permission tells the person which one", async () => {
    await connectLimitedToken({ deny: [`/zones/${DEMO_ZONES.demoShopDev}/dns_records`] });
    const chatId = freshChatId();
    await deliver(textUpdate(`/cloudflare run return await cloudflare.read({ op: "dns.records.list", params: { zone_id: "${DEMO_ZONES.demoShopDev}" } })`, { userId: USERS.member, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    const failed = sentTexts(calls).find((t) => t.startsWith("⚠️ The snippet failed"))!;
    expect(failed).toContain('dns.records.list needs the token permission "DNS Read"');
    expect(failed).toContain("https://dash.cloudflare.com/profile/api-tokens");
    expect(cards(calls)).toEqual([]);
  });

  it("the card names the permission, and a write refused after Approve says how to add it", async () => {
    await connectLimitedToken({ readOnly: true });
    const chatId = freshChatId();
    const name = `perm-${Math.random().toString(36).slice(2, 8)}.demo-shop.dev`;
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "dns.records.create", params: { zone_id: "${DEMO_ZONES.demoShopDev}" }, body: { type: "A", name: "${name}", content: "192.0.2.44" } })`, { userId: USERS.member, chatId }));
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    expect(card!.text).toContain("Token permission needed: DNS Write");
    await tap(chatId, card!.messageId, dataOf(card!, "ap"), USERS.member);
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    const failed = sentTexts(calls).find((t) => t.startsWith("⚠️ The snippet failed"))!;
    expect(failed).toContain("HTTP 403");
    expect(failed).toContain('dns.records.create needs the token permission "DNS Write"');
    expect(failed).toContain("add DNS · Edit under Permissions");
    // The request reached Cloudflare once and was refused; nothing was created.
    const sent = await emulator.requests({ path: `/zones/${DEMO_ZONES.demoShopDev}/dns_records`, method: "POST" });
    expect(sent.filter((r) => r.body.includes(name)).map((r) => r.status)).toEqual([403]);
  });
});
