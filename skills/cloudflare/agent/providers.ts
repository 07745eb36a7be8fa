/**
 * Which model answers: any the user brings, through the AI SDK's maintained providers.
 *
 * - `workers-ai`: the Workers AI binding (`AI`), no key; the default when the binding exists.
 *   It is remote-only in `wrangler dev`, so it is not in the local configuration.
 * - `openai`, `anthropic`: their own providers.
 * - `groq`, `deepseek`, `openrouter`, `together`, `ollama`, `openai-compatible`: the
 *   OpenAI-compatible provider with the service's base URL (or `LLM_BASE_URL`).
 * Extra models can be registered in code (`registerModel`), e.g. a local scripted model; they
 * are offered by `/model` like the configured one.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import type { Config } from "../../../bot/config.ts";
import { UserFacingError } from "../../../bot/errors.ts";

/** A model the bot can use. */
export interface ModelChoice {
  /** What `/model` shows and stores, e.g. `groq:llama-3.3-70b-versatile`. */
  id: string;
  provider: string;
  model: string;
  create: () => LanguageModel;
}

const COMPATIBLE: Record<string, { baseURL: string; model: string }> = {
  groq: { baseURL: "https://api.groq.com/openai/v1", model: "llama-3.3-70b-versatile" },
  deepseek: { baseURL: "https://api.deepseek.com/v1", model: "deepseek-chat" },
  openrouter: { baseURL: "https://openrouter.ai/api/v1", model: "openai/gpt-4o-mini" },
  together: { baseURL: "https://api.together.xyz/v1", model: "meta-llama/Llama-3.3-70B-Instruct-Turbo" },
  ollama: { baseURL: "http://127.0.0.1:11434/v1", model: "llama3.1" },
  "openai-compatible": { baseURL: "", model: "" },
};

const DEFAULT_MODELS: Record<string, string> = {
  "workers-ai": "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
  openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
};

const registered = new Map<string, ModelChoice>();

/** Offers an extra model (for example a local scripted one) under `id`. */
export function registerModel(id: string, create: () => LanguageModel): void {
  registered.set(id, { id, provider: id.split(":")[0] ?? id, model: id.split(":")[1] ?? id, create });
}

/** Every model this deployment can use: the configured one, Workers AI when bound, registered ones. */
export function availableModels(config: Config, env: Env): ModelChoice[] {
  const choices: ModelChoice[] = [];
  const configured = configuredModel(config, env);
  if (configured) choices.push(configured);
  const ai = (env as unknown as { AI?: Ai }).AI;
  if (ai && configured?.provider !== "workers-ai") {
    const model = DEFAULT_MODELS["workers-ai"]!;
    choices.push({ id: `workers-ai:${model}`, provider: "workers-ai", model, create: () => createWorkersAI({ binding: ai })(model) });
  }
  choices.push(...registered.values());
  return choices;
}

/** The model for a chat: its `/model` choice when still available, else the first available. */
export function modelFor(config: Config, env: Env, chosen: string | undefined): ModelChoice | undefined {
  const choices = availableModels(config, env);
  return choices.find((c) => c.id === chosen) ?? choices[0];
}

function configuredModel(config: Config, env: Env): ModelChoice | undefined {
  const provider = config.LLM_PROVIDER?.toLowerCase();
  if (!provider) return undefined;
  const preset = COMPATIBLE[provider];
  const model = config.LLM_MODEL ?? DEFAULT_MODELS[provider] ?? preset?.model;
  if (!model) throw new UserFacingError(`LLM_MODEL is required for LLM_PROVIDER=${provider}.`);
  const id = `${provider}:${model}`;
  const key = config.LLM_API_KEY;
  if (provider === "workers-ai") {
    const ai = (env as unknown as { AI?: Ai }).AI;
    return { id, provider, model, create: () => {
      if (!ai) throw new UserFacingError("LLM_PROVIDER=workers-ai needs the Workers AI binding: add [ai] binding = \"AI\" to wrangler.toml (it is remote-only in wrangler dev).");
      return createWorkersAI({ binding: ai })(model);
    } };
  }
  if (provider === "openai") return { id, provider, model, create: () => createOpenAI({ apiKey: needKey(key, provider), ...(config.LLM_BASE_URL ? { baseURL: config.LLM_BASE_URL } : {}) })(model) };
  if (provider === "anthropic") return { id, provider, model, create: () => createAnthropic({ apiKey: needKey(key, provider), ...(config.LLM_BASE_URL ? { baseURL: config.LLM_BASE_URL } : {}) })(model) };
  if (preset) {
    const baseURL = config.LLM_BASE_URL ?? preset.baseURL;
    if (!baseURL) throw new UserFacingError("LLM_BASE_URL is required for LLM_PROVIDER=openai-compatible (e.g. http://127.0.0.1:11434/v1).");
    return { id, provider, model, create: () => createOpenAICompatible({ name: provider, baseURL, ...(key ? { apiKey: key } : {}) })(model) };
  }
  throw new UserFacingError(`LLM_PROVIDER=${provider} is not known. Use one of: workers-ai, openai, anthropic, ${Object.keys(COMPATIBLE).join(", ")}.`);
}

function needKey(key: string | undefined, provider: string): string {
  if (!key) throw new UserFacingError(`LLM_API_KEY is required for LLM_PROVIDER=${provider}.`);
  return key;
}
