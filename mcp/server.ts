/**
 * The MCP server at `/mcp`: three tools over the same catalog, sandbox, run owner and approval
 * cards as the Telegram bot.
 *
 * - `search` (read-only): the API catalog's ranked search.
 * - `execute`: a Code Mode snippet, run in the token owner's private chat with the bot. Reads
 *   answer at once. A write pauses on the usual card in that chat, and the call answers at once
 *   with the execution id (clients drop calls after ~60 s; a tap can take minutes).
 * - `execution` (read-only): the status and result of an execution, optionally waiting ~20 s.
 *
 * Built on `@modelcontextprotocol/server` 2.x `createMcpHandler`: stateless, no sessions, serving
 * both the 2026-07-28 revision and 2025-era clients (their stateless leg) from one factory. Where a
 * request declares the Tasks extension (`io.modelcontextprotocol/tasks`), a paused `execute` is
 * answered as a task the client polls with `tasks/get` instead.
 */
import { createMcpHandler, McpServer, type AuthInfo, type McpHttpHandler } from "@modelcontextprotocol/server";
import { z } from "zod";
import { ANALYTICS_HIT, isAnalyticsQuestion } from "../skills/cloudflare/analytics/index.ts";
import { searchOperations } from "../skills/cloudflare/catalog/index.ts";
import { MAX_WAIT_MS } from "./limits.ts";
import type { ExecutionView, McpCaller } from "./mcp-runs.ts";
import { VERSION } from "../core/version.ts";

/** What the tools need: how to reach a user's chat, given who the token belongs to. */
export interface McpBackend {
  execute(caller: McpCaller, code: string): Promise<ExecutionView>;
  execution(userId: number, id: string, waitMs: number): Promise<ExecutionView>;
}

/** What `authInfo.extra` carries from the bearer check to the tools. */
export interface McpAuthExtra {
  userId: number;
  userName: string;
  tokenName: string;
  [key: string]: unknown;
}

/** The tool descriptions: short, because every client puts them in its model's context. */
export const TOOL_TEXT = {
  search: "Search the Cloudflare REST API (~2,800 operations). Returns [{ id, method, path, summary }], best first.",
  execute: "Run JavaScript (the body of an async function) against the Cloudflare API: await cloudflare.search({ query }), cloudflare.describe({ op }), cloudflare.read({ op, params, query }), cloudflare.write({ op, params, query, body }). op is an id from search or \"METHOD /path\"; account_id is filled in. Reads run at once; each write waits for the owner's approval tap in Telegram. Return what you need.",
  execution: "Status and result of an execution id from execute; wait (seconds, up to 20) waits for the owner's decision.",
} as const;

const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";
/** Tasks answered for a paused run live as long as an approval card can. */
const TASK_TTL_MS = 24 * 60 * 60 * 1000;

/** Builds the `/mcp` handler. */
export function createMcpEndpoint(backend: McpBackend): McpHttpHandler {
  return createMcpHandler(() => buildServer(backend), {
    responseMode: "json",
    maxRequestBodySize: 256 * 1024,
    onerror: (error) => console.warn(JSON.stringify({ level: "warn", event: "mcp_error", error: error.message.slice(0, 300) })),
  });
}

function buildServer(backend: McpBackend): McpServer {
  const server = new McpServer({ name: "cloudflare-codemode-bot", version: VERSION }, { capabilities: { tools: {}, extensions: { [TASKS_EXTENSION]: {} } } });

  server.registerTool("search", {
    description: TOOL_TEXT.search,
    inputSchema: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(20).optional() }),
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ query, limit }) => {
    const hits = (await searchOperations(query, { limit: limit ?? 8 })).map(({ id, method, path, summary }) => ({ id, method, path, summary }));
    // Analytics live in the GraphQL API, which no catalog has: its pointer comes first for such questions.
    return json(isAnalyticsQuestion(query) ? [ANALYTICS_HIT, ...hits].slice(0, limit ?? 8) : hits);
  });

  server.registerTool("execute", {
    description: TOOL_TEXT.execute,
    inputSchema: z.object({ code: z.string().min(1).max(100_000) }),
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
  }, async ({ code }, ctx) => {
    const auth = authOf(ctx.http?.authInfo);
    const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
    const caller: McpCaller = { userId: auth.userId, userName: auth.userName, tokenName: auth.tokenName, client: clientName(envelope, ctx.http?.req) };
    const view = await guarded(() => backend.execute(caller, code));
    if (view.status === "waiting_for_approval" && declaresTasks(envelope)) return taskOf(view);
    return answer(view, auth.userName);
  });

  server.registerTool("execution", {
    description: TOOL_TEXT.execution,
    inputSchema: z.object({ id: z.string().min(1).max(100), wait: z.number().min(0).max(MAX_WAIT_MS / 1000).optional() }),
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ id, wait }, ctx) => {
    const auth = authOf(ctx.http?.authInfo);
    return answer(await guarded(() => backend.execution(auth.userId, id, (wait ?? 0) * 1000)), auth.userName);
  });

  // The Tasks extension's polling (the SDK 2.4 has no server side for it yet).
  server.server.setRequestHandler("tasks/get", { params: z.looseObject({ taskId: z.string().max(100) }), result: z.looseObject({}) }, async ({ taskId }, ctx) => {
    const auth = authOf(ctx.http?.authInfo);
    const view = await guarded(() => backend.execution(auth.userId, taskId, 0));
    const now = new Date().toISOString();
    const base = { taskId, createdAt: now, lastUpdatedAt: now, ttlMs: TASK_TTL_MS, pollIntervalMs: 3000 };
    if (view.status === "waiting_for_approval") return { ...base, status: "working", statusMessage: waitingText(view, auth.userName) };
    if (view.status === "unknown") return { ...base, status: "failed", statusMessage: `no execution ${taskId} for this token` };
    const done = answer(view, auth.userName);
    return { ...base, status: view.status === "completed" ? "completed" : "failed", result: { resultType: "complete", ...done } };
  });

  return server;
}

