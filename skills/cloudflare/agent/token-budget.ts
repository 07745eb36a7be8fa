/**
 * Counts what the model sees on every request — the system prompt and the tool definition — with
 * the o200k tokenizer, offline. The budget is 1,000 tokens while the whole API stays reachable;
 * `allOperationsAsTools` estimates the alternative of one tool per operation, for comparison.
 */
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { SYSTEM_PROMPT, TOOL_DESCRIPTION } from "./prompt.ts";

/** The tool definition as providers receive it (name, description, JSON schema). */
export const TOOL_DEFINITION = { name: "codemode", description: TOOL_DESCRIPTION, parameters: { type: "object", properties: { code: { type: "string", description: "JavaScript: the body of an async function" } }, required: ["code"] } };

/** Token counts of the fixed context. */
export function countPromptTokens(): { systemPrompt: number; tools: number; total: number } {
  const systemPrompt = encode(SYSTEM_PROMPT).length;
  const tools = encode(JSON.stringify(TOOL_DEFINITION)).length;
  return { systemPrompt, tools, total: systemPrompt + tools };
}

/** Tokens of a list of tool definitions (one per operation), for the comparison. */
export function countTools(definitions: unknown[]): number {
  return definitions.reduce<number>((sum, d) => sum + encode(JSON.stringify(d)).length, 0);
}
