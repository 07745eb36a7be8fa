/**
 * Personal MCP tokens in D1 (migrations/0007_create_mcp_tokens.sql). A token acts as the Telegram
 * user who created it with `/mcp new <name>` in a private chat: their `/connect` token if any,
 * their limits, their cards. Only its SHA-256 is stored; the token is shown once and never again,
 * never logged, never in audit rows or results. A revoked token stops working at the next request.
 */

/** A token's record, without the token. */
export interface McpToken {
  id: string;
  userId: number;
  userName: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

type Row = { id: string; user_id: number; user_name: string; name: string; created_at: number; last_used_at: number | null; revoked_at: number | null };

/** Prefix of every token, so a leaked one is recognisable (and greppable in secret scanners). */
export const TOKEN_PREFIX = "cmcp_";
/** A token name: what the person calls the client it is for. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** Creates a token for `userId`; returns the token (to show once) and its record. A name already in use is replaced. */
export async function createMcpToken(db: D1Database, input: { userId: number; userName: string; name: string }, now = Date.now()): Promise<{ token: string; record: McpToken }> {
  const token = TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
  const id = base64url(crypto.getRandomValues(new Uint8Array(6)));
  await db.batch([
    db.prepare("DELETE FROM mcp_tokens WHERE user_id = ? AND name = ?").bind(input.userId, input.name),
    db.prepare("INSERT INTO mcp_tokens (id, user_id, user_name, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(id, input.userId, input.userName, input.name, await sha256(token), now),
  ]);
  return { token, record: { id, userId: input.userId, userName: input.userName, name: input.name, createdAt: now, lastUsedAt: null, revokedAt: null } };
}

/** The tokens of one person, newest first (revoked ones too, marked). */
export async function mcpTokensOf(db: D1Database, userId: number): Promise<McpToken[]> {
  const { results } = await db.prepare("SELECT id, user_id, user_name, name, created_at, last_used_at, revoked_at FROM mcp_tokens WHERE user_id = ? ORDER BY created_at DESC").bind(userId).all<Row>();
  return results.map(fromRow);
}

/** Revokes one of a person's tokens by name or id; returns it, or undefined when there was none to revoke. */
export async function revokeMcpToken(db: D1Database, userId: number, nameOrId: string, now = Date.now()): Promise<McpToken | undefined> {
  const row = await db.prepare("UPDATE mcp_tokens SET revoked_at = ? WHERE user_id = ? AND (name = ? OR id = ?) AND revoked_at IS NULL RETURNING id, user_id, user_name, name, created_at, last_used_at, revoked_at")
    .bind(now, userId, nameOrId, nameOrId).first<Row>();
  return row ? fromRow(row) : undefined;
}

/** What a presented token is: its record when it is live, or why it is refused. */
export type TokenCheck = { ok: true; token: McpToken } | { ok: false; reason: "missing" | "unknown" | "revoked" };

/** Checks a bearer token (constant work per token: one hash, one lookup by hash). */
export async function checkMcpToken(db: D1Database, presented: string | undefined): Promise<TokenCheck> {
  if (!presented) return { ok: false, reason: "missing" };
  if (!presented.startsWith(TOKEN_PREFIX) || presented.length > 200) return { ok: false, reason: "unknown" };
  const row = await db.prepare("SELECT id, user_id, user_name, name, created_at, last_used_at, revoked_at FROM mcp_tokens WHERE token_hash = ?").bind(await sha256(presented)).first<Row>();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revoked_at !== null) return { ok: false, reason: "revoked" };
  return { ok: true, token: fromRow(row) };
}

/**
 * Counts one request against the token's per-minute limit and notes its last use; false when the
 * limit is reached. One conditional UPDATE, so concurrent requests cannot both take the last slot.
 */
export async function takeMcpRequest(db: D1Database, tokenId: string, perMinute: number, now = Date.now()): Promise<boolean> {
  const window = Math.floor(now / 60_000) * 60_000;
  const row = await db.prepare(
    `UPDATE mcp_tokens SET
       window_count = CASE WHEN window_start = ?1 THEN window_count + 1 ELSE 1 END,
       window_start = ?1,
       last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ?2 - 60000 THEN ?2 ELSE last_used_at END
     WHERE id = ?3 AND (window_start != ?1 OR window_count < ?4) RETURNING id`,
  ).bind(window, now, tokenId, perMinute).first<{ id: string }>();
  return row !== null;
}

function fromRow(r: Row): McpToken {
  return { id: r.id, userId: r.user_id, userName: r.user_name, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