/** The answer to `execute` / `execution`: the view as JSON, and for a paused run words a model acts on. */
function answer(view: ExecutionView, owner: string): { content: Array<{ type: "text"; text: string }>; isError?: boolean } {
  switch (view.status) {
    case "completed":
      return json(view);
    case "waiting_for_approval":
      return { content: [{ type: "text", text: waitingText(view, owner) }, { type: "text", text: JSON.stringify(view) }] };
    case "unknown":
      return { content: [{ type: "text", text: `No execution ${view.executionId} for this token.` }], isError: true };
    default:
      return { ...json(view), isError: true };
  }
}

function waitingText(view: Extract<ExecutionView, { status: "waiting_for_approval" }>, owner: string): string {
  return `Paused: waiting for approval of ${view.waitingFor.join("; ") || "a write"}. The approval card was sent to ${owner}'s Telegram chat with the bot; nothing changes until they tap Approve. `
    + `Execution id: ${view.executionId}. Call the execution tool with this id (and wait: 20) to get the result once they decide.`;
}

/** A paused `execute` as a task (Tasks extension): flat, polled with `tasks/get`. */
function taskOf(view: Extract<ExecutionView, { status: "waiting_for_approval" }>) {
  const now = new Date().toISOString();
  return { resultType: "task", taskId: view.executionId, status: "working", statusMessage: "waiting for the owner's approval in Telegram",
    createdAt: now, lastUpdatedAt: now, ttlMs: TASK_TTL_MS, pollIntervalMs: 3000, content: [] } as unknown as { content: [] };
}

function json(value: unknown): { content: Array<{ type: "text"; text: string }> } {
  return { content: [{ type: "text", text: JSON.stringify(value) }] };
}

/** Runs a backend call; an unexpected failure becomes a plain error text, never an internal message. */
async function guarded(work: () => Promise<ExecutionView>): Promise<ExecutionView> {
  try {
    return await work();
  } catch (error) {
    console.error(JSON.stringify({ level: "error", event: "mcp_backend_failed", error: error instanceof Error ? error.message.slice(0, 300) : String(error) }));
    const message = error instanceof Error && error.name === "UserFacingError" ? error.message : "the bot could not run this request; try again, or check the bot's logs (wrangler tail)";
    return { status: "error", executionId: "", error: message };
  }
}

function authOf(info: AuthInfo | undefined): McpAuthExtra {
  const extra = info?.extra as McpAuthExtra | undefined;
  if (!extra || typeof extra.userId !== "number") throw new Error("MCP request without a checked token");
  return extra;
}

function declaresTasks(envelope: Record<string, unknown> | undefined): boolean {
  const capabilities = envelope?.["io.modelcontextprotocol/clientCapabilities"] as { extensions?: Record<string, unknown> } | undefined;
  return capabilities?.extensions?.[TASKS_EXTENSION] !== undefined;
}

/** The client's name: from the 2026 envelope, else the User-Agent, else a generic one. */
function clientName(envelope: Record<string, unknown> | undefined, request: Request | undefined): string {
  const info = envelope?.["io.modelcontextprotocol/clientInfo"] as { name?: unknown } | undefined;
  const named = typeof info?.name === "string" ? info.name : request?.headers.get("user-agent")?.split(/[\s/]/)[0];
  return (named ?? "").replace(/[^\w .@-]/g, "").slice(0, 40) || "an MCP client";
}
