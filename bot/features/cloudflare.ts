/**
 * `/cloudflare <subcommand>`: the account commands. `whoami` asks Cloudflare who the deployment's
 * token is and what it reaches. Failures a person can fix (no token, refused or expired token,
 * Cloudflare unreachable) are answered in the chat; nothing here ever shows the token itself.
 */
import { FormattedString as F, fmt, type FormattedString } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import { CloudflareApiError, createCloudflareClient, DEFAULT_TIMEOUT_MS, isWellFormedToken, whoami, type RetryPolicy, type WhoAmI } from "../../skills/cloudflare/api/index.ts";
import type { Config } from "../config.ts";
import { sendLong } from "../format/send.ts";

const TOKENS_PAGE = "https://dash.cloudflare.com/profile/api-tokens";

/** Client settings for the feature (tests shorten the timeout). */
export interface CloudflareFeatureOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
}

/** The /cloudflare feature, bound to the deployment's token and API base. */
export function createCloudflareFeature(
  config: Pick<Config, "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_API_BASE">,
  options: CloudflareFeatureOptions = {},
): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command("cloudflare", async (ctx) => {
    const sub = ctx.match.trim().split(/\s+/)[0] ?? "";
    const text = sub === "whoami" ? await whoamiText(config, options)
      : sub === "" || sub === "help" ? usage()
      : fmt`${F.code(sub)} is not available yet: the Cloudflare API connector is still being built.

${usage()}`;
    await sendLong(ctx.api, ctx.chat.id, text);
  });
  return feature;
}

function usage(): FormattedString {
  return fmt`${F.bold("/cloudflare")} — your Cloudflare account
${F.code("/cloudflare whoami")} — who the API token belongs to and what it reaches
${F.code("/cloudflare run <js>")} — run JavaScript against the Cloudflare API (writes ask first)`;
}

async function whoamiText(config: Pick<Config, "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_API_BASE">, options: CloudflareFeatureOptions): Promise<FormattedString> {
  const token = config.CLOUDFLARE_API_TOKEN;
  if (!token) {
    return fmt`No Cloudflare API token is configured. Set ${F.code("CLOUDFLARE_API_TOKEN")} (in .dev.vars locally, or with ${F.code("wrangler secret put CLOUDFLARE_API_TOKEN")} when deployed), then try again.`;
  }
  if (!isWellFormedToken(token)) {
    return fmt`The configured ${F.code("CLOUDFLARE_API_TOKEN")} is not a well-formed API token (letters, digits, - and _ only). Copy it again from ${TOKENS_PAGE}.`;
  }
  let info: WhoAmI;
  try {
    const client = createCloudflareClient({ token, baseUrl: config.CLOUDFLARE_API_BASE,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
    info = await whoami(client);
  } catch (error) {
    if (!(error instanceof CloudflareApiError)) throw error;
    return failureText(error, config.CLOUDFLARE_API_BASE, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }
  if (info.token.status !== "active") return inactiveText(info);
  return summaryText(info);
}

function summaryText(info: WhoAmI): FormattedString {
  const owner = info.user
    ? fmt`${F.bold("Belongs to:")} ${info.user.email}`
    : fmt`${F.bold("Belongs to:")} token ${F.code(info.token.id)} (it may not read your user details)`;
  const expiry = info.token.expiresOn ? `expires ${day(info.token.expiresOn)}` : "no expiry";
  const accounts = info.accounts ?? [];
  const accountLines = accounts.length === 0
    ? [fmt`• none this token can list`]
    : accounts.map((a) => fmt`• ${a.name} — ${F.code(a.id)}`);
  const zones = info.zones
    ? fmt`${F.bold("Zones:")} ${String(info.zones.total)}${info.zones.names.length > 0 ? ` — ${info.zones.names.slice(0, 5).join(", ")}${info.zones.total > 5 ? ", …" : ""}` : ""}`
    : fmt`${F.bold("Zones:")} this token may not list zones`;
  return F.join([
    fmt`${F.bold("Cloudflare API token")}`,
    owner,
    fmt`${F.bold("Token:")} ${F.code(info.token.id)} · ${info.token.status} · ${expiry}`,
    fmt`${F.bold(`Accounts (${accounts.length}):`)}`,
    ...accountLines,
    zones,
  ], "\n");
}

function inactiveText(info: WhoAmI): FormattedString {
  const when = info.token.expiresOn ? ` on ${day(info.token.expiresOn)}` : "";
  const state = info.token.status === "expired" ? `expired${when}` : `is ${info.token.status}`;
  return fmt`The Cloudflare API token (${F.code(info.token.id)}) ${state}, so Cloudflare refuses it. Roll it or create a new one at ${TOKENS_PAGE}, then set ${F.code("CLOUDFLARE_API_TOKEN")}.`;
}

function refusedText(why: string): FormattedString {
  return fmt`Cloudflare refused the API token: ${why}. Create a token at ${TOKENS_PAGE} and set ${F.code("CLOUDFLARE_API_TOKEN")} to it.`;
}

function failureText(error: CloudflareApiError, apiBase: string, timeoutMs: number): FormattedString {
  if (error.isAuthError) {
    const says = error.errors.map((e) => (e.code !== undefined ? `${e.message} (code ${e.code})` : e.message)).join("; ");
    return refusedText(says || `HTTP ${error.status}`);
  }
  if (error.reason === "timeout") {
    return fmt`Cloudflare did not answer within ${String(Math.round(timeoutMs / 100) / 10)} s. Try ${F.code("/cloudflare whoami")} again in a minute.`;
  }
  if (error.reason === "network") {
    return fmt`I could not reach the Cloudflare API at ${new URL(apiBase).host}. Check ${F.code("CLOUDFLARE_API_BASE")} and the network, then try again.`;
  }
  return fmt`${F.bold("Cloudflare API error.")} ${error.message}`;
}

/** An ISO timestamp's day (YYYY-MM-DD), unambiguous in every locale. */
function day(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}
