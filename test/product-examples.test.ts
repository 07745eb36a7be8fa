/**
 * Every example the product shows a person or a model must work as shown. The examples are read
 * from where they are shown (the bot's own reply to `/cloudflare run`, the playground's chips,
 * the README's code blocks, the lines `npm start` prints, the system prompt, and the call
 * signatures in /help, the prompt and the MCP tool text), never copied here, and each is run
 * through the real path (the bot, the sandbox, the approval gate) against the demo account
 * emulator. A read must answer "✅ Done"; a write must show its approval card and, approved, finish.
 */
import { describe, expect, it } from "vitest";
import chatScript from "../dev/playground/web/chat.js?raw";
import readme from "../README.md?raw";
import startScript from "../scripts/start.ts?raw";
import { helpText } from "../bot/features/help.ts";
import { DEMO_ACCOUNT_ID, DEMO_TUNNEL } from "../dev/cloudflare-emulator/seed.ts";
import { TOOL_TEXT } from "../mcp/server.ts";
import { SYSTEM_PROMPT, TOOL_DESCRIPTION } from "../skills/cloudflare/agent/prompt.ts";
import { cards, dataOf, emulator, tap } from "./support/code-mode.ts";
import { CLOUDFLARE_TEST_TOKEN, USERS } from "./support/test-env.ts";
import { botCalls, deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";

const FAILED = /^(⚠️|❌)|I don't know|failed|Refused/;
const auth = { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` };

/** Sends a message as the owner in a fresh chat; a write's card is approved (or rejected); returns what the bot said. */
async function send(text: string, onCard: "approve" | "reject" = "approve"): Promise<{ texts: string[]; cards: number }> {
  const chatId = freshChatId();
  await deliver(textUpdate(text, { userId: USERS.owner, chatId }));
  const ended = (c: Awaited<ReturnType<typeof botCalls>>) => sentTexts(c).some((t) => t.startsWith("✅ Done") || FAILED.test(t));
  const code = /^\/cloudflare run\s+\S/.test(text);
  let calls = await waitForCalls(chatId, (c) => ended(c) || cards(c).length > 0 || (!code && sentTexts(c).length > 0));
  const [card] = cards(calls);
  if (card && !ended(calls)) {
    await tap(chatId, card.messageId, dataOf(card, onCard === "approve" ? "ap" : "rj"));
    calls = await waitForCalls(chatId, (c) => ended(c) || sentTexts(c).some((t) => t.startsWith("Rejected")));
  }
  return { texts: sentTexts(calls), cards: cards(calls).length };
}

/** Runs one example and checks it worked: a command answers without an error; code finishes (after Approve for a write). */
async function expectWorks(example: string): Promise<void> {
  const { texts, cards: shown } = await send(example);
  const said = texts.join("\n---\n");
  expect(texts.filter((t) => FAILED.test(t)), `${example}\n→\n${said}`).toEqual([]);
  if (!example.startsWith("/cloudflare run")) return;
  expect(texts.some((t) => t.startsWith("✅ Done")), `${example}\n→\n${said}`).toBe(true);
  if (/cloudflare\.(write|reveal)\(/.test(example)) expect(shown, `a write shows its card: ${example}`).toBe(1);
  await removeCreatedDatabases(example);
}

/** Examples that create a D1 database use fixed names ("test-storia"): delete what they made, so the next one can make it again. */
async function removeCreatedDatabases(code: string): Promise<void> {
  for (const [, name] of code.matchAll(/d1\.database\.create"[^}]*name: "([^"]+)"/g)) {
    const listed = await fetch(`${emulator.apiBase}/accounts/${DEMO_ACCOUNT_ID}/d1/database?name=${encodeURIComponent(name!)}`, { headers: auth });
    for (const db of ((await listed.json()) as { result: Array<{ uuid: string; name: string }> }).result.filter((d) => d.name === name)) {
      await fetch(`${emulator.apiBase}/accounts/${DEMO_ACCOUNT_ID}/d1/database/${db.uuid}`, { method: "DELETE", headers: auth });
    }
  }
}

/** Decodes a JavaScript string literal ('…' or "…") as the browser would. */
function stringLiteral(literal: string): string {
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r" };
  return literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

/** The playground's example chips (`EXAMPLES` in dev/playground/web/chat.js): what each sends. */
function playgroundChips(): string[] {
  const list = /const EXAMPLES = \[([\s\S]*?)\n\];/.exec(chatScript)?.[1] ?? "";
  return [...list.matchAll(/\[\s*("[^"]*")\s*,\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*\]/g)].map((m) => stringLiteral(m[2]!));
}

/** Call signatures shown to people and models, such as `cloudflare.read({ op, params, query })`, as method and keys. */
function signatures(): Array<{ text: string; method: string; keys: string[] }> {
  const sources = [helpText().text, SYSTEM_PROMPT, TOOL_DESCRIPTION, TOOL_TEXT.execute];
  const found = new Map<string, { text: string; method: string; keys: string[] }>();
  for (const source of sources) {
    for (const [text, method, keys] of source.matchAll(/cloudflare\.(\w+)\(\{([^{}]*)\}\)/g)) {
      const names = keys!.split(",").map((k) => k.trim().replace(/\?$/, "").split(":")[0]!.trim()).filter(Boolean);
      found.set(`${method}(${names.join(",")})`, { text, method: method!, keys: names });
    }
  }
  return [...found.values()];
}

/** A value for each argument a signature names, so the call can run as shown. */
const FILL: Record<string, Record<string, unknown>> = {
  search: { query: "list r2 buckets", limit: 3 },
  describe: { op: "r2.buckets.list" },
  read: { op: "zones.list", params: {}, query: {}, limit: 5 },
  write: { op: "d1.database.create", params: {}, query: {}, body: { name: "example-signature" } },
  reveal: { op: "zeroTrust.tunnels.cloudflared.token.get", params: { tunnel_id: DEMO_TUNNEL.id } },
  graphql: { query: "{ viewer { __typename } }", variables: {} },
  graphqlSchema: { search: "zone traffic" },
};

describe("every example the product shows works", () => {
  it("the code `/cloudflare run` suggests when sent without code", async () => {
    const { texts } = await send("/cloudflare run");
    const suggestion = /for example:\n([\s\S]+)$/.exec(texts[0] ?? "")?.[1];
    expect(suggestion, texts.join("\n")).toBeDefined();
    await expectWorks(`/cloudflare run ${suggestion!.trim()}`);
  });

  it("the playground's example chips", async () => {
    const chips = playgroundChips();
    expect(chips.length).toBeGreaterThanOrEqual(3);
    expect(chips.some((c) => c.includes("cloudflare.read("))).toBe(true);
    for (const chip of chips) await expectWorks(chip);
  });

  it("the README's JavaScript code blocks", async () => {
    const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) await expectWorks(`/cloudflare run ${block}`);
  });

  it("the commands `npm start` prints to try", async () => {
    const lines = [...startScript.matchAll(/^\s+(\/cloudflare run .+)$/gm)].map((m) => m[1]!);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) await expectWorks(line);
  });

  it("the operation ids the system prompt names", async () => {
    const ids = [...SYSTEM_PROMPT.matchAll(/"([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    for (const op of ids) await expectWorks(`/cloudflare run const result = await cloudflare.read({ op: "${op}" });\nreturn Array.isArray(result) ? result.length : typeof result;`);
  });

  it("the call signatures in /help, the system prompt and the MCP tool text, run with every argument they name", async () => {
    const shown = signatures();
    expect(shown.map((s) => s.method)).toEqual(expect.arrayContaining(["search", "describe", "read", "write", "reveal"]));
    for (const { text, method, keys } of shown) {
      const fill = FILL[method];
      expect(fill, `${text}: no such method on the cloudflare connector`).toBeDefined();
      for (const key of keys) expect(fill![key], `${text}: "${key}" is not an argument of cloudflare.${method}`).toBeDefined();
      const args = JSON.stringify(Object.fromEntries(keys.map((k) => [k, fill![k]])));
      // A write or reveal is checked up to its card (then rejected): that the call as shown is accepted and asks first.
      const asks = method === "write" || method === "reveal";
      const { texts, cards: carded } = await send(`/cloudflare run return await cloudflare.${method}(${args});`, "reject");
      if (asks) {
        expect(carded, `${text}\n→\n${texts.join("\n")}`).toBe(1);
        expect(texts.filter((t) => FAILED.test(t)), text).toEqual([]);
      } else {
        expect(texts.some((t) => t.startsWith("✅ Done")), `${text}\n→\n${texts.join("\n")}`).toBe(true);
      }
    }
  });
});
