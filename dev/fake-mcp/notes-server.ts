/**
 * A small MCP server for tests and the playground: "notes", with one tool that only reads
 * (`search_notes`, marked `readOnlyHint`), one that writes (`add_note`, marked not destructive)
 * and one that deletes (`delete_note`, no hints: it asks, as destructive). Built with the official
 * MCP SDK, so the bot talks to a real peer over Streamable HTTP.
 *
 * It checks `Authorization: Bearer <token>` when given one, and records every tool call.
 * Control endpoints (not MCP): `GET /__fake/state` (notes and calls), `POST /__fake/reset`.
 * Runtime-neutral (Request → Response); `server.ts` serves it on a local port.
 */
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

/** One recorded tool call. */
export interface NotesCall {
  tool: string;
  args: unknown;
}

/** The fake's state. */
export interface NotesState {
  notes: Array<{ id: string; text: string }>;
  calls: NotesCall[];
}

/** The notes server. */
export class NotesServer {
  readonly state: NotesState = { notes: [{ id: "n1", text: "rotate the staging API token on Friday" }], calls: [] };
  private readonly token: string | undefined;
  private next = 2;

  constructor(options: { token?: string } = {}) {
    this.token = options.token;
  }

  /** Handles one HTTP request. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__fake/state") return Response.json(this.state);
    if (url.pathname === "/__fake/reset" && request.method === "POST") {
      this.state.notes.splice(1);
      this.state.calls.length = 0;
      return Response.json({ ok: true });
    }
    if (url.pathname !== "/mcp") return new Response("not found", { status: 404 });
    if (this.token && request.headers.get("authorization") !== `Bearer ${this.token}`) {
      return new Response(JSON.stringify({ error: "unauthorized" }), { status: 401, headers: { "www-authenticate": "Bearer" } });
    }
    return createMcpHandler(() => this.server(), { responseMode: "json" }).fetch(request);
  }

  private server(): McpServer {
    const server = new McpServer({ name: "notes", version: "1.0.0" });
    server.registerTool("search_notes", {
      description: "Find notes containing some words.",
      inputSchema: z.object({ query: z.string() }),
      annotations: { readOnlyHint: true },
    }, async ({ query }) => this.record("search_notes", { query }, this.state.notes.filter((n) => n.text.includes(query))));
    server.registerTool("add_note", {
      description: "Add a note.",
      inputSchema: z.object({ text: z.string() }),
      annotations: { readOnlyHint: false, destructiveHint: false },
    }, async ({ text }) => {
      const note = { id: `n${this.next++}`, text };
      this.state.notes.push(note);
      return this.record("add_note", { text }, note);
    });
    server.registerTool("delete_note", {
      description: "Delete a note by id.",
      inputSchema: z.object({ id: z.string() }),
    }, async ({ id }) => {
      const at = this.state.notes.findIndex((n) => n.id === id);
      if (at >= 0) this.state.notes.splice(at, 1);
      return this.record("delete_note", { id }, { deleted: at >= 0 });
    });
    return server;
  }

  private record(tool: string, args: unknown, result: unknown) {
    this.state.calls.push({ tool, args });
    return { content: [{ type: "text" as const, text: JSON.stringify(result) }] };
  }
}
