-- Personal MCP tokens (/mcp in a private chat with the bot): a token acts as the Telegram user who
-- created it. Only the SHA-256 of the token is stored; the token itself is shown once.
CREATE TABLE mcp_tokens (
  id            TEXT PRIMARY KEY,            -- short random id, shown in /mcp lists
  user_id       INTEGER NOT NULL,            -- Telegram user id the token acts as
  user_name     TEXT NOT NULL,               -- how cards name that person
  name          TEXT NOT NULL,               -- the person's name for it ("laptop", "cursor")
  token_hash    TEXT NOT NULL UNIQUE,        -- hex SHA-256 of the token
  created_at    INTEGER NOT NULL,            -- ms since epoch
  last_used_at  INTEGER,                     -- ms since epoch, updated at most once a minute
  revoked_at    INTEGER,                     -- set by /mcp revoke: the token stops working at once
  window_start  INTEGER NOT NULL DEFAULT 0,  -- rate limit: start of the current minute window
  window_count  INTEGER NOT NULL DEFAULT 0,  -- rate limit: requests in it
  UNIQUE (user_id, name)
);
