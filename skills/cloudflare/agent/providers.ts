/**
 * Which model answers — whichever the user brings — through the AI SDK's maintained providers.
 *
 * - `workers-ai`: the Workers AI binding (`AI`), no key; the default when the binding exists.
 *   It is remote-only in `wrangler dev`, so it is not in the local configuration.
 * - `openai`, `anthropic`: their own providers.
 * - `groq`, `deepseek`, `openrouter`, `together`, `ollama`, `openai-compatible`: the
 *   OpenAI-compatible provider with the service's base URL (or `LLM_BASE_URL`).
 * Extra models can be registered in code (`registerModel`), e.g. a local scripted model; they
 * are offered by `/model` like the configured one.
 *
 * A person's own API keys (`/key <provider>`, passed in as `keys`) add `<provider>:<default model>`
 * for them, built with their key, and replace `LLM_API_KEY` for the configured provider. Such
 * choices are marked `ownKey`; when the chat has no `/model` choice they are preferred.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import type { Config } from "../../../core/config.ts";
import { UserFacingError } from "../../../core/errors.ts";

/** A model the bot can use. */
export interface ModelChoice {
  /** What `/model` shows and stores, e.g. `groq:llama-3.3-70b-versatile`. */
  id: string;
  provider: string;
  model: string;
  /** Built with the requester's own API key (`/key`), not the deployment's. */
  ownKey?: boolean;
  create: () => LanguageModel;
}

/** Providers a person can store their own API key for (`/key <provider>`). */
export const KEY_PROVIDERS = ["openai", "anthropic", "groq", "deepseek", "openrouter", "together", "openai-compatible"] as const;

/** A person's own model API keys by provider (decrypted, from `/key`). */
export type UserModelKeys = Partial<Record<string, string>>;

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

/**
 * Every model this deployment can use: the configured one, Workers AI when bound, registered ones,
 * then the requester's own-key models when `keys` is given (appended, so shared choices keep their place).
 */
export function availableModels(config: Config, env: Env, keys?: UserModelKeys): ModelChoice[] {
  const choices: ModelChoice[] = [];
  const configured = configuredModel(config, env, keys);
  if (configured) choices.push(configured);
  const ai = (env as unknown as { AI?: Ai }).AI;
  if (ai && configured?.provider !== "workers-ai") {
    const model = DEFAULT_MODELS["workers-ai"]!;
    choices.push({ id: `workers-ai:${model}`, provider: "workers-ai", model, create: () => createWorkersAI({ binding: ai })(model) });
  }
  choices.push(...registered.values());
  for (const own of ownKeyModels(keys)) if (!choices.some((c) => c.id === own.id)) choices.push(own);
  return choices;
}

/**
 * The model for a chat: its `/model` choice when still available (to this requester, given their
 * `keys`), else the first built with their own key, else the first available.
 */
export function modelFor(config: Config, env: Env, chosen: string | undefined, keys?: UserModelKeys): ModelChoice | undefined {
  const choices = availableModels(config, env, keys);
  return choices.find((c) => c.id === chosen) ?? choices.find((c) => c.ownKey) ?? choices[0];
}

/** `<provider>:<default model>` for each provider the person has a key for (openai-compatible has no default). */
function ownKeyModels(keys: UserModelKeys | undefined): ModelChoice[] {
  const choices: ModelChoice[] = [];
  for (const provider of KEY_PROVIDERS) {
    const key = keys?.[provider];
    const model = DEFAULT_MODELS[provider] ?? COMPATIBLE[provider]?.model;
    if (!key || !model) continue;
    const baseURL = COMPATIBLE[provider]?.baseURL;
    choices.push({ id: `${provider}:${model}`, provider, model, ownKey: true, create: () => sdkModel(provider, model, key, baseURL) });
  }
  return choices;
}

function configuredModel(config: Config, env: Env, keys: UserModelKeys | undefined): ModelChoice | undefined {
  const provider = config.LLM_PROVIDER?.toLowerCase();
  if (!provider) return undefined;
  const preset = COMPATIBLE[provider];
  const model = config.LLM_MODEL ?? DEFAULT_MODELS[provider] ?? preset?.model;
  if (!model) throw new UserFacingError(`LLM_MODEL is required for LLM_PROVIDER=${provider}.`);
  const id = `${provider}:${model}`;
  // The person's own key for this provider takes precedence over the deployment's.
  const own = keys?.[provider];
  const key = own ?? config.LLM_API_KEY;
  const mark = own ? { ownKey: true } : {};
  if (provider === "workers-ai") {
    const ai = (env as unknown as { AI?: Ai }).AI;
    return { id, provider, model, create: () => {
      if (!ai) throw new UserFacingError("LLM_PROVIDER=workers-ai needs the Workers AI binding: add [ai] binding = \"AI\" to wrangler.toml (it is remote-only in wrangler dev).");
      return createWorkersAI({ binding: ai })(model);
    } };
  }
  if (provider === "openai" || provider === "anthropic") return { id, provider, model, ...mark, create: () => sdkModel(provider, model, key, config.LLM_BASE_URL) };
  if (preset) {
    const baseURL = config.LLM_BASE_URL ?? preset.baseURL;
    if (!baseURL) throw new UserFacingError("LLM_BASE_URL is required for LLM_PROVIDER=openai-compatible (e.g. http://127.0.0.1:11434/v1).");
    return { id, provider, model, ...mark, create: () => sdkModel(provider, model, key, baseURL) };
  }
  throw new UserFacingError(`LLM_PROVIDER=${provider} is not known. Use one of: workers-ai, openai, anthropic, ${Object.keys(COMPATIBLE).join(", ")}.`);
}

/** The AI SDK model of a keyed provider (openai, anthropic or an OpenAI-compatible service). */
function sdkModel(provider: string, model: string, key: string | undefined, baseURL: string | undefined): LanguageModel {
  const base = baseURL ? { baseURL } : {};
  if (provider === "openai") return createOpenAI({ apiKey: needKey(key, provider), ...base })(model);
  if (provider === "anthropic") return createAnthropic({ apiKey: needKey(key, provider), ...base })(model);
  return createOpenAICompatible({ name: provider, baseURL: baseURL ?? "", ...(key ? { apiKey: key } : {}) })(model);
}

function needKey(key: string | undefined, provider: string): string {
  if (!key) throw new UserFacingError(`LLM_API_KEY is required for LLM_PROVIDER=${provider}.`);
  return key;
}
