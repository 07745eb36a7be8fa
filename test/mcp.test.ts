// The MCP server at /mcp, driven by the official MCP SDK clients (the 1.x line and the 2.x line),
// in real workerd against the Worker's own fetch: tokens made with /mcp in Telegram, search,
// a read that answers at once, a write that pauses on the usual Telegram card and finishes after
// the tap, rejection and expiry, 401s, malformed requests, and two clients at once.
import { exports, env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker-provider.js";
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { createTaskSessionFromClient, resultFromTaskOutcome } from "@modelcontextprotocol/ext-tasks/client";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { USERS } from "./support/test-env.ts";
import { botCalls, callbackUpdate, chatStub, deliver, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, createRequests, dataOf } from "./support/code-mode.ts";

const URL_MCP = "https://bot.example/mcp";
const OWNER_CHAT = USERS.owner;
/**
 * Requests go to the Worker under test, not the network. Each answer is read whole before the
 * client sees it (every answer of this stateless server ends after its result), so a client that
 * closes right after a call has no half-read stream to abort inside the SDK.
 */
async function workerFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const response = await exports.default.fetch(new Request(input, init));
  return new Response(await response.arrayBuffer(), { status: response.status, statusText: response.statusText, headers: response.headers });
}
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

let token = "";

/** Makes a token the way a person does: `/mcp new <name>` in the private chat; reads it from the bot's message. */
async function newToken(name: string): Promise<string> {
  const before = sentTexts(await botCalls(OWNER_CHAT)).length;
  await deliver(textUpdate(`/mcp new ${name}`, { userId: USERS.owner, chatId: OWNER_CHAT }));
  const texts = sentTexts(await waitForCalls(OWNER_CHAT, (c) => sentTexts(c).length > before && sentTexts(c).slice(before).some((t) => t.includes(`MCP token "${name}"`))));
  const text = texts.slice(before).find((t) => t.includes(`MCP token "${name}"`))!;
  return /cmcp_[A-Za-z0-9_-]+/.exec(text)![0];
}

