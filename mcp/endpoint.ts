/**
 * `POST /mcp`: the bearer check in front of the MCP server (./server.ts), the per-token rate
 * limit, and the bridge to the token owner's chat, where runs and cards live.
 *
 * No or bad token: 401 with a `WWW-Authenticate: Bearer` challenge; a revoked token or one whose
 * owner is no longer allowed stops working at once. Over the limit: 429 with a JSON-RPC error.
 * Oversized or malformed requests get the SDK's 4xx JSON-RPC errors; nothing answers 500.
 */
import { isAllowedUser, type Config } from "../core/config.ts";
import { describeError } from "../core/errors.ts";
import type { ExecutionView, McpCaller } from "./mcp-runs.ts";
import { createMcpEndpoint, type McpAuthExtra } from "./server.ts";
import { checkMcpToken, takeMcpRequest } from "./tokens.ts";

/** The chat object's MCP face (implemented by bot/chat-home.ts). */
export interface McpChat {
  mcpExecute(caller: McpCaller, code: string): Promise<ExecutionView>;
  mcpExecution(userId: number, id: string, waitMs: number): Promise<ExecutionView>;
}

/** Where a user's runs happen: their private chat with the bot (its id is their user id). */
export type ChatOf = (userId: number) => McpChat;

/** Answers one request to /mcp. */
export async function handleMcp(request: Request, config: Config, db: D1Database, chatOf: ChatOf): Promise<Response> {
  try {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const check = await checkMcpToken(db, presented);
    if (!check.ok) return unauthorized(check.reason === "missing" ? undefined : check.reason === "revoked" ? "the token was revoked" : "unknown token");
    const { token } = check;
    if (!isAllowedUser(config, token.userId)) return unauthorized("the token's owner is no longer allowed to use this bot");
    if (!(await takeMcpRequest(db, token.id, config.MCP_REQUESTS_PER_MINUTE))) {
      return rpcError(429, -32000, `rate limited: at most ${config.MCP_REQUESTS_PER_MINUTE} requests per minute per token; try again in a minute`, { "retry-after": "60" });
    }
    const endpoint = createMcpEndpoint({
      execute: (caller, code) => chatOf(caller.userId).mcpExecute(caller, code),
      execution: (userId, id, waitMs) => chatOf(userId).mcpExecution(userId, id, waitMs),
    });
    const extra: McpAuthExtra = { userId: token.userId, userName: token.userName, tokenName: token.name };
    const response = await endpoint.fetch(request, { authInfo: { token: token.id, clientId: token.name, scopes: [], extra } });
    return response.status >= 500 ? rpcError(400, -32603, "the request could not be handled") : response;
  } catch (error) {
    console.error(JSON.stringify({ level: "error", event: "mcp_request_failed", error: describeError(error) }));
    return rpcError(400, -32603, "the request could not be handled");
  }
}

function unauthorized(why: string | undefined): Response {
  const challenge = `Bearer realm="cloudflare-codemode-bot"${why ? `, error="invalid_token", error_description="${why}"` : ""}`;
  return new Response(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: why ? `Unauthorized: ${why}` : "Unauthorized: send Authorization: Bearer <token> (create one with /mcp new <name> in a private chat with the bot)" } }), {
    status: 401, headers: { "content-type": "application/json", "www-authenticate": challenge },
  });
}

function rpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }), { status, headers: { "content-type": "application/json", ...headers } });
}
