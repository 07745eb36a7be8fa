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
 * Deep Mode's strong model is configured the same way with `LLM_STRONG_*` (its key defaults to
 * LLM_API_KEY when both use one provider); a registered model marked `strong` stands in when
 * `LLM_STRONG_PROVIDER` is unset.
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
let registeredStrong: string | undefined;

/** Offers an extra model (for example a local scripted one) under `id`; `strong` makes it Deep Mode's strong model when LLM_STRONG_* is unset. */
export function registerModel(id: string, create: () => LanguageModel, options: { strong?: boolean } = {}): void {
  registered.set(id, { id, provider: id.split(":")[0] ?? id, model: id.split(":")[1] ?? id, create });
  if (options.strong) registeredStrong = id;
}

/** Deep Mode's strong model (`LLM_STRONG_*`), built with the requester's own key for its provider when they have one; undefined when none is set. */
export function strongModel(config: Config, env: Env, keys?: UserModelKeys): ModelChoice | undefined {
  const provider = config.LLM_STRONG_PROVIDER?.toLowerCase();
  if (!provider) return registeredStrong ? registered.get(registeredStrong) : undefined;
  const sameProvider = provider === config.LLM_PROVIDER?.toLowerCase();
  return modelFromSettings({ provider, model: config.LLM_STRONG_MODEL, key: config.LLM_STRONG_API_KEY ?? (sameProvider ? config.LLM_API_KEY : undefined),
    baseURL: config.LLM_STRONG_BASE_URL ?? (sameProvider ? config.LLM_BASE_URL : undefined), prefix: "LLM_STRONG" }, env, keys);
}

/**
 * Every model this deployment can use: the configured one, Workers AI when bound, registered ones,
 * then the requester's own-key models when `keys` is given (appended, so shared choices keep their place).
 */
export function availableModels(config: Config, env: Env, keys?: UserModelKeys): ModelChoice[] {
  const choices: ModelChoice[] = [];
  const configured = configuredModel(config, env, keys);
  if (configured) choices.push(configured);
  const strong = config.LLM_STRONG_PROVIDER ? strongModel(config, env, keys) : undefined;
  // Listed to pick by hand, never preferred on its own (even when built with the person's own key): it is the expensive one.
  if (strong && strong.id !== configured?.id) choices.push({ id: strong.id, provider: strong.provider, model: strong.model, create: strong.create });
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
  return modelFromSettings({ provider, model: config.LLM_MODEL, key: config.LLM_API_KEY, baseURL: config.LLM_BASE_URL, prefix: "LLM" }, env, keys);
}

/** A model from one set of settings (`LLM_*` or `LLM_STRONG_*`; `prefix` names them in errors). */
function modelFromSettings(s: { provider: string; model: string | undefined; key: string | undefined; baseURL: string | undefined; prefix: string }, env: Env, keys: UserModelKeys | undefined): ModelChoice {
  const { provider, prefix } = s;
  const preset = COMPATIBLE[provider];
  const model = s.model ?? DEFAULT_MODELS[provider] ?? preset?.model;
  if (!model) throw new UserFacingError(`${prefix}_MODEL is required for ${prefix}_PROVIDER=${provider}.`);
  const id = `${provider}:${model}`;
  // The person's own key for this provider takes precedence over the deployment's.
  const own = keys?.[provider];
  const key = own ?? s.key;
  const mark = own ? { ownKey: true } : {};
  if (provider === "workers-ai") {
    const ai = (env as unknown as { AI?: Ai }).AI;
    return { id, provider, model, create: () => {
      if (!ai) throw new UserFacingError(`${prefix}_PROVIDER=workers-ai needs the Workers AI binding: add [ai] binding = \"AI\" to wrangler.toml (it is remote-only in wrangler dev).`);
      return createWorkersAI({ binding: ai })(model);
    } };
  }
  if (provider === "openai" || provider === "anthropic") return { id, provider, model, ...mark, create: () => sdkModel(provider, model, key, s.baseURL, prefix) };
  if (preset) {
    const baseURL = s.baseURL ?? preset.baseURL;
    if (!baseURL) throw new UserFacingError(`${prefix}_BASE_URL is required for ${prefix}_PROVIDER=openai-compatible (e.g. http://127.0.0.1:11434/v1).`);
    return { id, provider, model, ...mark, create: () => sdkModel(provider, model, key, baseURL, prefix) };
  }
  throw new UserFacingError(`${prefix}_PROVIDER=${provider} is not known. Use one of: workers-ai, openai, anthropic, ${Object.keys(COMPATIBLE).join(", ")}.`);
}

/** The AI SDK model of a keyed provider (openai, anthropic or an OpenAI-compatible service). */
function sdkModel(provider: string, model: string, key: string | undefined, baseURL: string | undefined, prefix = "LLM"): LanguageModel {
  const base = baseURL ? { baseURL } : {};
  if (provider === "openai") return createOpenAI({ apiKey: needKey(key, provider, prefix), ...base })(model);
  if (provider === "anthropic") return createAnthropic({ apiKey: needKey(key, provider, prefix), ...base })(model);
  // includeUsage: a streamed answer reports its tokens only when asked (`stream_options.include_usage`); limits and footers need them.
  return createOpenAICompatible({ name: provider, baseURL: baseURL ?? "", includeUsage: true, ...(key ? { apiKey: key } : {}) })(model);
}

function needKey(key: string | undefined, provider: string, prefix: string): string {
  if (!key) throw new UserFacingError(`${prefix}_API_KEY is required for ${prefix}_PROVIDER=${provider}.`);
  return key;
}