async function v1(bearer = token) {
  const client = new ClientV1({ name: "sdk-v1-test", version: "1.0.0" }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  await client.connect(new TransportV1(new URL(URL_MCP), { fetch: workerFetch, requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  return client;
}

async function v2(bearer = token) {
  const client = new ClientV2({ name: "sdk-v2-test", version: "2.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new TransportV2(new URL(URL_MCP), { fetch: workerFetch, requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  return client;
}

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean };
const textOf = (result: unknown) => (result as ToolResult).content.map((c) => c.text ?? "").join("\n");
const writeSnippet = (name: string) => `return (await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })).name;`;

beforeAll(async () => {
  token = await newToken(unique("suite"));
});

afterEach(() => {
  vi.useRealTimers();
});

describe("MCP server: the official SDK clients", () => {
  it("1.x client: lists the three tools with their annotations, searches, and runs a read at once", async () => {
    const client = await v1();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["execute", "execution", "search"]);
    expect(tools.find((t) => t.name === "search")?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === "execution")?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === "execute")?.annotations?.readOnlyHint).toBe(false);
    expect(textOf(await client.callTool({ name: "search", arguments: { query: "list r2 buckets" } }))).toContain("r2.buckets.list");
    expect(JSON.parse(textOf(await client.callTool({ name: "search", arguments: { query: "site traffic this week" } })))[0]).toMatchObject({ id: "graphql", path: "/graphql" });
    const read = JSON.parse(textOf(await client.callTool({ name: "execute", arguments: { code: 'return (await cloudflare.read({ op: "r2.buckets.list" })).map((b) => b.name);' } })));
    expect(read).toMatchObject({ status: "completed" });
    expect(read.result).toContain("shop-assets");
    await client.close();
  });

  it("2.x client: a write answers at once as paused, the card reaches Telegram marked with the client and token, and after Approve `execution` returns the result", async () => {
    const client = await v2();
    const name = unique("via-mcp");
    const paused = await client.callTool({ name: "execute", arguments: { code: writeSnippet(name) } });
    const text = textOf(paused);
    expect(text).toMatch(/^Paused: waiting for approval of d1\.database\.create: POST \/accounts\/\w+\/d1\/database\. The approval card was sent to .*'s Telegram chat with the bot/);
    const executionId = /Execution id: (exec_[\w-]+)/.exec(text)![1]!;
    expect(text).toContain("Call the execution tool with this id");
    const card = cards(await waitForCalls(OWNER_CHAT, (c) => cards(c).some((k) => k.text.includes(name)))).find((k) => k.text.includes(name))!;
    expect(card.text).toMatch(/Asked by .* via sdk-v2-test \(token "suite-\w+"\)/);
    expect(await createRequests(name)).toBe(0);
    await deliver(callbackUpdate(dataOf(card, "ap"), { userId: USERS.owner, chatId: OWNER_CHAT, messageId: card.messageId }));
    const done = JSON.parse(textOf(await client.callTool({ name: "execution", arguments: { id: executionId, wait: 20 } })));
    expect(done).toEqual({ status: "completed", executionId, result: name });
    expect(await createRequests(name)).toBe(1);
    await client.close();
  });

  it("`execution` after Approve returns the run's console lines too (a list cut short says so there)", async () => {
    const client = await v2();
    const name = unique("mcp-logs");
    const code = `const buckets = await cloudflare.read({ op: "r2.buckets.list", limit: 1 });
console.log("first bucket: " + buckets[0].name);
return (await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })).name;`;
    const executionId = /Execution id: (exec_[\w-]+)/.exec(textOf(await client.callTool({ name: "execute", arguments: { code } })))![1]!;
    const card = cards(await waitForCalls(OWNER_CHAT, (c) => cards(c).some((k) => k.text.includes(name)))).find((k) => k.text.includes(name))!;
    await deliver(callbackUpdate(dataOf(card, "ap"), { userId: USERS.owner, chatId: OWNER_CHAT, messageId: card.messageId }));
    const done = JSON.parse(textOf(await client.callTool({ name: "execution", arguments: { id: executionId, wait: 20 } })));
    expect(done).toMatchObject({ status: "completed", executionId, result: name });
    expect(done.logs).toEqual(expect.arrayContaining([expect.stringMatching(/^first bucket: /), expect.stringMatching(/r2\.buckets\.list has more items than returned/)]));
    await client.close();
  });

  it("reports a rejected card and an expired one through `execution`", async () => {
    const client = await v1();
    const [rejected, expired] = [unique("mcp-no"), unique("mcp-late")];
    const first = /Execution id: (exec_[\w-]+)/.exec(textOf(await client.callTool({ name: "execute", arguments: { code: writeSnippet(rejected) } })))![1]!;
    const card = cards(await waitForCalls(OWNER_CHAT, (c) => cards(c).some((k) => k.text.includes(rejected)))).find((k) => k.text.includes(rejected))!;
    await deliver(callbackUpdate(dataOf(card, "rj"), { userId: USERS.owner, chatId: OWNER_CHAT, messageId: card.messageId }));
    const no = await client.callTool({ name: "execution", arguments: { id: first, wait: 20 } });
    expect((no as ToolResult).isError).toBe(true);
    expect(JSON.parse(textOf(no))).toMatchObject({ status: "rejected", executionId: first, reason: expect.stringMatching(/^rejected by /) });

    const second = /Execution id: (exec_[\w-]+)/.exec(textOf(await client.callTool({ name: "execute", arguments: { code: writeSnippet(expired) } })))![1]!;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    await runDurableObjectAlarm(chatStub(OWNER_CHAT));
    vi.useRealTimers();
    const late = JSON.parse(textOf(await client.callTool({ name: "execution", arguments: { id: second } })));
    expect(late).toMatchObject({ status: "rejected", executionId: second, reason: expect.stringContaining("expired") });
    expect(await createRequests(rejected) + await createRequests(expired)).toBe(0);
    await client.close();
  });

  it("answers a client that declares the Tasks extension with a task it polls, completed after Approve", async () => {
    const TASKS = "io.modelcontextprotocol/tasks";
    const capabilities = { extensions: { [TASKS]: {} } };
    const client = new ClientV2({ name: "tasks-client", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities });
    await client.connect(new TransportV2(new URL(URL_MCP), { fetch: workerFetch, requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    let id = 0;
    // The extension's own request path: framed for 2026-07-28, with the headers that revision requires.
    const rawDispatch = async (request: { method: string; params?: Record<string, unknown> }) => {
      const name = request.params?.name ?? request.params?.taskId;
      const response = await workerFetch(URL_MCP, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: ++id, ...request }), headers: {
        authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28", "mcp-method": request.method, ...(typeof name === "string" ? { "mcp-name": name } : {}) } });
      return response.json();
    };
    const session = createTaskSessionFromClient(client, { endpointId: "test", rawDispatch: rawDispatch as never,
      v2RequestFraming: { protocolVersion: "2026-07-28", clientInfo: { name: "tasks-client", version: "1.0.0" }, clientCapabilities: capabilities } });
    const name = unique("as-task");
    const execution = await session.callTool("execute", { code: writeSnippet(name) });
    const card = cards(await waitForCalls(OWNER_CHAT, (c) => cards(c).some((k) => k.text.includes(name)))).find((k) => k.text.includes(name))!;
    await deliver(callbackUpdate(dataOf(card, "ap"), { userId: USERS.owner, chatId: OWNER_CHAT, messageId: card.messageId }));
    const { outcome } = await (execution as { settle(): Promise<{ outcome: unknown }> }).settle();
    expect(textOf(resultFromTaskOutcome(outcome as never))).toContain(`"result":"${name}"`);
    expect(await createRequests(name)).toBe(1);
    await session.close();
    await client.close();
  }, 60_000);

  it("serves two clients at once", async () => {
    const [a, b] = await Promise.all([v1(), v2()]);
    const code = 'return (await cloudflare.read({ op: "zones.list" })).length;';
    const results = await Promise.all([a.callTool({ name: "execute", arguments: { code } }), b.callTool({ name: "execute", arguments: { code } })]);
    for (const result of results) expect(JSON.parse(textOf(result))).toMatchObject({ status: "completed", result: 2 });
    await Promise.all([a.close(), b.close()]);
  });
});

describe("MCP server: tokens and bad requests", () => {
  it("answers 401 with a WWW-Authenticate challenge without a token, with a wrong one, and with a revoked one", async () => {
    const noToken = await workerFetch(URL_MCP, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toMatch(/^Bearer realm="cloudflare-codemode-bot"$/);
    await expect(v1("cmcp_not-a-real-token")).rejects.toThrow(/401|Unauthorized/);
    await expect(v2("cmcp_not-a-real-token")).rejects.toThrow(/401|authoriz/i);

    const name = unique("revoked");
    const doomed = await newToken(name);
    const client = await v1(doomed);
    await deliver(textUpdate(`/mcp revoke ${name}`, { userId: USERS.owner, chatId: OWNER_CHAT }));
    await waitForCalls(OWNER_CHAT, (c) => sentTexts(c).some((t) => t.includes(`Revoked MCP token ${name}`)));
    await expect(client.listTools()).rejects.toThrow(/401|Unauthorized|revoked/);
    const raw = await workerFetch(URL_MCP, { method: "POST", headers: { authorization: `Bearer ${doomed}`, "content-type": "application/json" }, body: "{}" });
    expect(raw.status).toBe(401);
    expect(raw.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("answers malformed and oversized requests with JSON-RPC errors, never a 500", async () => {
    const post = (body: string, headers: Record<string, string> = {}) => workerFetch(URL_MCP, { method: "POST", body,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } });
    for (const [body, status] of [["{not json", 400], ["", 400], ['{"hello":"world"}', 400], ["x".repeat(300 * 1024), 413]] as const) {
      const response = await post(body);
      expect(response.status).toBe(status);
      expect(await response.text()).toMatch(/"jsonrpc":"2\.0"|jsonrpc/);
    }
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', { "content-type": "text/plain" })).status).toBe(415);
  });

  it("never puts a token into a log row, an audit row or a result", async () => {
    const rows = JSON.stringify([
      (await env.DB.prepare("SELECT * FROM audit_executions").all()).results,
      (await env.DB.prepare("SELECT * FROM audit_calls").all()).results,
      (await env.DB.prepare("SELECT * FROM mcp_tokens").all()).results,
    ]);
    expect(rows).not.toContain(token);
    expect(rows).not.toContain(token.slice(5));
  });
});
