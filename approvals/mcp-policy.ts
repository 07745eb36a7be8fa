/**
 * Which tools of another MCP server (`MCP_SERVERS`) a snippet may call at once, which need an
 * approval tap, and which are refused. A tool's annotations are hints from that server, so the
 * default asks unless a tool says it only reads; a server's `policy` can make every call ask
 * (`ask`) or refuse them all (`deny`).
 */
import type { Risk } from "./policy.ts";

/** A server's policy, from its `MCP_SERVERS` entry. */
export type McpServerPolicy = "hints" | "ask" | "deny";

/** The annotations an MCP tool declares (all optional; the spec's defaults apply when absent). */
export interface McpToolHints {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
}

/** What a call of one tool is: a read (runs at once), a write (asks first), or refused. */
export type McpToolAccess = "read" | "write" | "denied";

/** Decides a tool's access under its server's policy. */
export function mcpToolAccess(policy: McpServerPolicy, hints: McpToolHints | undefined): McpToolAccess {
  if (policy === "deny") return "denied";
  if (policy === "ask") return "write";
  return hints?.readOnlyHint === true ? "read" : "write";
}

/** The risk badge of a tool that asks: destructive unless it says it is not (the spec's default is destructive). */
export function mcpToolRisk(hints: McpToolHints | undefined): { risk: Risk; why?: string } {
  return hints?.destructiveHint === false ? { risk: "write" } : { risk: "destructive", why: "an MCP tool that does not say it is harmless" };
}
