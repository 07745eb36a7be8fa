/**
 * Other MCP servers inside Code Mode (`MCP_SERVERS`): each becomes a global in the sandbox, so a
 * snippet calls `docs.search_docs({ query })` next to `cloudflare.read(…)`.
 *
 * - A tool marked `readOnlyHint: true` runs at once; every other tool asks first, with the usual
 *   card, and runs once after Approve through the same write gate as Cloudflare writes (the card
 *   stores the exact arguments; those are what is sent). A server's `policy` can make every call
 *   ask, or refuse them all (approvals/mcp-policy.ts).
 * - A server that is down or slow never breaks the rest: it is reported by name, its tools are
 *   missing from that run, and the `cloudflare` connector and the other servers work as before.
 * - Connections and tool lists are kept per chat object for a few minutes (codemode describes
 *   every connector at the start of every pass); a failure is remembered for 30 s.
 */
import { CodemodeConnector, sanitizeToolName, type ConnectorTools } from "@cloudflare/codemode";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { JSONSchema7 } from "json-schema";
import { mcpToolAccess, mcpToolRisk, type McpToolHints } from "../../approvals/mcp-policy.ts";
import type { Risk } from "../../approvals/policy.ts";
import { freezeRequest, RequestShapeError, type CredentialRef, type StoredRequest } from "../../approvals/stored-request.ts";
import type { McpServerConfig } from "../../core/config.ts";
import { VERSION } from "../../core/version.ts";
import type { RequesterCredentials } from "../cloudflare/code-mode/requester-credentials.ts";
import { dispatchApproved, type GateDeps } from "../cloudflare/code-mode/write-gate.ts";

/** How long a server may take to connect and list its tools, or to answer a call. */
const CONNECT_TIMEOUT_MS = 8_000;
const CALL_TIMEOUT_MS = 30_000;
const TOOLS_TTL_MS = 5 * 60_000;
const FAILURE_TTL_MS = 30_000;

/** One tool of a server, as listed. */
interface ServerTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
  annotations?: McpToolHints;
}

/** A server's connection and tools, or why it cannot be reached. */
type ServerState = { ok: true; client: Client; tools: ServerTool[]; at: number } | { ok: false; error: string; at: number };

/** What the MCP servers need. */
export interface McpServersDeps {
  servers: readonly McpServerConfig[];
  /** The Worker's environment, where the auth secrets named in `MCP_SERVERS` live. */
  secrets: Record<string, unknown>;
  credentials: RequesterCredentials;
}

/** The MCP servers of one chat: their connectors for a run, and their approval cards. */
export class McpServers {
  private readonly d: McpServersDeps;
  private readonly states = new Map<string, Promise<ServerState>>();

  constructor(deps: McpServersDeps) {
    this.d = deps;
  }

  /** The names snippets call the servers by. */
  names(): string[] {
    return this.d.servers.map((s) => s.name);
  }

  /**
   * The servers a snippet uses: those it names, or all of them when it searches or describes
   * (`codemode.search`), so a run that never touches another server never connects to one.
   */
  usedBy(code: string): string[] {
    if (/\bcodemode\s*\.\s*(search|describe)\b/.test(code)) return this.names();
    return this.names().filter((name) => new RegExp(`\\b${name}\\b`).test(code));
  }

  /** One connector per server the run uses, acting for `requesterId`. */
  connectorsFor(ctx: DurableObjectState, env: Env, caller: { chatId: number; requesterId: number }, gate: GateDeps, names: readonly string[]): CodemodeConnector<Env>[] {
    const { requesterId } = caller;
    return this.d.servers.filter((server) => names.includes(server.name)).map((server) => new McpServerConnector(ctx, env, {
      server, caller, state: () => this.state(server, requesterId), credential: () => this.credentialOf(server, requesterId), gate,
    }));
  }

  /** The card of a paused call of one of these servers' tools, or why it is refused. */
  async cardFor(pending: { connector: string; method: string; args: unknown }, requesterId: number): Promise<{ request: StoredRequest; risk: Risk; why?: string } | { refused: string }> {
    const server = this.d.servers.find((s) => s.name === pending.connector);
    if (!server) return { refused: `no MCP server called ${pending.connector} is configured` };
    const state = await this.state(server, requesterId);
    if (!state.ok) return { refused: `the MCP server "${server.name}" is unreachable (${state.error})` };
    const tool = state.tools.find((t) => sanitizeToolName(t.name) === pending.method);
    if (!tool) return { refused: `the MCP server "${server.name}" has no tool ${pending.method}` };
    if (mcpToolAccess(server.policy, tool.annotations) === "denied") return { refused: `calls to "${server.name}" are refused by its policy` };
    try {
      return { request: freezeMcpCall(server.name, tool, pending.args, await this.credentialOf(server, requesterId)), ...mcpToolRisk(tool.annotations) };
    } catch (error) {
      return { refused: error instanceof Error ? error.message : String(error) };
    }
  }

