/**
 * The eval's model endpoint: every model request the Worker makes goes through here, so each
 * task's model calls, tool calls and tokens are counted per task, whatever the model.
 *
 * - Scripted (offline, CI): a fake OpenAI-compatible server speaking the real wire format
 *   (`POST …/chat/completions`, tools, `tool_calls`, `usage`; server-sent chunks when `stream: true`). Each task's script decides the next
 *   turn from the conversation it is sent (tool results included), so scripts react to what the
 *   sandbox and the API actually answered, wrong first attempts and their error messages too.
 * - Proxy (`--model provider:model`): forwards each request unchanged to the real provider and
 *   reads the usage from its answer (OpenAI's `prompt_tokens`/`completion_tokens`, Anthropic's
 *   `input_tokens`/`output_tokens`).
 *
 * A request is matched to its task by the conversation's first user message: each task runs in
 * its own chat, so that is the task's prompt.
 */
import { serveHandler, type LocalServer } from "../dev/shared/node-server.ts";

/** What a tool call returned, as the model reads it (`codemode`'s JSON). */
export interface ToolOutput {
  status: "completed" | "paused" | "error" | string;
  result?: unknown;
  error?: string;
  pending?: string;
}

/** What a script sees when asked for the next turn. */
export interface Turn {
  /** The task's prompt (the conversation's first user message). */
  request: string;
  /** The newest user message (the prompt, or the bot's `[approval] …` note after a card). */
  lastUser: string;
  /** The tool results since the newest user message, oldest first. */
  tools: ToolOutput[];
  /** The model asked (the cheap or the strong one). */
  model: string;
  /** How many times this model was asked for this task before (0 for the first call). */
  call: number;
}

/** A scripted reply: run code, or answer in words. */
export type Reply = { code: string } | { text: string };

/** A scripted model: the next turn from the conversation so far. */
export type Script = (turn: Turn) => Reply;

/** Counts for one task (and per model). */
export interface ModelUsage {
  calls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  byModel: Record<string, { calls: number; inputTokens: number; outputTokens: number }>;
  /** Requests the gateway could not serve (unknown task, provider failure). */
  errors: string[];
}

/** The gateway's mode. */
export type GatewayMode =
  | { kind: "scripted"; scripts: (request: string, model: string) => Script | undefined }
  | { kind: "proxy"; upstream: string };

/** A running gateway. */
export interface ModelGateway extends LocalServer {
  /** The base URL to give the Worker as LLM_BASE_URL. */
  baseUrl: string;
  usage(request: string): ModelUsage;
  /** Forgets all counts (between modes, which send the same prompts). */
  reset(): void;
}

/** Starts the gateway on 127.0.0.1. */
export async function startModelGateway(mode: GatewayMode): Promise<ModelGateway> {
  const usage = new Map<string, ModelUsage>();
  const usageOf = (request: string) => {
    let u = usage.get(request);
    if (!u) usage.set(request, u = { calls: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, byModel: {}, errors: [] });
    return u;
  };
  const count = (request: string, model: string, input: number, output: number, toolCalls: number) => {
    const u = usageOf(request);
    u.calls += 1;
    u.toolCalls += toolCalls;
    u.inputTokens += input;
    u.outputTokens += output;
    const m = (u.byModel[model] ??= { calls: 0, inputTokens: 0, outputTokens: 0 });
    m.calls += 1;
    m.inputTokens += input;
    m.outputTokens += output;
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (request.method !== "POST" || !url.pathname.startsWith("/v1/")) return Response.json({ error: { message: `no route ${request.method} ${url.pathname}` } }, { status: 404 });
    const raw = await request.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return Response.json({ error: { message: "the body is not JSON" } }, { status: 400 });
    }
    const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
    const task = textOf(messages.find((m) => m.role === "user")?.content);
    const model = String(body.model ?? "");
    if (mode.kind === "proxy") return proxy(mode.upstream, url, request, raw, (input, output, tools) => count(task, model, input, output, tools), (e) => usageOf(task).errors.push(e));

    const script = mode.scripts(task, model);
    if (!script) {
      usageOf(task).errors.push(`no script for ${JSON.stringify(task.slice(0, 60))}`);
      return Response.json({ error: { message: `no scripted model for this request (${task.slice(0, 60)})`, type: "invalid_request_error" } }, { status: 400 });
    }
    const lastUserAt = messages.map((m) => m.role).lastIndexOf("user");
    const tools = messages.slice(lastUserAt + 1).filter((m) => m.role === "tool").map((m) => parseTool(textOf(m.content)));
    const turn: Turn = { request: task, lastUser: textOf(messages[lastUserAt]?.content), tools, model, call: usageOf(task).byModel[model]?.calls ?? 0 };
    let reply: Reply;
    try {
      reply = script(turn);
    } catch (error) {
      reply = { text: `(the script failed: ${error instanceof Error ? error.message : String(error)})` };
    }
    const input = Math.ceil(raw.length / 4);
    const output = Math.ceil(("code" in reply ? reply.code : reply.text).length / 4);
    count(task, model, input, output, "code" in reply ? 1 : 0);
    const message = "code" in reply
      ? { role: "assistant", content: null, tool_calls: [{ id: `call_${Math.random().toString(36).slice(2, 10)}`, type: "function", function: { name: "codemode", arguments: JSON.stringify({ code: reply.code }) } }] }
      : { role: "assistant", content: reply.text };
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 10)}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = "code" in reply ? "tool_calls" : "stop";
    const usageBody = { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
    if (body.stream === true) return streamed(id, created, model, message, finish, usageBody);
    return Response.json({ id, object: "chat.completion", created, model, choices: [{ index: 0, message, finish_reason: finish }], usage: usageBody });
  };

  const server = await serveHandler(handle, 0);
  return { ...server, baseUrl: `${server.url}/v1`, usage: (request) => structuredClone(usageOf(request)), reset: () => usage.clear() };
}

