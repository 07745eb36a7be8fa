/**
 * A scripted model for tests: the AI SDK's `MockLanguageModelV4` whose every step is decided by a
 * function of the prompt it receives (the conversation, tool results included), registered with
 * the bot as a model a chat can pick with `/model`. It stands in for the provider at the model
 * interface; everything else (the agent loop, the codemode tool, the sandbox, the API) is real.
 */
import { APICallError } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { registerModel } from "../../skills/cloudflare/agent/providers.ts";

/** What the scripted model does next. */
export type Step = { code: string } | { text: string } | { fail: number } | { toolInput: string };

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

/** Registers a scripted model under a fresh id and returns the id and the mock (for its call log); `strong` makes it Deep Mode's strong model. */
export function scriptedModel(next: (prompt: Prompt, call: number) => Step, options: { strong?: boolean } = {}): { id: string; mock: MockLanguageModelV4 } {
  let calls = 0;
  const mock = new MockLanguageModelV4({
    provider: "scripted",
    modelId: "test-model",
    doGenerate: async (options) => {
      calls += 1;
      const step = next(options.prompt as unknown as Prompt, calls);
      const usage = { inputTokens: { total: 400, noCache: 400, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 60, text: 60, reasoning: 0 } };
      if ("fail" in step) {
        throw new APICallError({ message: `HTTP ${step.fail}`, url: "https://model.test/v1/chat", requestBodyValues: {}, statusCode: step.fail, isRetryable: step.fail === 429 || step.fail >= 500 });
      }
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
