/**
 * `/connect` and `/disconnect`: a person's own Cloudflare API token (bring your own key), and the
 * "awaiting a secret" mechanism that `/key <provider>` (llm-keys.ts) shares.
 *
 * `/connect` (private chats only) remembers "awaiting a secret of kind K from user X" in the chat's
 * Durable Object storage for 10 minutes (`awaitSecret`); the person's next message is the secret.
 * That message is deleted at once, whatever happens next, and handed to the kind's handler: for
 * `cloudflare-token` it is checked with Cloudflare and, when active, stored encrypted in D1
 * (skills/cloudflare/byok/); `llm-key:<provider>` goes to `deps.secrets["llm-key"]`. `/cancel` or
 * any other command ends the wait.
 *
 * Invariants: the secret never appears in a message, a log line or an error text (every error text
 * is redacted before use). The token message is deleted before the wait is cleared, so an attempt
 * cut short in between is retried as a token message, never passed on; once the wait is cleared
 * the token is consumed, and a failure afterwards is reported, never retried: a retried update
 * would hand the token message to the features after this one.
 */
import { FormattedString as F, fmt, type FormattedString } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { z } from "zod";
import { CloudflareApiError, createCloudflareClient, isWellFormedToken, redact, type CloudflareClientOptions } from "../../skills/cloudflare/api/index.ts";
import { deleteUserToken, importVaultKey, saveUserToken, storedTokenOf, TokenVaultError, verifyToken } from "../../skills/cloudflare/byok/index.ts";
import type { Config } from "../../core/config.ts";
import { describeError } from "../../core/errors.ts";
import { isoDay } from "../format/dates.ts";
import { TOKENS_PAGE } from "./copy.ts";

/** How long `/connect` and `/key <provider>` wait for the secret message. */
export const AWAITING_TOKEN_MS = 10 * 60_000;

/** The storage the waiting state lives in (the chat's Durable Object storage). */
export type AwaitingStorage = Pick<DurableObjectStorage, "get" | "put" | "delete">;

/** What an awaited secret message is: a Cloudflare token (`/connect`) or a model API key (`/key <provider>`). */
export type AwaitingKind = "cloudflare-token" | `llm-key:${string}`;

/** Handles an awaited secret of one kind; returns what to tell the person. Never throws, never includes the secret. */
export type SecretHandler = (userId: number, secret: string, kind: AwaitingKind) => Promise<FormattedString>;

/** What the connect feature needs. */
export interface ConnectFeatureDeps {
  config: Pick<Config, "ENCRYPTION_KEY" | "CLOUDFLARE_API_TOKEN" | "CLOUDFLARE_API_BASE">;
  db: D1Database;
  storage: AwaitingStorage;
  /** Client settings for the verify call (tests shorten timeouts and retries). */
  client?: Pick<CloudflareClientOptions, "fetch" | "timeoutMs" | "retry">;
  /** Handlers of the other secret kinds, by prefix (e.g. `llm-key` for `/key <provider>`). */
  secrets?: { "llm-key"?: SecretHandler };
}

const kindSchema = z.custom<AwaitingKind>((v) => typeof v === "string" && (v === "cloudflare-token" || /^llm-key:[a-z-]+$/.test(v)));
// A wait stored before kinds existed is a /connect wait.
const awaitingSchema = z.object({ until: z.number(), kind: kindSchema.default("cloudflare-token") });
const awaitingKey = (userId: number) => `connect:awaiting:${userId}`;

/** Makes `userId`'s next message in this chat the secret of `kind` (for `AWAITING_TOKEN_MS`). */
export async function awaitSecret(storage: AwaitingStorage, userId: number, kind: AwaitingKind): Promise<void> {
  await storage.put(awaitingKey(userId), { until: Date.now() + AWAITING_TOKEN_MS, kind });
}

