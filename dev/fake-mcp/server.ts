/** Runs the fake "notes" MCP server (./notes-server.ts) on a local port. */
import { serveHandler, type LocalServer } from "../shared/node-server.ts";
import { NotesServer } from "./notes-server.ts";

/** A running notes server; its MCP endpoint is `${url}/mcp`. */
export interface RunningNotesServer extends LocalServer {
  notes: NotesServer;
}

/** Starts the notes server on 127.0.0.1 (`port` 0 picks a free one), requiring `token` when given. */
export async function startNotesServer(options: { port?: number; token?: string } = {}): Promise<RunningNotesServer> {
  const notes = new NotesServer(options.token ? { token: options.token } : {});
  const server = await serveHandler((request) => notes.handle(request), options.port ?? 0);
  return { ...server, notes };
}
