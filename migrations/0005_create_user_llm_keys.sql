-- Per-user model API keys (/key <provider>): one row per Telegram user and provider, used for that
-- person's model requests in every chat. Only AES-GCM ciphertext is stored (the same scheme as
-- user_tokens: key derived from ENCRYPTION_KEY; user id and provider bound in as additional data).
CREATE TABLE user_llm_keys (
  user_id     INTEGER NOT NULL,            -- Telegram user id
  provider    TEXT NOT NULL,               -- openai, anthropic, groq, deepseek, openrouter, together, openai-compatible
  ciphertext  TEXT NOT NULL,               -- base64: AES-256-GCM ciphertext with its tag
  iv          TEXT NOT NULL,               -- base64: the random 12-byte IV of this encryption
  last4       TEXT NOT NULL,               -- the key's last 4 characters, to recognise it by
  created_at  INTEGER NOT NULL,            -- ms since epoch
  PRIMARY KEY (user_id, provider)
);