/** The /connect, /disconnect and /cancel feature; install it before every other text feature. */
export function createConnectFeature(deps: ConnectFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const { storage } = deps;

  // The token message must reach nothing else: this runs first, for every message.
  feature.chatType("private").on("message", async (ctx, next) => {
    const userId = ctx.from.id;
    const kind = await awaitingKind(storage, userId);
    if (!kind) return next();
    const noun = kind === "cloudflare-token" ? "token" : "key";
    const text = ctx.message.text ?? ctx.message.caption;
    if (ctx.message.text?.startsWith("/")) {
      await storage.delete(awaitingKey(userId));
      if (/^\/cancel(@\w+)?$/i.test(ctx.message.text.split(/\s/)[0] ?? "")) {
        await ctx.say(fmt`Cancelled: no ${noun} was stored.`);
        return;
      }
      return next();
    }
    // Delete first: if this attempt dies here, the retry still finds the wait and handles the message again.
    const deleted = await ctx.api.deleteMessage(ctx.chat.id, ctx.message.message_id).then(() => true, (error: unknown) => {
      if (/message to delete not found/i.test(String(error))) return true; // a retried attempt already deleted it
      console.warn(JSON.stringify({ level: "warn", event: "connect_delete_failed", chat_id: ctx.chat.id, user_id: userId, error: text ? redact(describeError(error), text.trim()) : describeError(error) }));
      return false;
    });
    await storage.delete(awaitingKey(userId));
    const again = kind === "cloudflare-token" ? "/connect" : `/key ${kind.slice("llm-key:".length)}`;
    let reply = text === undefined
      ? fmt`That was not a text message, so nothing was stored. Send ${F.code(again)} again and paste the ${noun} as text.`
      : await handleSecret(deps, kind, userId, text.trim());
    reply = deleted
      ? fmt`${reply}\n${F.italic(`I deleted your message so the ${noun} does not stay in this chat.`)}`
      : fmt`${reply}\n⚠️ I could not delete your message: delete it yourself so the ${noun} does not stay in this chat.`;
    await ctx.say(reply).catch((error: unknown) => {
      console.error(JSON.stringify({ level: "error", event: "connect_reply_failed", chat_id: ctx.chat.id, user_id: userId, error: text ? redact(describeError(error), text.trim()) : describeError(error) }));
    });
  });

  feature.chatType(["group", "supergroup"]).command("connect", async (ctx) => {
    await ctx.say(fmt`${"/connect"} works only in a private chat, so nobody else sees your token. Open a chat with @${ctx.me.username} and send ${"/connect"} there.`);
  });

  feature.chatType("private").command("connect", async (ctx) => {
    const userId = ctx.from.id;
    if (!(await vaultReady(ctx, deps.config, "/connect", "token"))) return;
    const current = await storedTokenOf(deps.db, userId);
    await awaitSecret(storage, userId, "cloudflare-token");
    await ctx.say(fmt`${F.bold("Connect your Cloudflare API token")}
Send the token as your next message (within ${String(AWAITING_TOKEN_MS / 60_000)} minutes). I delete that message at once, check the token with Cloudflare and keep it encrypted; your /cloudflare commands then use it, in every chat.${current ? fmt`\nIt replaces your connected token ${F.code(`…${current.last4}`)}.` : ""}
Create one at ${TOKENS_PAGE} with only the permissions you want the bot to have. ${"/cancel"} stops.`);
  });

  feature.command("disconnect", async (ctx) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const removed = await deleteUserToken(deps.db, userId);
    const fallback = deps.config.CLOUDFLARE_API_TOKEN
      ? "Your /cloudflare commands use the bot's token again."
      : `The bot has no token of its own, so /cloudflare commands need /connect again.`;
    await ctx.say(removed
      ? fmt`Disconnected token ${F.code(`…${removed.last4}`)}: the bot no longer stores it. ${fallback}\nIt still works at Cloudflare until you delete or roll it at ${TOKENS_PAGE}.`
      : fmt`You have no connected token. ${deps.config.CLOUDFLARE_API_TOKEN ? "Your /cloudflare commands use the bot's token." : fmt`Send ${"/connect"} in a private chat to use your own.`}`);
  });

  feature.command("cancel", async (ctx) => {
    await ctx.say(fmt`Nothing to cancel.`);
  });

  return feature;
}

/** Hands an awaited secret to its kind's handler. */
async function handleSecret(deps: ConnectFeatureDeps, kind: AwaitingKind, userId: number, secret: string): Promise<FormattedString> {
  if (kind === "cloudflare-token") return connectToken(deps, userId, secret);
  const handler = deps.secrets?.["llm-key"];
  return handler ? handler(userId, secret, kind) : fmt`This bot cannot store that kind of key here, so nothing was stored.`;
}

