/**
 * Per-user model API keys (`/key <provider>`) in D1, table `user_llm_keys`
 * (migrations/0005_create_user_llm_keys.sql): one row per Telegram user and provider. Encrypted
 * like the Cloudflare tokens (token-crypto.ts), with the user id and the provider bound in as
 * additional data, so a row moved to another user or provider fails to decrypt. Only the
 * ciphertext, its IV and the last 4 characters are stored; keys are never checked with the provider.
 */
import { z } from "zod";
import { decryptToken, encryptToken, importVaultKey, TokenVaultError } from "./token-crypto.ts";
import { last4Of } from "./token-vault.ts";

/** What is known about a stored model key without decrypting it. */
export interface StoredLlmKey {
  provider: string;
  /** The key's last 4 characters. */
  last4: string;
  createdAt: number;
}

/** A person's decrypted model keys by provider. */
export type LlmKeys = Partial<Record<string, string>>;

const rowSchema = z.object({
  user_id: z.number(),
  provider: z.string(),
  ciphertext: z.string(),
  iv: z.string(),
  last4: z.string(),
  created_at: z.number(),
});
type Row = z.infer<typeof rowSchema>;

const COLUMNS = "user_id, provider, ciphertext, iv, last4, created_at";

/** The additional data a key is sealed under: its owner and provider. */
const ownerOf = (userId: number, provider: string) => `${userId}:llm-key:${provider}`;

/** Encrypts and stores (or replaces) `userId`'s key for `provider`; returns what was stored, without the key. */
export async function saveLlmKey(
  db: D1Database,
  key: CryptoKey,
  input: { userId: number; provider: string; apiKey: string },
  now: number = Date.now(),
): Promise<StoredLlmKey> {
  const apiKey = input.apiKey.trim();
  const sealed = await encryptToken(key, apiKey, ownerOf(input.userId, input.provider));
  const row = await db
    .prepare(
      `INSERT INTO user_llm_keys (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (user_id, provider) DO UPDATE SET ciphertext = ?3, iv = ?4, last4 = ?5, created_at = ?6
       RETURNING ${COLUMNS}`,
    )
    .bind(input.userId, input.provider, sealed.ciphertext, sealed.iv, last4Of(apiKey), now)
    .first();
  return toStored(rowSchema.parse(row));
}

/** The providers `userId` stored keys for (no decryption, so no key needed), by provider name. */
export async function storedLlmKeysOf(db: D1Database, userId: number): Promise<StoredLlmKey[]> {
  return (await readRows(db, userId)).map(toStored);
}

/**
 * `userId`'s model keys, decrypted; reads `ENCRYPTION_KEY` only when there are any, so a
 * deployment without per-user keys needs no key. Throws `TokenVaultError` when a stored key
 * cannot be used (encryption key missing, malformed or changed).
 */
export async function llmKeysFor(db: D1Database, encryptionKey: string | undefined, userId: number): Promise<LlmKeys> {
  const rows = await readRows(db, userId);
  if (rows.length === 0) return {};
  const key = await importVaultKey(encryptionKey);
  const keys: LlmKeys = {};
  for (const row of rows) {
    try {
      keys[row.provider] = await decryptToken(key, { ciphertext: row.ciphertext, iv: row.iv }, ownerOf(userId, row.provider));
    } catch (error) {
      if (!(error instanceof TokenVaultError)) throw error;
      throw new TokenVaultError("decrypt_failed",
        `Your stored ${row.provider} API key could not be decrypted: ENCRYPTION_KEY changed since it was stored, or the stored row was altered. Send /key ${row.provider} remove, then /key ${row.provider} again.`);
    }
  }
  return keys;
}

/** Deletes `userId`'s key for `provider`; returns what was deleted, or `undefined` when there was none. */
export async function deleteLlmKey(db: D1Database, userId: number, provider: string): Promise<StoredLlmKey | undefined> {
  const row = await db.prepare(`DELETE FROM user_llm_keys WHERE user_id = ? AND provider = ? RETURNING ${COLUMNS}`).bind(userId, provider).first();
  return row ? toStored(rowSchema.parse(row)) : undefined;
}

async function readRows(db: D1Database, userId: number): Promise<Row[]> {
  const { results } = await db.prepare(`SELECT ${COLUMNS} FROM user_llm_keys WHERE user_id = ? ORDER BY provider`).bind(userId).all();
  return z.array(rowSchema).parse(results);
}

function toStored(row: Row): StoredLlmKey {
  return { provider: row.provider, last4: row.last4, createdAt: row.created_at };
}
