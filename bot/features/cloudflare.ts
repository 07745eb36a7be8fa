/**
 * `/cloudflare <subcommand>`: the account commands. `whoami` asks Cloudflare who the requester's
 * token is (their connected token from /connect, else the deployment's) and what it reaches.
 * Failures a person can fix (no token, refused or expired token, Cloudflare unreachable) are
 * answered in the chat; nothing here ever shows a token, only a connected token's last 4 characters.
 */
import { FormattedString as F, fmt, type FormattedString } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { CloudflareApiError, createCloudflareClient, DEFAULT_TIMEOUT_MS, isWellFormedToken, whoami, type RetryPolicy, type WhoAmI } from "../../skills/cloudflare/api/index.ts";
import { TokenVaultError, type UserToken } from "../../skills/cloudflare/byok/index.ts";
import type { Config } from "../../core/config.ts";
import { isoDay } from "../format/dates.ts";
import { TOKENS_PAGE } from "./copy.ts";


/** Client settings for the feature (tests shorten the timeout). */
export interface CloudflareFeatureOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  /** The requester's connected token (/connect), when they have one; it takes precedence over the deployment's. */
  userToken?: (userId: number) => Promise<UserToken | undefined>;
}

/** Whose token a command used: the requester's connected one, or the deployment's. */
type TokenSource = { kind: "user"; last4: string } | { kind: "bot" };

/** The /cloudflare feature, bound to the deployment's token and API base. */
export function createCloudflareFeature(
  config: Pick<Config, "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_API_BASE">,
  options: CloudflareFeatureOptions = {},
): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("cloudflare", async (ctx) => {
    const sub = ctx.match.trim().split(/\s+/)[0] ?? "";
    const text = sub === "whoami" ? await whoamiFor(ctx.from?.id, config, options)
      : sub === "" || sub === "help" ? usage()
      : fmt`I don't know ${F.code(`/cloudflare ${sub}`)}.

${usage()}`;
    await ctx.say(text);
  });
  return feature;
}

function usage(): FormattedString {
  return fmt`${F.bold("/cloudflare")} — your Cloudflare account
/cloudflare whoami — who the API token belongs to and what it reaches
/cloudflare run <js> — run JavaScript against the Cloudflare API (writes ask first)`;
}

/** Picks the requester's connected token when they have one, else the deployment's. */
async function whoamiFor(userId: number | undefined, config: Pick<Config, "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_API_BASE">, options: CloudflareFeatureOptions): Promise<FormattedString> {
  let own: UserToken | undefined;
  try {
    own = userId !== undefined && options.userToken ? await options.userToken(userId) : undefined;
  } catch (error) {
    if (!(error instanceof TokenVaultError)) throw error;
    return fmt`Your connected token cannot be used. ${error.message}`;
  }
  if (own) return whoamiText(own.token, { kind: "user", last4: own.last4 }, config, options);
  const token = config.CLOUDFLARE_API_TOKEN;
  if (!token) {
    return fmt`No Cloudflare API token is configured. Set ${F.code("CLOUDFLARE_API_TOKEN")} (in .dev.vars locally, or with ${F.code("wrangler secret put CLOUDFLARE_API_TOKEN")} when deployed), then try again.`;
  }
  return whoamiText(token, { kind: "bot" }, config, options);
}

async function whoamiText(token: string, source: TokenSource, config: Pick<Config, "CLOUDFLARE_API_BASE">, options: CloudflareFeatureOptions): Promise<FormattedString> {
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
    return failureText(error, source, config.CLOUDFLARE_API_BASE, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }
  if (info.token.status !== "active") return inactiveText(info, source);
  return summaryText(info, source);
}

function summaryText(info: WhoAmI, source: TokenSource): FormattedString {
  const owner = info.user
    ? fmt`${F.bold("Belongs to:")} ${info.user.email}`
    : fmt`${F.bold("Belongs to:")} token ${F.code(info.token.id)} (it may not read your user details)`;
  const expiry = info.token.expiresOn ? `expires ${isoDay(info.token.expiresOn)}` : "no expiry";
  const accounts = info.accounts ?? [];
  const accountLines = accounts.length === 0
    ? [fmt`• none this token can list`]
    : accounts.map((a) => fmt`• ${a.name} — ${F.code(a.id)}`);
  const zones = info.zones
    ? fmt`${F.bold("Zones:")} ${String(info.zones.total)}${info.zones.names.length > 0 ? ` — ${info.zones.names.slice(0, 5).join(", ")}${info.zones.total > 5 ? ", …" : ""}` : ""}`
    : fmt`${F.bold("Zones:")} this token may not list zones`;
  return F.join([
    fmt`${F.bold("Cloudflare API token")} — ${source.kind === "user" ? fmt`your connected token ${F.code(`…${source.last4}`)}` : "the bot's token"}`,
    owner,
    fmt`${F.bold("Token:")} ${F.code(info.token.id)} · ${info.token.status} · ${expiry}`,
    fmt`${F.bold(`Accounts (${accounts.length}):`)}`,
    ...accountLines,
    zones,
  ], "\n");
}

function inactiveText(info: WhoAmI, source: TokenSource): FormattedString {
  const when = info.token.expiresOn ? ` on ${isoDay(info.token.expiresOn)}` : "";
  const state = info.token.status === "expired" ? `expired${when}` : `is ${info.token.status}`;
  return source.kind === "user"
    ? fmt`Your connected token ${F.code(`…${source.last4}`)} (${F.code(info.token.id)}) ${state}, so Cloudflare refuses it. Roll it or create a new one at ${TOKENS_PAGE} and ${"/connect"} it, or ${"/disconnect"} to use the bot's token.`
    : fmt`The Cloudflare API token (${F.code(info.token.id)}) ${state}, so Cloudflare refuses it. Roll it or create a new one at ${TOKENS_PAGE}, then set ${F.code("CLOUDFLARE_API_TOKEN")}.`;
}

function refusedText(why: string, source: TokenSource): FormattedString {
  return source.kind === "user"
    ? fmt`Cloudflare refused your connected token ${F.code(`…${source.last4}`)}: ${why}. Create a token at ${TOKENS_PAGE} and ${"/connect"} it, or ${"/disconnect"} to use the bot's token.`
    : fmt`Cloudflare refused the API token: ${why}. Create a token at ${TOKENS_PAGE} and set ${F.code("CLOUDFLARE_API_TOKEN")} to it.`;
}

function failureText(error: CloudflareApiError, source: TokenSource, apiBase: string, timeoutMs: number): FormattedString {
  if (error.isAuthError) {
    const says = error.errors.map((e) => (e.code !== undefined ? `${e.message} (code ${e.code})` : e.message)).join("; ");
    return refusedText(says || `HTTP ${error.status}`, source);
  }
  if (error.reason === "timeout") {
    return fmt`Cloudflare did not answer within ${String(Math.round(timeoutMs / 100) / 10)} s. Try ${F.code("/cloudflare whoami")} again in a minute.`;
  }
  if (error.reason === "network") {
    return fmt`I could not reach the Cloudflare API at ${new URL(apiBase).host}. Check ${F.code("CLOUDFLARE_API_BASE")} and the network, then try again.`;
  }
  return fmt`${F.bold("Cloudflare API error.")} ${error.message}`;
}

