/**
 * Workers scripts and the workers.dev subdomain. Uploads are the real multipart format: a
 * `metadata` part (JSON with `main_module`, `bindings`, `compatibility_date`, …) plus one part per
 * module, named by its file name. Downloads answer with the modules as multipart, as the API does.
 */
import { ApiFailure, badRequest, ok, timestamp } from "../envelope.ts";
import { accountOf, route, type Route, type RouteContext } from "../router.ts";
import type { WorkerScript } from "../seed.ts";

/** Routes for /accounts/{account_id}/workers/... */
export const workerRoutes: Route[] = [
  route("GET", "/accounts/:account_id/workers/scripts", (ctx) => {
    const account = accountOf(ctx);
    return ok([...ctx.state.workers.values()].filter((w) => w.accountId === account).map((w) => w.row));
  }),
  route("GET", "/accounts/:account_id/workers/scripts/:script_name", (ctx) => {
    const script = scriptOf(ctx);
    const form = new FormData();
    for (const module of script.modules) form.append(module.name, new Blob([module.content], { type: module.type }), module.name);
    return new Response(form, { status: 200 });
  }),
  route("GET", "/accounts/:account_id/workers/scripts/:script_name/settings", (ctx) => {
    const script = scriptOf(ctx);
    return ok({ bindings: script.bindings, compatibility_date: script.compatibilityDate, compatibility_flags: script.compatibilityFlags,
      logpush: false, placement: {}, tags: [], tail_consumers: [], usage_model: "standard", observability: { enabled: false } });
  }),
  route("PUT", "/accounts/:account_id/workers/scripts/:script_name", (ctx) => upload(ctx)),
  route("DELETE", "/accounts/:account_id/workers/scripts/:script_name", (ctx) => {
    const script = scriptOf(ctx);
    ctx.state.workers.delete(`${script.accountId}/${script.name}`);
    return ok(null);
  }),
  route("GET", "/accounts/:account_id/workers/subdomain", (ctx) => {
    const subdomain = ctx.state.subdomains.get(accountOf(ctx));
    if (!subdomain) throw new ApiFailure(404, [{ code: 10007, message: "This account does not have a workers.dev subdomain." }]);
    return ok({ subdomain });
  }),
];

function scriptOf(ctx: RouteContext): WorkerScript {
  const account = accountOf(ctx);
  const script = ctx.state.workers.get(`${account}/${ctx.params.script_name ?? ""}`);
  if (!script) throw new ApiFailure(404, [{ code: 10007, message: "This Worker does not exist on your account." }]);
  return script;
}

async function upload(ctx: RouteContext): Promise<Response> {
  const account = accountOf(ctx);
  const name = ctx.params.script_name ?? "";
  if (!/^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$/.test(name)) throw badRequest(10016, "Invalid Worker name: use lowercase letters, digits, - and _ (at most 64).");
  if (!(ctx.request.headers.get("content-type") ?? "").includes("multipart/form-data")) {
    throw new ApiFailure(415, [{ code: 10001, message: "Content-Type must be multipart/form-data for a module Worker upload." }]);
  }
  const form = await ctx.request.formData();
  const metadata = await parseMetadata(form.get("metadata"));
  const modules: WorkerScript["modules"] = [];
  for (const [field, value] of form) {
    if (field === "metadata" || typeof value === "string") continue;
    modules.push({ name: value.name || field, type: value.type || "application/javascript+module", content: await value.text() });
  }
  const main = modules.find((m) => m.name === metadata.main_module);
  if (!main) throw badRequest(10021, `Uncaught Error: No such module "${metadata.main_module}".`);
  checkBindings(ctx, account, metadata.bindings);
  const key = `${account}/${name}`;
  const previous = ctx.state.workers.get(key);
  const now = timestamp();
  const row = { ...(previous?.row ?? {}), id: name, tag: previous?.row.tag ?? crypto.randomUUID().replaceAll("-", ""),
    etag: await sha256(modules.map((m) => m.content).join("\n")), handlers: handlersOf(main.content), named_handlers: [],
    created_on: previous?.row.created_on ?? now, modified_on: now, usage_model: "standard", compatibility_date: metadata.compatibility_date,
    compatibility_flags: metadata.compatibility_flags, has_assets: false, has_modules: true, logpush: false, startup_time_ms: 3 };
  ctx.state.workers.set(key, { accountId: account, name, row, modules, mainModule: main.name, bindings: metadata.bindings,
    compatibilityDate: metadata.compatibility_date, compatibilityFlags: metadata.compatibility_flags });
  return ok(row);
}

/** The metadata part arrives as a plain field or (as wrangler sends it) a JSON blob. */
async function parseMetadata(part: string | File | null): Promise<{ main_module: string; bindings: unknown[]; compatibility_date: string; compatibility_flags: string[] }> {
  if (part === null) throw badRequest(10021, "Missing the metadata part of the upload.");
  let value: unknown;
  try {
    value = JSON.parse(typeof part === "string" ? part : await part.text());
  } catch {
    throw badRequest(10021, "The metadata part is not valid JSON.");
  }
  if (!value || typeof value !== "object") throw badRequest(10021, "The metadata part is not valid JSON.");
  const m = value as Record<string, unknown>;
  if (typeof m.main_module !== "string") {
    throw badRequest(10021, typeof m.body_part === "string" ? "Service-worker uploads are not supported by the emulator; use main_module." : "metadata.main_module is required.");
  }
  return { main_module: m.main_module, bindings: Array.isArray(m.bindings) ? m.bindings : [],
    compatibility_date: typeof m.compatibility_date === "string" ? m.compatibility_date : "2024-01-01",
    compatibility_flags: Array.isArray(m.compatibility_flags) ? m.compatibility_flags.map(String) : [] };
}

/**
 * Bindings must name resources that exist, as the real API checks at upload (the error codes
 * here are approximations). Only the kinds the demo account has are checked.
 */
function checkBindings(ctx: RouteContext, account: string, bindings: unknown[]): void {
  for (const raw of bindings) {
    const binding = (raw ?? {}) as Record<string, unknown>;
    if (typeof binding.name !== "string" || typeof binding.type !== "string") throw badRequest(10021, "Each binding needs a name and a type.");
    if (binding.type === "r2_bucket" && !ctx.state.r2Buckets.has(`${account}/${String(binding.bucket_name)}`)) {
      throw badRequest(10085, `Binding "${binding.name}" references R2 bucket "${String(binding.bucket_name)}", which does not exist in this account.`);
    }
    if (binding.type === "kv_namespace" && ctx.state.kv.get(String(binding.namespace_id))?.accountId !== account) {
      throw badRequest(10041, `Binding "${binding.name}" references KV namespace "${String(binding.namespace_id)}", which does not exist in this account.`);
    }
  }
}

function handlersOf(source: string): string[] {
  return ["fetch", "scheduled", "queue", "email", "tail"].filter((h) => new RegExp(`\\b${h}\\s*\\(|\\b${h}\\s*:`).test(source));
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
