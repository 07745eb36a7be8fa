import { describe, expect, it } from "vitest";
import { USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, createRequests } from "./support/code-mode.ts";

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
    const skills = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Built-in skills")))).find((t) => t.startsWith("Built-in skills"))!;
    expect(skills).toContain("cloudflare_code_mode");
    expect(skills).toContain("bucket-names — List the R2 bucket names (/run bucket-names)");

    await say("/run bucket-names");
    const rerun = await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 2);
    const [first, second] = sentTexts(rerun).filter((t) => t.startsWith("✅ Done"));
    expect(second).toContain('"shop-assets"');
    expect(second!.slice(second!.indexOf("["))).toBe(first!.slice(first!.indexOf("[")));

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

  it("sends a long result as a result.json document with a summary inline", async () => {
    const chatId = freshChatId();
    await deliver(textUpdate("/cloudflare run return Array.from({ length: 400 }, (_, i) => ({ i, name: `item-${i}` }));", { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => count(sentTexts(c), "✅ Done") === 1);
    const doc = calls.find((c) => c.method === "sendDocument");
    expect(doc?.params.document).toMatchObject({ file_name: "result.json" });
    expect(JSON.parse((doc!.params.document as { content: string }).content)).toHaveLength(400);
    expect(sentTexts(calls).find((t) => t.startsWith("✅ Done"))).toContain("A list of 400 items");
  });
});