/** Checks and stores a token; returns what to tell the person. Never throws, never includes the token. */
async function connectToken(deps: ConnectFeatureDeps, userId: number, token: string): Promise<FormattedString> {
  const retry = fmt`Nothing was stored; send ${"/connect"} to try again.`;
  if (!isWellFormedToken(token)) {
    return fmt`That does not look like a Cloudflare API token (letters, digits, - and _ only, as Cloudflare shows it once when you create it). ${retry}`;
  }
  try {
    const key = await importVaultKey(deps.config.ENCRYPTION_KEY);
    const client = createCloudflareClient({ token, baseUrl: deps.config.CLOUDFLARE_API_BASE, ...deps.client });
    const verified = await verifyToken(client);
    if (verified.status !== "active") {
      const since = verified.expiresOn && verified.status === "expired" ? ` since ${isoDay(verified.expiresOn)}` : "";
      return fmt`Cloudflare says this token is ${verified.status}${since}, so it cannot be used. ${retry}`;
    }
    const stored = await saveUserToken(deps.db, key, { userId, token, tokenId: verified.id });
    console.log(JSON.stringify({ level: "info", event: "user_token_connected", user_id: userId, token_id: verified.id }));
    const expiry = verified.expiresOn ? `expires ${isoDay(verified.expiresOn)}` : "no expiry";
    return fmt`✅ Connected token ${F.code(`…${stored.last4}`)} (status ${verified.status}, ${expiry}). Your /cloudflare commands now use it in every chat; ${"/disconnect"} removes it.`;
  } catch (error) {
    if (error instanceof TokenVaultError) return keyProblemText(error);
    if (error instanceof CloudflareApiError) return fmt`${verifyFailureText(error, deps.config.CLOUDFLARE_API_BASE)} ${retry}`;
    console.error(JSON.stringify({ level: "error", event: "connect_failed", user_id: userId, error: redact(describeError(error), token) }));
    return fmt`⚠️ Something went wrong while storing the token (the bot's logs say what). ${retry}`;
  }
}

function verifyFailureText(error: CloudflareApiError, apiBase: string): string {
  if (error.isAuthError) {
    const says = error.errors.map((e) => (e.code !== undefined ? `${e.message} (code ${e.code})` : e.message)).join("; ");
    return `Cloudflare refused this token: ${says || `HTTP ${error.status}`}.`;
  }
  if (error.reason === "timeout") return "Cloudflare did not answer in time, so the token could not be checked.";
  if (error.reason === "network") return `I could not reach the Cloudflare API at ${new URL(apiBase).host} to check the token.`;
  return `Cloudflare could not check the token: ${error.message}`;
}

/** Why a command that stores a secret cannot work with this ENCRYPTION_KEY, in words for the person. */
export function keyProblemText(error: TokenVaultError, command = "/connect", secret = "token"): FormattedString {
  const what = error.reason === "missing_key" ? "to be set" : "to be 32 random bytes in base64";
  return fmt`${F.code(command)} needs ${F.code("ENCRYPTION_KEY")} ${what}: the bot stores your ${secret} encrypted with it. Ask whoever runs the bot to fix it. ${error.message}`;
}

/** Checks ENCRYPTION_KEY before asking for a secret; tells the person and returns false when it cannot be used. */
export async function vaultReady(ctx: BotContext, config: Pick<Config, "ENCRYPTION_KEY">, command: string, secret: string): Promise<boolean> {
  try {
    await importVaultKey(config.ENCRYPTION_KEY);
    return true;
  } catch (error) {
    if (!(error instanceof TokenVaultError)) throw error;
    await ctx.say(keyProblemText(error, command, secret));
    return false;
  }
}

/** What `userId`'s next message is awaited as, if anything (an expired wait is cleared). */
async function awaitingKind(storage: AwaitingStorage, userId: number): Promise<AwaitingKind | undefined> {
  const parsed = awaitingSchema.safeParse(await storage.get(awaitingKey(userId)));
  if (!parsed.success) return undefined;
  if (parsed.data.until > Date.now()) return parsed.data.kind;
  await storage.delete(awaitingKey(userId));
  return undefined;
}

