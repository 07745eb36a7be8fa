/**
 * A scripted model for tests: the AI SDK's `MockLanguageModelV4` whose every step is decided by a
 * function of the prompt it receives (the conversation, tool results included), registered with
 * the bot as a model a chat can pick with `/model`. The bot streams (`doStream`); `doGenerate` answers the same steps whole. It stands in for the provider at the model
 * interface; everything else (the agent loop, the codemode tool, the sandbox, the API) is real.
 */
import { APICallError } from "ai";
import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { registerModel } from "../../skills/cloudflare/agent/providers.ts";

/**
 * What the scripted model does next. When streamed, `text` arrives in a few pieces; `stream` sends
 * its pieces, then the connection breaks with HTTP `breaks` (a provider failing mid-answer); `saying`
 * is text the model writes before its code (as real models often do).
 */
export type Step = { code: string; saying?: string } | { text: string } | { fail: number } | { toolInput: string } | { stream: string[]; breaks: number };

type Prompt = Array<{ role: string; content: unknown }>;

/** The text of the last user message. */
export function lastUser(prompt: Prompt): string {
  const user = [...prompt].reverse().find((m) => m.role === "user");
  return Array.isArray(user?.content) ? (user.content as Array<{ type: string; text?: string }>).filter((p) => p.type === "text").map((p) => p.text).join("") : "";
}

/** The output of the last tool result in the prompt, after the last user message; undefined before any tool ran. */
export function lastToolOutput(prompt: Prompt): { status: string; result?: unknown; error?: string } | undefined {
  const lastUserAt = prompt.map((m) => m.role).lastIndexOf("user");
  const tool = prompt.slice(lastUserAt + 1).reverse().find((m) => m.role === "tool");
  const part = Array.isArray(tool?.content) ? (tool.content as Array<{ type: string; output?: { type: string; value?: unknown } }>).find((p) => p.type === "tool-result") : undefined;
  return part?.output?.value as { status: string; result?: unknown; error?: string } | undefined;
}

function httpError(status: number): APICallError {
  return new APICallError({ message: `HTTP ${status}`, url: "https://model.test/v1/chat", requestBodyValues: {}, statusCode: status, isRetryable: status === 429 || status >= 500 });
}

/** A text in three pieces, as a provider streams it. */
function pieces3(text: string): string[] {
  const a = Math.ceil(text.length / 3);
  return [text.slice(0, a), text.slice(a, 2 * a), text.slice(2 * a)].filter((p) => p !== "");
}

/** Registers a scripted model under a fresh id and returns the id and the mock (for its call log); `strong` makes it Deep Mode's strong model. */
export function scriptedModel(next: (prompt: Prompt, call: number) => Step, options: { strong?: boolean } = {}): { id: string; mock: MockLanguageModelV4 } {
  let calls = 0;
  const usage = { inputTokens: { total: 400, noCache: 400, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 60, text: 60, reasoning: 0 } };
  const mock = new MockLanguageModelV4({
    provider: "scripted",
    modelId: "test-model",
    doStream: async (options) => {
      calls += 1;
      const step = next(options.prompt as unknown as Prompt, calls);
      if ("fail" in step) throw httpError(step.fail);
      const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
      if ("code" in step || "toolInput" in step) {
        const input = "code" in step ? JSON.stringify({ code: step.code }) : step.toolInput;
        if ("saying" in step && step.saying) parts.push({ type: "text-start", id: "s" }, { type: "text-delta", id: "s", delta: step.saying }, { type: "text-end", id: "s" });
        parts.push({ type: "tool-call", toolCallId: `call-${calls}`, toolName: "codemode", input }, { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage });
      } else {
        const pieces = "stream" in step ? step.stream : pieces3(step.text);
        parts.push({ type: "text-start", id: "t" }, ...pieces.map((delta): LanguageModelV4StreamPart => ({ type: "text-delta", id: "t", delta })));
        if (!("stream" in step)) parts.push({ type: "text-end", id: "t" }, { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage });
      }
      const breaks = "stream" in step ? step.breaks : undefined;
      // One part per pull: erroring a stream drops what is still queued, and the pieces before a break must arrive.
      let sent = 0;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        pull(controller) {
          if (sent < parts.length) controller.enqueue(parts[sent++]!);
          else if (breaks !== undefined) controller.error(httpError(breaks));
          else controller.close();
        },
      }, { highWaterMark: 0 });
      return { stream };
    },
    doGenerate: async (options) => {
      calls += 1;
      const step = next(options.prompt as unknown as Prompt, calls);
      if ("fail" in step) throw httpError(step.fail);
      if ("stream" in step) throw httpError(step.breaks);
      if ("code" in step || "toolInput" in step) {
        const input = "code" in step ? JSON.stringify({ code: step.code }) : step.toolInput;
        return { content: [{ type: "tool-call", toolCallId: `call-${calls}`, toolName: "codemode", input }], finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage, warnings: [] };
      }
      return { content: [{ type: "text", text: step.text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
    },
  });
  const id = `scripted:model-${Math.random().toString(36).slice(2, 8)}`;
  registerModel(id, () => mock, options);
  return { id, mock };
}