type Message = { role: string; content: unknown };

/**
 * A reply as OpenAI streams it (`stream: true`): server-sent `chat.completion.chunk`s (the text in a
 * few pieces, or the tool call), the finish reason, the usage (as with `stream_options.include_usage`), then `[DONE]`.
 */
function streamed(id: string, created: number, model: string, message: { content: string | null; tool_calls?: unknown[] }, finish: string, usage: Record<string, number>): Response {
  const chunk = (extra: Record<string, unknown>) => `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, ...extra })}\n\n`;
  const deltas: Array<Record<string, unknown>> = [];
  if (message.tool_calls) deltas.push({ role: "assistant", tool_calls: message.tool_calls.map((call, index) => ({ index, ...(call as object) })) });
  else {
    const text = message.content ?? "";
    const size = Math.max(1, Math.ceil(text.length / 3));
    for (let at = 0; at < text.length; at += size) deltas.push({ ...(at === 0 ? { role: "assistant" } : {}), content: text.slice(at, at + size) });
  }
  const events = [
    ...deltas.map((delta) => chunk({ choices: [{ index: 0, delta, finish_reason: null }] })),
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: finish }] }),
    chunk({ choices: [], usage }),
    "data: [DONE]\n\n",
  ];
  return new Response(events.join(""), { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
}

/** Usage and tool calls in a streamed answer: OpenAI's chunks (usage in the last one) or Anthropic's events. */
function streamedUsage(text: string): { input: number; output: number; toolCalls: number } | undefined {
  let input = 0, output = 0, toolCalls = 0, seen = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith("data:")) continue;
    let event: { usage?: Record<string, number>; message?: { usage?: Record<string, number> }; choices?: Array<{ delta?: { tool_calls?: Array<{ id?: string }> } }>; content_block?: { type?: string } };
    try {
      event = JSON.parse(line.slice(5).trim()) as typeof event;
    } catch {
      continue; // [DONE]
    }
    seen = true;
    for (const u of [event.usage, event.message?.usage]) {
      if (!u) continue;
      input = Math.max(input, u.prompt_tokens ?? u.input_tokens ?? 0);
      output = Math.max(output, u.completion_tokens ?? u.output_tokens ?? 0);
    }
    toolCalls += (event.choices?.[0]?.delta?.tool_calls ?? []).filter((c) => c.id).length + (event.content_block?.type === "tool_use" ? 1 : 0);
  }
  return seen ? { input, output, toolCalls } : undefined;
}

/** Forwards one request to the provider and counts what it answered. */
async function proxy(upstream: string, url: URL, request: Request, raw: string, count: (input: number, output: number, toolCalls: number) => void, fail: (error: string) => void): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const h of ["host", "content-length", "connection", "accept-encoding"]) headers.delete(h);
  let response: Response;
  try {
    response = await fetch(`${upstream.replace(/\/+$/, "")}${url.pathname.slice("/v1".length)}${url.search}`, { method: "POST", headers, body: raw });
  } catch (error) {
    fail(`provider unreachable: ${error instanceof Error ? error.message : String(error)}`);
    return Response.json({ error: { message: "the provider could not be reached" } }, { status: 502 });
  }
  const text = await response.text();
  if (!response.ok) fail(`provider HTTP ${response.status}: ${text.slice(0, 200)}`);
  const stream = (response.headers.get("content-type") ?? "").includes("text/event-stream") ? streamedUsage(text) : undefined;
  if (stream) {
    if (response.ok) count(stream.input, stream.output, stream.toolCalls);
    return new Response(text, { status: response.status, headers: { "content-type": "text/event-stream" } });
  }
  try {
    const json = JSON.parse(text) as { usage?: Record<string, number>; choices?: Array<{ message?: { tool_calls?: unknown[] } }>; content?: Array<{ type: string }> };
    const u = json.usage ?? {};
    const toolCalls = (json.choices?.[0]?.message?.tool_calls?.length ?? 0) + (json.content ?? []).filter((c) => c.type === "tool_use").length;
    if (response.ok) count(u.prompt_tokens ?? u.input_tokens ?? 0, u.completion_tokens ?? u.output_tokens ?? 0, toolCalls);
  } catch {
    // Not JSON (an error page): passed on as is.
  }
  return new Response(text, { status: response.status, headers: { "content-type": response.headers.get("content-type") ?? "application/json" } });
}

/** The text of a message's content (a string, or OpenAI/Anthropic content parts). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("");
  return "";
}

function parseTool(text: string): ToolOutput {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && "status" in value) return value as ToolOutput;
    return { status: "completed", result: value };
  } catch {
    return { status: "error", error: text };
  }
}
