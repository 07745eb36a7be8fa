/** Doctor's lines for the Worker's /health, the Cloudflare tokens, the model provider and D1 migrations. */
import { z } from "zod";
import { fetchHealth } from "../setup/checks.ts";
import type { FetchLike } from "../setup/telegram-client.ts";
import type { Wrangler } from "../setup/wrangler.ts";
import type { DoctorLine } from "./doctor-line.ts";

/** GET <worker>/health. */
export async function checkHealth(fetch: FetchLike, workerUrl: string | undefined): Promise<DoctorLine> {
  const check = "health";
  if (!workerUrl) return { check, verdict: "skip", detail: "no Worker URL known", fix: "npm run setup, or npm run doctor -- --url https://…" };
  const health = await fetchHealth(fetch, workerUrl);
  if (!health.reachable) return { check, verdict: "fail", detail: `${workerUrl}/health unreachable (${health.error})`, fix: "npm run deploy" };
  if (!health.ok) {
    return { check, verdict: "fail", detail: `${workerUrl}/health answers ${health.status}${health.missing.length ? `: missing or invalid ${health.missing.join(", ")}` : ""}`,
      fix: health.missing.length ? `npx wrangler secret put ${health.missing[0]} --config wrangler.deploy.toml (or npm run setup)` : "npx wrangler tail" };
  }
  return { check, verdict: "ok", detail: `${workerUrl}/health ok${health.version ? `, version ${health.version}` : ""}` };
}

const envelope = z.object({ success: z.boolean(), result: z.unknown().optional(), errors: z.array(z.object({ code: z.number(), message: z.string() })).default([]) });
const policies = z.object({ policies: z.array(z.object({ effect: z.string().optional(), permission_groups: z.array(z.object({ name: z.string().optional(), id: z.string() })) })) });

/** Verifies a Cloudflare API token (GET /user/tokens/verify) and, when the token may read itself, lists its permissions. */
export async function checkCloudflareToken(fetch: FetchLike, apiBase: string, label: string, token: string | undefined): Promise<DoctorLine> {
  const check = label;
  if (!token) return { check, verdict: "skip", detail: "not set here, so not verified" };
  const get = async (path: string) => {
    const response = await fetch(`${apiBase}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: envelope.safeParse(await response.json().catch(() => undefined)) };
  };
  let verify;
  try {
    verify = await get("/user/tokens/verify");
  } catch (error) {
    return { check, verdict: "fail", detail: `Cloudflare API unreachable (${error instanceof Error ? error.message : String(error)})`, fix: "check your network" };
  }
  const result = verify.body.success ? z.object({ id: z.string(), status: z.string(), expires_on: z.string().optional() }).safeParse(verify.body.data.result) : undefined;
  if (!result?.success) {
    const why = verify.body.success ? verify.body.data.errors.map((e) => e.message).join("; ") : `HTTP ${verify.status}`;
    return { check, verdict: "fail", detail: `token refused: ${why || `HTTP ${verify.status}`}`, fix: "create a new token (docs/deploy.md: token recipe)" };
  }
  if (result.data.status !== "active") return { check, verdict: "fail", detail: `token is ${result.data.status}${result.data.expires_on ? ` (expires_on ${result.data.expires_on})` : ""}`, fix: "roll or recreate it in the dashboard (My Profile → API Tokens)" };
  const detail = await get(`/user/tokens/${result.data.id}`).catch(() => undefined);
  const parsed = detail?.body.success ? policies.safeParse(detail.body.data.result) : undefined;
  if (parsed?.success) {
    const names = [...new Set(parsed.data.policies.flatMap((p) => p.permission_groups.map((g) => g.name ?? g.id)))];
    return { check, verdict: "ok", detail: `active · permissions: ${names.join(", ") || "none"}` };
  }
  return { check, verdict: "ok", detail: "active · permissions not readable with this token (that needs User → API Tokens → Read); see them in the dashboard" };
}

/** Where each provider lists its models (a cheap authenticated GET). */
const MODELS_URL: Record<string, string> = {
  openai: "https://api.openai.com/v1/models",
  anthropic: "https://api.anthropic.com/v1/models",
  groq: "https://api.groq.com/openai/v1/models",
  deepseek: "https://api.deepseek.com/models",
  openrouter: "https://openrouter.ai/api/v1/models",
};

/** Whether the configured model provider answers (and accepts the key, when one is given here). */
export async function checkLlm(fetch: FetchLike, llm: { provider?: string | undefined; baseUrl?: string | undefined; apiKey?: string | undefined }): Promise<DoctorLine> {
  const check = "model";
  if (!llm.provider) return { check, verdict: "ok", detail: "not configured (optional): /cloudflare run and the commands work without it" };
  if (llm.provider === "workers-ai") return { check, verdict: "ok", detail: "workers-ai: runs through the Worker's AI binding, nothing to reach from here" };
  const url = llm.provider === "openai-compatible" ? (llm.baseUrl ? `${llm.baseUrl.replace(/\/+$/, "")}/models` : undefined) : MODELS_URL[llm.provider];
  if (!url) return { check, verdict: "fail", detail: `LLM_PROVIDER=${llm.provider} is not known${llm.provider === "openai-compatible" ? " without LLM_BASE_URL" : ""}`, fix: "npm run setup -- --llm-provider … (see docs/deploy.md)" };
  const headers: Record<string, string> = llm.apiKey
    ? (llm.provider === "anthropic" ? { "x-api-key": llm.apiKey, "anthropic-version": "2023-06-01" } : { authorization: `Bearer ${llm.apiKey}` })
    : {};
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (!llm.apiKey) return { check, verdict: "ok", detail: `${llm.provider} reachable (HTTP ${response.status}); key not checked: run with LLM_API_KEY=… to check it` };
    if (response.status === 401 || response.status === 403) return { check, verdict: "fail", detail: `${llm.provider} refuses the key (HTTP ${response.status})`, fix: "set a valid key: LLM_API_KEY=… npm run setup" };
    return { check, verdict: response.ok ? "ok" : "warn", detail: `${llm.provider} reachable, HTTP ${response.status}` };
  } catch (error) {
    return { check, verdict: "fail", detail: `${llm.provider} unreachable at ${new URL(url).origin} (${error instanceof Error ? error.message : String(error)})`, fix: "check LLM_BASE_URL / the provider's status" };
  }
}

/** Whether every migration is applied to the remote database. */
export async function checkMigrations(wrangler: Wrangler, config: string | undefined): Promise<DoctorLine> {
  const check = "migrations";
  if (!config) return { check, verdict: "skip", detail: "no deploy config (wrangler.deploy.toml)", fix: "npm run setup" };
  try {
    const pending = await wrangler.unappliedMigrations(config);
    if (pending.length === 0) return { check, verdict: "ok", detail: "all D1 migrations applied (remote)" };
    return { check, verdict: "fail", detail: `${pending.length} not applied: ${pending.join(", ")}`, fix: "npm run deploy (applies migrations first)" };
  } catch (error) {
    return { check, verdict: "fail", detail: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "wrangler failed", fix: "npx wrangler login, then npm run doctor" };
  }
}