  private state(server: McpServerConfig, requesterId: number): Promise<ServerState> {
    const key = server.auth === "cloudflare" ? `${server.name}:${requesterId}` : server.name;
    const cached = this.states.get(key);
    if (cached) return cached.then((state) => (Date.now() - state.at < (state.ok ? TOOLS_TTL_MS : FAILURE_TTL_MS) ? state : this.refresh(key, server, requesterId)));
    return this.refresh(key, server, requesterId);
  }

  private refresh(key: string, server: McpServerConfig, requesterId: number): Promise<ServerState> {
    const state = this.connect(server, requesterId);
    this.states.set(key, state);
    return state;
  }

  private async connect(server: McpServerConfig, requesterId: number): Promise<ServerState> {
    try {
      const headers = await this.headersOf(server, requesterId);
      const client = new Client({ name: "cloudflare-codemode-bot", version: VERSION }, { versionNegotiation: { mode: "auto" } });
      await within(client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } })), CONNECT_TIMEOUT_MS, "connecting");
      const { tools } = await within(client.listTools(), CONNECT_TIMEOUT_MS, "listing its tools");
      return { ok: true, client, tools: tools as ServerTool[], at: Date.now() };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
      console.warn(JSON.stringify({ level: "warn", event: "mcp_server_unreachable", server: server.name, error: message }));
      return { ok: false, error: message, at: Date.now() };
    }
  }

  private async headersOf(server: McpServerConfig, requesterId: number): Promise<Record<string, string>> {
    if (!server.auth) return {};
    if (server.auth === "cloudflare") return { authorization: `Bearer ${await this.d.credentials.tokenFor(requesterId)}` };
    const value = this.d.secrets[server.auth];
    if (typeof value !== "string" || value === "") throw new Error(`its auth secret ${server.auth} is not set`);
    return { authorization: value };
  }

  /** The credential calls to `serverName` go out with now (a change voids a waiting card). */
  async credentialFor(serverName: string, requesterId: number): Promise<CredentialRef> {
    const server = this.d.servers.find((s) => s.name === serverName);
    return server ? this.credentialOf(server, requesterId) : { id: `mcp:${serverName}:gone`, label: `a server no longer configured (${serverName})` };
  }

  private async credentialOf(server: McpServerConfig, requesterId: number): Promise<CredentialRef> {
    if (server.auth === "cloudflare") {
      const { ref } = await this.d.credentials.credentialFor(requesterId);
      return { id: `mcp:${server.name}:${ref.id}`, label: `${ref.label} (to ${server.name})` };
    }
    return server.auth ? { id: `mcp:${server.name}:${server.auth}`, label: `the ${server.auth} secret (to ${server.name})` } : { id: `mcp:${server.name}`, label: `no credential (to ${server.name})` };
  }
}

/** What one server's connector needs. */
interface ConnectorDeps {
  server: McpServerConfig;
  /** The chat and the person the calls are made for (the audit log's row). */
  caller: { chatId: number; requesterId: number };
  state: () => Promise<ServerState>;
  credential: () => Promise<CredentialRef>;
  gate: GateDeps;
}

/** One MCP server as a codemode connector. */
class McpServerConnector extends CodemodeConnector<Env> {
  private readonly d: ConnectorDeps;

  constructor(ctx: DurableObjectState, env: Env, deps: ConnectorDeps) {
    super(ctx, env);
    this.d = deps;
  }

  name(): string {
    return this.d.server.name;
  }

  override async describe() {
    const description = await super.describe();
    const state = await this.d.state();
    const note = state.ok
      ? `Tools of the MCP server "${this.d.server.name}". Tools that only read run at once; the others wait for the user's approval.`
      : `The MCP server "${this.d.server.name}" is unreachable right now (${state.error}); its tools are unavailable in this run.`;
    return { ...description, instructions: note };
  }

