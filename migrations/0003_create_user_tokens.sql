-- Per-user Cloudflare API tokens (/connect): one row per Telegram user, so a token works in every
-- chat. Only AES-GCM ciphertext is stored (key derived from the ENCRYPTION_KEY secret; the user id
-- is bound in as additional data), never the token itself.
CREATE TABLE user_tokens (
  user_id     INTEGER PRIMARY KEY,         -- Telegram user id
  ciphertext  TEXT NOT NULL,               -- base64: AES-256-GCM ciphertext with its tag
  iv          TEXT NOT NULL,               -- base64: the random 12-byte IV of this encryption
  last4       TEXT NOT NULL,               -- the token's last 4 characters, to recognise it by
  token_id    TEXT,                        -- Cloudflare's id of the token (from /user/tokens/verify)
  created_at  INTEGER NOT NULL,            -- ms since epoch
  updated_at  INTEGER NOT NULL
);
