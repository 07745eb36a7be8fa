import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configSchema } from "../core/config.ts";
import { strongModel } from "../skills/cloudflare/agent/providers.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";
import { cards, d1Names, dataOf } from "./support/code-mode.ts";
import { lastToolOutput, lastUser, scriptedModel, type Step } from "./support/scripted-model.ts";
import { USERS } from "./support/test-env.ts";
import { callbackUpdate, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";

type Prompt = Parameters<Parameters<typeof scriptedModel>[0]>[0];

/** The texts the bot sent or edited in, in order. */
function answers(calls: RecordedCall[]): string[] {
  return calls.filter((c) => (c.method === "editMessageText" || c.method === "sendMessage") && c.ok).map((c) => String(c.params.text));
}
const answered = (pattern: RegExp) => (calls: RecordedCall[]) => answers(calls).some((t) => pattern.test(t));
const short = (id: string) => id.slice(id.indexOf(":") + 1);

/** A chat on a fresh cheap model, with `/model auto` when asked. */
async function chatOn(cheap: (prompt: Prompt, call: number) => Step, options: { auto?: boolean } = {}) {
  const model = scriptedModel(cheap);
  const chatId = freshChatId();
  const say = (text: string) => deliver(textUpdate(text, { userId: USERS.owner, chatId }));
  await say(`/model ${model.id}`);
  await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses")));
  if (options.auto) {
    await say("/model auto");
    await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("This chat now uses auto")));
  }
  return { chatId, say, cheap: model };
}

const listBuckets: Step = { code: 'return (await cloudflare.read({ op: "r2.buckets.list" })).map((b) => b.name);' };
const bucketsAnswer = (prompt: Prompt): Step => {
  const out = lastToolOutput(prompt);
  return out ? { text: `Buckets: ${(out.result as string[]).join(", ")}.` } : listBuckets;
};

