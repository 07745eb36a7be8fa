/**
 * The web chat's server: the page (dev/playground/web/, plain HTML + JS + CSS, no build step) and a
 * small JSON API over the chat log, on 127.0.0.1 only.
 *
 *   GET  /api/config                     the people, the bot's name, what is real and what is a stand-in
 *   GET  /api/events?since=N&wait=MS     events after N; waits up to MS (≤ 25 s) for one (long poll)
 *   POST /api/send {userId, text}        a message from a playground person in their own chat
 *   POST /api/tap  {userId, chatId, messageId, data}   a tap on an inline button, as that person
 *   GET  /api/file/:chat/:message        a document the bot sent, as a download
 *
 * Requests must name this server in Host (no DNS rebinding) and POSTs must be JSON (a plain form
 * from another site cannot send that without a CORS preflight, which is never granted).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { FakeBotApi } from "../fake-telegram/fake-bot-api.ts";
import { serveHandler, type LocalServer } from "../shared/node-server.ts";
import type { ChatLog, ObservedWebhookClient } from "./chat-log.ts";
import { PLAYGROUND_USERS, playgroundUser } from "./users.ts";

/** What the page shows about the stack it talks to. */
export interface PlaygroundInfo {
  botName: string;
  version: string;
  /** One line per part: name and whether it is real or a local stand-in. */
  parts: Array<{ name: string; kind: "real" | "stand-in"; detail: string }>;
}

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/chat.js": { file: "chat.js", type: "text/javascript; charset=utf-8" },
  "/chat.css": { file: "chat.css", type: "text/css; charset=utf-8" },
};
const WEB_DIR = new URL("./web/", import.meta.url);
const MAX_WAIT_MS = 25_000;

const SendBody = z.object({ userId: z.number().int(), text: z.string().trim().min(1, "the message is empty").max(4096, "the message is longer than 4096 characters") });
const TapBody = z.object({ userId: z.number().int(), chatId: z.number().int(), messageId: z.number().int().positive(), data: z.string().min(1).max(64) });

/** Starts the web chat on 127.0.0.1:`port` (0 picks a free port). */
export async function startWebChat(options: {
  port: number;
  api: FakeBotApi;
  client: ObservedWebhookClient;
  log: ChatLog;
  info: () => PlaygroundInfo;
}): Promise<LocalServer> {
  let hosts = new Set<string>();
  const server = await serveHandler(async (request) => {
    const url = new URL(request.url);
    if (!hosts.has(url.host)) return text(421, "Misdirected request: open the playground at its 127.0.0.1 address.");
    try {
      return await route(request, url, options);
    } catch (error) {
      return json({ ok: false, error: error instanceof Error ? error.message : String(error) }, 500);
    }
  }, options.port);
  hosts = new Set([`127.0.0.1:${server.port}`, `localhost:${server.port}`]);
  return server;
}

async function route(
  request: Request,
  url: URL,
  o: { api: FakeBotApi; client: ObservedWebhookClient; log: ChatLog; info: () => PlaygroundInfo },
): Promise<Response> {
  const asset = STATIC[url.pathname];
  if (asset && request.method === "GET") {
    return new Response(await readFile(new URL(asset.file, WEB_DIR)), { headers: {
      "content-type": asset.type, "cache-control": "no-store",
      "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    } });
  }
  if (request.method === "POST" && !(request.headers.get("content-type") ?? "").includes("application/json")) {
    return json({ ok: false, error: "send JSON (content-type: application/json)" }, 415);
  }
  if (url.pathname === "/api/config" && request.method === "GET") {
    const roles = Object.entries(PLAYGROUND_USERS).map(([role, u]) => ({ role, id: u.id, first_name: u.first_name, username: u.username ?? "" }));
    return json({ ok: true, users: roles, ...o.info() });
  }
  if (url.pathname === "/api/events" && request.method === "GET") {
    const since = Number(url.searchParams.get("since") ?? "0");
    const wait = Math.min(Math.max(Number(url.searchParams.get("wait") ?? "0"), 0), MAX_WAIT_MS);
    if (!Number.isFinite(since) || !Number.isFinite(wait)) return json({ ok: false, error: "since and wait must be numbers" }, 400);
    const events = await o.log.wait(since, wait);
    return json({ ok: true, events, last: o.log.last() });
  }
  if (url.pathname === "/api/send" && request.method === "POST") {
    const body = SendBody.safeParse(await request.json().catch(() => undefined));
    if (!body.success) return json({ ok: false, error: body.error.issues.map((i) => i.message).join("; ") }, 400);
    const user = playgroundUser(body.data.userId);
    if (!user) return json({ ok: false, error: `user ${body.data.userId} is not one of the playground's people` }, 400);
    const status = await o.client.sendText(user, user.id, body.data.text);
    return json({ ok: status === 200, status });
  }
  if (url.pathname === "/api/tap" && request.method === "POST") {
    const body = TapBody.safeParse(await request.json().catch(() => undefined));
    if (!body.success) return json({ ok: false, error: body.error.issues.map((i) => i.message).join("; ") }, 400);
    const user = playgroundUser(body.data.userId);
    if (!user) return json({ ok: false, error: `user ${body.data.userId} is not one of the playground's people` }, 400);
    const status = await o.client.tap(user, body.data.chatId, body.data.messageId, body.data.data);
    return json({ ok: status === 200, status });
  }
  const file = /^\/api\/file\/(-?\d+)\/(\d+)$/.exec(url.pathname);
  if (file && request.method === "GET") {
    const doc = o.api.chats.messages.get(`${file[1]}:${file[2]}`)?.document;
    if (!doc) return json({ ok: false, error: "no such document" }, 404);
    const name = doc.file_name.replace(/[^\w.-]+/g, "_");
    return new Response(doc.content, { headers: {
      "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${name}"`, "x-content-type-options": "nosniff",
    } });
  }
  return json({ ok: false, error: `no route ${request.method} ${url.pathname}` }, 404);
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