  override async executeTool(method: string, args: unknown, ctx?: { executionId: string }): Promise<unknown> {
    const state = await this.d.state();
    if (!state.ok) throw new Error(`the MCP server "${this.d.server.name}" is unreachable (${state.error}); try again later, or without it`);
    return super.executeTool(method, args, ctx);
  }

  protected async tools(): Promise<ConnectorTools> {
    const state = await this.d.state();
    if (!state.ok) return {};
    const out: ConnectorTools = {};
    for (const tool of state.tools) {
      const access = mcpToolAccess(this.d.server.policy, tool.annotations);
      const base = { description: tool.description ?? tool.name, inputSchema: (tool.inputSchema ?? { type: "object" }) as JSONSchema7 };
      const name = sanitizeToolName(tool.name);
      if (access === "denied") {
        out[name] = { ...base, execute: () => { throw new Error(`calls to the MCP server "${this.d.server.name}" are refused by its policy`); } };
      } else if (access === "read") {
        out[name] = { ...base, execute: async (args, ctx) => await this.read(state, tool, args, ctx?.executionId ?? "unknown") };
      } else {
        out[name] = { ...base, requiresApproval: true, execute: async (args, ctx) => this.approved(state, tool, args, ctx?.executionId ?? "unknown") };
      }
    }
    return out;
  }

  /** A tool that only reads: called at once, once the run is on record, and written to the audit log like a Cloudflare read. */
  private async read(state: Extract<ServerState, { ok: true }>, tool: ServerTool, args: unknown, executionId: string): Promise<unknown> {
    const { gate, server, caller } = this.d;
    const row = { executionId, chatId: caller.chatId, operation: `${server.name}.${sanitizeToolName(tool.name)}`, method: "MCP", path: `mcp:${server.name}/${tool.name}`,
      access: "read" as const, requesterId: caller.requesterId };
    return await gate.audit.read(gate.db, row, async () => ({
      value: unwrap(await within(state.client.callTool({ name: tool.name, arguments: asArguments(args) }), CALL_TIMEOUT_MS, `calling ${tool.name}`)),
    }));
  }

  /** An approved call: the arguments stored on the card are what is sent, once. */
  private async approved(state: Extract<ServerState, { ok: true }>, tool: ServerTool, args: unknown, executionId: string): Promise<unknown> {
    const current = await this.d.credential();
    let replayed: StoredRequest | string;
    try {
      replayed = freezeMcpCall(this.d.server.name, tool, args, current);
    } catch (error) {
      replayed = `the call the snippet made after Approve could not be frozen (${error instanceof Error ? error.message : String(error)})`;
    }
    return await dispatchApproved(this.d.gate, executionId, replayed, current, async (request) => {
      const stored = request.body?.kind === "json" ? (JSON.parse(request.body.json) as Record<string, unknown>) : {};
      return { status: 200, result: unwrap(await within(state.client.callTool({ name: tool.name, arguments: stored }), CALL_TIMEOUT_MS, `calling ${tool.name}`)) };
    });
  }
}

/** A tool call frozen for its card: `MCP mcp:<server>/<tool>` with the arguments as the body. */
export function freezeMcpCall(server: string, tool: ServerTool, args: unknown, credential: CredentialRef): StoredRequest {
  if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args))) throw new RequestShapeError(`${server}.${tool.name} takes one object of arguments`);
  const path = `mcp:${server}/${tool.name}`;
  return freezeRequest({ operationId: `${server}.${sanitizeToolName(tool.name)}`, summary: (tool.description ?? "").split(/(?<=\.)\s/)[0] ?? "", method: "MCP",
    template: path, path, pathParams: {}, query: {}, body: args ?? {} }, credential);
}

function asArguments(args: unknown): Record<string, unknown> {
  return args !== null && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

/** An MCP tool result as a snippet wants it: structured content, or the text (parsed when it is JSON); an error result throws. */
function unwrap(result: unknown): unknown {
  const r = result as { isError?: boolean; structuredContent?: unknown; content?: Array<{ type: string; text?: string }> };
  const text = (r.content ?? []).filter((c) => c.type === "text").map((c) => c.text ?? "").join("\n");
  if (r.isError) throw new Error(text || "the tool call failed");
  if (r.structuredContent !== undefined && r.structuredContent !== null) return r.structuredContent;
  if ((r.content ?? []).length === 0 || !(r.content ?? []).every((c) => c.type === "text")) return result;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s while ${what}`)), ms); });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
