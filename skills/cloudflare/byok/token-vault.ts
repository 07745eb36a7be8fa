/**
 * Per-user Cloudflare API tokens ("bring your own key") in D1, table `user_tokens`
 * (migrations/0003_create_user_tokens.sql): one row per Telegram user, so a token connected in a
 * private chat works in every chat. Only the ciphertext, its IV, the last 4 characters and
 * Cloudflare's token id are stored; the plaintext exists only in memory, while a call is made.
 */
import { z } from "zod";
import { decryptToken, encryptToken, importVaultKey } from "./token-crypto.ts";

/** What is known about a stored token without decrypting it. */
export interface StoredToken {
  userId: number;
  /** The token's last 4 characters: enough for a person to recognise it, useless to anyone else. */
  last4: string;
  /** Cloudflare's id of the token (from /user/tokens/verify). */
  tokenId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A stored token, decrypted. */
export interface UserToken extends StoredToken {
  token: string;
}

const rowSchema = z.object({
  user_id: z.number(),
  ciphertext: z.string(),
  iv: z.string(),
  last4: z.string(),
  token_id: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});
type Row = z.infer<typeof rowSchema>;

const COLUMNS = "user_id, ciphertext, iv, last4, token_id, created_at, updated_at";

/** The last 4 characters of a token, as shown to its owner. */
export function last4Of(token: string): string {
  return token.trim().slice(-4);
}

/** Encrypts and stores (or replaces) `userId`'s token; returns what was stored, without the token. */
export async function saveUserToken(
  db: D1Database,
  key: CryptoKey,
  input: { userId: number; token: string; tokenId: string | null },
  now: number = Date.now(),
): Promise<StoredToken> {
  const token = input.token.trim();
  const sealed = await encryptToken(key, token, String(input.userId));
  const row = await db
    .prepare(
      `INSERT INTO user_tokens (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
       ON CONFLICT (user_id) DO UPDATE SET ciphertext = ?2, iv = ?3, last4 = ?4, token_id = ?5, updated_at = ?6
       RETURNING ${COLUMNS}`,
    )
    .bind(input.userId, sealed.ciphertext, sealed.iv, last4Of(token), input.tokenId, now)
    .first();
  return toStored(rowSchema.parse(row));
}

/** What is stored for `userId` (no decryption, so no key needed), or `undefined`. */
export async function storedTokenOf(db: D1Database, userId: number): Promise<StoredToken | undefined> {
  const row = await readRow(db, userId);
  return row ? toStored(row) : undefined;
}

/**
 * `userId`'s token when they connected one, reading the key from `ENCRYPTION_KEY` only then, so a
 * deployment without per-user tokens needs no key. Throws `TokenVaultError` when a stored token
 * cannot be used (key missing, malformed or changed).
 */
export async function userTokenFor(db: D1Database, encryptionKey: string | undefined, userId: number): Promise<UserToken | undefined> {
  const row = await readRow(db, userId);
  if (!row) return undefined;
  const key = await importVaultKey(encryptionKey);
  const token = await decryptToken(key, { ciphertext: row.ciphertext, iv: row.iv }, String(userId));
  return { ...toStored(row), token };
}

/** Deletes `userId`'s token; returns what was deleted, or `undefined` when there was none. */
export async function deleteUserToken(db: D1Database, userId: number): Promise<StoredToken | undefined> {
  const row = await db.prepare(`DELETE FROM user_tokens WHERE user_id = ? RETURNING ${COLUMNS}`).bind(userId).first();
  return row ? toStored(rowSchema.parse(row)) : undefined;
}

async function readRow(db: D1Database, userId: number): Promise<Row | undefined> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM user_tokens WHERE user_id = ?`).bind(userId).first();
  return row ? rowSchema.parse(row) : undefined;
}

function toStored(row: Row): StoredToken {
  return { userId: row.user_id, last4: row.last4, tokenId: row.token_id, createdAt: row.created_at, updatedAt: row.updated_at };
}