describe("Deep Mode", () => {
  // First in the file: no strong model is registered yet.
  it("says how to configure a strong model when /deep or /model auto has none", async () => {
    const { chatId, say } = await chatOn(() => ({ text: "unused" }));
    await say("/deep list my buckets");
    await say("/model auto");
    const texts = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Auto mode needs"))));
    expect(texts).toContain("Deep Mode needs a strong model, and none is configured. Set LLM_STRONG_PROVIDER (and LLM_STRONG_MODEL, LLM_STRONG_API_KEY) like LLM_*: see the README's Models section.");
    expect(texts.find((t) => t.startsWith("Auto mode needs"))).toContain("LLM_STRONG_PROVIDER");
  });

  it("/deep <request> goes straight to the strong model; the footer names it", async () => {
    const strong = scriptedModel(bucketsAnswer, { strong: true });
    const { chatId, say, cheap } = await chatOn(() => ({ text: "the cheap model should not be asked" }));
    await say("/deep which R2 buckets do I have?");
    const calls = await waitForCalls(chatId, answered(/^Buckets:/), 30_000);
    const answer = answers(calls).find((t) => t.startsWith("Buckets:"))!;
    expect(answer).toContain("shop-assets");
    expect(answer).toContain(`⚡ Code Mode · ${short(strong.id)} · 800→120 tok · 1 API call · `);
    expect(cheap.mock.doStreamCalls).toHaveLength(0);
    expect(lastUser(strong.mock.doStreamCalls[0]!.prompt as unknown as Prompt)).toBe("which R2 buckets do I have?");
  });

  it("/model auto: the cheap model answers what it can, and the strong one is never asked", async () => {
    const strong = scriptedModel(() => ({ text: "the strong model should not be asked" }), { strong: true });
    const { chatId, say, cheap } = await chatOn(bucketsAnswer, { auto: true });
    await say("list my R2 buckets please");
    const answer = answers(await waitForCalls(chatId, answered(/^Buckets:/), 30_000)).find((t) => t.startsWith("Buckets:"))!;
    expect(answer).toContain(`⚡ Code Mode · ${short(cheap.id)} ·`);
    expect(answer).not.toContain("↗️");
    expect(strong.mock.doStreamCalls).toHaveLength(0);
  });

  it("/model auto: a refusal escalates to the strong model; the person is told, and the footer shows both models' cost", async () => {
    const strong = scriptedModel(bucketsAnswer, { strong: true });
    const { chatId, say, cheap } = await chatOn(() => ({ text: "I'm sorry, I can't help with that." }), { auto: true });
    await say("tell me about my buckets");
    const calls = await waitForCalls(chatId, answered(/^Buckets:/), 30_000);
    expect(answers(calls)).toContain(`↗️ ${short(cheap.id)} declined the request; asking ${short(strong.id)}…`);
    const answer = answers(calls).find((t) => t.startsWith("Buckets:"))!;
    expect(answer).toContain(`↗️ ${short(cheap.id)} declined the request (400→60 tok), so ${short(strong.id)} answered.`);
    expect(answer).toContain(`⚡ Code Mode · ${short(strong.id)} · 800→120 tok · 1 API call · `);
    // The strong model starts from the request, not from the cheap model's refusal.
    expect(JSON.stringify(strong.mock.doStreamCalls[0]!.prompt)).not.toContain("I'm sorry");
    const usage = await env.DB.prepare("SELECT model, input_tokens FROM usage WHERE chat_id = ? ORDER BY id").bind(chatId).all();
    expect(usage.results).toEqual([{ model: cheap.id, input_tokens: 400 }, { model: strong.id, input_tokens: 800 }]);
  });

  it("/model auto: a cheap model that spends its step budget on failing code escalates", async () => {
    const strong = scriptedModel(bucketsAnswer, { strong: true });
    const { chatId, say, cheap } = await chatOn(() => ({ code: 'return (await cloudflare.read({ op: "r2.bucket.lst" }));' }), { auto: true });
    await say("what buckets exist?");
    const answer = answers(await waitForCalls(chatId, answered(/^Buckets:/), 30_000)).find((t) => t.startsWith("Buckets:"))!;
    expect(answer).toContain(`↗️ ${short(cheap.id)} used its step budget without finishing`);
    expect(cheap.mock.doStreamCalls).toHaveLength(8);
    expect(strong.mock.doStreamCalls).toHaveLength(2);
  });

  it("/model auto: a run error the cheap model gives up on escalates", async () => {
    const strong = scriptedModel(bucketsAnswer, { strong: true });
    const { chatId, say, cheap } = await chatOn((prompt) => (lastToolOutput(prompt)?.status === "error"
      ? { text: "The API did not accept that." }
      : { code: 'return await cloudflare.read({ op: "r2.buckets.get", params: { bucket_name: "no-such-bucket" } });' }), { auto: true });
    await say("show the bucket no-such-bucket");
    const answer = answers(await waitForCalls(chatId, answered(/^Buckets:/), 30_000)).find((t) => t.startsWith("Buckets:"))!;
    expect(answer).toContain(`↗️ ${short(cheap.id)} could not get its code to run`);
  });

  it("/model auto: after an escalation, a card's answer comes from the strong model that asked for it", async () => {
    const name = `deep-${Math.random().toString(36).slice(2, 8)}`;
    const strong = scriptedModel((prompt) => (lastUser(prompt).startsWith("[approval]")
      ? { text: `Created ${name}.` }
      : { code: `return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } });` }), { strong: true });
    const { chatId, say, cheap } = await chatOn(() => ({ text: "I cannot create databases." }), { auto: true });
    await say(`create a D1 database called ${name}`);
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    await waitForCalls(chatId, answered(/^⏸ Waiting/), 30_000);
    await deliver(callbackUpdate(dataOf(card!, "ap"), { userId: USERS.owner, chatId, messageId: card!.messageId }));
    const answer = answers(await waitForCalls(chatId, answered(/^Created /), 30_000)).find((t) => t.startsWith("Created "))!;
    expect(answer).toContain(`⚡ Code Mode · ${short(strong.id)}`);
    expect(await d1Names()).toContain(name);
    expect(cheap.mock.doStreamCalls).toHaveLength(1);
    expect(strong.mock.doStreamCalls).toHaveLength(2);
  });

  it("/model auto: after a rejected card the model that asked answers, even with an apology; the strong one is not asked to try again", async () => {
    const strong = scriptedModel(() => ({ text: "the strong model should not be asked" }), { strong: true });
    const { chatId, say } = await chatOn((prompt) => (lastUser(prompt).startsWith("[approval]")
      ? { text: "Sorry, nothing was created: you rejected the card." }
      : { code: 'return await cloudflare.write({ op: "d1.database.create", body: { name: "never-made" } });' }), { auto: true });
    await say("create a D1 database called never-made");
    const [card] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1, 30_000));
    await deliver(callbackUpdate(dataOf(card!, "rj"), { userId: USERS.owner, chatId, messageId: card!.messageId }));
    const answer = answers(await waitForCalls(chatId, answered(/^Sorry, nothing was created/), 30_000)).find((t) => t.startsWith("Sorry"))!;
    expect(answer).not.toContain("↗️");
    expect(strong.mock.doStreamCalls).toHaveLength(0);
  });

  it("/model shows the strong model and whether auto mode is on", async () => {
    const strong = scriptedModel(() => ({ text: "unused" }), { strong: true });
    const { chatId, say, cheap } = await chatOn(() => ({ text: "unused" }), { auto: true });
    await say("/model");
    const text = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("Model:")))).find((t) => t.startsWith("Model:"))!;
    expect(text).toContain(`Model: ${cheap.id} (auto: ${strong.id} when it fails)`);
    expect(text).toContain(`Strong model: ${strong.id} (/deep <request>, /model auto)`);
    await say(`/model ${cheap.id}`);
    await say("/model");
    const after = sentTexts(await waitForCalls(chatId, (c) => sentTexts(c).filter((t) => t.startsWith("Model:")).length === 2)).filter((t) => t.startsWith("Model:"))[1]!;
    expect(after).not.toContain("(auto:");
  });

  it("LLM_STRONG_* configures the strong model like LLM_*, naming its own variables in errors; the key defaults to LLM_API_KEY for the same provider", () => {
    const base = { TELEGRAM_BOT_TOKEN: "123456:TEST-bot-token", TELEGRAM_WEBHOOK_SECRET: "s", ALLOWED_USER_IDS: "1" };
    const alone = strongModel(configSchema.parse({ ...base, LLM_STRONG_PROVIDER: "openai", LLM_STRONG_MODEL: "gpt-4o" }), env)!;
    expect(alone.id).toBe("openai:gpt-4o");
    expect(() => alone.create()).toThrow("LLM_STRONG_API_KEY is required for LLM_STRONG_PROVIDER=openai.");
    const shared = strongModel(configSchema.parse({ ...base, LLM_PROVIDER: "openai", LLM_MODEL: "gpt-4o-mini", LLM_API_KEY: "sk-test", LLM_STRONG_PROVIDER: "openai", LLM_STRONG_MODEL: "gpt-4o" }), env)!;
    expect(() => shared.create()).not.toThrow();
    expect(() => strongModel(configSchema.parse({ ...base, LLM_STRONG_PROVIDER: "openai-compatible", LLM_STRONG_MODEL: "x" }), env))
      .toThrow("LLM_STRONG_BASE_URL is required for LLM_STRONG_PROVIDER=openai-compatible");
  });
});
