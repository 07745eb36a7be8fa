/**
 * `/key`: a person's own model API keys (bring your own key), one per provider.
 *
 * `/key <provider>` (private chats only) waits for the key as the next message through the same
 * "awaiting a secret" mechanism as `/connect` (connect.ts): that message is deleted at once and
 * the key is stored encrypted in D1 (skills/cloudflare/byok/llm-key-vault.ts), bound to the user
 * and the provider. It is not checked with the provider; the person's next model request uses it
 * (skills/cloudflare/agent/providers.ts). `/key` lists the stored providers, `/key <provider> remove`
 * deletes one.
 *
 * Invariants: a key never appears in a message, a log line or an error text; only its last 4 do.
 */
import { FormattedString as F, fmt, type FormattedString } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { redact } from "../../skills/cloudflare/api/index.ts";
import { availableModels, KEY_PROVIDERS } from "../../skills/cloudflare/agent/providers.ts";
import { deleteLlmKey, importVaultKey, saveLlmKey, storedLlmKeysOf, TokenVaultError } from "../../skills/cloudflare/byok/index.ts";
import type { Config } from "../../core/config.ts";
import { describeError } from "../../core/errors.ts";
import { AWAITING_TOKEN_MS, awaitSecret, keyProblemText, vaultReady, type AwaitingStorage, type SecretHandler } from "./connect.ts";

/** What the /key feature needs. */
export interface LlmKeysFeatureDeps {
  config: Config;
  env: Env;
  db: D1Database;
  storage: AwaitingStorage;
}

const PROVIDER_LIST = KEY_PROVIDERS.join(", ");
/** A key as services issue them: one line of visible ASCII, no spaces. */
const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/;

function isKeyProvider(name: string): name is (typeof KEY_PROVIDERS)[number] {
  return (KEY_PROVIDERS as readonly string[]).includes(name);
}

/** The /key command; the key message itself is handled by the connect feature through `storeLlmKey`. */
export function createLlmKeysFeature(deps: LlmKeysFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.chatType(["group", "supergroup"]).command("key", async (ctx) => {
    await ctx.say(fmt`${"/key"} works only in a private chat, so nobody else sees your key. Open a chat with @${ctx.me.username} and send ${"/key"} there.`);
  });

  feature.chatType("private").command("key", async (ctx) => {
    const userId = ctx.from.id;
    const [name = "", action = "", ...rest] = ctx.match.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (name === "") {
      await ctx.say(await listText(deps, userId));
      return;
    }
    if (!isKeyProvider(name) || rest.length > 0 || (action !== "" && action !== "remove")) {
      await ctx.say(fmt`${isKeyProvider(name) ? fmt`I don't understand that.` : fmt`No provider ${F.code(name.slice(0, 40))}.`} ${usage()}`);
      return;
    }
    if (action === "remove") {
      const removed = await deleteLlmKey(deps.db, userId, name);
      await ctx.say(removed
        ? fmt`Removed your ${name} key ${F.code(`…${removed.last4}`)}: the bot no longer stores it. It still works at ${name} until you revoke it there.`
        : fmt`You have no ${name} key stored. ${"/key"} lists yours.`);
      return;
    }
    if (!(await vaultReady(ctx, deps.config, "/key", "key"))) return;
    const current = (await storedLlmKeysOf(deps.db, userId)).find((k) => k.provider === name);
    await awaitSecret(deps.storage, userId, `llm-key:${name}`);
    await ctx.say(fmt`${F.bold(`Store your ${name} API key`)}
Send the key as your next message (within ${String(AWAITING_TOKEN_MS / 60_000)} minutes). I delete that message at once and keep the key encrypted; your model requests then use it, in every chat. It is not checked with ${name}.${current ? fmt`\nIt replaces your stored key ${F.code(`…${current.last4}`)}.` : ""}
${"/cancel"} stops.`);
  });

  return feature;
}

/** Stores an awaited model key (`llm-key:<provider>`); the connect feature calls it. Never throws, never includes the key. */
export function storeLlmKey(deps: LlmKeysFeatureDeps): SecretHandler {
  return async (userId, secret, kind) => {
    const provider = kind.slice("llm-key:".length);
    const retry = fmt`Nothing was stored; send ${F.code(`/key ${provider}`)} to try again.`;
    if (!isKeyProvider(provider)) return fmt`No provider ${F.code(provider)}. ${retry}`;
    if (!KEY_SHAPE.test(secret)) return fmt`That does not look like an API key (one line of letters, digits and symbols, no spaces). ${retry}`;
    try {
      const key = await importVaultKey(deps.config.ENCRYPTION_KEY);
      const stored = await saveLlmKey(deps.db, key, { userId, provider, apiKey: secret });
      console.log(JSON.stringify({ level: "info", event: "user_llm_key_stored", user_id: userId, provider }));
      const models = ownModelIds(deps, provider);
      const use = models.length > 0
        ? fmt`it is used on your next request (${F.join(models.map((m) => F.code(m)), ", ")}; ${"/model"} picks another).`
        : fmt`but no model uses it here: ${provider} keys are used only when the bot's ${F.code("LLM_PROVIDER")} is ${provider}.`;
      return fmt`✅ Stored your ${provider} key ${F.code(`…${stored.last4}`)} — stored, not checked: ${use} ${F.code(`/key ${provider} remove`)} deletes it.`;
    } catch (error) {
      if (error instanceof TokenVaultError) return keyProblemText(error, "/key", "key");
      console.error(JSON.stringify({ level: "error", event: "llm_key_store_failed", user_id: userId, provider, error: redact(describeError(error), secret) }));
      return fmt`⚠️ Something went wrong while storing the key (the bot's logs say what). ${retry}`;
    }
  };
}

/** The models a key for `provider` gives its owner (a placeholder stands in for the key; nothing is called). */
function ownModelIds(deps: LlmKeysFeatureDeps, provider: string): string[] {
  try {
    return availableModels(deps.config, deps.env, { [provider]: "placeholder" }).filter((m) => m.ownKey).map((m) => m.id);
  } catch {
    return [];
  }
}

async function listText(deps: LlmKeysFeatureDeps, userId: number): Promise<FormattedString> {
  const stored = await storedLlmKeysOf(deps.db, userId);
  const lines = stored.map((k) => fmt`${F.code(k.provider)} ${F.code(`…${k.last4}`)}`);
  const head = stored.length > 0
    ? fmt`${F.bold("Your model API keys")}\n${F.join(lines, "\n")}`
    : fmt`${F.bold("Your model API keys")}: none stored; your requests use the bot's model.`;
  return fmt`${head}\n\n${usage()}`;
}

function usage(): FormattedString {
  return fmt`${F.code("/key <provider>")} stores your own key (I delete the message with it at once; it is kept encrypted and used for your requests), ${F.code("/key <provider> remove")} deletes it. Providers: ${PROVIDER_LIST}.`;
}


