import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { botCalls, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { buttons, cards, createRequests, tap, waitForAnswer } from "./support/code-mode.ts";

const count = (texts: string[], prefix: string) => texts.filter((t) => t.startsWith(prefix)).length;

describe("saved snippets as skills", () => {
  it("saves the last completed run, lists it, runs it again, and forgets it", async () => {
    const chatId = freshChatId();
    const say = (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId }));
    await say('/cloudflare run const r = await cloudflare.read({ op: "r2.buckets.list" });\nreturn r.map((b) => b.name).sort();');
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);

    await say("/save bucket-names List the R2 bucket names");
    const saved = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("💾 Saved")));
    expect(sentTexts(saved).find((t) => t.startsWith("💾 Saved"))).toContain("bucket-names: List the R2 bucket names");

    await say("/skills");
    const skills = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Skills")))).find((t) => t.startsWith("Skills"))!;
    expect(skills).toContain("cloudflare_code_mode");
    expect(skills).toContain("💾 bucket-names — List the R2 bucket names");

    await say("/run bucket-names");
    const rerun = await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 2);
    const [first, second] = sentTexts(rerun).filter((t) => t.startsWith("✅ Done"));
    expect(second).toContain('"shop-assets"');
    const result = (t: string) => t.slice(t.indexOf("["), t.indexOf("\n\n⚡ Code Mode"));
    expect(result(second!)).toBe(result(first!));
    expect(second).toMatch(/\n\n⚡ Code Mode · 1 API call · [\d.]+ m?s$/);

    await say("/forget bucket-names");
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("🗑 Forgot bucket-names")));
    await say("/run bucket-names");
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t === "No snippet called bucket-names. /skills lists them."));
  });

  it("still gates the writes of a snippet run again", async () => {
    const chatId = freshChatId();
    const say = (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId }));
    const name = `snip-${Math.random().toString(36).slice(2, 8)}`;
    // A run whose write was approved, saved, then run again: the second write needs its own tap.
    await say(`/cloudflare run return await cloudflare.write({ op: "kv.namespaces.create", body: { title: "${name}" } })`);
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    const { callbackUpdate } = await import("./support/telegram.ts");
    await deliver(callbackUpdate(card!.data.find((d) => d.startsWith("ap:"))!, { userId: USERS.owner, chatId, messageId: card!.messageId }));
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);
    await say("/save make-kv");
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("💾 Saved")));
    await say("/run make-kv");
    await waitForCalls(chatId, (c) => cards(c).length === 2);
    expect(await createRequests(name)).toBe(0);
  });

  it("sends a long result as a result.json document after the message that refers to it", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run return Array.from({ length: 400 }, (_, i) => ({ i, name: `item-${i}` }));", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => c.some((x) => x.method === "sendDocument"));
    const doc = calls.findIndex((c) => c.method === "sendDocument");
    const text = calls.findIndex((c) => c.method === "sendMessage" && String(c.params.text).startsWith("✅ Done"));
    expect(text).toBeGreaterThanOrEqual(0);
    expect(text).toBeLessThan(doc);
    expect(calls[doc]!.params.document).toMatchObject({ file_name: "result.json" });
    expect(JSON.parse((calls[doc]!.params.document as { content: string }).content)).toHaveLength(400);
    expect(String(calls[text]!.params.text)).toContain("A list of 400 items");
    expect(String(calls[text]!.params.text)).toContain("the whole result follows as result.json");
  });

  it("attaches a 50,000-item result whole, and says so", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run return Array.from({ length: 50000 }, (_, i) => ({ i, name: `item-${i}` }));", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => c.some((x) => x.method === "sendDocument"), 30_000);
    const items = JSON.parse((calls.find((c) => c.method === "sendDocument")!.params.document as { content: string }).content) as unknown[];
    expect(items).toHaveLength(50_000);
    expect(JSON.stringify(items)).not.toContain("TRUNCATED");
    const text = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(text).toContain("A list of 50,000 items");
    expect(text).not.toContain("cut");
  });

  it("says plainly what was cut from a result too large to send whole", async () => {
    const chatId = freshChatId();
    // About 6 MB: more than the 4 MB a run's result keeps.
    await deliver(textUpdate("/cloudflare run return Array.from({ length: 60000 }, (_, i) => `${i}:` + 'x'.repeat(100));", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => c.some((x) => x.method === "sendDocument"), 30_000);
    const kept = JSON.parse((calls.find((c) => c.method === "sendDocument")!.params.document as { content: string }).content) as string[];
    expect(kept.at(-1)).toMatch(/--- TRUNCATED --- [\d,]+ more items/);
    const text = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(text).toContain("The result was too large to send whole (over 4 MB), so it was cut.");
    expect(text).toContain(`It is a list of 60,000 items; the file holds the first ${(kept.length - 1).toLocaleString("en-US")}.`);
    expect(text).not.toContain("A list of");
  });

  it("/save right after /run saves the snippet's code, not a call to it", async () => {
    const chatId = freshChatId();
    const say = (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId }));
    await say("/cloudflare run return 6 * 7;");
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);
    await say("/save answer The answer");
    await waitForCalls(chatId, (c) => count(sentTexts(c), "💾 Saved") === 1);
    await say("/run answer");
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 2);
    await say("/save again");
    const saved = sentTexts(await waitForCalls(chatId, (c) => count(sentTexts(c), "💾 Saved") === 2)).filter((t) => t.startsWith("💾 Saved"));
    expect(saved[1]).toContain("return 6 * 7;");
    expect(saved[1]).not.toContain("codemode.run");
  });

  it("fails a run whose codemode.run names a snippet that is gone, never \"✅ Done\"", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate('/cloudflare run return await codemode.run("gone-snippet");', { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⚠️ The snippet failed")));
    expect(sentTexts(calls).find((t) => t.startsWith("⚠️ The snippet failed"))).toContain('codemode.run("gone-snippet") failed: Snippet "gone-snippet" not found.');
    expect(sentTexts(calls).some((t) => t.startsWith("✅ Done"))).toBe(false);
  });
});

describe("the /skills browser", () => {
  it("lists the built-in skill and each snippet with Run, Code and Delete buttons that work", async () => {
    const chatId = freshChatId();
    const say = (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId }));
    await say("/cloudflare run return 40 + 2;");
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);
    await say("/save forty-two Adds two numbers");
    await waitForCalls(chatId, (c) => count(sentTexts(c), "💾 Saved") === 1);
    await say("/skills");
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Skills")));
    const browser = buttons(calls).find((b) => b.text.startsWith("Skills"))!;
    expect(browser.text).toContain("⚡ cloudflare_code_mode (built in)");
    expect(browser.text).toContain("💾 forty-two — Adds two numbers");
    expect(browser.data).toEqual(["sr:forty-two", "sc:forty-two", "sd:forty-two"]);
    // The commands in it are plain text, which Telegram makes tappable (never monospace).
    const entities = (calls.find((c) => c.method === "sendMessage" && String(c.params.text).startsWith("Skills"))!.params.entities ?? []) as Array<{ type: string; offset: number; length: number }>;
    expect(entities.filter((e) => e.type === "code" && browser.text.slice(e.offset, e.offset + 1) === "/")).toEqual([]);

    await tap(chatId, browser.messageId, "sr:forty-two");
    await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 2);
    await tap(chatId, browser.messageId, "sc:forty-two");
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("forty-two — Adds two numbers") && t.includes("return 40 + 2;")));

    await tap(chatId, browser.messageId, "sd:forty-two");
    const confirm = buttons(await waitForCalls(chatId, (c) => buttons(c).some((b) => b.text.startsWith("Delete the snippet forty-two?"))))
      .find((b) => b.text.startsWith("Delete the snippet"))!;
    expect(confirm.data).toEqual(["sy:forty-two", "sk:forty-two"]);
    expect((await runsSnippets(chatId)).includes("forty-two")).toBe(true);
    await tap(chatId, confirm.messageId, "sy:forty-two");
    await waitForCalls(chatId, (c) => sentTexts(c).includes("🗑 Deleted the snippet forty-two."));

    // A tap on the old Run button, or a forged name, is told the snippet is gone; nothing runs.
    const stale = await tap(chatId, browser.messageId, "sr:forty-two");
    expect(await waitForAnswer(stale)).toMatchObject({ show_alert: true, text: "There is no snippet called forty-two any more. Send /skills for the current list." });
    const forged = await tap(chatId, browser.messageId, "sd:never-saved");
    expect(await waitForAnswer(forged)).toMatchObject({ show_alert: true });
    expect(count(sentTexts(await botCalls(chatId)), "✅ Done")).toBe(2);
  });
});

/** The saved snippets' names, as /skills shows them now. */
async function runsSnippets(chatId: number): Promise<string> {
  const before = sentTexts(await botCalls(chatId)).length;
  await deliver(textUpdate("/skills", { userId: USERS.owner, chatId }));
  const texts = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).length > before));
  return texts.at(-1)!;
}
